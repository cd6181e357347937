"""Hostile input: every bad file or row fails alone, with its own error code, and the batch
goes on; images that are merely unusual (huge, CMYK, 16-bit, alpha, odd names) succeed.

One run of the hostile manifest (see :mod:`tests.support.hostile_inputs`) through the
real pipeline, against the fake Rekognition server and moto S3 with a bucket in another
region; the tests below read its outputs and the server's request log.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import fault_matrix as fm
from docbatch import RunSummary, run_batch
from docbatch.engines.rekognition import RekognitionEngine
from docbatch.prep import prepare
from docbatch.progress import ProgressReporter
from docbatch.runfolder import RunFolder
from docbatch.testing.fake_rekognition import FakeRekognitionServer

from ..support.bench import Bench, dummy_aws_env, text_image
from ..support.hostile_inputs import FORMULAS, HostileCase, build_hostile_case

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow


@dataclass
class Hostile:
    case: HostileCase
    out: Path
    summary: RunSummary
    server: FakeRekognitionServer  # stopped; its request log stays readable
    logs: str

    def row(self, label: str) -> pd.Series:
        docs = pd.read_parquet(self.out / "documents").set_index("row_no")
        return docs.loc[self.case.row_of(label)]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, moto_url):
    with dummy_aws_env():
        bench = Bench(tmp_path_factory.mktemp("hostile"), moto_url=moto_url)
        case = build_hostile_case(bench.root, moto_url)
        logs = io.StringIO()
        handler = logging.StreamHandler(logs)
        docbatch_log = logging.getLogger("docbatch")
        level = docbatch_log.level
        docbatch_log.setLevel(logging.INFO)
        logging.getLogger().addHandler(handler)
        try:
            with bench.server() as server:
                summary = run_batch(bench.config(case.manifest, bench.root / "out", server),
                                    subscribers=[ProgressReporter(interval=0, tty=False)])
        finally:
            logging.getLogger().removeHandler(handler)
            docbatch_log.setLevel(level)
        yield Hostile(case, bench.root / "out", summary, server, logs.getvalue())


@pytest.mark.parametrize("label, code", [
    ("zero-byte file", "empty_file"),
    ("truncated JPEG", "corrupt_image"),
    ("text file named .jpg", "not_an_image"),
    ("decompression bomb", "decompression_bomb"),
    ("animated GIF", "animated_image"),
    ("truncated PDF", "corrupt_image"),
    ("truncated TIFF", "corrupt_image"),
    ("truncated HEIC", "corrupt_image"),
    ("password PDF", "pdf_encrypted"),
    ("missing local path", "file_not_found"),
    ("missing S3 object", "s3_not_found"),
    ("non-UTF-8 file name", "bad_source"),
    ("repeated source", "duplicate_source"),
    ("a folder, not a file", "not_a_file"),
    ("empty source", "empty_source"),
])
def test_each_bad_input_fails_its_own_row_with_a_specific_code(hostile, label, code):
    row = hostile.row(label)
    assert (row["status"], row["error_code"]) == ("failed", code)


@pytest.mark.parametrize("label", [
    "plain png", "over the 5 MB limit", "CMYK JPEG", "16-bit PNG", "alpha PNG", "same-region S3 object",
    "other-region S3 object", "UTF-8 non-ASCII name", "200-char file name", "formula passthrough =",
    "formula passthrough @",
])
def test_unusual_but_valid_images_succeed(hostile, label):
    row = hostile.row(label)
    assert (row["status"], row["n_words"]) == ("ok", 5)


def test_the_batch_goes_on_past_every_bad_row_and_exits_3(hostile):
    docs = pd.read_parquet(hostile.out / "documents")
    # every manifest row has its rows: one, or one per page (the two-page TIFF has two)
    assert sorted(set(docs["row_no"])) == list(range(1, len(hostile.case.expected) + 1))
    assert len(docs) == len(hostile.case.expected) + 1
    assert (hostile.summary.ok, hostile.summary.failed, hostile.summary.exit_code) == (14, 15, 3)
    assert len(pd.read_csv(hostile.out / "failed.csv", dtype=str)) == 15


@pytest.mark.parametrize("label", ["multi-page TIFF", "PDF"])
def test_pdf_and_multi_page_tiff_are_read_page_by_page(hostile, label):
    docs = pd.read_parquet(hostile.out / "documents")
    rows = docs[docs["row_no"] == hostile.case.row_of(label)].sort_values("page")
    assert len(rows) >= 1 and set(rows["status"]) == {"ok"}
    assert rows["page"].tolist() == list(range(1, len(rows) + 1))
    assert set(rows["page_count"]) == {len(rows)} and rows["prep"].notna().all()
    if len(rows) > 1:
        stem = rows["doc_id"].iloc[0].rsplit("#p", 1)[0]
        assert rows["doc_id"].tolist() == [f"{stem}#p{n}" for n in range(1, len(rows) + 1)]


def test_only_the_valid_images_reach_the_service_once_each(hostile):
    # 13 good rows; the two-page TIFF is two calls, one per page.
    assert len(hostile.server.request_log) == 14
    assert fm.count_calls(hostile.server.request_log).repeated == 0


def test_an_image_over_the_size_limit_is_shrunk_before_it_is_sent(hostile):
    original = hostile.case.data["over the 5 MB limit"]
    assert len(original) > 5 * 1024 * 1024
    assert hostile.server.calls_for(original) == 0  # a re-encoded copy went instead
    assert hostile.row("over the 5 MB limit")["status"] == "ok"


def test_a_same_region_s3_object_is_sent_as_s3object(hostile):
    assert hostile.server.calls_for(hostile.case.same_region_uri) == 1


def test_an_object_in_another_region_is_downloaded_and_sent_as_bytes(hostile):
    assert hostile.server.calls_for(hostile.case.other_region_uri) == 0
    # Sent as prepared: the 64-px-high image is enlarged to the service's 80 px minimum.
    sent = prepare(text_image("other region"), spec=RekognitionEngine.image_spec)
    assert (sent.height, hostile.server.calls_for(sent.data)) == (80, 1)


def test_formula_text_is_neutralised_in_csv_and_untouched_in_parquet(hostile):
    rows = [hostile.case.row_of("formula passthrough ="), hostile.case.row_of("formula passthrough @")]
    parquet = pd.read_parquet(hostile.out / "documents").set_index("row_no")
    assert list(parquet.loc[rows, "note"]) == list(FORMULAS)
    for table in ("documents", "receipts"):
        text = "".join(p.read_text() for p in (hostile.out / "csv" / table).glob("*.csv"))
        for formula in FORMULAS:
            assert f'"\'{formula}"' in text  # the cell reads '=cmd|... : text, not a formula
            assert f'"{formula}"' not in text


def test_a_long_file_name_gives_a_bounded_id_and_a_saved_response(hostile):
    row = hostile.row("200-char file name")
    assert len(row["doc_id"]) <= 100
    assert RunFolder(hostile.out).has_raw(row["doc_id"])


def test_info_logs_of_a_hostile_run_hold_no_credentials_or_recognised_text(hostile):
    assert "progress:" in hostile.logs
    assert fm.log_leaks(hostile.logs) == []


def test_a_json_lines_manifest_with_a_broken_line_and_uneven_keys_still_writes_failed_csv(tmp_path, moto_url):
    (tmp_path / "a.png").write_bytes(text_image("jsonl"))
    (tmp_path / "m.jsonl").write_text("\n".join([
        '{"source": "a.png", "doc_type": "receipt", "cost_center": "01"}',
        "{not json",
        '{"source": "gone.png", "doc_type": "receipt", "extra": "x"}',
    ]) + "\n")
    with dummy_aws_env():
        bench = Bench(tmp_path, moto_url=moto_url)
        with bench.server() as server:
            summary = run_batch(bench.config(tmp_path / "m.jsonl", tmp_path / "out", server))
    failed = pd.read_csv(tmp_path / "out" / "failed.csv", dtype=str, keep_default_na=False)
    assert (summary.ok, summary.failed, summary.outcome) == (1, 2, "completed")
    assert list(failed.columns) == ["source", "doc_type", "doc_id", "cost_center", "extra", "error_code",
                                    "error_message"]
    assert list(failed["error_code"]) == ["bad_row", "file_not_found"]
    assert failed.loc[1, "source"] == str(tmp_path / "gone.png") and failed.loc[1, "extra"] == "x"
