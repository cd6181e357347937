"""Building a run's output tables from its journal and raw responses.

The tables are a pure projection of the journal (one ``documents`` row per manifest row
of this run, in manifest order) plus the saved raw responses, so they can be rebuilt at
any time — after a resume, or after a parser improvement (``docbatch reparse``) —
without calling an engine.  Which tables exist is the catalogue's to say; where they are
written and how they become visible is the run folder's (staged, then swapped in).  This
module writes nothing to the journal: it reports documents whose saved response proved
unusable, and the caller decides.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import csv
import datetime as dt
import itertools
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterable, Iterator

import pyarrow as pa

from .config import OutputSettings, ParseSettings
from .heap import release_memory
from .parse.catalog import PARTITION_KEYS, TABLES
from .projection import DocumentRows, Projector
from .runfolder import RunFolder
from .staging import Staging
from .sinks import SINKS
from .sinks.base import TableWriter
from .sinks.csv import neutralise_text
from .sinks.partition import PartitionedWriter, with_partition_columns
from .sinks.schema import arrow_schema
from .state import JournalRow
from .workers import die_with_parent

_CHUNK = 2000  # documents handed to the parse workers at a time
_PROBE = 200  # documents parsed here first, timed, to decide whether workers are worth it
PARALLEL_FROM = 1000  # documents in a run before parsing may go to worker processes
#: CPU seconds of parsing still to do, as the first ``_PROBE`` documents parsed here predict,
#: under which no worker processes are started: each costs ~1.5 s of CPU to start (imports),
#: which a batch of cheap documents (failures, one-line answers) never wins back.
PARALLEL_WORTH_S = 6.0


def passthrough_names(columns: Iterable[str]) -> dict[str, str]:
    """Manifest column -> output column; a name docbatch owns gets a ``manifest_`` prefix.

    Names are compared without case (DuckDB, Athena and Glue match columns so: a manifest's
    ``Total`` would read back as docbatch's ``total``) and the partition keys are docbatch's
    too (a Hive folder's key stands for the column of its name, whether or not this run
    partitions).  A prefixed name the manifest also holds gets one more prefix."""
    columns = list(columns)
    owned = {name.casefold() for table in TABLES.values() for name in table.names} | set(PARTITION_KEYS)
    taken = owned | {c.casefold() for c in columns if c.casefold() not in owned}
    out = {}
    for column in columns:
        name = column
        if column.casefold() in owned:
            name = f"manifest_{column}"
            while name.casefold() in taken:
                name = f"manifest_{name}"
            taken.add(name.casefold())
        out[column] = name
    return out


@dataclass
class BuiltTables:
    """What building the tables did: rows per table, and the documents found without a usable
    response, as ``(doc_id, error_code, error_message)``."""

    counts: dict[str, int]
    unusable: list[tuple[str, str, str]] = field(default_factory=list)


def build_outputs(
    rows: Iterable[JournalRow],
    *,
    folder: RunFolder,
    run_id: str,
    n_docs: int,
    output: OutputSettings,
    parse: ParseSettings,
    passthrough_columns: list[str],
    workers: int | None = None,
    commit_check: Callable[[], None] | None = None,
) -> BuiltTables:
    """Write every table for the journal ``rows`` (one run's documents, in manifest order).

    Parsing costs up to tens of milliseconds a document, so a large run parses in
    ``workers`` processes, in chunks, written in manifest order.  By default (``workers``
    None) a run of ``PARALLEL_FROM`` documents or more parses its first ``_PROBE`` here and
    starts one process per core only if the rest would take ``PARALLEL_WORTH_S`` CPU
    seconds or more at that pace (small or cheap runs are not worth a process start).
    ``commit_check`` runs at the commit point, once every table is built and before any is
    visible (the run lock's compare-and-swap: a run that lost its folder meanwhile publishes nothing).
    """
    adaptive = workers is None
    if workers is None:
        workers = (os.cpu_count() or 1) if n_docs >= PARALLEL_FROM else 1
    pt_map = passthrough_names(passthrough_columns)
    staging = folder.staging(run_id)
    keys = output.partition_by
    schemas = {name: with_partition_columns(arrow_schema(t, pt_map.values()), keys) for name, t in TABLES.items()}
    run_values = {"run_date": run_date_of(run_id, parse.run_date)}
    writers = _open_writers(folder, staging, output.formats, schemas, keys, run_values)
    # A part's rows wait as Arrow batches (columns), sealed every _CHUNK documents: as dicts,
    # a 50,000-document part held ~250 MB.
    buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    batches: dict[str, list[pa.RecordBatch]] = {t: [] for t in TABLES}
    built = BuiltTables(counts={t: 0 for t in TABLES})
    project = Projector(folder=folder, settings=parse, passthrough=pt_map, run_id=run_id)

    def seal() -> None:
        for name, buffered in buffers.items():
            if buffered:
                batches[name].append(pa.RecordBatch.from_pylist(buffered, schema=schemas[name]))
                buffered.clear()

    def flush(final: bool = False) -> None:
        seal()
        for name, sealed in batches.items():
            if sealed or (final and all(w.parts == 0 for w in writers[name])):
                table = pa.Table.from_batches(sealed, schema=schemas[name])
                for w in writers[name]:
                    w.write(table)
                built.counts[name] += table.num_rows
                sealed.clear()
        release_memory()  # the part's rows and their Parquet encoding, freed: the next part starts low

    with contextlib.ExitStack() as stack:
        # failed.csv stays faithful (it is fed back as a manifest); the csv/ copy is escaped.
        failed = [_failed_csv(stack.enter_context(staging.open_failed_csv()), passthrough_columns, escape=False)]
        if "csv" in output.formats:
            failed.append(_failed_csv(stack.enter_context(staging.open_failed_csv(escaped=True)),
                                      passthrough_columns, escape=True))
        docs_in_buffer = 0
        last_failed: str | None = None
        for doc_rows in _projected(rows, project, workers, n_docs if adaptive else None):
            if doc_rows.unusable:
                doc = doc_rows.document
                built.unusable.append((doc["doc_id"], doc["error_code"], doc["error_message"]))
            values = {k: run_values[k] if k in run_values else doc_rows.document.get(k) for k in keys}
            for name, table_rows in doc_rows.tables.items():
                for row in table_rows:
                    row.update(values)
                buffers[name].extend(table_rows)
            if doc_rows.failed is not None and doc_rows.failed["doc_id"] != last_failed:
                last_failed = doc_rows.failed["doc_id"]  # the pages of a source fail it once
                for write in failed:
                    write(doc_rows.failed)
            docs_in_buffer += 1
            if docs_in_buffer >= output.part_rows:
                flush()
                docs_in_buffer = 0
            elif docs_in_buffer % _CHUNK == 0:
                seal()
    flush(final=True)
    staging.swap_into_place(((SINKS[fmt].subdir, name) for fmt in output.formats for name in TABLES),
                            check=commit_check,
                            dropped=[(SINKS[fmt].subdir, name) for fmt in SINKS if fmt not in output.formats
                                     for name in TABLES])
    return built


def run_date_of(run_id: str, fallback: dt.date) -> str:
    """The UTC day a run started, from its id (``20261201T010203Z-...``); ``fallback`` for a chosen id."""
    try:
        return dt.datetime.strptime(run_id[:8], "%Y%m%d").date().isoformat()
    except ValueError:
        return fallback.isoformat()


Writer = TableWriter | PartitionedWriter


def _open_writers(folder: RunFolder, staging: Staging, formats: Iterable[str], schemas: dict[str, pa.Schema],
                  keys: tuple[str, ...], run_values: dict[str, str]) -> dict[str, list[Writer]]:
    """Every catalogue table's writer in every format, in the staging area (partitioned when ``keys``)."""
    def writer(fmt: str, name: str, schema: pa.Schema) -> Writer:
        path = staging.table_path(SINKS[fmt].subdir, name)
        if keys:
            return PartitionedWriter(SINKS[fmt](), folder.fs, path, schema, keys, run_values,
                                     suffix=staging.part_suffix)
        return SINKS[fmt]().writer(folder.fs, path, schema, suffix=staging.part_suffix)

    return {name: [writer(fmt, name, schema) for fmt in formats] for name, schema in schemas.items()}


def _failed_csv(fh: IO[str], passthrough_columns: list[str], *, escape: bool) -> Callable[[dict[str, Any]], None]:
    """A row writer for failed.csv, itself a manifest: one fixed header (rows of a JSON Lines
    manifest differ in keys, a malformed row has none), canonical sources and doc ids, so it
    runs from any folder and keeps the ids.  ``escape`` neutralises formula-looking cells
    (the copy under csv/ for spreadsheets; the manifest copy must keep values as given)."""
    fieldnames = list(dict.fromkeys(["source", "doc_type", "doc_id", *passthrough_columns, "error_code",
                                     "error_message"]))
    writer = csv.DictWriter(fh, fieldnames=fieldnames, extrasaction="ignore")
    if not escape:
        writer.writeheader()
        return writer.writerow
    writer.writerow({name: neutralise_text(name) for name in fieldnames})  # the header, its cells escaped too
    return lambda row: writer.writerow({k: neutralise_text(v) for k, v in row.items()})


def _projected(rows: Iterable[JournalRow], project: Projector, workers: int,
               n_docs: int | None = None) -> Iterator[DocumentRows]:
    """``project`` over ``rows`` in order; in worker processes when ``workers`` > 1.

    With ``n_docs`` (the run's size), the first ``_PROBE`` rows are projected here and timed: the
    pool starts only if the other ``n_docs`` would cost ``PARALLEL_WORTH_S`` CPU seconds
    or more at its pace.  Rows go to the pool a chunk at a time (``Executor.map`` would
    submit them all at once), so memory stays flat on any run size.
    """
    it = iter(rows)
    if workers > 1 and n_docs is not None:
        started = time.thread_time()
        first = [project(row) for row in itertools.islice(it, _PROBE)]
        per_doc = (time.thread_time() - started) / max(1, len(first))
        yield from first
        if per_doc * (n_docs - len(first)) < PARALLEL_WORTH_S:
            workers = 1
    if workers <= 1:
        yield from map(project, it)
        return
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        while chunk := list(itertools.islice(it, _CHUNK)):
            yield from pool.map(project, chunk, chunksize=max(1, len(chunk) // (workers * 4)))
