"""Nothing lost, nothing paid twice, nothing wrong, nothing of anyone else's touched, under
every network fault (issue #6) and every nightly-run hazard (issue #11).

Each test runs one scenario of ``python -m benchmarks.fault_matrix`` (docbatch's
real code against the fake Rekognition server and moto S3 on loopback) and checks its
numbers: documents ok, DetectText requests, images answered more than once, manifest rows
missing from ``documents``, rows holding another image's fields, foreign files deleted or
overwritten.  Every fault run's tables must equal the clean run's.
"""

from __future__ import annotations

import logging
import signal

import pytest

from benchmarks import fault_matrix as fm
from benchmarks import fault_scenarios as fs
from benchmarks import fault_storage as fst
from docbatch import run_batch
from docbatch.progress import ProgressReporter
from docbatch.testing.faults import Fault

from ..support.bench import CONCURRENCY
from .conftest import BENCH_DOCS as DOCS

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow


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
    assert r.requests == 4 * DOCS  # every image met two 503s and a 500 first, however requests interleave


def test_connection_resets_are_retried_without_paying_twice(bench):
    r = fm.connection_resets(bench)
    assert r.problems == []
    assert (r.ok, r.repeated, r.lost) == (DOCS, 0, 0)
    assert r.requests == 2 * DOCS  # one reset per image, then its answer


@pytest.mark.slow  # real 2 s stalls past a real 1 s read timeout
def test_answers_slower_than_the_read_timeout_are_sent_again_and_nothing_is_lost(bench):
    r = fm.slow_responses(bench)
    assert r.problems == []
    assert (r.ok, r.repeated, r.lost) == (DOCS, 0, 0)
    assert r.requests == 2 * DOCS  # each image's first request stalls past the timeout, the second is answered


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


# -- the nightly run's folder, inputs and environment (issue #11) ---------------------------


def _clean(r: fm.ScenarioResult) -> None:
    """The promise of every scenario: no row lost, none wrong, no foreign file harmed."""
    if r.skipped:
        pytest.skip(r.skipped)
    assert (r.lost, r.wrong, r.foreign) == (0, 0, 0), r.problems


@pytest.mark.slow  # `docbatch run` child processes
def test_a_foreign_folder_is_refused_before_any_call_and_left_untouched(bench):
    r = fs.foreign_folder(bench)
    _clean(r)
    assert r.problems == []  # also: one line naming --out, nothing written into their folder
    assert (r.exit_codes, r.ok, r.requests) == ((2, 0), DOCS, DOCS)  # the refused run called nothing


@pytest.mark.slow  # `docbatch run` child processes
def test_a_foreign_folder_with_its_own_run_json_and_state_sqlite_is_refused_too(bench):
    r = fs.foreign_folder(bench, lookalike=True)
    assert r.exit_codes[0] == 2 and r.foreign == 0, r.problems
    _clean(r)
    assert r.problems == []


@pytest.mark.slow  # two runs, ~4 s
def test_an_image_replaced_under_its_name_is_read_again_and_no_row_holds_another_images_fields(bench):
    r = fs.renamed_images(bench)
    _clean(r)
    assert r.problems == []  # also: 4 changed, the rest resumed, r003 names folder B's file
    assert (r.ok, r.repeated, r.requests) == (DOCS, 0, DOCS + 2)  # swapped images come from the cache


@pytest.mark.slow  # two runs, ~5 s
def test_garbage_200s_are_asked_again_never_kept_nor_cached(bench):
    r = fs.garbage_answers(bench)
    _clean(r)
    assert r.problems == []  # also: clean tables, valid cache entries, tomorrow's run calls nothing
    assert (r.ok, r.repeated) == (DOCS, 0) and r.requests > DOCS


@pytest.mark.slow  # a `docbatch run` child process
def test_a_fifo_a_link_to_it_and_dev_zero_fail_their_rows_and_the_run_finishes(bench):
    r = fs.fifo_source(bench)
    _clean(r)
    assert r.problems == []
    assert (r.exit_codes, r.ok, r.failed, r.requests) == ((3,), DOCS - 3, {"not_a_regular_file": 3}, DOCS - 3)


@pytest.mark.slow  # five `docbatch run` child processes
def test_a_second_run_into_a_busy_folder_exits_2_naming_the_holder_and_pays_nothing(bench):
    r = fs.concurrent_runs(bench)
    _clean(r)
    assert r.problems == []  # also: the holder's pid and host on the refused run's last line
    assert r.exit_codes[:3] == (2, 0, 0) and sorted(r.exit_codes[3:]) == [0, 2]
    assert (r.ok, r.repeated, r.requests) == (DOCS, 0, 2 * DOCS)  # one call per image in each folder


@pytest.fixture(scope="module")
def corrupt(bench):
    return fs.corrupt_journal(bench)


@pytest.mark.slow  # `docbatch run` child processes, one SIGKILLed
def test_a_corrupt_journal_is_exit_5_with_one_line_and_moved_aside_the_run_finishes(corrupt):
    _clean(corrupt)
    assert corrupt.exit_codes == (-signal.SIGKILL, 5, 0)
    assert corrupt.problems == []
    assert corrupt.ok == DOCS


@pytest.mark.slow  # `docbatch run` child processes, one SIGKILLed
def test_a_journal_moved_aside_reuses_the_saved_answers(corrupt):
    assert corrupt.redone <= CONCURRENCY


@pytest.mark.slow  # a real tmpfs remounted read-only (root), `docbatch run` children
def test_a_read_only_folder_is_exit_5_without_a_call_and_resumes_once_writable(bench):
    r = fst.read_only_folder(bench)
    _clean(r)
    assert r.problems == []
    assert (r.exit_codes, r.ok, r.requests, r.redone) == ((0, 5, 0), DOCS, DOCS, 0)


@pytest.mark.slow  # a real tmpfs filled mid-run (root), `docbatch run` children
def test_a_disk_full_mid_run_is_exit_5_and_once_freed_the_run_finishes(bench):
    r = fst.full_disk(bench)
    _clean(r)
    assert r.problems == []  # also: no half-written file, the clean run's tables
    assert r.exit_codes == (5, 0) and r.ok == DOCS and r.redone <= 2 * CONCURRENCY


@pytest.mark.slow  # `docbatch run` child processes
def test_credentials_refused_mid_run_stop_it_and_once_back_nothing_is_paid_twice(bench):
    r = fs.lost_credentials(bench)
    _clean(r)
    assert r.problems == []  # also: no document marked failed by the stopped run
    assert (r.exit_codes, r.ok, r.redone) == ((2, 0), DOCS, 0)


@pytest.mark.slow  # `docbatch run` child processes, one SIGKILLed
def test_s3_output_survives_sigkill_and_a_new_machine_repeating_at_most_the_in_flight_calls(bench):
    r = fst.s3_output_sigkill(bench)
    _clean(r)
    assert r.problems == []  # also: nothing half-written or local, the bucket's other objects untouched
    assert r.exit_codes == (-signal.SIGKILL, 0) and r.ok == DOCS and r.redone <= 2 * CONCURRENCY
