"""--max-calls: a run never makes more paid calls than its budget, and the next run goes on."""

from __future__ import annotations

import pandas as pd
import pytest

from docbatch import run_batch

from ..support.bench import Bench


@pytest.mark.slow  # a whole batch through servers: over a second
def test_a_run_stops_at_its_budget_and_the_next_run_finishes_without_repaying(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url, docs=10)
    out = tmp_path / "out"
    with bench.server() as server:
        first = run_batch(bench.config(bench.manifest(), out, server, max_calls=4, concurrency=2))
        assert len(server.request_log) == 4
        assert first.outcome == "stopped" and int(first.exit_code) == 4 and first.failed == 0
        rest = run_batch(bench.config(bench.manifest(), out, server, max_calls=100))
        assert len(server.request_log) == 10
    assert (rest.ok, rest.resumed) == (10, 4)
    assert (pd.read_parquet(out / "documents")["status"] == "ok").all()


@pytest.mark.slow  # a whole batch through servers: half a second
def test_a_budget_of_zero_calls_nothing_and_marks_nothing(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url, docs=3)
    with bench.server() as server:
        summary = run_batch(bench.config(bench.manifest(), tmp_path / "out", server, max_calls=0))
        assert server.request_log == []
    assert (summary.ok, summary.failed, summary.outcome) == (0, 0, "stopped")
