"""A run stopped (SIGTERM's stop flag) during a 5xx storm ends at once: documents still retrying
are left un-done, not failed, and the next run asks for them and for nothing done before.

Why: AWS Batch sends SIGKILL 30 s after SIGTERM.  A stop that waited out each in-flight
document's retry chain (8 attempts, 300 s, full-jitter backoff) was a kill in a 5xx storm, and
its documents were marked failed as their retries ran out.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest

from docbatch import run_batch
from docbatch.testing.faults import Fault

from ..support.bench import write_manifest

# Whole batches against loopback servers (fake Rekognition, moto).
pytestmark = pytest.mark.slow


def _stop_once_requests_seen(server, stop: threading.Event, n: int, stopped_at: list[float]) -> threading.Thread:
    """Sets ``stop`` (as the SIGTERM handler does) once the server has answered ``n`` requests."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while len(server.request_log) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        stopped_at.append(time.monotonic())
        stop.set()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_stop_during_a_5xx_storm_ends_the_run_at_once_and_the_resume_asks_only_the_cut_short_ones(bench):
    bench.manifest()  # the images
    work = bench.folder("stop-in-storm")
    rows = [{"source": f"../img/r{i:03d}.png", "doc_type": "receipt"} for i in range(12)]
    manifest = write_manifest(work / "m.csv", rows[:6])
    out = work / "out"
    with bench.server() as server:  # six documents done first
        assert run_batch(bench.config(manifest, out, server)).outcome == "completed"
    done_keys = {r.image_key for r in server.request_log}

    write_manifest(work / "m.csv", rows)  # the same batch, grown: six more rows
    # Every image answers 500 seven times; the waits between attempts are long (up to 20 s,
    # a retry chain's budget 60 s), as the production defaults are.
    slow_backoff = dict(backoff_base=2.0, backoff_max=20.0, max_retry_seconds=60.0, max_attempts=8)
    stop, stopped_at = threading.Event(), []
    with bench.server(faults=[Fault("http500", first=7)]) as storm:
        watcher = _stop_once_requests_seen(storm, stop, 6, stopped_at)
        summary = run_batch(bench.config(manifest, out, storm, **slow_backoff), stop=stop)
        ended = time.monotonic()
        watcher.join()
        storm_log = storm.request_log
    assert summary.outcome == "interrupted" and summary.exit_code == 130
    assert ended - stopped_at[0] < 3.0, f"the run took {ended - stopped_at[0]:.1f} s to end after the stop"
    assert all(r.time < stopped_at[0] + 0.5 for r in storm_log), "a call was made after the stop"
    assert (summary.resumed, summary.ok, summary.failed) == (6, 6, 0)  # ok: the batch's, the six done before
    run = json.loads((out / "run.json").read_text())
    assert run["outcome"] == "interrupted" and run["counts"]["failed"] == 0
    with sqlite3.connect(out / "state.sqlite") as db:
        statuses = dict(db.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall())
    assert statuses.pop("ok") == 6 and set(statuses) == {None}  # the cut-short ones: seen, not marked

    with bench.server() as server:
        resumed = run_batch(bench.config(manifest, out, server))
        asked = [r.image_key for r in server.request_log]
    assert resumed.outcome == "completed" and (resumed.resumed, resumed.ok, resumed.failed) == (6, 12, 0)
    assert len(asked) == len(set(asked)) == 6 and {r.image_key for r in storm_log} <= set(asked)
    assert not set(asked) & done_keys  # no done document paid again
