"""Pacing at the quota through the real wire: run_batch -> boto3 -> the fake Rekognition
server's TPS quota, read back from the server's own per-second log; and ``--tps auto``
through the real boto3 ``service-quotas`` client against the far-side stub."""

from __future__ import annotations

import json
import logging
import math
import threading
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from docbatch import RunConfig, run_batch
from docbatch.jobfile import build_config
from docbatch.errors import ConfigError
from docbatch.quota import auto_rate, read_tps_quota
from docbatch.testing.fake_rekognition import FakeRekognitionServer
from docbatch.testing.fake_service_quotas import FakeServiceQuotas

from ..conftest import text_png
from ..support.bench import TinyReceiptEngine

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow

QUOTA = 40


def manifest_of(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{i}.png").write_bytes(text_png(f"receipt {i}", size=(160, 80)))
    manifest = folder / "manifest.csv"
    manifest.write_text("source,doc_type\n" + "".join(f"{i}.png,receipt\n" for i in range(n)))
    return manifest


def test_a_short_run_at_the_quota_is_paced_under_it_with_its_figures_in_run_json(tmp_path, aws_env):
    """The server keeps a burst of only 10 calls: a client that bursts (as the old token bucket did
    at start-up, a full bucket plus a second of refill; or today's limiter given burst=30) is
    throttled at once, 8 of its 38 calls here.

    Evenly paced calls still reach the quota unevenly on a loaded machine: a server thread
    (or a client thread waking late) held up for 0.15 s hands six of them over at once.  With a
    burst of 4 and no throttle allowed, 14 of 66 runs failed under three CPU hogs.  A quarter
    second of burst and at most 2 throttled (a quarter of what the bursting client gets) keep
    the two apart: under the same hogs 2 runs in 109 had a throttle, one each."""
    manifest = manifest_of(tmp_path / "in", 30)
    with FakeRekognitionServer(engine=TinyReceiptEngine(), tps=QUOTA, burst=10, latency=0.05) as server:
        summary = run_batch(RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="rekognition",
                                      region="us-east-1", endpoint_url=server.endpoint_url, tps=QUOTA,
                                      use_cache=False))
        seconds = server.per_second()
        log = server.request_log
    assert summary.ok == 30
    admitted, throttled = sum(s[1] for s in seconds), sum(s[2] for s in seconds)
    arrivals = " ".join(f"{(r.time - log[0].time) * 1000:.0f}{'' if r.outcome == 'ok' else 'T'}" for r in log)
    assert throttled <= 2, f"arrivals in ms (T: throttled): {arrivals}"
    calls = json.loads((tmp_path / "out" / "run.json").read_text())["calls"]
    assert calls["calls"] == admitted + throttled and calls["throttled"] == throttled
    assert {"calls_per_s", "retries", "latency_ms", "tps", "in_flight"} <= set(calls)
    assert calls["latency_ms"]["p50"] >= 50
    # Little's law: 40/s x ~55 ms is about 2 calls in flight, not a pool of 32 threads.  Calls
    # leave 1/40 s apart, so no more than rate x the slowest call's latency can be out at once:
    # on a loaded machine one stalled answer (0.25 s) lets ten leave behind it, which the p95 of
    # 30 calls does not show (peak 11 against a p95 bound of 10 failed once), so the bound is
    # twice rate x the slowest latency the run measured (its histogram's top edge), plus 2
    slowest = calls["latency_histogram"]["edges_ms"][-1] / 1000
    assert calls["in_flight"]["peak"] <= max(8, math.ceil(2 * QUOTA * slowest) + 2)
    assert f"calls: {admitted + throttled}" in summary.message


class VirtualTime:
    """One clock for docbatch's pacer and the server's quota: time passes only when docbatch
    sleeps, so a call reaches the quota at the instant its slot says, whatever the load."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self._lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += max(0.0, seconds)


def _virtual_run(tmp_path, n: int, **options) -> tuple[list, dict]:
    """``n`` documents through run_batch, boto3 and the server, one call in flight, on one
    virtual clock; the server's quota is QUOTA a second and one call deep (no burst at all)."""
    time = VirtualTime()
    manifest = manifest_of(tmp_path / "in", n)
    with FakeRekognitionServer(engine=TinyReceiptEngine(), tps=QUOTA, burst=1, clock=time.clock) as server:
        run_batch(RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="rekognition",
                            region="us-east-1", endpoint_url=server.endpoint_url, tps=QUOTA, concurrency=1,
                            use_cache=False, **options), sleep=time.sleep, clock=time.clock)
        log = server.request_log
    return log, json.loads((tmp_path / "out" / "run.json").read_text())


def test_paced_calls_reach_the_quota_exactly_one_slot_apart_and_none_is_throttled(tmp_path, aws_env):
    log, run = _virtual_run(tmp_path, 20)
    assert [r.outcome for r in log] == ["ok"] * 20
    assert [b.time - a.time for a, b in zip(log, log[1:])] == pytest.approx([1 / QUOTA] * 19)
    assert (run["counts"]["ok"], run["calls"]["calls"], run["calls"]["throttled"]) == (20, 20, 0)


