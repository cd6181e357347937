"""--out s3://bucket/prefix/: tables, raw responses, failed list, run.json and the lock on S3;
the journal checkpointed there, so a new machine resumes repeating at most the in-flight calls."""

from __future__ import annotations

import io
import signal
import time
import uuid

import boto3
import pandas as pd
import pyarrow.parquet as pq
import pytest

from docbatch import run_batch
from docbatch.errors import FolderLocked, ForeignFolder
from docbatch.runfolder import RunFolder

from ..support.bench import CONCURRENCY, Bench, dummy_aws_env, s3_leftovers
from ..support.takeover import THEIR_JOURNAL, THEIR_LOCK, THEIR_RUN, take_over_once_called

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow

BUCKET = "docbatch-nightly-out"


@pytest.fixture(scope="module")
def s3(moto_url):
    with dummy_aws_env():
        client = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture
def new_machine(tmp_path, monkeypatch):
    """A fresh local cache per call: the journal's working copy is not there."""
    def fresh() -> None:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{uuid.uuid4().hex[:6]}"))
    fresh()
    return fresh


def _keys(s3, prefix):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return sorted(o["Key"][len(prefix):] for page in pages for o in page.get("Contents", ()))


def _table(s3, prefix, name) -> pd.DataFrame:
    parts = [k for k in _keys(s3, f"{prefix}{name}/") if k.endswith(".parquet")]
    frames = [pq.read_table(io.BytesIO(s3.get_object(Bucket=BUCKET, Key=f"{prefix}{name}/{k}")["Body"].read()))
              .to_pandas() for k in parts]
    return pd.concat(frames, ignore_index=True)


def test_a_run_writes_its_whole_folder_to_s3_and_nothing_local(tmp_path, moto_url, aws_env, s3, new_machine,
                                                              monkeypatch):
    bench = Bench(tmp_path, moto_url=moto_url, docs=6)
    prefix = f"runs/{uuid.uuid4().hex[:6]}/"
    monkeypatch.chdir(tmp_path)
    with bench.server() as server:
        summary = run_batch(bench.config(bench.manifest(), f"s3://{BUCKET}/{prefix}", server))
    assert (summary.ok, summary.failed) == (6, 0)
    keys = _keys(s3, prefix)
    for expected in (".docbatch-run.json", "run.json", "failed.csv", "state.sqlite", "csv/receipts/part-00000.csv"):
        assert expected in keys, expected
    assert len([k for k in keys if k.startswith("raw/")]) == 6
    assert not s3_leftovers(s3, BUCKET, prefix)
    assert len(_table(s3, prefix, "documents")) == 6 and len(_table(s3, prefix, "receipts")) == 6
    assert not (tmp_path / "s3:").exists()


def test_a_new_machine_resumes_from_the_bucket_without_paying_again(tmp_path, moto_url, aws_env, s3, new_machine):
    bench = Bench(tmp_path, moto_url=moto_url, docs=5)
    out = f"s3://{BUCKET}/runs/{uuid.uuid4().hex[:6]}/"
    with bench.server() as server:
        run_batch(bench.config(bench.manifest(), out, server))
        new_machine()
        again = run_batch(bench.config(bench.manifest(), out, server))
        assert len(server.request_log) == 5
    assert (again.resumed, again.processed) == (5, 0)


@pytest.mark.slow  # a real `docbatch run` child process, SIGKILLed mid-run
def test_sigkill_then_a_new_machine_repeats_at_most_the_in_flight_calls(tmp_path, moto_url, aws_env, s3,
                                                                         new_machine):
    docs = 40
    bench = Bench(tmp_path, moto_url=moto_url, docs=docs)
    prefix = f"runs/{uuid.uuid4().hex[:6]}/"
    with bench.server(latency=0.05) as server:
        proc = bench.cli(bench.manifest(), f"s3://{BUCKET}/{prefix}", server, "--no-cache")
        deadline = time.monotonic() + 60
        while len(server.request_log) < docs // 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        new_machine()
        resumed = run_batch(bench.config(bench.manifest(), f"s3://{BUCKET}/{prefix}", server))
        calls = len(server.request_log)
    assert (resumed.ok, resumed.failed) == (docs, 0)
    assert calls <= docs + 2 * CONCURRENCY, calls
    assert (_table(s3, prefix, "documents")["status"] == "ok").sum() == docs


