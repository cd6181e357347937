"""Resume: a re-run sends nothing already done, redoes only what a crash had in flight,
and ends with the tables an uninterrupted run would have written (issue #6).

Signals go to a real ``docbatch run`` child process; the fake Rekognition server lives in
the test process and its request log is the bill.
"""

from __future__ import annotations

import signal
import sqlite3

import pandas as pd
import pytest

from benchmarks import fault_matrix as fm
from docbatch import run_batch
from docbatch.testing.faults import Fault

from ..support import packs
from ..support.bench import table_differences, text_image, write_manifest
from .conftest import BENCH_DOCS as DOCS

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow


@pytest.mark.slow  # real `docbatch run` child processes, SIGKILLed twice, then a third run
def test_sigkill_twice_then_rerun_gives_the_uninterrupted_tables_redoing_only_in_flight_work(bench):
    r = fm.interrupted_resume(bench, signal.SIGKILL, at=(0.25, 0.6))
    assert r.problems == []  # tables equal the clean run's; no truncated Parquet; no leaks
    assert r.exit_codes == (-signal.SIGKILL, -signal.SIGKILL, 0)
    assert (r.ok, r.lost, r.repeated) == (DOCS, 0, 0)
    assert r.redone <= 2 * fm.CONCURRENCY  # at most what was in flight at each kill
    assert r.requests >= DOCS + r.redone  # plus any request a kill cut off before it was answered


@pytest.mark.slow  # a real `docbatch run` child process, SIGTERMed, then a second run
def test_sigterm_finishes_in_flight_work_exits_130_and_the_rerun_redoes_nothing(bench):
    r = fm.interrupted_resume(bench, signal.SIGTERM)
    assert r.problems == []  # includes the "re-run the same command to resume" hint
    assert r.exit_codes == (130, 0)
    assert (r.ok, r.lost, r.redone, r.requests) == (DOCS, 0, 0, DOCS)


@pytest.mark.slow  # a real `docbatch run` child process, SIGINTed, then a second run
def test_sigint_stops_like_sigterm(bench):
    r = fm.interrupted_resume(bench, signal.SIGINT)
    assert r.problems == []
    assert r.exit_codes == (130, 0)
    assert (r.ok, r.redone, r.requests) == (DOCS, 0, DOCS)


@pytest.mark.slow  # real `docbatch run` child processes, one SIGKILLed while it builds the tables
def test_a_sigkill_during_the_output_build_leaves_whole_tables_and_no_hidden_copies(bench):
    r = fm.kill_during_build(bench)
    assert r.problems == []
    assert r.exit_codes == (0, -signal.SIGKILL, 0)
    assert (r.ok, r.lost, r.requests) == (DOCS, 0, DOCS)


def test_rerunning_a_finished_run_sends_no_request_and_rebuilds_the_same_tables(bench):
    out = bench.folder("rerun") / "out"
    with bench.server() as server:
        run_batch(bench.config(bench.manifest(), out, server))
        first = pd.read_parquet(out / "documents")
        again = run_batch(bench.config(bench.manifest(), out, server))
        requests = len(server.request_log)
    assert requests == DOCS
    assert (again.resumed, again.processed, again.exit_code) == (DOCS, 0, 0)
    assert pd.read_parquet(out / "documents").drop(columns="run_id").equals(first.drop(columns="run_id"))


def test_permanent_failures_are_not_retried_unless_retry_failed(bench):
    out = bench.folder("retry-failed") / "out"
    with bench.server(faults=[Fault("invalid_image", first=1)]) as server:
        first = run_batch(bench.config(bench.manifest(), out, server))
        after_first = len(server.request_log)
        plain = run_batch(bench.config(bench.manifest(), out, server))
        after_plain = len(server.request_log)
        retried = run_batch(bench.config(bench.manifest(), out, server, retry_failed=True))
        after_retry = len(server.request_log)
    assert (first.failed, first.errors, first.exit_code) == (DOCS, {"invalid_image_format": DOCS}, 3)
    assert (after_plain - after_first, plain.resumed, plain.exit_code) == (0, DOCS, 3)
    assert (after_retry - after_plain, retried.ok, retried.exit_code) == (DOCS, DOCS, 0)


def test_the_documents_table_holds_every_manifest_row_once_as_the_journal_records_it(bench):
    work = bench.folder("journal")
    rows = [{"source": f"../img/r{i:03d}.png", "doc_type": "receipt"} for i in range(4)]
    rows += [{"source": "missing.png"}, {"source": "../img/r000.png"}, {"source": "", "note": "no source"}]
    bench.manifest()  # the images
    manifest = write_manifest(work / "m.csv", rows)
    with bench.server() as server:
        summary = run_batch(bench.config(manifest, work / "out", server))
    docs = pd.read_parquet(work / "out" / "documents").set_index("doc_id")
    with sqlite3.connect(work / "out" / "state.sqlite") as db:
        journal = pd.read_sql("SELECT doc_id, row_no, status, error_code FROM documents", db).set_index("doc_id")
    assert sorted(docs["row_no"]) == list(range(1, len(rows) + 1))
    assert docs[["row_no", "status", "error_code"]].sort_index().equals(journal.sort_index())
    assert (summary.ok, summary.failed) == (4, 3)


