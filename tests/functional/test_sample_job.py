"""The README's first command: the bundled sample through the embedded engine, as a user runs it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # runs the embedded OCR engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "docbatch.cli", "run", str(ROOT / "jobs" / "sample.toml"), "--out", str(out),
         "--cache-dir", str(out / "cache")],
        capture_output=True, text=True, timeout=600,
    )
    return proc, out


def test_sample_job_exits_zero_with_every_document_ok(sample_run):
    proc, out = sample_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    docs = pd.read_parquet(out / "documents")
    manifest = pd.read_csv(ROOT / "sample_data" / "manifest.csv", dtype=str)
    assert len(docs) == len(manifest)
    assert (docs["status"] == "ok").all()
    assert json.loads((out / "run.json").read_text())["outcome"] == "completed"


def test_sample_receipt_totals_and_dates_match_the_generated_truth(sample_run):
    _, out = sample_run
    truth = json.loads((ROOT / "sample_data" / "truth.json").read_text())
    receipts = pd.read_parquet(out / "receipts").set_index("doc_id")
    expected = {t["doc_id"]: t for t in truth.values() if t["doc_type"] == "receipt"}
    totals = sum(receipts.loc[d, "total"] == Decimal(t["total"]) for d, t in expected.items())
    dates = sum(str(receipts.loc[d, "receipt_date"]) == t["receipt_date"] for d, t in expected.items())
    assert totals >= len(expected) - 1 and dates >= len(expected) - 1


def test_sample_ids_document_numbers_match_the_generated_truth(sample_run):
    _, out = sample_run
    truth = json.loads((ROOT / "sample_data" / "truth.json").read_text())
    ids = pd.read_parquet(out / "ids").set_index("doc_id")
    expected = {t["doc_id"]: t for t in truth.values() if t["doc_type"] == "id"}
    assert set(ids.index) == set(expected)
    for doc_id, t in expected.items():
        assert ids.loc[doc_id, "document_number"] == t["document_number"]


def test_sample_outputs_come_in_csv_too(sample_run):
    _, out = sample_run
    for table in ("documents", "detections", "receipts", "receipt_items", "ids"):
        assert list((out / "csv" / table).glob("part-*.csv")), table


def test_rerunning_the_sample_resumes_without_engine_calls(sample_run):
    _, out = sample_run
    proc = subprocess.run(
        [sys.executable, "-m", "docbatch.cli", "run", str(ROOT / "jobs" / "sample.toml"), "--out", str(out),
         "--no-cache"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    counts = json.loads((out / "run.json").read_text())["counts"]
    assert counts["resumed"] == counts["total"] and counts["engine_calls"] == 0


def test_the_sample_job_runs_through_textract_against_the_local_protocol_server(sample_run, tmp_path):
    """``--engine textract`` on the sample job: boto3's textract client, DetectDocumentText's
    wire format and its Blocks, to the local server, whose far side answers each image as
    the embedded OCR read it in the sample run (no OCR twice); the tables come out the same."""
    from click.testing import CliRunner

    from docbatch.cli import main
    from docbatch.runfolder import RunFolder
    from docbatch.answers import SOURCE_KEY
    from docbatch.testing.fake_rekognition import FakeRekognitionServer, ReplayOnly

    from ..support.bench import dummy_aws_env

    _, local = sample_run
    manifest = pd.read_csv(ROOT / "sample_data" / "manifest.csv", dtype=str)
    (tmp_path / "answers").mkdir()
    for row in manifest.itertuples():
        answer = RunFolder(local).read_raw(row.doc_id)
        answer.pop(SOURCE_KEY)
        digest = hashlib.sha256((ROOT / "sample_data" / row.source).read_bytes()).hexdigest()
        (tmp_path / "answers" / f"{digest}.json").write_text(json.dumps(answer))
    out = tmp_path / "textract"
    with dummy_aws_env(), FakeRekognitionServer(replay_dir=tmp_path / "answers", engine=ReplayOnly()) as server:
        result = CliRunner().invoke(main, ["run", str(ROOT / "jobs" / "sample.toml"), "--out", str(out),
                                           "--engine", "textract", "--region", "us-east-1",
                                           "--endpoint-url", server.endpoint_url, "--no-cache"])
        log = server.request_log
    assert result.exit_code == 0, result.output
    assert [r.service for r in log] == ["Textract"] * len(manifest) and {r.outcome for r in log} == {"ok"}
    docs = pd.read_parquet(out / "documents")
    assert (docs["status"] == "ok").all() and set(docs["engine"]) == {"textract"}
    for table, key in (("receipts", ["total", "receipt_date", "vendor_name"]), ("ids", ["document_number"])):
        mine = pd.read_parquet(out / table).set_index("doc_id").sort_index()[key]
        theirs = pd.read_parquet(local / table).set_index("doc_id").sort_index()[key]
        pd.testing.assert_frame_equal(mine, theirs)
