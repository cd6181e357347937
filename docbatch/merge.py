"""``docbatch merge OUT``: check that a split run is whole, then write its summary.

The shards of a run (:mod:`docbatch.shards`) write their table parts side by side, so the
folder reads as one dataset as soon as every shard is done.  Before anything downstream
reads it, merge makes sure of that: every shard of the split has finished the same
manifest's batch (its own ``run.json`` says ``completed``, no lock is left, and it read the
same contents of the manifest: ``manifest_sha256``) and built its tables with the same
options (:data:`~docbatch.config.TABLE_SETTINGS`), every shard's parts are there (of one set
of columns), and no doc_id appears twice.  Only then does it write the run folder's
own ``run.json`` (counts summed, each shard's run named) and one ``failed.csv`` of every
shard's failed rows.  A shard that is missing, unfinished or of another batch is named,
and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .config import TABLE_SETTINGS, SourceSettings
from .errors import ConfigError, ShardsIncomplete
from .parse.catalog import TABLES
from .publication import Build, Published
from .run_summary import COUNTS
from .runfolder import ESCAPED_FAILED_CSV, FAILED_CSV, RUN_JSON, RunFolder
from .shards import Shard
from .sinks import SINKS



@dataclass
class MergeResult:
    """A whole split run: its shards, summed counts, rows per table."""

    out: str
    count: int
    counts: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """What ``docbatch merge`` prints: the shards, their documents and each table's rows."""
        c = self.counts
        return (f"{self.count} shards complete: {c.get('total', 0)} documents ({c.get('ok', 0)} ok, "
                f"{c.get('failed', 0)} failed), every manifest row once; tables: "
                + ", ".join(f"{k}={v}" for k, v in self.tables.items()) + f"; run.json in {self.out}")


def merge_shards(out: str, *, sources: SourceSettings | None = None) -> MergeResult:
    """Check the split run in ``out`` and write its run.json and failed.csv (see the module doc)."""
    folder = RunFolder(out, sources=sources)
    found = folder.shards()
    if not found:
        raise ConfigError(f"run folder {folder.uri} holds no shards (shards/<i>-of-<N>/): nothing to merge")
    count = _split(folder, found)
    metas = _finished_shards(folder, count, sources)
    manifests = {m["config"].get("manifest") for m in metas}
    digests = {m.get("manifest_sha256") for m in metas}
    # one file named by other paths (children started in other folders) read the same rows
    if len(manifests) > 1 and (len(digests) > 1 or None in digests):
        raise ShardsIncomplete(f"the shards of {folder.uri} ran different manifests: "
                               + "; ".join(f"shard {i}: {m['config'].get('manifest')}" for i, m in enumerate(metas)))
    _same_contents(folder, count, metas)
    _same_settings(folder, count, metas)
    tables = _check_parts(folder, count, metas)
    result = MergeResult(out=folder.uri, count=count, tables=tables,
                         counts={k: sum(int(m["counts"].get(k, 0)) for m in metas) for k in COUNTS})
    _write_summary(folder, count, metas, result, sources)
    return result


def require_whole(folder: RunFolder, sources: SourceSettings | None = None) -> None:
    """Raise :class:`ShardsIncomplete` when ``folder`` holds a split run a shard of which has not
    finished (or is running): its tables then hold the other shards' rows only, and a reader
    of them (the reconciliation) would answer for part of the batch as if it were all of it."""
    found = folder.shards()
    if found:
        _finished_shards(folder, _split(folder, found), sources)


def _split(folder: RunFolder, found: list[Shard]) -> int:
    """The number of shards the run in ``folder`` was split in (``found``: its shards' folders)."""
    splits = sorted({s.count for s in found})
    if len(splits) > 1:
        raise ShardsIncomplete(f"run folder {folder.uri} mixes splits in {' and '.join(map(str, splits))} shards")
    return splits[0]


