"""The README's first command: the bundled sample through the embedded engine, as a user runs it."""

from __future__ import annotations

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
