"""A broken environment stops the run at once with one line, exit 2, and marks no document."""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from docbatch import run_batch
from docbatch.testing.faults import Fault

from ..support.bench import DUMMY_ENV, Bench, text_image, write_manifest

ROOT = Path(__file__).resolve().parents[2]


def _cli(args, env_overrides, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull,
                "PYTHONPATH": str(ROOT)}, **env_overrides)
    return subprocess.run([sys.executable, "-m", "docbatch", "run", *args], env=env, capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def _manifest(tmp_path, sources=None):
    (tmp_path / "a.png").write_bytes(text_image("a"))
    return write_manifest(tmp_path / "m.csv", [{"source": s, "doc_type": "receipt"} for s in (sources or ["a.png"])])


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _assert_stopped_cleanly(proc, out: Path, *words):
    assert proc.returncode == 2, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("docbatch: error:") and all(w in last for w in words), last
    assert "Traceback" not in proc.stderr
    assert not (out / "state.sqlite").exists()  # no journal, so no document marked


@pytest.mark.slow  # a real `docbatch run` child process per case
@pytest.mark.parametrize("env, words", [
    ({"AWS_DEFAULT_REGION": "us-east-1"}, ["no AWS credentials"]),
    ({**DUMMY_ENV, "AWS_PROFILE": "nightly-typo"}, ["profile", "nightly-typo"]),
    ({k: v for k, v in DUMMY_ENV.items() if k != "AWS_DEFAULT_REGION"}, ["no AWS region", "--region"]),
    # a job definition that sets the key id but misspells the secret's variable
    ({k: v for k, v in DUMMY_ENV.items() if k != "AWS_SECRET_ACCESS_KEY"}, ["AWS_SECRET_ACCESS_KEY"]),
], ids=["no-credentials", "unknown-profile", "no-region", "half-credentials"])
def test_missing_credentials_profile_or_region_stop_before_any_document(tmp_path, env, words):
    m = _manifest(tmp_path)
    proc = _cli(["--manifest", str(m), "--out", str(tmp_path / "out"), "--engine", "rekognition",
                 "--endpoint-url", f"http://127.0.0.1:{_free_port()}"], env, tmp_path)
    _assert_stopped_cleanly(proc, tmp_path / "out", *words)


@pytest.mark.slow  # a real `docbatch run` child process
@pytest.mark.slow  # a real `docbatch manifest` child process
def test_half_credentials_stop_another_command_with_one_line_too(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({k: v for k, v in DUMMY_ENV.items() if k != "AWS_SECRET_ACCESS_KEY"},
               AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_CONFIG_FILE=os.devnull, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "docbatch", "manifest", "s3://bucket/prefix/", "--s3-endpoint-url",
                           f"http://127.0.0.1:{_free_port()}"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().startswith("docbatch: error:") and "AWS_SECRET_ACCESS_KEY" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_an_unreachable_endpoint_is_named_host_and_port(tmp_path):
    port = _free_port()
    proc = _cli(["--manifest", str(_manifest(tmp_path)), "--out", str(tmp_path / "out"), "--engine", "rekognition",
                 "--endpoint-url", f"http://127.0.0.1:{port}"], DUMMY_ENV, tmp_path)
    _assert_stopped_cleanly(proc, tmp_path / "out", f"127.0.0.1:{port}", "rekognition")


def test_an_endpoint_url_without_its_scheme_is_named_in_one_line(tmp_path):
    proc = _cli(["--manifest", str(_manifest(tmp_path)), "--out", str(tmp_path / "out"), "--engine", "rekognition",
                 "--endpoint-url", "127.0.0.1:9977"], DUMMY_ENV, tmp_path)
    _assert_stopped_cleanly(proc, tmp_path / "out", "127.0.0.1:9977", "http://")


@pytest.mark.slow  # a real `docbatch run` child process per case
@pytest.mark.parametrize("url", ["http://", "http://127.0.0.1:99999", "http://[::1", "ftp://127.0.0.1:9977"],
                         ids=["no-host", "port-out-of-range", "broken-ipv6", "not-http"])
def test_a_malformed_endpoint_url_stops_the_run_naming_it(tmp_path, url):
    proc = _cli(["--manifest", str(_manifest(tmp_path)), "--out", str(tmp_path / "out"), "--engine", "rekognition",
                 "--endpoint-url", url], DUMMY_ENV, tmp_path)
    _assert_stopped_cleanly(proc, tmp_path / "out", url)


@pytest.mark.slow  # a real `docbatch run` child process
def test_an_s3_endpoint_url_without_its_scheme_stops_a_run_into_a_bucket_naming_it(tmp_path):
    (tmp_path / "replay").mkdir()
    proc = _cli(["--manifest", str(_manifest(tmp_path)), "--out", "s3://runs-env/nightly/", "--engine", "replay",
                 "--replay-dir", str(tmp_path / "replay"), "--s3-endpoint-url", "localhost:9000"], DUMMY_ENV, tmp_path)
    _assert_stopped_cleanly(proc, tmp_path / "out", "localhost:9000", "http://")


@pytest.mark.slow  # a real `docbatch run` child process
def test_a_bucket_that_refuses_us_stops_the_run_naming_it(tmp_path, moto_url):
    class Forbidden(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(403)
            self.end_headers()

        def log_message(self, *args):
            pass

    s3 = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forbidden)
    threading.Thread(target=s3.serve_forever, daemon=True).start()
    try:
        bench = Bench(tmp_path, moto_url=moto_url)
        with bench.server() as server:
            proc = _cli(["--manifest", str(_manifest(tmp_path, ["s3://private-bucket/a.png"])),
                         "--out", str(tmp_path / "out"), "--engine", "rekognition",
                         "--endpoint-url", server.endpoint_url,
                         "--s3-endpoint-url", f"http://127.0.0.1:{s3.server_address[1]}"], DUMMY_ENV, tmp_path)
    finally:
        s3.shutdown()
    _assert_stopped_cleanly(proc, tmp_path / "out", "private-bucket")


@pytest.mark.slow  # a whole batch through servers: over a second
@pytest.mark.parametrize("kind", ["denied", "expired"])
def test_credentials_refused_mid_run_stop_it_resumably_and_mark_nothing_failed(tmp_path, moto_url, aws_env, kind):
    bench = Bench(tmp_path, moto_url=moto_url, docs=8)
    out = tmp_path / "out"
    with bench.server(faults=[Fault(kind, every=1)]) as server:
        stopped = run_batch(bench.config(bench.manifest(), out, server, concurrency=1))
    assert stopped.outcome == "stopped" and int(stopped.exit_code) == 2
    assert stopped.failed == 0 and "credentials" in stopped.message
    with bench.server() as server:
        resumed = run_batch(bench.config(bench.manifest(), out, server))
    assert (resumed.ok, resumed.failed) == (8, 0)
    assert (pd.read_parquet(out / "documents")["status"] == "ok").all()


@pytest.mark.slow  # a batch through the servers, paced at 1 call/s: two seconds
def test_calls_queued_behind_a_refused_one_never_leave(tmp_path, moto_url, aws_env):
    # Paced at 1/s against 0.3 s answers: the first call is refused at 0.3 s, the next would
    # leave at 1.0 s. Before, the 2-3 calls queued in the pacer went out and were refused too.
    bench = Bench(tmp_path, moto_url=moto_url, docs=8)
    with bench.server(faults=[Fault("expired", every=1)], latency=0.3) as server:
        stopped = run_batch(bench.config(bench.manifest(), tmp_path / "out", server, tps=1, concurrency=None))
        calls = len(server.request_log)
    assert stopped.outcome == "stopped" and stopped.failed == 0
    assert calls == 1


@pytest.mark.slow  # a real `docbatch run` child process per case
@pytest.mark.parametrize("case", ["no-credentials", "no-such-bucket", "unreachable-s3"])
def test_a_run_folder_on_s3_that_cannot_be_used_stops_before_anything_is_written(tmp_path, moto_url, case):
    """An engine and a manifest that need no AWS, the run folder on S3 (the local engine's
    nightly job writing to a bucket): the folder's bucket is checked like the manifest's."""
    import boto3

    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1", aws_access_key_id="x",
                      aws_secret_access_key="x")
    s3.create_bucket(Bucket="runs-env")
    endpoint, bucket, env = moto_url, "runs-env", dict(DUMMY_ENV)
    words = {"no-credentials": ["no AWS credentials"], "no-such-bucket": ["runs-missing", "does not exist"]}
    if case == "no-credentials":
        env = {"AWS_DEFAULT_REGION": "us-east-1"}
    elif case == "no-such-bucket":
        bucket = "runs-missing"
    else:
        port = _free_port()
        endpoint = f"http://127.0.0.1:{port}"
        words[case] = [f"127.0.0.1:{port}", "runs-env"]
    (tmp_path / "replay").mkdir()
    proc = _cli(["--manifest", str(_manifest(tmp_path)), "--out", f"s3://{bucket}/nightly/", "--engine", "replay",
                 "--replay-dir", str(tmp_path / "replay"), "--s3-endpoint-url", endpoint], env, tmp_path)
    assert proc.returncode == 2, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("docbatch: error:") and all(w in last for w in words[case]), proc.stderr
    assert "Traceback" not in proc.stderr
    assert s3.list_objects_v2(Bucket="runs-env").get("KeyCount", 0) == 0


def _s3_refusing_objects(status: int, code: str):
    """S3 as it answers once the run's preflight is done (the bucket was checked in time):
    a HEAD of an object is a bare ``status`` (HEAD answers carry no body, so no error code),
    a GET of it says ``code``."""

    class Refusing(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            bucket_only = self.path.strip("/").count("/") == 0
            self.send_response(200 if bucket_only else status)
            if bucket_only:
                self.send_header("x-amz-bucket-region", "us-east-1")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            body = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code></Error>".encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Refusing


def _run_on_refusing_s3(tmp_path, moto_url, status, code):
    s3 = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _s3_refusing_objects(status, code))
    threading.Thread(target=s3.serve_forever, daemon=True).start()
    try:
        bench = Bench(tmp_path, moto_url=moto_url)
        manifest = write_manifest(tmp_path / "m.csv", [{"source": f"s3://nightly-in/r{i}.png", "doc_type": "receipt"}
                                                       for i in range(6)])
        with bench.server() as server:
            summary = run_batch(bench.config(manifest, tmp_path / "out", server,
                                             s3_endpoint_url=f"http://127.0.0.1:{s3.server_address[1]}"))
            return summary, len(server.request_log)
    finally:
        s3.shutdown()


@pytest.mark.slow  # a batch through two loopback servers
@pytest.mark.parametrize("status, code", [(400, "ExpiredToken"), (403, "InvalidAccessKeyId")])
def test_credentials_refused_at_the_head_of_an_s3_source_stop_the_run_and_mark_nothing(
        tmp_path, moto_url, aws_env, status, code):
    stopped, calls = _run_on_refusing_s3(tmp_path, moto_url, status, code)
    assert stopped.outcome == "stopped" and int(stopped.exit_code) == 2, stopped.message
    assert stopped.failed == 0 and code in stopped.message and "credentials" in stopped.message
    assert calls == 0


@pytest.mark.slow  # a batch through two loopback servers
def test_objects_the_bucket_policy_denies_fail_one_by_one_as_access_denied(tmp_path, moto_url, aws_env):
    summary, _ = _run_on_refusing_s3(tmp_path, moto_url, 403, "AccessDenied")
    assert (summary.outcome, summary.failed, summary.errors) == ("completed", 6, {"access_denied": 6})


class _StopServerAfter:
    """A progress subscriber that takes the engine's endpoint away after ``n`` documents."""

    def __init__(self, server, n: int) -> None:
        self.server, self.n, self.seen = server, n, 0

    def on_start(self, summary) -> None: ...
    def on_skip(self, document) -> None: ...
    def on_end(self, summary) -> None: ...

    def on_result(self, result, summary) -> None:
        self.seen += 1
        if self.seen == self.n:
            self.server.stop()


@pytest.mark.slow  # a batch through the servers, twice
def test_an_endpoint_that_goes_away_mid_run_stops_it_and_marks_nothing_failed(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url, docs=12)
    out = tmp_path / "out"
    with bench.server() as server:
        gone = server.endpoint_url.removeprefix("http://")
        stopped = run_batch(bench.config(bench.manifest(), out, server, concurrency=2, max_attempts=3),
                            subscribers=[_StopServerAfter(server, 3)])
    assert stopped.outcome == "stopped" and int(stopped.exit_code) == 2, stopped.message
    assert stopped.failed == 0 and gone in stopped.message
    with bench.server() as server:
        resumed = run_batch(bench.config(bench.manifest(), out, server))
    assert (resumed.ok, resumed.failed) == (12, 0)


@pytest.mark.slow  # a real docbatch child process per command
@pytest.mark.parametrize("command", [["report", "s3://runs-env/nightly/", "-o", "r.html"],
                                     ["reparse", "s3://runs-env/nightly/"], ["merge", "s3://runs-env/nightly/"],
                                     ["parts", "s3://runs-env/nightly/", "receipts"]],
                         ids=["report", "reparse", "merge", "parts"])
def test_a_command_reading_a_run_folder_on_s3_names_an_s3_endpoint_without_its_scheme(tmp_path, command):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(DUMMY_ENV, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_CONFIG_FILE=os.devnull, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "docbatch", *command, "--s3-endpoint-url", "localhost:9000"],
                          env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().startswith("docbatch: error:") and "localhost:9000" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
