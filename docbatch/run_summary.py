"""What a finished run says about itself: its closing lines and its ``run.json``.

``run.json`` (and ``runs/<run_id>.json``) is what ``docbatch merge``, ``reparse``, the report
and the next run read of a run: its counts (:data:`COUNTS`, which merge sums over shards)
and the table settings it built with (:func:`~docbatch.config.table_settings`).
"""

from __future__ import annotations

from typing import Any

from . import __version__
from .config import RunConfig, Stages, table_settings
from .errors import hint_for
from .records import RunSummary


def counts(summary: RunSummary) -> dict[str, int]:
    """The run's counts as run.json holds them."""
    return {"total": summary.total, "ok": summary.ok, "failed": summary.failed, "resumed": summary.resumed,
            "changed": summary.changed, "processed_this_run": summary.processed,
            "engine_calls": summary.engine_calls, "cache_hits": summary.cache_hits}


#: The counts of a run.json, each summed over a split run's shards by ``docbatch merge``.
COUNTS: tuple[str, ...] = tuple(counts(RunSummary(run_id="", out_dir="")))


def closing_message(summary: RunSummary, config: RunConfig, failed_csv: str) -> str:
    """The lines a run ends with: its outcome, what to do next, the commonest errors with their hints."""
    if summary.outcome == "stopped":
        return (f"stopped: {summary.message}. No document was marked failed for it; "
                f"fix it and re-run the same command to resume ({summary.processed} documents done this run).")
    if summary.outcome == "interrupted":
        return (f"interrupted after {summary.processed} documents; state is saved. "
                f"Re-run the same command to resume (done documents are not sent again).")
    if summary.outcome == "aborted":
        return (f"aborted: failure rate over {config.max_failure_rate:.0%} after {summary.processed} documents "
                f"(top errors: {_top(summary.errors)}). Fix the cause and re-run the same command to resume.")
    text = (f"{summary.ok} ok, {summary.failed} failed of {summary.total} "
            f"({summary.resumed} already done"
            + (f", {summary.changed} redone because their source changed" if summary.changed else "")
            + f"); outputs in {summary.out_dir}")
    if summary.failed:
        text += f"; failed rows listed in {failed_csv}"
        ranked = _ranked(summary.errors)
        for code, n in ranked[:_SHOWN_CODES]:
            hint = hint_for(code)
            text += f"\n  {n} x {code}" + (f": {hint}" if hint else "")
        rest = ranked[_SHOWN_CODES:]
        if rest:
            text += (f"\n  and {sum(n for _, n in rest)} more in {len(rest)} other codes "
                     f"({', '.join(code for code, _ in rest)}): see {failed_csv}")
    return text


def resume_note(summary: RunSummary, config: RunConfig) -> str:
    """The closing lines say "re-run the same command", which resumes nothing when ``out``
    was named from this run's ``{run_id}``, or from the job's date once the day has turned
    (a night's run retried after midnight UTC, by hand or by a scheduler): what to give instead."""
    if summary.outcome == "completed" and not summary.failed:
        return ""
    if config.out_per_run:
        return (f"\n  (out was named from {{run_id}}: the same command starts another folder; "
                f"to resume or retry this run, run with --out {summary.out_dir})")
    if config.out_date:
        return (f"\n  (out was named from the job's date: on another day the same command names another "
                f"folder; to resume or retry this run then, add --date {config.out_date})")
    return ""


#: Error codes the closing lines explain one by one; the rest are named on one line.
_SHOWN_CODES = 3


def _ranked(errors: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(errors.items(), key=lambda kv: -kv[1])


def _top(errors: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in _ranked(errors)[:_SHOWN_CODES]) or "none"


def run_json(summary: RunSummary, config: RunConfig, engine_name: str, pt_cols: list[str],
             stages: Stages) -> dict[str, Any]:
    """The run's run.json (``pt_cols``: the manifest's passthrough columns, as the tables hold them)."""
    return {
        "docbatch_version": __version__,
        "run_id": summary.run_id,
        "outcome": summary.outcome,
        "engine": engine_name,
        "counts": counts(summary),
        "exit_code": int(summary.exit_code),
        "errors": summary.errors,
        "tables": summary.tables,
        "timings": {"started_at": summary.started_at, "finished_at": summary.finished_at,
                    "elapsed_s": summary.elapsed_s},
        # what the tables were built with (the redaction key's fingerprint, never the key)
        "config": {**config.public_dict(), **table_settings(stages.parse, stages.output)},
        "manifest_sha256": summary.manifest_sha256,
        "passthrough_columns": pt_cols,
        "calls": summary.calls,
        "message": summary.message,
    }
