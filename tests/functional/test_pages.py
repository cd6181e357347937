"""A PDF or multi-page TIFF is one documents row per page, through the whole run and its resume."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from PIL import Image

from docbatch import RunConfig, run_batch

from ..support.bench import Bench, text_image, write_manifest
from ..support.formats import multipage_tiff, pdf_of_jpegs, truncated

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow


def _jpeg(text: str) -> bytes:
    buf = io.BytesIO()
    Image.open(io.BytesIO(text_image(text, size=(400, 160)))).convert("RGB").save(buf, format="JPEG")
    return buf.getvalue()


def _run(bench, tmp_path, server, **kw):
    manifest = write_manifest(tmp_path / "m.csv", [
        {"source": "statement.pdf", "doc_type": "receipt", "doc_id": "stmt", "team": "ap"},
        {"source": "one.png", "doc_type": "receipt", "doc_id": "one", "team": "ar"}],
        columns=["source", "doc_type", "doc_id", "team"])
    return run_batch(bench.config(manifest, tmp_path / "out", server, **kw))


def test_each_page_is_a_row_with_the_rows_passthrough_and_a_rerun_resumes(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url)
    (tmp_path / "statement.pdf").write_bytes(pdf_of_jpegs([_jpeg("page one"), _jpeg("page two")]))
    (tmp_path / "one.png").write_bytes(text_image("single", size=(400, 160)))
    with bench.server() as server:
        first = _run(bench, tmp_path, server)
        again = _run(bench, tmp_path, server)
        calls = len(server.request_log)
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert list(docs.index) == ["stmt#p1", "stmt#p2", "one"]
    assert docs.loc["stmt#p2", ["page", "page_count", "team", "row_no"]].tolist() == [2, 2, "ap", 1]
    assert docs.loc["one", ["page", "page_count"]].tolist() == [1, 1]
    assert docs.loc["stmt#p1", "prep"].startswith("rendered:")
    assert (first.ok, first.failed) == (3, 0) and (again.resumed, again.processed) == (2, 0) and calls == 3
    receipts = pd.read_parquet(tmp_path / "out" / "receipts")
    assert sorted(receipts["doc_id"]) == ["one", "stmt#p1", "stmt#p2"]


def test_a_source_whose_page_count_changed_is_read_again_page_by_page(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url)
    tiff = tmp_path / "statement.pdf"
    pages = [Image.open(io.BytesIO(_jpeg(f"page {n}"))) for n in range(3)]
    tiff.write_bytes(multipage_tiff(pages))
    (tmp_path / "one.png").write_bytes(text_image("single", size=(400, 160)))
    with bench.server() as server:
        _run(bench, tmp_path, server)
        tiff.write_bytes(multipage_tiff(pages[:2]))
        second = _run(bench, tmp_path, server)
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert second.changed == 1
    assert sorted(docs["doc_id"]) == ["one", "stmt#p1", "stmt#p2"]


def test_a_source_with_a_damaged_page_is_listed_once_in_failed_csv(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url)
    pages = [Image.open(io.BytesIO(_jpeg(f"page {n}"))) for n in range(2)]
    (tmp_path / "statement.pdf").write_bytes(truncated(multipage_tiff(pages, compression="tiff_deflate")))
    (tmp_path / "one.png").write_bytes(text_image("single", size=(400, 160)))
    with bench.server() as server:
        summary = _run(bench, tmp_path, server)
    failed = pd.read_csv(tmp_path / "out" / "failed.csv", dtype=str)
    assert summary.failed >= 1
    assert failed["doc_id"].tolist() == ["stmt"] and failed["team"].tolist() == ["ap"]


def test_a_paged_runs_folder_replays_each_page_by_its_page_id(tmp_path, moto_url, aws_env):
    """The replay engine reads no image, so it cannot count a PDF's pages itself: it finds
    them among the saved answers (``<doc_id>#p<N>``), and each page gets its own answer."""
    bench = Bench(tmp_path, moto_url=moto_url)
    (tmp_path / "statement.pdf").write_bytes(pdf_of_jpegs([_jpeg("page one"), _jpeg("page two")]))
    (tmp_path / "one.png").write_bytes(text_image("single", size=(400, 160)))
    with bench.server() as server:
        _run(bench, tmp_path, server)
    manifest = tmp_path / "m.csv"
    replayed = run_batch(RunConfig(manifest=str(manifest), out=str(tmp_path / "replayed"), engine="replay",
                                   replay_dir=str(tmp_path / "out"), use_cache=False))
    paid = pd.read_parquet(tmp_path / "out" / "detections").sort_values(["doc_id", "id"])
    again = pd.read_parquet(tmp_path / "replayed" / "detections").sort_values(["doc_id", "id"])
    docs = pd.read_parquet(tmp_path / "replayed" / "documents").set_index("doc_id")
    assert (replayed.ok, replayed.failed) == (3, 0)
    assert list(docs.index) == ["stmt#p1", "stmt#p2", "one"]
    assert docs.loc["stmt#p2", ["page", "page_count", "team"]].tolist() == [2, 2, "ap"]
    assert again[["doc_id", "text"]].values.tolist() == paid[["doc_id", "text"]].values.tolist()


def test_a_paged_source_replaced_by_a_single_image_leaves_no_stale_pages(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url)
    statement = tmp_path / "statement.pdf"
    statement.write_bytes(pdf_of_jpegs([_jpeg("page one"), _jpeg("page two")]))
    (tmp_path / "one.png").write_bytes(text_image("single", size=(400, 160)))
    with bench.server() as server:
        _run(bench, tmp_path, server)
        statement.write_bytes(_jpeg("now one page"))  # the same path, the same doc_id: a single image now
        redone = _run(bench, tmp_path, server)
        docs_after_redo = sorted(pd.read_parquet(tmp_path / "out" / "documents")["doc_id"])
        _run(bench, tmp_path, server)
    assert redone.changed == 1
    assert docs_after_redo == ["one", "stmt"]
    assert sorted(pd.read_parquet(tmp_path / "out" / "documents")["doc_id"]) == ["one", "stmt"]
    assert sorted(pd.read_parquet(tmp_path / "out" / "receipts")["doc_id"]) == ["one", "stmt"]


def test_a_paged_source_that_now_fails_whole_has_the_same_table_in_its_run_and_a_rerun(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url)
    statement = tmp_path / "statement.pdf"
    statement.write_bytes(pdf_of_jpegs([_jpeg("page one"), _jpeg("page two")]))
    (tmp_path / "one.png").write_bytes(text_image("single", size=(400, 160)))
    tables = []
    with bench.server() as server:
        _run(bench, tmp_path, server)
        statement.write_bytes(b"%PDF-1.4 no longer a document")  # the same path: unreadable now
        for _ in range(2):
            _run(bench, tmp_path, server)
            docs = pd.read_parquet(tmp_path / "out" / "documents")
            tables.append(sorted(zip(docs["doc_id"], docs["status"])))
    assert tables == [[("one", "ok"), ("stmt", "failed")]] * 2  # no page of the file it replaced


def test_a_row_whose_doc_id_names_a_page_of_another_row_fails_alone_and_no_page_is_lost(tmp_path, moto_url,
                                                                                          aws_env):
    # `stmt#p1` is the doc_id page 1 of stmt's PDF gets: kept, the other row took its place in
    # the journal and page 1 was paid for and lost, silently (exit 0, 2 rows for 3 documents).
    bench = Bench(tmp_path, moto_url=moto_url)
    (tmp_path / "statement.pdf").write_bytes(pdf_of_jpegs([_jpeg("page one"), _jpeg("page two")]))
    (tmp_path / "one.png").write_bytes(text_image("single", size=(400, 160)))
    manifest = write_manifest(tmp_path / "m.csv", [
        {"source": "one.png", "doc_type": "receipt", "doc_id": "stmt#p1"},
        {"source": "statement.pdf", "doc_type": "receipt", "doc_id": "stmt"}],
        columns=["source", "doc_type", "doc_id"])
    with bench.server() as server:
        summary = run_batch(bench.config(manifest, tmp_path / "out", server))
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("row_no")
    assert docs["doc_id"].tolist() == ["row-1", "stmt#p1", "stmt#p2"]
    assert docs.loc[1, ["status", "error_code"]].tolist() == ["failed", "reserved_doc_id"]
    assert docs.loc[2, "source"].str.endswith("statement.pdf").all() and set(docs.loc[2, "status"]) == {"ok"}
    assert (summary.ok, summary.failed) == (2, 1)