def test_a_client_let_to_burst_is_throttled_by_that_quota_at_once(tmp_path, aws_env):
    """What the test above sees if the pacer bursts: its measure can fail."""
    log, run = _virtual_run(tmp_path, 20, burst=3)
    assert [r.outcome for r in log[:2]] == ["ok", "ThrottlingException"]
    assert log[1].time == log[0].time  # sent back to back
    assert run["counts"]["ok"] == 20 and run["calls"]["throttled"] >= 1


def test_the_server_counts_admitted_and_throttled_calls_per_second(aws_env):
    clock = [0.0]
    with FakeRekognitionServer(engine=TinyReceiptEngine(), tps=2, burst=2, clock=lambda: clock[0]) as server:
        client = boto3.client("rekognition", endpoint_url=server.endpoint_url, region_name="us-east-1",
                              config=Config(retries={"total_max_attempts": 1}))
        image = {"Bytes": text_png("x", size=(100, 100))}
        outcomes = []
        for t in (0.1, 0.2, 0.3, 2.5):
            clock[0] = t
            try:
                client.detect_text(Image=image)
                outcomes.append("ok")
            except client.exceptions.ThrottlingException:
                outcomes.append("throttled")
    assert outcomes == ["ok", "ok", "throttled", "ok"]
    assert server.per_second() == [(0, 2, 1), (1, 0, 0), (2, 1, 0)]


# -- --tps auto -------------------------------------------------------------------------------
@pytest.fixture
def quotas(monkeypatch):
    def start(**kw) -> FakeServiceQuotas:
        stub = FakeServiceQuotas(**kw).__enter__()
        monkeypatch.setenv("AWS_ENDPOINT_URL_SERVICE_QUOTAS", stub.endpoint_url)
        started.append(stub)
        return stub

    started: list[FakeServiceQuotas] = []
    yield start
    for stub in started:
        stub.__exit__()


def test_the_detecttext_quota_is_found_by_name_and_its_applied_value_read(aws_env, quotas):
    stub = quotas(applied={"DetectText": 75.0}, page_size=2)
    client = boto3.client("service-quotas", region_name="us-east-1")
    quota = read_tps_quota(client, "rekognition", "DetectText")
    assert (quota.code, quota.value, quota.applied) == ("L-FAKE0003", 75.0, True)
    assert stub.calls == ["ListAWSDefaultServiceQuotas", "ListAWSDefaultServiceQuotas", "GetServiceQuota"]


def test_a_quota_never_changed_for_the_account_is_its_default(aws_env, quotas):
    quotas(default=50.0)
    assert auto_rate("rekognition", region="us-east-1", profile=None) == (50.0, "service-quotas:L-FAKE0003")
    assert auto_rate("textract", region="us-east-1", profile=None) == (50.0, "service-quotas:L-FAKE0102")


def test_an_unreadable_quota_warns_and_paces_at_the_fallback(aws_env, quotas, caplog):
    quotas(denied=True)
    with caplog.at_level(logging.WARNING, logger="docbatch"):
        assert auto_rate("rekognition", region="us-east-1", profile=None) == (5.0, "fallback")
    assert "AccessDeniedException" in caplog.text and "--tps N" in caplog.text


def test_tps_auto_runs_from_the_quota_read(tmp_path, aws_env, quotas):
    quotas(applied={"DetectText": 30.0})
    manifest = manifest_of(tmp_path / "in", 10)
    with FakeRekognitionServer(engine=TinyReceiptEngine(), tps=30) as server:
        config = build_config({"manifest": str(manifest), "out": str(tmp_path / "out"), "engine": "rekognition",
                               "region": "us-east-1", "endpoint_url": server.endpoint_url, "tps": "AUTO",
                               "use_cache": False})
        assert config.tps == "auto"
        summary = run_batch(config)
    assert summary.ok == 10
    tps = json.loads((tmp_path / "out" / "run.json").read_text())["calls"]["tps"]
    assert (tps["source"], tps["start"], tps["ceiling"]) == ("service-quotas:L-FAKE0003", 30.0, 30.0)


@pytest.mark.parametrize("bad", ["fast", 0, -1, True])
def test_tps_is_a_positive_number_or_auto(tmp_path, bad):
    with pytest.raises(ConfigError, match="tps"):
        RunConfig(manifest="m.csv", out=str(tmp_path), tps=bad)


def test_the_command_line_takes_a_number_or_auto_for_tps(tmp_path):
    from click.testing import CliRunner

    from docbatch.cli import main

    args = ["run", "--manifest", str(tmp_path / "m.csv"), "--out", str(tmp_path / "out"), "--engine", "rekognition"]
    refused = CliRunner().invoke(main, [*args, "--tps", "fast"])
    assert refused.exit_code == 2 and "neither a number nor 'auto'" in refused.output
    from docbatch.cli.run import run

    taken = [run.make_context("run", [*args, "--tps", tps]).params["tps"] for tps in ("Auto", "2.5")]
    assert taken == ["auto", 2.5]
