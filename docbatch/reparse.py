"""Rebuilding a run's tables from its journal and raw responses, without an engine.

After a parser improvement users re-derive every field of past runs for free: the
journal says which documents the last run held and how each ended, ``raw/`` holds their
responses.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import ConfigError
from .outputs import build_outputs
from .parse.document import parse_options
from .state import Journal


def reparse_run(out: str | Path, *, formats: str | None = None, redact: bool | None = None) -> dict[str, int]:
    """Re-parse the last completed run in ``out``; returns rows written per table."""
    out = Path(out)
    try:
        meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{out} holds no finished run (no run.json)") from exc
    if meta.get("outcome") != "completed":
        raise ConfigError(f"the last run in {out} did not complete; re-run it first")
    cfg = meta["config"]
    fmts = [f.strip() for f in formats.split(",")] if formats else cfg["formats"]
    options = parse_options({**cfg, "redact": cfg.get("redact", False) if redact is None else redact})
    journal = Journal(out / "state.sqlite")
    try:
        return build_outputs(journal, meta["run_id"], out_dir=out, formats=fmts,
                             passthrough_columns=meta.get("passthrough_columns", []), options=options,
                             part_rows=cfg.get("part_rows", 50_000))
    finally:
        journal.close()
