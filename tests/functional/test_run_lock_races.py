"""Two runs that find the same stale run-folder lock: exactly one takes it over, on S3 and
on a local disk, and a run whose lock was taken over stops instead of overwriting it.

The S3 race is scripted on the wire (botocore's request events, the client side of moto's
HTTP server): both runs read the stale lock, then the first takes it over completely
before the second sends its write, which is the interleaving that let both hold it."""

from __future__ import annotations

import json
import threading
import uuid

import boto3
import pytest

from docbatch.errors import ConfigError, FolderLocked
from docbatch.runlock import LocalLockFile, RunLock, S3LockObject

from ..support.bench import dummy_aws_env

BUCKET = "docbatch-lock-races"
STALE = json.dumps({"host": "gone-host", "pid": 1, "run_id": "old", "heartbeat": 0}).encode()


@pytest.fixture(scope="module")
def s3_client(moto_url):
    with dummy_aws_env():
        client = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield lambda: boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")


class Turns:
    """Hold each taker's writes to the lock, once it has read the lock, until its turn:
    the first writes once the second has read the stale lock, the second once the first
    is done taking it."""

    def __init__(self) -> None:
        self.read = [threading.Event(), threading.Event()]
        self.done = threading.Event()

    def attach(self, client, who: int) -> None:
        def after_read(**_kw) -> None:
            self.read[who].set()

        def before_write(**_kw) -> None:
            if self.read[who].is_set():
                (self.read[1] if who == 0 else self.done).wait(timeout=10)

        client.meta.events.register("after-call.s3.GetObject", after_read)
        for op in ("PutObject", "DeleteObject"):
            client.meta.events.register(f"before-call.s3.{op}", before_write)


def _take(lock: RunLock, outcome: dict, who: int, done: threading.Event | None = None) -> None:
    try:
        lock.acquire()
        outcome[who] = "holds"
    except FolderLocked as exc:
        outcome[who] = str(exc)
    finally:
        if done is not None:
            done.set()


