"""A failing run folder (corrupt journal, read-only, full disk) gives one clear line and exit 5,
keeps what was done, and the same command resumes once it is fixed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest

from docbatch import RunConfig, run_batch
from docbatch.errors import StorageError

ROOT = Path(__file__).resolve().parents[2]


def _replay_config(tmp_path, out, n=3) -> RunConfig:
    replay = tmp_path / "replay"
    replay.mkdir(exist_ok=True)
    rows = []
    for i in range(n):
        words = [{"DetectedText": f"W{i}-{j}" * 40, "Type": "WORD", "Id": j, "Confidence": 99.0} for j in range(200)]
        (replay / f"d{i}.json").write_text(json.dumps({"TextDetections": words, "TextModelVersion": "3.0"}))
        rows.append(f"x/d{i}.png")
    manifest = tmp_path / "m.csv"
    manifest.write_text("source\n" + "\n".join(rows) + "\n")
    return RunConfig(manifest=str(manifest), out=str(out), engine="replay", replay_dir=str(replay), use_cache=False)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs, mounted for the test (needs root, as CI has; skipped elsewhere)."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.mark.slow  # a real `docbatch run` child process
def test_a_corrupt_journal_is_one_line_with_exit_5_and_nothing_else_touched(tmp_path):
    out = tmp_path / "out"
    run_batch(_replay_config(tmp_path, out))
    (out / "state.sqlite").write_bytes(b"this is not a database" * 100)
    for extra in ("state.sqlite-wal", "state.sqlite-shm"):
        (out / extra).unlink(missing_ok=True)
    before = sorted(p.name for p in (out / "raw").iterdir())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cfg = _replay_config(tmp_path, out)
    proc = subprocess.run([sys.executable, "-m", "docbatch", "run", "--manifest", cfg.manifest, "--out", str(out),
                           "--engine", "replay", "--replay-dir", cfg.replay_dir, "--no-cache"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 5, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "run journal" in proc.stderr.strip().splitlines()[-1] and "move it aside" in proc.stderr
    assert sorted(p.name for p in (out / "raw").iterdir()) == before


def test_a_read_only_run_folder_is_one_line_and_resumes_once_writable(tmp_path, small_disk):
    out = small_disk / "out"
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(StorageError, match="read-only"):
        run_batch(_replay_config(tmp_path, out))
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert run_batch(_replay_config(tmp_path, out)).ok == 3


@pytest.mark.slow  # a whole batch through servers: over a second
def test_a_full_disk_mid_run_keeps_what_was_done_and_the_rerun_finishes(tmp_path, small_disk):
    out = small_disk / "out"
    filler = small_disk / "filler"
    run_batch(_replay_config(tmp_path, out, n=1))  # a run folder that already holds one document
    cfg = _replay_config(tmp_path, out, n=12)  # the same manifest, grown
    with open(filler, "wb") as fh:  # leave room for a few responses, not for the run
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        fh.write(b"\0" * max(free - 60_000, 0))
    with pytest.raises(StorageError, match="full"):
        run_batch(cfg)
    assert not [p for p in (out / "raw").iterdir() if p.name.startswith(".tmp-")]
    filler.unlink()
    done = run_batch(cfg)
    assert (done.ok, done.failed) == (12, 0)
    assert len(pd.read_parquet(out / "documents")) == 12


@pytest.mark.slow  # a real `docbatch run` child process against servers, ~5 s
def test_an_s3_run_folder_that_goes_away_mid_run_is_one_line_with_exit_5(tmp_path):
    """The bucket's endpoint stops answering under the run (an outage, a network cut): one
    `[storage]` line and exit 5, as a local folder that fails, not a chain of tracebacks."""
    import time

    import boto3
    from moto.server import ThreadedMotoServer

    from ..support.bench import Bench, dummy_aws_env

    with dummy_aws_env():
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        moto.start()
        host, port = moto.get_host_and_port()
        url = f"http://{host}:{port}"
        boto3.client("s3", endpoint_url=url, region_name="us-east-1").create_bucket(Bucket="runs-outage")
        bench = Bench(tmp_path, moto_url=url, docs=30)
        with bench.server(latency=0.1) as server:
            proc = bench.cli(bench.manifest(), "s3://runs-outage/night/", server, "--tps", "10", "--no-cache")
            deadline = time.monotonic() + 60
            while len(server.request_log) < 4 and time.monotonic() < deadline:
                time.sleep(0.05)
            moto.stop()
            _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 5, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("docbatch: error:") and last.endswith("[storage]") and "runs-outage" in last, stderr
    assert "Traceback" not in stderr