def test_a_held_lock_object_keeps_a_second_run_out(tmp_path, moto_url, aws_env, s3, new_machine):
    bench = Bench(tmp_path, moto_url=moto_url, docs=2)
    out = f"s3://{BUCKET}/runs/{uuid.uuid4().hex[:6]}/"
    with bench.server() as server:
        config = bench.config(bench.manifest(), out, server)
        folder = RunFolder(out, sources=config.stages().sources)
        folder.claim()
        with folder.lock("20261201T000000Z-bbbbbb"):
            with pytest.raises(FolderLocked, match="in use by run 20261201T000000Z-bbbbbb"):
                run_batch(config)
        assert run_batch(config).ok == 2  # released: the next run goes ahead


def test_a_foreign_prefix_is_refused_and_left_alone(tmp_path, moto_url, aws_env, s3, new_machine):
    prefix = f"theirs/{uuid.uuid4().hex[:6]}/"
    s3.put_object(Bucket=BUCKET, Key=f"{prefix}documents/report.parquet", Body=b"theirs")
    bench = Bench(tmp_path, moto_url=moto_url, docs=1)
    with bench.server() as server, pytest.raises(ForeignFolder):
        run_batch(bench.config(bench.manifest(), f"s3://{BUCKET}/{prefix}", server))
    assert _keys(s3, prefix) == ["documents/report.parquet"]


def test_a_partitioned_run_on_s3_writes_hive_keys_and_a_rerun_replaces_them(tmp_path, moto_url, aws_env, s3,
                                                                             new_machine, monkeypatch):
    import datetime as dt

    bench = Bench(tmp_path, moto_url=moto_url, docs=4)
    prefix = f"runs/{uuid.uuid4().hex[:6]}/"
    monkeypatch.chdir(tmp_path)
    with bench.server() as server:
        config = bench.config(bench.manifest(), f"s3://{BUCKET}/{prefix}", server, partition_by=("run_date", "doc_type"))
        for _ in range(2):  # the second run resumes (nothing to call) and swaps rebuilt tables over the first's
            summary = run_batch(config)
            assert (summary.ok, summary.failed) == (4, 0)
            # the UTC day the run started, stamped in its id (not today's date: midnight may have passed)
            day = dt.datetime.strptime(summary.run_id[:8], "%Y%m%d").date().isoformat()
            place = f"run_date={day}/doc_type=receipt/"
            expected = {f"receipts/{place}part-00000.parquet", f"csv/receipts/{place}part-00000.csv"}
            keys = _keys(s3, prefix)
            assert expected <= set(keys) and not s3_leftovers(s3, BUCKET, prefix)
            assert len(_table(s3, prefix, "receipts")) == 4


def test_a_run_whose_lock_was_taken_over_stops_without_overwriting_the_new_holders_files(
        tmp_path, moto_url, aws_env, s3, new_machine, monkeypatch):
    """Another run took the folder over while this one was slow (its lock object and its journal
    checkpoint are there): this run stops at its next heartbeat, exit 2, and puts back neither its
    journal nor tables nor run.json."""
    from docbatch.runlock import RunLock

    monkeypatch.setattr(RunLock, "REFRESH_EVERY", 0.2)
    bench = Bench(tmp_path, moto_url=moto_url, docs=3)
    prefix = f"runs/{uuid.uuid4().hex[:6]}/"
    with bench.server(latency=1.0) as server:
        thief = take_over_once_called(s3, BUCKET, prefix, server)
        with pytest.raises(FolderLocked, match=f"taken over by run {THEIR_RUN}"):
            run_batch(bench.config(bench.manifest(), f"s3://{BUCKET}/{prefix}", server, concurrency=1))
        thief.join()
    assert s3.get_object(Bucket=BUCKET, Key=f"{prefix}state.sqlite")["Body"].read() == THEIR_JOURNAL
    assert s3.get_object(Bucket=BUCKET, Key=f"{prefix}.docbatch-lock.json")["Body"].read() == THEIR_LOCK
    assert not [k for k in _keys(s3, prefix) if k.startswith(("documents/", "run.json"))]


def test_another_manifest_into_an_s3_folder_is_refused_naming_the_folder_by_its_uri(tmp_path, moto_url, aws_env,
                                                                                    s3):
    """The line names the folder as the user wrote it (``s3://bucket/...``), not as pyarrow
    paths it (``bucket/...``), so it can be pasted back into ``--out``."""
    from docbatch.errors import ConfigError

    bench = Bench(tmp_path, moto_url=moto_url, docs=2)
    out = f"s3://{BUCKET}/runs/{uuid.uuid4().hex[:6]}"
    other = tmp_path / "other.csv"
    other.write_text(bench.manifest().read_text())
    with bench.server() as server:
        run_batch(bench.config(bench.manifest(), out, server))
        with pytest.raises(ConfigError, match=f"run folder {out} holds the batch"):
            run_batch(bench.config(other, out, server))