@pytest.mark.slow
def test_two_runs_taking_over_one_stale_s3_lock_leave_exactly_one_holder(s3_client):
    key = f"runs/{uuid.uuid4().hex[:6]}/.docbatch-lock.json"
    seed = s3_client()
    seed.put_object(Bucket=BUCKET, Key=key, Body=STALE)
    turns, outcome = Turns(), {}
    locks = []
    for who, run_id in enumerate(("20261201T000000Z-aaaaaa", "20261201T000000Z-bbbbbb")):
        client = s3_client()
        turns.attach(client, who)
        locks.append(RunLock(S3LockObject(client, BUCKET, key), run_id, folder=f"s3://{BUCKET}/runs"))
    threads = [threading.Thread(target=_take, args=(locks[0], outcome, 0, turns.done)),
               threading.Thread(target=_take, args=(locks[1], outcome, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcome[0] == "holds"
    assert "in use by run 20261201T000000Z-aaaaaa" in outcome[1]
    held = json.loads(seed.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    assert held["run_id"] == "20261201T000000Z-aaaaaa"


@pytest.mark.slow
def test_many_runs_racing_for_one_stale_local_lock_leave_exactly_one_holder(tmp_path):
    for round_no in range(40):
        path = tmp_path / f"r{round_no}" / ".docbatch-lock.json"
        path.parent.mkdir()
        path.write_bytes(STALE)
        start, outcome = threading.Barrier(4), {}

        def take(who: int) -> None:
            start.wait()
            _take(RunLock(LocalLockFile(path), f"20261201T000000Z-00000{who}", folder=str(path.parent)),
                  outcome, who)

        threads = [threading.Thread(target=take, args=(who,)) for who in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        holders = [who for who, said in outcome.items() if said == "holds"]
        assert len(holders) == 1, (round_no, outcome)
        assert json.loads(path.read_bytes())["run_id"] == f"20261201T000000Z-00000{holders[0]}"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _stores(kind, tmp_path, s3_client):
    if kind == "local":
        path = tmp_path / ".docbatch-lock.json"
        return lambda: LocalLockFile(path), lambda: json.loads(path.read_bytes())
    key = f"runs/{uuid.uuid4().hex[:6]}/.docbatch-lock.json"
    client = s3_client()
    return (lambda: S3LockObject(s3_client(), BUCKET, key),
            lambda: json.loads(client.get_object(Bucket=BUCKET, Key=key)["Body"].read()))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["local", "s3"])
def test_a_run_whose_lock_was_taken_over_stops_at_its_next_heartbeat_and_leaves_the_new_lock(
        kind, tmp_path, s3_client):
    store, held = _stores(kind, tmp_path, s3_client)
    slow_clock = Clock(1_000.0)
    hung = RunLock(store(), "20261201T000000Z-111111", folder="out", clock=slow_clock).acquire()
    # Another host finds the heartbeat older than STALE_AFTER (the first run hung) and takes over.
    later = Clock(1_000.0 + RunLock.STALE_AFTER + 1)
    other = RunLock(store(), "20261201T000000Z-222222", folder="out", clock=later)
    other.acquire()
    assert held()["run_id"] == "20261201T000000Z-222222"
    slow_clock.now += RunLock.REFRESH_EVERY  # the hung run wakes up and beats
    with pytest.raises(FolderLocked, match="taken over by run 20261201T000000Z-222222"):
        hung.beat()
    hung.release()
    assert held()["run_id"] == "20261201T000000Z-222222"


@pytest.mark.slow  # waits out a stale-lock period on the wall clock (shortened to 2 s)
def test_a_run_whose_documents_take_longer_than_the_stale_period_keeps_its_folder(tmp_path, aws_env, monkeypatch):
    """The heartbeat beats on its own, not when a document finishes: a run waiting on slow
    answers (or building its tables) for longer than STALE_AFTER is alive, and a second run
    started meanwhile is refused instead of taking the folder over."""
    import time

    from docbatch import RunConfig, run_batch
    from docbatch.runfolder import LOCK

    from ..conftest import text_png
    from ..support.bench import TinyReceiptEngine
    from docbatch.testing.fake_rekognition import FakeRekognitionServer

    monkeypatch.setattr(RunLock, "STALE_AFTER", 2.0)
    monkeypatch.setattr(RunLock, "REFRESH_EVERY", 0.2)
    (tmp_path / "a.png").write_bytes(text_png("slow receipt"))
    manifest = tmp_path / "m.csv"
    manifest.write_text("source,doc_type\na.png,receipt\n")
    out = tmp_path / "out"
    with FakeRekognitionServer(engine=TinyReceiptEngine(), latency=5.0) as server:
        config = RunConfig(manifest=str(manifest), out=str(out), engine="rekognition", region="us-east-1",
                           endpoint_url=server.endpoint_url, use_cache=False)
        first: dict = {}
        thread = threading.Thread(target=lambda: first.update(summary=run_batch(config)))
        thread.start()
        deadline = time.monotonic() + 30
        while not (out / LOCK).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(3.0)  # the first run's only call is still being answered
        with pytest.raises(FolderLocked, match="in use by run"):
            run_batch(config)
        thread.join(timeout=60)
    assert first["summary"].ok == 1


def test_a_live_lock_of_another_container_on_this_hosts_network_is_not_taken_over(tmp_path):
    """Containers sharing the host's network share its name, not its pids: a pid that is not
    running here may be running there, so only the heartbeat can say the lock is stale."""
    import os
    import socket
    import time

    not_here = int(open("/proc/sys/kernel/pid_max").read())  # no process here has this pid
    path = tmp_path / ".docbatch-lock.json"
    other_container = os.stat("/proc/self/ns/pid").st_ino + 1
    path.write_text(json.dumps({"host": socket.gethostname(), "pid": not_here, "pid_namespace": other_container,
                                "run_id": "20261201T000000Z-c0ffee", "heartbeat": time.time()}))
    with pytest.raises(FolderLocked, match="in use by run 20261201T000000Z-c0ffee"):
        RunLock(LocalLockFile(path), "20261201T000000Z-aaaaaa", folder=str(tmp_path)).acquire()


@pytest.mark.slow  # a whole (tiny) run first
def test_a_local_build_whose_lock_was_taken_over_before_its_commit_publishes_no_table(tmp_path, aws_env):
    """The heartbeat had not noticed yet: the build's commit point renews the lock itself, so a
    run that lost its folder while building leaves the tables (and the lock) as the new holder's."""
    import pandas as pd

    from docbatch import RunConfig, run_batch
    from docbatch.config import OutputSettings, ParseSettings
    from docbatch.outputs import build_outputs
    from docbatch.runfolder import LOCK, RunFolder
    from docbatch.state import Journal
    from docbatch.testing.fake_rekognition import FakeRekognitionServer

    from ..conftest import text_png
    from ..support.bench import TinyReceiptEngine

    (tmp_path / "a.png").write_bytes(text_png("a receipt"))
    manifest = tmp_path / "m.csv"
    manifest.write_text("source,doc_type\na.png,receipt\n")
    out = tmp_path / "out"
    with FakeRekognitionServer(engine=TinyReceiptEngine()) as server:
        first = run_batch(RunConfig(manifest=str(manifest), out=str(out), engine="rekognition", region="us-east-1",
                                    endpoint_url=server.endpoint_url, use_cache=False, formats=("parquet",)))
    folder = RunFolder(out)
    slow = Clock(1_000.0)
    hung = RunLock(LocalLockFile(out / LOCK), "20261201T000000Z-111111", folder=str(out), clock=slow).acquire()
    RunLock(LocalLockFile(out / LOCK), "20261201T000000Z-222222", folder=str(out),
            clock=Clock(1_000.0 + RunLock.STALE_AFTER + 1)).acquire()
    journal = Journal(folder.journal_path)
    try:
        with pytest.raises(FolderLocked, match="taken over by run 20261201T000000Z-222222"):
            build_outputs(journal.rows(first.run_id), folder=folder, run_id="20261201T000000Z-111111", n_docs=1,
                          output=OutputSettings(formats=("parquet",)), parse=ParseSettings(), passthrough_columns=[],
                          commit_check=hung.beat)
    finally:
        journal.close()
    assert set(pd.read_parquet(out / "documents")["run_id"]) == {first.run_id}
    assert json.loads((out / LOCK).read_text())["run_id"] == "20261201T000000Z-222222"
    assert hung.lost


def _lock_of_a_live_run(path, **holder) -> None:
    import os
    import socket
    import time

    not_here = int(open("/proc/sys/kernel/pid_max").read())  # no process here has this pid
    path.write_text(json.dumps({"host": socket.gethostname(), "pid": not_here,
                                "pid_namespace": os.stat("/proc/self/ns/pid").st_ino,
                                "run_id": "20261201T000000Z-c0ffee", "heartbeat": time.time(), **holder}))


def test_a_live_lock_of_another_host_of_the_same_name_sharing_the_folder_is_not_taken_over(tmp_path):
    """Two hosts mounting one folder (NFS, EFS) may share a host name (cloned images) and the
    initial pid namespace's number: a pid not running here says nothing about the other's run."""
    path = tmp_path / ".docbatch-lock.json"
    _lock_of_a_live_run(path, boot_id="0c10eed0-0000-4000-8000-000000000000")
    with pytest.raises(FolderLocked, match="in use by run 20261201T000000Z-c0ffee"):
        RunLock(LocalLockFile(path), "20261201T000000Z-aaaaaa", folder=str(tmp_path)).acquire()


def _nfs_mount_table(tmp_path, options: str):
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/root / ext4 rw,relatime 0 0\n"
                      f"fs-0123.efs.eu-west-1.amazonaws.com:/ {tmp_path} nfs4 rw,relatime,vers=4.1,{options} 0 0\n")
    return mounts


def test_a_run_folder_on_nfs_whose_locks_stay_on_this_host_is_refused_in_one_line(tmp_path):
    path = tmp_path / ".docbatch-lock.json"
    with pytest.raises(ConfigError, match="nfs4 mounted with local_lock=flock: its locks do not reach"):
        LocalLockFile(path, mounts=_nfs_mount_table(tmp_path, "hard,local_lock=flock"))


def test_on_nfs_a_stale_lock_is_taken_over_under_a_lock_the_server_holds(tmp_path):
    """A flock of a folder stays on its host over NFS; a POSIX lock of a file opened for writing
    goes to the server, so the hosts' takeovers take turns on the guard file."""
    path = tmp_path / ".docbatch-lock.json"
    path.write_bytes(STALE)
    store = LocalLockFile(path, mounts=_nfs_mount_table(tmp_path, "hard,local_lock=none"))
    RunLock(store, "20261201T000000Z-aaaaaa", folder=str(tmp_path)).acquire()
    assert json.loads(path.read_text())["run_id"] == "20261201T000000Z-aaaaaa"
    assert (tmp_path / ".docbatch-lock.guard").is_file()


def _killed_elsewhere(path, clock) -> None:
    """The lock of a run whose container was killed a minute ago on another host."""
    path.write_text(json.dumps({"host": "ip-10-0-1-7", "boot_id": "b0075eed-0000-4000-8000-000000000000", "pid": 7,
                                "run_id": "20261201T000000Z-dead00", "heartbeat": clock.now - 60}))


def test_a_run_told_to_wait_takes_a_killed_runs_lock_over_once_its_heartbeat_is_stale(tmp_path):
    """AWS Batch retries a child whose container was killed: the retry, on another host, waits
    the dead run's heartbeat out (STALE_AFTER) and resumes, instead of exiting 2 at once."""
    path, clock, slept = tmp_path / ".docbatch-lock.json", Clock(10_000.0), []
    _killed_elsewhere(path, clock)

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    RunLock(LocalLockFile(path), "20261201T000000Z-aaaaaa", folder=str(tmp_path), clock=clock).acquire(
        wait=900, sleep=sleep)
    assert json.loads(path.read_text())["run_id"] == "20261201T000000Z-aaaaaa"
    assert RunLock.STALE_AFTER - 60 < sum(slept) <= RunLock.STALE_AFTER - 60 + RunLock.REFRESH_EVERY


def test_a_run_told_to_wait_for_a_live_holder_gives_up_when_its_wait_is_over(tmp_path):
    path, clock = tmp_path / ".docbatch-lock.json", Clock(10_000.0)
    _killed_elsewhere(path, clock)

    def holder_beats_while_we_sleep(seconds: float) -> None:
        clock.now += seconds
        _killed_elsewhere(path, Clock(clock.now + 60))  # its heartbeat is fresh again

    with pytest.raises(FolderLocked, match=r"in use by run 20261201T000000Z-dead00 .*\(waited 300 s\)"):
        RunLock(LocalLockFile(path), "20261201T000000Z-aaaaaa", folder=str(tmp_path), clock=clock).acquire(
            wait=300, sleep=holder_beats_while_we_sleep)
    assert json.loads(path.read_text())["run_id"] == "20261201T000000Z-dead00"
