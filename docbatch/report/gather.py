"""What a report is made of, read from a run folder (local or S3) and a reconciliation folder.

Only outputs are read: ``run.json`` and ``runs/*.json``, the ``documents``, ``receipts``
and ``ids`` tables, the LINE detections of the documents shown for review (filtered as
they are read, so a large run's detections never sit in memory), and a reconciliation's
``summary.json`` and tables.  Never the journal, never the engine.  Every path comes from
the run folder object, so a folder on S3 reads like a local one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pyarrow.dataset as ds
import pyarrow.fs as pafs

from ..errors import ConfigError
from ..publication import Published
from ..runfolder import RUNS, RunFolder
from ..table_folders import read_published, read_table
from ..shards import Shard

#: The run tables a report reads, and the reconciliation tables it reads.
RUN_TABLES = ("documents", "receipts", "ids")
RECON_TABLES = ("matches", "needs_review", "unmatched_receipts", "unmatched_transactions")
#: Columns of the detections a review crop needs.
LINE_COLUMNS = ["doc_id", "id", "text", "left", "top", "width", "height"]


@dataclass
class Recon:
    """A reconciliation's summary and tables (rows as dicts)."""

    folder: str
    summary: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class RunData:
    """A run folder's facts: run.json, every run's summary, and the tables' rows."""

    folder: RunFolder
    run: dict[str, Any]
    history: list[dict[str, Any]]
    tables: dict[str, list[dict[str, Any]]]
    #: The builds the tables were read from (the detections of the documents for review too).
    published: Published
    recon: Recon | None = None
    #: Each shard's own run.json, in shard order, for a split run that ``docbatch merge`` summed.
    shard_runs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tables_missing(self) -> bool:
        """run.json counts documents but no documents table is there: the run stopped before its tables."""
        return not self.tables["documents"] and bool((self.run.get("counts") or {}).get("total"))

    @property
    def redacted(self) -> bool:
        """Whether the run was made with ``--redact``."""
        return bool((self.run.get("config") or {}).get("redact"))


def gather(folder: RunFolder, *, recon: str | Path | None = None) -> RunData:
    """Read what a report shows; a folder without run.json is refused with one clear line."""
    run = folder.read_run_json()
    if run is None:
        hint = ("a split run's: `docbatch merge` it once every shard is done" if folder.shards()
                else "run `docbatch run` into it first")
        raise ConfigError(f"{folder.uri} holds no run.json: not a finished docbatch run folder ({hint})")
    published = Published(folder)
    tables = {name: read_published(published, name) for name in RUN_TABLES}
    history = _history(folder)
    found = read_recon(recon) if recon is not None else None
    if found is not None:
        _check_recon_is_of(found, folder, batch_runs(run, history) | {r.get("run_id") for r in tables["receipts"]})
    return RunData(folder=folder, run=run, history=history, tables=tables, published=published,
                   recon=found, shard_runs=_shard_runs(folder, run))


def batch_runs(run: dict[str, Any], history: list[dict[str, Any]]) -> set[Any]:
    """Run ids of the batch the folder's tables hold: the latest run and, newest first, the runs
    before it of the same manifest, back to the one that replaced the batch before (``--replace``).

    A folder reused for another manifest keeps the earlier batch's runs in ``runs/``; a resumed
    run is of the same batch as the runs it resumed."""
    manifest = (run.get("config") or {}).get("manifest")
    ids = {run.get("run_id")}
    if (run.get("config") or {}).get("replace"):
        return ids
    # newest first by start time: run ids sort by the second they started in, then at random
    for past in sorted(history, key=lambda r: str((r.get("timings") or {}).get("started_at", "")), reverse=True):
        config = past.get("config") or {}
        if past.get("run_id") == run.get("run_id"):
            continue
        if config.get("manifest") != manifest:
            break
        ids.add(past.get("run_id"))
        if config.get("replace"):
            break
    return ids


def _check_recon_is_of(recon: Recon, folder: RunFolder, runs: set[Any]) -> None:
    """Refuse a reconciliation of other receipts than the tables' (last night's, another batch's,
    this folder's before ``--replace``): its receipts, match rate and money would read as this
    run's.  Rows name the run their receipt came from; a reconciliation whose rows name runs,
    none of them of this folder's batch, is refused (one of receipts given without a run_id
    names none and is taken as is)."""
    named = {row.get("run_id") for rows in recon.tables.values() for row in rows} - {None}
    if named and not named & runs:
        raise ConfigError(f"--recon {recon.folder} reconciled the receipts of run {', '.join(sorted(named))}, "
                          f"not of the batch in {folder.uri} (its runs: {', '.join(sorted(map(str, runs - {None})))}): "
                          "give the reconciliation of this run folder's receipts (docbatch reconcile again)")


def _shard_runs(folder: RunFolder, run: dict[str, Any]) -> list[dict[str, Any]]:
    """A merged run's shards' own run.json (their call figures are not summed: rates and
    percentiles do not add)."""
    out = []
    for s in run.get("shards") or []:
        own = RunFolder(folder.uri, sources=folder.s3.sources if folder.s3 else None, shard=Shard(int(s["index"]), int(s["count"])))
        out.append(own.read_run_json() or {})
    return out


def lines_of(published: Published, doc_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """LINE detections of ``doc_ids`` (read with a filter: only those documents' rows), from
    the builds the report's tables came from."""
    wanted = sorted(set(doc_ids))
    if not wanted:
        return {}
    where = ds.field("doc_id").isin(wanted) & (ds.field("type") == "LINE")
    out: dict[str, list[dict[str, Any]]] = {}
    for row in read_published(published, "detections", columns=LINE_COLUMNS, where=where):
        out.setdefault(row["doc_id"], []).append(row)
    return out


def read_recon(root: str | Path) -> Recon:
    """A ``docbatch reconcile`` output folder (local): summary.json and its four tables."""
    path = Path(root).resolve()
    summary_path = path / "summary.json"
    if not summary_path.is_file():
        raise ConfigError(f"--recon {root} holds no summary.json: not a `docbatch reconcile` output folder")
    fs = pafs.LocalFileSystem()
    tables = {name: read_table(fs, (path / name).as_posix()) for name in RECON_TABLES}
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    if summary.get("receipts") and not any(tables.values()):
        # Every receipt is a row of one of its tables: none read means they were not written as Parquet,
        # and without them whose receipts these are could not be checked, nor its scores shown.
        raise ConfigError(f"--recon {root} holds no Parquet tables (reconciled with --format csv only?): "
                          "the report reads them; reconcile again with --format parquet,csv")
    return Recon(folder=str(path), summary=summary, tables=tables)


def _history(folder: RunFolder) -> list[dict[str, Any]]:
    """Every run's summary from runs/, oldest first (run ids sort by time)."""
    out = []
    for info in folder.fs.get_file_info(pafs.FileSelector(folder.own(RUNS), allow_not_found=True)):
        if info.type == pafs.FileType.File and info.path.endswith(".json"):
            with folder.fs.open_input_stream(info.path, compression=None) as fh:
                try:
                    out.append(json.loads(fh.read()))
                except ValueError:
                    continue  # a summary damaged by hand is left out, not fatal
    return sorted(out, key=lambda r: str(r.get("run_id", "")))