def test_failed_csv_runs_as_a_manifest_with_the_same_ids_and_passthrough_values(bench):
    work = bench.folder("failed-csv")
    (work / "img").mkdir()
    rows = []
    for i in range(6):
        if i % 2 == 0:  # half the files arrive only after the first run
            (work / "img" / f"f{i}.png").write_bytes(text_image(f"feed back {i}"))
        rows.append({"source": f"img/f{i}.png", "doc_type": "receipt", "cost_center": f"{i:04d}",
                     "note": "=HYPERLINK(1)" if i == 1 else f"n{i}"})
    manifest = write_manifest(work / "m.csv", rows)
    with bench.server() as server:
        first = run_batch(bench.config(manifest, work / "out", server))
        for i in (1, 3, 5):
            (work / "img" / f"f{i}.png").write_bytes(text_image(f"feed back {i}"))
        again = run_batch(bench.config(work / "out" / "failed.csv", work / "again", server))
    assert (first.failed, again.total, again.ok, again.exit_code) == (3, 3, 3, 0)
    before = pd.read_parquet(work / "out" / "documents").set_index("doc_id")
    after = pd.read_parquet(work / "again" / "documents").set_index("doc_id")
    assert sorted(after.index) == ["f1", "f3", "f5"]
    for column in ("source", "cost_center", "note"):
        assert after[column].to_dict() == before.loc[after.index, column].to_dict()
    assert after.loc["f1", "note"] == "=HYPERLINK(1)"


def test_tables_after_resume_match_an_uninterrupted_run_even_across_faulty_servers(bench):
    out = bench.folder("mixed-resume") / "out"
    with bench.server(faults=[Fault("http503", every=1)]) as server:
        dead = run_batch(bench.config(bench.manifest(), out, server, max_attempts=1))
    with bench.server() as server:
        healed = run_batch(bench.config(bench.manifest(), out, server))
        requests = len(server.request_log)
    assert (dead.failed, dead.exit_code) == (DOCS, 3)  # retries_exhausted: retryable on the next run
    assert (healed.ok, healed.exit_code, requests) == (DOCS, 0, DOCS)
    assert table_differences(out, fm.baseline(bench)) == []


def test_a_document_whose_saved_response_was_cut_off_is_fetched_again_by_a_plain_rerun(bench):
    out = bench.folder("raw-lost") / "out"
    with bench.server() as server:
        run_batch(bench.config(bench.manifest(), out, server, concurrency=1))
        packs.tear(out, f"r{DOCS - 1:03d}")  # the last record: the pack ends inside it
        again = run_batch(bench.config(bench.manifest(), out, server))
        requests = len(server.request_log)
    assert (again.processed, again.resumed, again.exit_code, requests) == (1, DOCS - 1, 0, DOCS + 1)
    assert table_differences(out, fm.baseline(bench)) == []


def test_saved_answers_of_s3_sources_without_journal_rows_are_adopted_not_paid_again(bench):
    """A local run folder whose journal lost rows (moved aside when corrupt, a SIGKILL before
    its open group was written) keeps the answers saved for S3 sources whose objects did not
    change: the objects are looked up where the run reads them (its S3 endpoint)."""
    import boto3

    s3 = boto3.client("s3", endpoint_url=bench.moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket="resume-adopt")
    rows = []
    for i in range(3):
        s3.put_object(Bucket="resume-adopt", Key=f"in/a{i}.png", Body=text_image(f"adopt {i}"))
        rows.append({"source": f"s3://resume-adopt/in/a{i}.png", "doc_type": "receipt"})
    manifest = write_manifest(bench.folder("adopt-s3") / "m.csv", rows, columns=["source", "doc_type"])
    out = manifest.parent / "out"
    with bench.server() as server:
        run_batch(bench.config(manifest, out, server))
        (out / "state.sqlite").rename(out / "state.sqlite.moved-aside")
        again = run_batch(bench.config(manifest, out, server))
        requests = len(server.request_log)
    assert (again.resumed, again.processed, requests) == (3, 0, 3)


def test_answers_of_a_lost_journal_group_are_adopted_and_a_torn_last_one_is_asked_again_once(bench):
    """What a SIGKILL while an answer is written leaves: the journal's open group lost and the
    pack ending inside the last answer.  The whole answers are adopted (no call), the torn
    one is asked again exactly once, and a third run asks nothing."""
    out = bench.folder("torn-tail") / "out"
    lost = [f"r{i:03d}" for i in range(DOCS - 3, DOCS)]
    with bench.server() as server:
        run_batch(bench.config(bench.manifest(), out, server, concurrency=1))
        packs.tear(out, lost[-1])
        packs.forget(out, lost)
        again = run_batch(bench.config(bench.manifest(), out, server))
        third = run_batch(bench.config(bench.manifest(), out, server))
        requests = len(server.request_log)
    assert (again.resumed, again.processed, third.resumed, third.processed) == (DOCS - 1, 1, DOCS, 0)
    assert requests == DOCS + 1
    assert table_differences(out, fm.baseline(bench)) == []
