"""``scripts/compare_runs.py`` freezes a run's answers so later runs replay the very same ones."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd

from docbatch import RunConfig, run_batch

from ..support.responses import response_from_rows

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "compare_runs.py"


def _script():
    spec = importlib.util.spec_from_file_location("compare_runs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_answers_a_run_saved_are_frozen_so_a_replay_reads_them_all(tmp_path):
    # A run keeps its answers in packs under raw/: copying raw/*.json.gz alone froze none of
    # them, and every replayed document then failed as replay_missing (failed before).
    answers = tmp_path / "answers"
    answers.mkdir()
    rows = "source,doc_type\n"
    for i in range(3):
        (answers / f"r{i}.json").write_text(json.dumps(response_from_rows([(f"SHOP {i}", 0.1, 0.1),
                                                                            (f"TOTAL {i}.50", 0.1, 0.3)])))
        rows += f"img/r{i}.png,receipt\n"
    manifest = tmp_path / "m.csv"
    manifest.write_text(rows)
    first, again, frozen = tmp_path / "first", tmp_path / "again", tmp_path / "frozen"
    run_batch(RunConfig(manifest=str(manifest), out=str(first), engine="replay", replay_dir=str(answers),
                        use_cache=False))
    assert _script().copy_raw(first, frozen) >= 1
    summary = run_batch(RunConfig(manifest=str(manifest), out=str(again), engine="replay", replay_dir=str(frozen),
                                  use_cache=False))
    assert (summary.ok, summary.failed) == (3, 0)
    assert pd.read_parquet(again / "detections").equals(pd.read_parquet(first / "detections").assign(
        run_id=pd.read_parquet(again / "detections")["run_id"]))
