"""docbatch estimate: the paid calls a run would make, counted before it as the server counts them after."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from docbatch.cli import main
from docbatch.testing.fake_rekognition import FakeRekognitionServer

from ..support.bench import TinyReceiptEngine

pytestmark = pytest.mark.slow  # whole runs against the loopback server

ROOT = Path(__file__).resolve().parents[2]


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 3), result.output
    return result.output


def _estimated_calls(output: str) -> int:
    return int(re.search(r"paid calls:\s+(\d+)", output)[1])


def test_the_sample_jobs_estimate_is_the_number_of_calls_the_server_counts(tmp_path, aws_env):
    with FakeRekognitionServer(engine=TinyReceiptEngine()) as server:
        job = [str(ROOT / "jobs" / "sample.toml"), "--engine", "rekognition", "--region", "us-east-1",
               "--endpoint-url", server.endpoint_url, "--tps", "100", "--cache-dir", str(tmp_path / "cache")]
        first = _invoke("estimate", *job, "--out", str(tmp_path / "out"))
        assert server.request_log == []  # an estimate calls nothing
        _invoke("run", *job, "--out", str(tmp_path / "out"))
        assert _estimated_calls(first) == len(server.request_log) == 10
        assert "$0.01 at $0.001 per call" in first
        resumed = _invoke("estimate", *job, "--out", str(tmp_path / "out"))
        cached = _invoke("estimate", *job, "--out", str(tmp_path / "elsewhere"))
    assert _estimated_calls(resumed) == 0 and "already done:        10" in resumed
    assert _estimated_calls(cached) == 0 and "(10 from the response cache)" in cached


def test_the_estimate_prices_the_same_pages_on_each_paid_engine(tmp_path, aws_env):
    with FakeRekognitionServer(engine=TinyReceiptEngine()) as server:
        out = _invoke("estimate", str(ROOT / "jobs" / "sample.toml"), "--engine", "rekognition", "--region",
                      "us-east-1", "--endpoint-url", server.endpoint_url, "--no-cache", "--out", str(tmp_path / "o"))
    # Rekognition's 100-word cap may add tile calls nobody can count before reading: a lower bound;
    # Textract has no cap: one call per page, at its own list price.
    assert "rekognition  10 calls or more at $0.001: $0.01" in out
    assert "textract     10 calls at $0.0015: $0.015" in out


def test_a_price_per_call_and_a_shard_are_taken_as_given(tmp_path, aws_env):
    with FakeRekognitionServer(engine=TinyReceiptEngine()) as server:
        job = [str(ROOT / "jobs" / "sample.toml"), "--engine", "textract", "--region", "us-east-1",
               "--endpoint-url", server.endpoint_url, "--no-cache", "--out", str(tmp_path / "out")]
        whole = _estimated_calls(_invoke("estimate", *job))
        shards = [_estimated_calls(_invoke("estimate", *job, "--shard", f"{i}/3")) for i in range(3)]
        priced = _invoke("estimate", *job, "--price-per-call", "0.5")
    assert sum(shards) == whole == 10
    assert "$5.00 at $0.5 per call" in priced


def test_past_the_word_cap_the_rest_of_a_stopped_run_is_estimated_at_the_calls_per_page_it_measured(tmp_path,
                                                                                                  aws_env):
    from docbatch import RunConfig, run_batch
    from docbatch.plan import plan_run

    from ..support.long_receipt import StripeReceiptEngine, receipt_png, receipt_texts

    texts = receipt_texts(60)  # 202 words: tiled past Rekognition's 100
    rows = []
    for i in range(6):
        (tmp_path / f"long{i}.png").write_bytes(receipt_png(texts, receipt=i))
        rows.append(f"long{i}.png,receipt,long{i}")
    manifest = tmp_path / "m.csv"
    manifest.write_text("source,doc_type,doc_id\n" + "\n".join(rows) + "\n")
    with FakeRekognitionServer(engine=StripeReceiptEngine(*[texts] * 6)) as server:
        config = RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="rekognition",
                           region="us-east-1", endpoint_url=server.endpoint_url, tps=100, concurrency=1,
                           use_cache=False)
        before = plan_run(config)
        stopped = run_batch(RunConfig(**{**config.public_dict(), "max_calls": 7}))
        rest = plan_run(config)
        paid = len(server.request_log)
        run_batch(config)
        rest_paid = len(server.request_log) - paid
    assert before.calls == 6 and before.lower_bound  # nothing measured yet: one per page, "or more"
    assert stopped.outcome == "stopped" and stopped.ok == 2 and paid == 7
    assert not rest.lower_bound and rest.calls_per_page == 3.0
    assert rest.calls == rest_paid == 12


def test_on_a_new_machine_an_s3_folders_estimate_counts_what_the_bucket_says_is_done(tmp_path, moto_url, aws_env,
                                                                                   monkeypatch):
    import boto3

    from docbatch import run_batch
    from docbatch.plan import plan_run

    from ..support.bench import Bench

    boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1").create_bucket(Bucket="docbatch-estimate")
    bench = Bench(tmp_path, moto_url=moto_url, docs=5)
    out = "s3://docbatch-estimate/runs/night"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-1"))
    with bench.server() as server:
        config = bench.config(bench.manifest(), out, server)
        run_batch(config)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-2"))  # no local journal here
        plan = plan_run(config)
    assert (plan.done, plan.calls) == (5, 0)
    assert not (tmp_path / "machine-2").exists()


@pytest.mark.parametrize("option, value", [("--calls-per-page", "nan"), ("--calls-per-page", "inf"),
                                           ("--price-per-call", "nan"), ("--price-per-call", "inf")])
def test_an_infinite_or_nan_estimate_figure_is_refused_in_one_line(tmp_path, aws_env, option, value):
    """Before, --calls-per-page nan or inf was a ValueError/OverflowError traceback (math.ceil), and
    --price-per-call nan or inf priced the run at $nan or $inf."""
    result = CliRunner().invoke(main, ["estimate", str(ROOT / "jobs" / "sample.toml"), "--engine", "replay",
                                       "--replay-dir", str(tmp_path), "--out", str(tmp_path / "out"), option, value])
    assert result.exit_code == 2 and "is not a finite number" in result.output, result.output
