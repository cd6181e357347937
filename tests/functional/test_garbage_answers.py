"""A 200 answer that is not a DetectText response is sent again, never kept, never cached."""

from __future__ import annotations

import pandas as pd
import pytest

from docbatch import run_batch
from docbatch.testing.faults import Fault

from ..support.bench import Bench

GARBAGE = ["html200", "truncated200", "notext200"]


@pytest.mark.slow  # a whole batch through servers per kind
@pytest.mark.parametrize("kind", GARBAGE)
def test_a_garbage_200_is_retried_and_the_good_answer_kept(tmp_path, moto_url, aws_env, kind):
    bench = Bench(tmp_path, moto_url=moto_url, docs=3)
    with bench.server(faults=[Fault(kind, first=1)]) as server:
        summary = run_batch(bench.config(bench.manifest(), tmp_path / "out", server))
        calls = len(server.request_log)
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert (summary.ok, summary.failed, calls) == (3, 0, 6)
    assert (docs["n_lines"] == 3).all() and (docs["attempts"] == 2).all()


@pytest.mark.slow  # two runs each, ~2 s
@pytest.mark.parametrize("kind", GARBAGE)
def test_only_garbage_fails_retryably_is_not_cached_and_the_next_run_fetches_it(tmp_path, moto_url, aws_env, kind):
    bench = Bench(tmp_path, moto_url=moto_url, docs=2)
    cache = tmp_path / "cache"
    with bench.server(faults=[Fault(kind, every=1)]) as server:
        bad = run_batch(bench.config(bench.manifest(), tmp_path / "out", server, use_cache=True,
                                     cache_dir=str(cache), max_attempts=2))
    assert (bad.ok, bad.failed) == (0, 2)
    assert set(bad.errors) == {"retries_exhausted:invalid_response"}
    assert not list(cache.rglob("*.json.gz"))
    with bench.server() as server:
        good = run_batch(bench.config(bench.manifest(), tmp_path / "out", server, use_cache=True,
                                      cache_dir=str(cache)))
        assert len(server.request_log) == 2
    assert (good.ok, good.failed) == (2, 0)
