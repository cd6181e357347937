"""Building a run's output tables from its journal and raw responses.

The tables are a pure projection of the journal (one ``documents`` row per manifest row
of this run, in manifest order) plus the saved raw responses, so they can be rebuilt at
any time — after a resume, or after a parser improvement (``docbatch reparse``) —
without calling an engine.  Tables are written into a staging folder and each finished
table folder is swapped into place, so readers never see a half-written table.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import itertools
import multiprocessing
import os
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyarrow as pa

from .parse.document import ParseOptions
from .projection import RAW_MISSING, DocumentRows, Projector
from .sinks import SINKS
from .sinks.base import TableWriter
from .sinks.schema import PASSTHROUGH_TABLES, TABLES
from .state import Journal, JournalRow

_CHUNK = 2000  # documents handed to the parse workers at a time
PARALLEL_FROM = 1000  # documents in a run before parsing goes to worker processes


def passthrough_names(columns: Iterable[str]) -> dict[str, str]:
    """Manifest column -> output column; a name docbatch owns gets a ``manifest_`` prefix."""
    owned = {name for schema in TABLES.values() for name in schema.names}
    return {c: (f"manifest_{c}" if c in owned else c) for c in columns}


@dataclass(frozen=True)
class TableSet:
    """Writers for every table in every requested format, in a staging folder."""

    writers: dict[str, list[TableWriter]]
    schemas: dict[str, pa.Schema]


def _open_tables(staging: Path, formats: Iterable[str], pt_out: list[str]) -> TableSet:
    schemas: dict[str, pa.Schema] = {}
    writers: dict[str, list[TableWriter]] = defaultdict(list)
    for table, schema in TABLES.items():
        if table in PASSTHROUGH_TABLES:
            schema = pa.schema(list(schema) + [pa.field(c, pa.string()) for c in pt_out])
        schemas[table] = schema
        for fmt in formats:
            sink = SINKS[fmt]()
            writers[table].append(sink.writer(staging / sink.subdir / table, schema))
    return TableSet(dict(writers), schemas)


def build_outputs(
    journal: Journal,
    run_id: str,
    *,
    out_dir: Path,
    formats: Iterable[str],
    passthrough_columns: list[str],
    options: ParseOptions,
    part_rows: int = 50_000,
    workers: int | None = None,
) -> dict[str, int]:
    """Write every table for this run's documents; returns rows written per table.

    Parsing costs tens of milliseconds a document, so a large run parses in ``workers``
    processes (default: one per core once a run holds ``PARALLEL_FROM`` documents; small
    runs are not worth a process start), in chunks, written in manifest order.
    """
    if workers is None:
        n_docs = sum(journal.counts(run_id).values())
        workers = (os.cpu_count() or 1) if n_docs >= PARALLEL_FROM else 1
    formats = list(formats)
    pt_map = passthrough_names(passthrough_columns)
    staging = out_dir / f".staging-{run_id}"
    for stale in [*out_dir.glob(".staging-*"), *out_dir.glob(".trash-*")]:
        shutil.rmtree(stale, ignore_errors=True)  # a full copy of the tables left by a run killed mid-build
    tables = _open_tables(staging, formats, list(pt_map.values()))
    buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    counts = {t: 0 for t in TABLES}
    project = Projector(raw_dir=out_dir / "raw", options=options, passthrough=pt_map)
    failed_path = staging / "failed.csv"
    docs_in_buffer = 0

    def flush(final: bool = False) -> None:
        for name, rows in buffers.items():
            if rows or (final and all(w.parts == 0 for w in tables.writers[name])):
                table = pa.Table.from_pylist(rows, schema=tables.schemas[name])
                for w in tables.writers[name]:
                    w.write(table)
                counts[name] += len(rows)
                rows.clear()

    staging.mkdir(parents=True, exist_ok=True)
    with open(failed_path, "w", newline="", encoding="utf-8") as fh:
        # failed.csv is itself a manifest: one fixed header (rows of a JSON Lines manifest
        # differ in keys, a malformed row has none), canonical sources and doc ids, so it
        # runs from any folder and keeps the ids.
        failed_writer = csv.DictWriter(fh, fieldnames=list(dict.fromkeys(
            ["source", "doc_type", "doc_id", *passthrough_columns, "error_code", "error_message"])),
            extrasaction="ignore")
        failed_writer.writeheader()
        for rows in _projected(journal.rows(run_id), project, workers):
            doc = rows.documents
            if doc["error_code"] == RAW_MISSING:
                journal.invalidate(doc["doc_id"], RAW_MISSING, doc["error_message"])
            buffers["documents"].append(doc)
            for name in ("detections", "receipts", "receipt_items", "ids"):
                buffers[name].extend(getattr(rows, name))
            if rows.failed is not None:
                failed_writer.writerow(rows.failed)
            docs_in_buffer += 1
            if docs_in_buffer >= part_rows:
                flush()
                docs_in_buffer = 0
    flush(final=True)
    _swap_into_place(staging, out_dir, formats)
    return counts


def _projected(rows: Iterable[JournalRow], project: Projector, workers: int) -> Iterator[DocumentRows]:
    """``project`` over ``rows`` in order; in worker processes when ``workers`` > 1.

    Rows go to the pool a chunk at a time (``Executor.map`` would submit them all at
    once), so memory stays flat on any run size.
    """
    if workers <= 1:
        yield from map(project, rows)
        return
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        it = iter(rows)
        while chunk := list(itertools.islice(it, _CHUNK)):
            yield from pool.map(project, chunk, chunksize=max(1, len(chunk) // (workers * 4)))


def _swap_into_place(staging: Path, out_dir: Path, formats: list[str]) -> None:
    """Replace each finished table folder (and failed.csv) in one rename each."""
    moves: list[tuple[Path, Path]] = []
    for fmt in formats:
        sub = SINKS[fmt].subdir
        for table in TABLES:
            moves.append((staging / sub / table, out_dir / sub / table))
    moves.append((staging / "failed.csv", out_dir / "failed.csv"))
    trash = out_dir / f".trash-{staging.name}"
    for src, dst in moves:
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():
            old = trash / dst.relative_to(out_dir)
            old.parent.mkdir(parents=True, exist_ok=True)
            os.replace(dst, old)
        os.replace(src, dst)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