def _finished_shards(folder: RunFolder, count: int, sources: SourceSettings | None) -> list[dict[str, Any]]:
    """Each shard's run.json, in shard order; every shard not finished is named at once."""
    metas, problems = [], []
    for index in range(count):
        own = RunFolder(folder.uri, sources=sources, shard=Shard(index, count))
        meta = own.read_run_json()
        if meta is None:
            problems.append(f"shard {index}/{count} has not run (no {own.home}/{RUN_JSON})")
        elif own.holds_lock():
            problems.append(f"shard {index}/{count} is running, or was killed (its lock is there): re-run it")
        elif meta.get("outcome") != "completed":
            problems.append(f"shard {index}/{count} did not complete (its last run {meta.get('run_id')} was "
                            f"{meta.get('outcome')}): re-run it to resume")
        metas.append(meta or {})
    if problems:
        raise ShardsIncomplete(f"run folder {folder.uri} is not whole: " + "; ".join(problems))
    return metas


def _same_contents(folder: RunFolder, count: int, metas: list[dict[str, Any]]) -> None:
    """Every shard read the same rows: a prefix listed again or a manifest edited between the
    shards' runs (a child retried later) holds rows the earlier shards never saw, which no
    shard would hold.  The shards that read other contents than the last one to start are named."""
    digests = {i: m["manifest_sha256"] for i, m in enumerate(metas) if m.get("manifest_sha256")}
    if len(set(digests.values())) <= 1:
        return
    last = max(digests, key=lambda i: str(metas[i].get("timings", {}).get("started_at") or ""))
    stale = ", ".join(f"{i}/{count}" for i, d in digests.items() if d != digests[last])
    raise ShardsIncomplete(
        f"the shards of {folder.uri} read different contents of the manifest {metas[last]['config'].get('manifest')} "
        f"(listed again or edited between their runs), so rows only some of them saw would be missing: "
        f"re-run shard {stale} to read it as shard {last}/{count} last did, then merge again")


def _same_settings(folder: RunFolder, count: int, metas: list[dict[str, Any]]) -> None:
    """Every shard built its tables with the same :data:`~docbatch.config.TABLE_SETTINGS` (a child
    re-run by hand without the job definition's environment, e.g. DOCBATCH_REDACT, would leave its
    shard's rows in plain text beside the others' hashes, and run.json would name one setting for all)."""
    differing = []
    for key in TABLE_SETTINGS:
        shards_by_value: dict[str, list[str]] = {}
        for i, meta in enumerate(metas):
            value = meta.get("config", {}).get(key)
            shards_by_value.setdefault(json.dumps(value), []).append(f"{i}/{count}")
        if len(shards_by_value) > 1:
            groups = sorted(shards_by_value.items(), key=lambda kv: len(kv[1]))
            differing.append(f"{key} (" + "; ".join(
                f"shard{'s' if len(names) > 1 else ''} {', '.join(names)}: {json.loads(value)}"
                for value, names in groups) + ")")
    if differing:
        raise ShardsIncomplete(
            f"the shards of {folder.uri} built their tables with other table settings: {', '.join(differing)}; "
            f"re-run the shards that differ with the others' options (their tables are rebuilt from the saved "
            f"answers, no engine calls), then merge again")


def _check_parts(folder: RunFolder, count: int, metas: list[dict[str, Any]]) -> dict[str, int]:
    """Every shard's parts of every table are there (on S3 in the build its pointer names, not in
    table folders a crash in the copy may have left mixed); each doc_id is in the documents table
    once and each shard has the rows its run.json says.  Returns rows per table (from the shards' run.json)."""
    formats = metas[0]["config"].get("formats") or ["parquet"]
    fmt = "parquet" if "parquet" in formats else formats[0]
    published = Published(folder)
    for table in TABLES:
        # one build per shard, in shard order (every shard has run: _finished_shards)
        builds = published.parts(table, SINKS[fmt].subdir)
        lacking = [i for i, build in enumerate(builds) if not build.files]
        if lacking:
            raise ShardsIncomplete(f"table {table} of {folder.uri} has no parts of shard(s) "
                                   f"{', '.join(f'{i}/{count}' for i in lacking)}: re-run them")
        _same_columns(folder, count, table, builds, fmt)
    ids: Counter[str] = Counter()
    for i, build in enumerate(published.parts("documents", SINKS[fmt].subdir)):
        shard_ids = [d for p in build.files for d in _doc_ids(folder, p, fmt)]
        want = int(metas[i].get("tables", {}).get("documents", len(shard_ids)))
        if len(shard_ids) != want:
            raise ShardsIncomplete(f"shard {i}/{count}'s documents parts hold {len(shard_ids)} rows, its run.json "
                                   f"says {want}: re-run the shard")
        ids.update(shard_ids)
    twice = sorted(d for d, n in ids.items() if n > 1)
    if twice:
        raise ShardsIncomplete(f"{len(twice)} doc_id(s) appear in more than one shard of {folder.uri} "
                               f"(first: {twice[0]!r}); the shards did not run one split of one manifest")
    return {t: sum(int(m.get("tables", {}).get(t, 0)) for m in metas) for t in TABLES}


