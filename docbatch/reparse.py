"""Rebuilding a run's tables from its journal and raw responses, without an engine.

After a parser improvement users re-derive every field of past runs for free: the
journal says which documents the last run held and how each ended, ``raw/`` holds their
responses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .config import OutputSettings, SourceSettings, check_formats, parse_settings, table_settings
from .errors import ConfigError, ExitCode
from .outputs import build_outputs
from .runfolder import RunFolder
from .shards import Shard
from .state import Journal


def reparse_run(out: str | Path, *, formats: str | None = None, redact: bool | None = None,
                shard: str | None = None, sources: SourceSettings | None = None) -> dict[str, int]:
    """Re-parse the last completed run in ``out`` (a folder or ``s3://`` URI; of one ``shard``,
    "i/N", in a split run's folder: each shard re-parses its own rows); returns rows written
    per table.  ``sources`` says how to reach an S3 run folder (region, profile, endpoint)."""
    if formats is not None:
        check_formats(tuple(f.strip() for f in formats.split(",") if f.strip()))
    folder = RunFolder(out, sources=sources, shard=Shard.parse(shard) if shard else None)
    meta = folder.read_run_json()
    if meta is None:
        raise ConfigError(f"{out} holds no finished run (no run.json)")
    if meta.get("outcome") != "completed":
        raise ConfigError(f"the last run in {out} did not complete; re-run it first")
    folder.claim()
    with folder.lock(f"reparse-{meta['run_id']}") as lock:
        return _rebuild(folder, meta, formats, redact, lock.beat)


def _rebuild(folder: RunFolder, meta: dict, formats: str | None, redact: bool | None,
             commit_check: Callable[[], None]) -> dict[str, int]:
    cfg = meta["config"]
    fmts = tuple(f.strip() for f in formats.split(",") if f.strip()) if formats else tuple(cfg["formats"])
    parse = parse_settings({**cfg, "redact": cfg.get("redact", False) if redact is None else redact})
    folder.restore_journal()  # on S3: the checkpointed journal (a no-op on a local folder)
    journal = Journal(folder.journal_path)
    try:
        run_id = meta["run_id"]
        output = OutputSettings(formats=fmts, part_rows=cfg.get("part_rows", OutputSettings.part_rows),
                                partition_by=tuple(cfg.get("partition_by", ())))
        built = build_outputs(journal.rows(run_id), folder=folder, run_id=run_id,
                              n_docs=sum(journal.counts(run_id).values()), output=output,
                              parse=parse, passthrough_columns=meta.get("passthrough_columns", []),
                              commit_check=commit_check)
        journal.mark_unusable(built.unusable)
        folder.checkpoint_journal(journal.copy_to)  # on S3, so the next run sees what was missing
        # run.json says how the tables were built and, when answers proved unusable, their counts
        # as the tables now have them: merge, report and the next run read it (merge sums counts)
        built_with = table_settings(parse, output)
        if built.unusable or any(cfg.get(k) != v for k, v in built_with.items()):
            recounted = _recounted(meta, journal, run_id) if built.unusable else meta
            folder.write_run_json({**recounted, "config": {**cfg, **built_with}})
        return built.counts
    finally:
        journal.close()


def _recounted(meta: dict, journal: Journal, run_id: str) -> dict:
    """``meta`` (run.json) with the ok and failed counts, error counts and exit code of the
    journal once documents whose saved answers proved unusable are marked failed."""
    counts = journal.counts(run_id)
    failed = counts.get("failed", 0)
    return {**meta, "counts": {**meta.get("counts", {}), "ok": counts.get("ok", 0), "failed": failed},
            "errors": journal.error_counts(run_id),
            "exit_code": int(ExitCode.SOME_FAILED) if failed else meta.get("exit_code", 0)}
