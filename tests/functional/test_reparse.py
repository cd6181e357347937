"""``docbatch reparse``: a run's tables rebuilt from its journal and saved answers, no engine calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docbatch import run_batch
from docbatch.config import TABLE_SETTINGS
from docbatch.reparse import reparse_run

from ..support.bench import Bench

# Whole batches against the loopback servers.
pytestmark = pytest.mark.slow


def _table_settings(out: Path) -> dict[str, object]:
    config = json.loads((out / "run.json").read_text())["config"]
    return {key: config.get(key) for key in TABLE_SETTINGS}


def test_a_reparse_records_the_table_settings_a_run_with_its_options_records(tmp_path, moto_url, aws_env,
                                                                             monkeypatch):
    """run.json says how the tables were built (merge compares shards by it; the report and the
    next run read it): re-parsed into CSV with redaction, it says what such a run says."""
    monkeypatch.setenv("DOCBATCH_REDACT_KEY", "nightly-secret")
    bench = Bench(tmp_path, moto_url=moto_url, docs=4)
    reparsed, fresh = bench.folder("reparsed"), bench.folder("fresh")
    with bench.server() as server:
        run_batch(bench.config(bench.manifest(), reparsed, server, formats=("parquet",), date_order="DMY"))
        reparse_run(str(reparsed), formats="csv", redact=True)
        run_batch(bench.config(bench.manifest(), fresh, server, formats=("csv",), redact=True, date_order="DMY"))
    assert _table_settings(reparsed) == _table_settings(fresh)
    assert _table_settings(reparsed)["formats"] == ["csv"] and _table_settings(reparsed)["redact_key_id"]