def _same_columns(folder: RunFolder, count: int, table: str, builds: list[Build], fmt: str) -> None:
    """Every shard's parts of ``table`` have one set of columns (and types, where the format keeps
    them): a shard built by another docbatch (a night re-run after an upgrade) may name or type a
    column otherwise, and a reader of the folder takes one file's columns for all (pandas, pyarrow:
    a column one shard lacks is read as nulls there, or dropped from every shard, in silence)."""
    shapes: dict[tuple[str, ...], list[str]] = {}
    for i, build in enumerate(builds):
        shapes.setdefault(SINKS[fmt]().columns(folder.fs, build.files[0]), []).append(f"{i}/{count}")
    if len(shapes) > 1:
        kinds = "; ".join(f"shard(s) {', '.join(names)}: {len(shape)} columns" for shape, names in shapes.items())
        raise ShardsIncomplete(
            f"table {table} of {folder.uri} has parts of other columns ({kinds}), built by two docbatch versions?: "
            f"re-parse the shards this docbatch did not build (`docbatch reparse OUT --shard i/N`, no engine calls)")


def _doc_ids(folder: RunFolder, path: str, fmt: str) -> list[str]:
    with folder.fs.open_input_stream(path, compression=None) as fh:
        return SINKS[fmt]().text_column(fh.read(), "doc_id")


def _write_summary(folder: RunFolder, count: int, metas: list[dict[str, Any]], result: MergeResult,
                   sources: SourceSettings | None) -> None:
    """The run folder's own failed.csv (every shard's rows, one header) and run.json."""
    for name in (FAILED_CSV, ESCAPED_FAILED_CSV):
        pieces = [RunFolder(folder.uri, sources=sources, shard=Shard(i, count)).read_own(name) for i in range(count)]
        present = [p for p in pieces if p is not None]
        if present:
            header, *_ = present[0].splitlines(keepends=True) or [b""]
            body = b"".join(line for p in present for line in p.splitlines(keepends=True)[1:])
            folder.write_own(name, header + body)
    errors: Counter[str] = Counter()
    for m in metas:
        errors.update(m.get("errors") or {})
    body = {
        "docbatch_version": __version__,
        "merged_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "outcome": "completed",
        "engine": metas[0].get("engine"),
        "shards": [{"index": i, "count": count, "run_id": m.get("run_id"), "counts": m.get("counts")}
                   for i, m in enumerate(metas)],
        "counts": result.counts,
        "errors": dict(errors),
        "tables": result.tables,
        # the split run's span: from the first shard's start to the last shard's end
        "timings": {"started_at": min(str(m.get("timings", {}).get("started_at") or "") for m in metas) or None,
                    "finished_at": max(str(m.get("timings", {}).get("finished_at") or "") for m in metas) or None},
        "exit_code": max(int(m.get("exit_code", 0)) for m in metas),
        "config": {**metas[0].get("config", {}), "shard": None},
        "manifest_sha256": metas[0].get("manifest_sha256"),
        "passthrough_columns": metas[0].get("passthrough_columns", []),
    }
    folder.write_own(RUN_JSON, json.dumps(body, indent=2, default=str).encode())
