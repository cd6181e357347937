"""Nothing lost, nothing paid twice, nothing wrong, nothing of anyone else's touched, under
every network fault (issue #6).

Each test runs one scenario of ``python -m benchmarks.fault_matrix`` (docbatch's
real code against the fake Rekognition server and moto S3 on loopback) and checks its
numbers: documents ok, DetectText requests, images answered more than once, manifest rows
missing from ``documents``, rows holding another image's fields, foreign files deleted or
overwritten.  Every fault run's tables must equal the clean run's.
"""

from __future__ import annotations

import logging

import pytest

from benchmarks import fault_matrix as fm
from docbatch import run_batch
from docbatch.progress import ProgressReporter
from docbatch.testing.faults import Fault

from .conftest import BENCH_DOCS as DOCS


def test_a_clean_run_sends_each_image_once_and_exits_0(bench):
    r = fm.clean(bench)
    assert r.problems == []
    assert (r.ok, r.requests, r.repeated, r.lost, r.exit_codes) == (DOCS, DOCS, 0, 0, (0,))


@pytest.mark.slow  # waits on a real 8-per-second quota: over a second by design
def test_a_throttling_storm_slows_down_and_still_finishes_every_document(bench):
    r = fm.throttling_storm(bench)
    assert r.problems == []  # includes: tables equal to the clean run's
    assert (r.ok, r.repeated, r.lost, r.failed) == (DOCS, 0, 0, {})
    assert r.requests > DOCS  # the quota did throttle


def test_a_burst_of_5xx_is_retried_until_every_document_is_ok(bench):
    r = fm.server_errors(bench)
    assert r.problems == []
    assert (r.ok, r.repeated, r.lost) == (DOCS, 0, 0)
    assert r.requests >= 3 * DOCS  # every image met two 503s first


def test_connection_resets_are_retried_without_paying_twice(bench):
    r = fm.connection_resets(bench)
    assert r.problems == []
    assert (r.ok, r.repeated, r.lost) == (DOCS, 0, 0)
    assert r.requests > DOCS


@pytest.mark.slow  # real 2 s stalls past a real 1 s read timeout
def test_answers_slower_than_the_read_timeout_are_sent_again_and_nothing_is_lost(bench):
    r = fm.slow_responses(bench)
    assert r.problems == []
    assert (r.ok, r.repeated, r.lost) == (DOCS, 0, 0)
    late = DOCS // 4  # every fourth request stalls; requests = images + stalled ones
    assert r.requests >= DOCS + late


def test_when_every_call_fails_the_run_aborts_with_exit_4_and_a_rerun_resumes(bench):
    r = fm.failure_rate_abort(bench)
    assert r.problems == []
    assert r.exit_codes == (4, 0)
    aborted_after = int(r.notes[0].split()[2])  # "aborted after N docs, ..."
    assert 4 <= aborted_after <= 8 < DOCS  # min_docs_for_failure_rate=4, then what was in flight
    assert (r.ok, r.repeated, r.lost) == (DOCS, 0, 0)


def test_the_same_image_twice_costs_one_call_today_and_none_tomorrow(bench):
    r = fm.duplicate_images(bench)
    assert r.problems == []  # also: --no-cache pays for every row, reparse calls nothing
    assert (r.documents, r.ok, r.requests, r.repeated) == (DOCS, DOCS, DOCS // 2, 0)


def test_info_logs_hold_no_credentials_and_no_recognised_text(bench, caplog):
    caplog.set_level(logging.INFO)
    with bench.server(faults=[Fault("http500", first=1)]) as server:
        summary = run_batch(bench.config(bench.manifest(), bench.folder("logs") / "out", server),
                            subscribers=[ProgressReporter(interval=0, tty=False)])
    assert summary.ok == DOCS
    assert "progress:" in caplog.text  # the run did log at INFO
    assert fm.log_leaks(caplog.text) == []


def test_the_table_shows_every_scenario_and_spells_out_broken_promises():
    good = fm.ScenarioResult("clean", 3, ok=3, requests=3)
    bad = fm.ScenarioResult("lossy", 3, ok=2, failed={"file_not_found": 1}, lost=1, problems=["1 row lost"])
    text = fm.format_table([good, bad])
    assert [c.strip() for c in text.splitlines()[0].split("|")][:4] == ["scenario", "docs", "ok", "failed by code"]
    assert "file_not_found=1" in text and "lossy: PROBLEM: 1 row lost" in text
    assert [line.rsplit("|", 1)[1].strip() for line in text.splitlines()[2:4]] == ["ok", "FAIL"]


def test_the_table_counts_wrong_rows_and_harmed_foreign_files_and_says_skip():
    head = [c.strip() for c in fm.format_table([]).splitlines()[0].split("|")]
    assert head[7:10] == ["lost", "wrong", "foreign"]
    mixed = fm.ScenarioResult("mixed", 2, ok=2, wrong=1, foreign=2, problems=["x"])
    skipped = fm.ScenarioResult("no tmpfs", 2, skipped="cannot mount")
    rows = [[c.strip() for c in line.split("|")] for line in fm.format_table([mixed, skipped]).splitlines()[2:4]]
    assert (rows[0][8], rows[0][9], rows[0][-1], rows[1][-1]) == ("1", "2", "FAIL", "skip")
