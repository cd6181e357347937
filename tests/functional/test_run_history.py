"""Run history: every table says which run wrote it, runs/ keeps every run, another manifest is explicit."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from docbatch import RunConfig, run_batch
from docbatch.errors import ConfigError
from docbatch.parse.catalog import TABLES

EMPTY = {"TextDetections": [], "TextModelVersion": "3.0"}


def _config(tmp_path, manifest_name="m.csv", **kw) -> RunConfig:
    replay = tmp_path / "replay"
    replay.mkdir(exist_ok=True)
    for stem in ("a", "b"):
        (replay / f"{stem}.json").write_text(json.dumps(EMPTY))
    manifest = tmp_path / manifest_name
    manifest.write_text("source,doc_type\nx/a.png,receipt\nx/b.png,id\n")
    return RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="replay", replay_dir=str(replay),
                     use_cache=False, formats=("parquet", "csv"), **kw)


def test_every_table_carries_the_run_id_of_the_run_that_wrote_it(tmp_path):
    summary = run_batch(_config(tmp_path))
    for name in TABLES:
        table = pd.read_parquet(tmp_path / "out" / name)
        assert "run_id" in table.columns, name
        assert set(table["run_id"]) <= {summary.run_id}, name
    assert set(pd.read_parquet(tmp_path / "out" / "documents")["run_id"]) == {summary.run_id}


def test_a_rerun_keeps_the_first_runs_summary_beside_its_own(tmp_path):
    first = run_batch(_config(tmp_path))
    second = run_batch(_config(tmp_path))
    runs = {p.stem: json.loads(p.read_text()) for p in (tmp_path / "out" / "runs").glob("*.json")}
    assert set(runs) == {first.run_id, second.run_id}
    assert runs[first.run_id]["counts"]["processed_this_run"] == 2
    assert runs[second.run_id]["counts"]["resumed"] == 2
    latest = json.loads((tmp_path / "out" / "run.json").read_text())
    assert latest["run_id"] == second.run_id and latest["exit_code"] == 0


def test_another_manifest_into_the_same_folder_is_refused_unless_replace(tmp_path):
    run_batch(_config(tmp_path))
    with pytest.raises(ConfigError, match="--replace"):
        run_batch(_config(tmp_path, "other.csv"))
    before = pd.read_parquet(tmp_path / "out" / "documents")
    assert len(before) == 2
    replaced = run_batch(_config(tmp_path, "other.csv", replace=True))
    assert set(pd.read_parquet(tmp_path / "out" / "documents")["run_id"]) == {replaced.run_id}
