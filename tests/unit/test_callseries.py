"""Calls over time and latency buckets, as run.json keeps them for the run report."""

from __future__ import annotations

import math

import pytest

from docbatch.callseries import CallSeries, latency_buckets
from docbatch.errors import ThrottledError
from docbatch.ratelimit import RateLimiter

from .test_ratelimit import FakeClock


def test_calls_are_counted_per_interval_by_outcome_from_the_first_answer():
    series = CallSeries(interval=1.0)
    for at, outcome in [(10.2, "ok"), (10.9, "throttled"), (11.3, "ok"), (13.5, "failed")]:
        series.add(at, outcome)
    assert series.as_dict() == {"interval_s": 1.0, "ok": [1, 1, 0, 0], "throttled": [1, 0, 0, 0],
                                "failed": [0, 0, 0, 1]}


def test_a_long_run_merges_intervals_so_the_series_stays_short_and_keeps_every_call():
    series = CallSeries(interval=1.0)
    for second in range(1000):
        series.add(float(second), "ok")
    d = series.as_dict()
    assert len(d["ok"]) <= CallSeries.MAX_BINS and d["interval_s"] == 4.0
    assert sum(d["ok"]) == 1000 and d["ok"][0] == 4


def test_latency_buckets_are_contiguous_with_edges_in_milliseconds():
    step = math.log(1.02)
    # 100 ms falls in bin floor(log(0.1)/step) = -117; 1 s in bin 0
    bins = {int(math.floor(math.log(0.1) / step)): 3, 0: 1}
    b = latency_buckets(bins, step)
    assert sum(b["counts"]) == 4 and len(b["edges_ms"]) == len(b["counts"]) + 1
    assert b["edges_ms"][0] <= 100 < b["edges_ms"][1] and b["counts"][0] == 3
    assert b["edges_ms"][-2] <= 1000 < b["edges_ms"][-1] and b["counts"][-1] == 1
    assert latency_buckets({}, step) == {"edges_ms": [], "counts": []}


def test_the_limiters_figures_carry_the_series_and_the_latency_buckets():
    clock = FakeClock()
    lim = RateLimiter(10, clock=clock, sleep=clock.sleep)
    for _ in range(20):
        with lim.call():
            clock.now += 0.05
    with pytest.raises(ThrottledError), lim.call():
        raise ThrottledError("slow down")
    f = lim.figures()
    per = f["per_interval"]
    assert sum(per["ok"]) == f["ok"] == 20 and sum(per["throttled"]) == f["throttled"] == 1
    assert sum(f["latency_histogram"]["counts"]) == 20  # throttled answers are not latencies
