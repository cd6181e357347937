"""``--engine textract`` through the real wire: boto3's textract client -> the project's
protocol server (Textract DetectDocumentText) and moto S3 on loopback.

The far side is a small deterministic engine; everything on docbatch's side (manifest,
sources, prep, the Textract engine and its Blocks conversion, limiter, retry, journal,
cache, outputs, the CLI) is the real code.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image

from docbatch import RunConfig, run_batch
from docbatch.cli import main
from docbatch.records import Document, ImageInput
from docbatch.response import make_detection
from docbatch.testing.fake_rekognition import FakeRekognitionServer
from docbatch.testing.faults import Fault

from ..conftest import text_png
from ..support.bench import TinyReceiptEngine

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow


class LongReceiptEngine:
    """Far-side OCR: a receipt of 30 lines and 140 words, TOTAL 42.00 on the last line."""

    def detect_text(self, image: ImageInput, document: Document) -> dict[str, Any]:
        rows = [["CORNER", "SHOP"], ["25/12/2025"]] + [[f"ITEM{i}", "X", "1", "@", "1.00"] for i in range(27)]
        rows.append(["TOTAL", "42.00"])
        lines, words = [], []
        for i, row in enumerate(rows):
            y = 0.01 + i * 0.032
            lines.append(make_detection(id=i, type="LINE", text=" ".join(row), confidence=99.0,
                                        polygon=[(0.1, y), (0.9, y), (0.9, y + 0.02), (0.1, y + 0.02)]))
            for j, word in enumerate(row):
                x = 0.1 + j * 0.15
                words.append(make_detection(id=len(rows) + len(words), type="WORD", text=word, confidence=98.0,
                                            parent_id=i, polygon=[(x, y), (x + 0.1, y), (x + 0.1, y + 0.02),
                                                                  (x, y + 0.02)]))
        return {"TextDetections": lines + words}


def write_manifest(path: Path, sources: list[str]) -> Path:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source", "doc_type"])
        writer.writerows([source, "receipt"] for source in sources)
    return path


def local_manifest(tmp_path: Path, n: int) -> tuple[Path, list[bytes]]:
    (tmp_path / "img").mkdir(exist_ok=True)
    images = []
    for i in range(n):
        images.append(text_png(f"textract receipt {i}"))
        (tmp_path / "img" / f"r{i}.png").write_bytes(images[-1])
    return write_manifest(tmp_path / "m.csv", [f"img/r{i}.png" for i in range(n)]), images


def config(manifest: Path, out: Path, server: FakeRekognitionServer, moto_url: str, **kw: Any) -> RunConfig:
    base: dict[str, Any] = dict(
        manifest=str(manifest), out=str(out), engine="textract", region="us-east-1",
        endpoint_url=server.endpoint_url, s3_endpoint_url=moto_url, tps=200, concurrency=4, use_cache=False,
        backoff_base=0.01, backoff_max=0.05)
    base.update(kw)
    return RunConfig(**base)


def documents(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents").sort_values("row_no").reset_index(drop=True)


def rgb_tiff() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (240, 80), "white").save(buf, format="TIFF")
    return buf.getvalue()


def test_a_batch_through_textract_reads_receipts_like_rekognition(tmp_path, aws_env, moto_url):
    manifest, _ = local_manifest(tmp_path, 3)
    with FakeRekognitionServer(engine=TinyReceiptEngine(total="12.50")) as server:
        summary = run_batch(config(manifest, tmp_path / "out", server, moto_url))
        log = server.request_log
    assert (summary.ok, summary.failed, summary.engine_calls) == (3, 0, 3)
    assert {r.service for r in log} == {"Textract"} and len(log) == 3
    docs = documents(tmp_path / "out")
    assert set(docs["engine"]) == {"textract"}
    assert set(docs["text_model_version"]) == {"textract-1.0"}
    receipts = pd.read_parquet(tmp_path / "out" / "receipts")
    assert [str(t) for t in receipts["total"]] == ["12.50"] * 3
    assert {str(d) for d in receipts["receipt_date"]} == {"2025-12-25"}


def test_a_long_receipt_arrives_whole_in_one_call(tmp_path, aws_env, moto_url):
    """140 words: Textract has no cap, so one call reads the total on the last line; the
    same far side through the Rekognition protocol stops at 100 words a call (so it takes
    more calls when docbatch tiles, or loses words when it does not)."""
    manifest, _ = local_manifest(tmp_path, 1)
    with FakeRekognitionServer(engine=LongReceiptEngine()) as server:
        run_batch(config(manifest, tmp_path / "tx", server, moto_url))
        textract_calls = len(server.request_log)
        run_batch(config(manifest, tmp_path / "rk", server, moto_url, engine="rekognition"))
        rekognition_calls = len(server.request_log) - textract_calls
        services = [r.service for r in server.request_log]
    assert textract_calls == 1 and services[0] == "Textract" and set(services[1:]) == {"Rekognition"}
    textract, rekognition = documents(tmp_path / "tx").iloc[0], documents(tmp_path / "rk").iloc[0]
    assert (textract["n_words"], bool(textract["word_cap_hit"])) == (140, False)
    assert str(pd.read_parquet(tmp_path / "tx" / "receipts")["total"].iloc[0]) == "42.00"
    assert rekognition_calls > 1 or rekognition["n_words"] == 100


class RequestClock:
    """The server's clock moves 3 ms each time it is read (twice a request: arrival and
    quota), not with the wall: at 100 calls/s, one call deep, the quota admits every other
    request whatever the machine's load, so the run meets throttling for sure."""

    def __init__(self) -> None:
        self._ticks = itertools.count()

    def __call__(self) -> float:
        return next(self._ticks) * 0.003


def test_the_servers_quota_and_injected_500s_are_retried_by_the_one_retry_layer(tmp_path, aws_env, moto_url):
    manifest, images = local_manifest(tmp_path, 6)
    faults = [Fault("http500", first=1)]
    with FakeRekognitionServer(engine=TinyReceiptEngine(), tps=100, burst=1, faults=faults, clock=RequestClock(),
                               throttle_code="ProvisionedThroughputExceededException") as server:
        summary = run_batch(config(manifest, tmp_path / "out", server, moto_url, max_attempts=20))
        log = server.request_log
        answered = [server.calls_for(image) for image in images]
    outcomes = {r.outcome for r in log}
    assert summary.ok == 6 and summary.failed == 0
    assert {"InternalServerError", "ProvisionedThroughputExceededException"} <= outcomes
    assert sum(1 for r in log if r.outcome == "ok") == 6  # every image answered (and paid) once
    assert all(n >= 2 for n in answered)
    assert (documents(tmp_path / "out")["attempts"] >= 2).all()


def test_injected_throttling_and_5xx_complete_every_document(tmp_path, aws_env, moto_url):
    manifest, _ = local_manifest(tmp_path, 4)
    # Per-image triggers: each image is throttled, then gets a 503, then its answer.  (An
    # every=n trigger counts requests over all images, so under concurrency it could land
    # only on requests the throttle had already claimed.)
    faults = [Fault("throttle", first=1), Fault("http503", first=2)]
    with FakeRekognitionServer(engine=TinyReceiptEngine(), faults=faults, throttle_code="ThrottlingException") as server:
        summary = run_batch(config(manifest, tmp_path / "out", server, moto_url, max_attempts=10))
        outcomes = [r.outcome for r in server.request_log]
    assert summary.ok == 4
    assert sorted(outcomes) == ["ServiceUnavailableException"] * 4 + ["ThrottlingException"] * 4 + ["ok"] * 4


def test_an_invalid_image_fault_is_textracts_unsupported_document(tmp_path, aws_env, moto_url):
    manifest, _ = local_manifest(tmp_path, 1)
    with FakeRekognitionServer(engine=TinyReceiptEngine(), faults=[Fault("invalid_image", every=1)]) as server:
        summary = run_batch(config(manifest, tmp_path / "out", server, moto_url))
        calls = len(server.request_log)
    assert (summary.failed, calls) == (1, 1)  # permanent: not retried
    assert documents(tmp_path / "out")["error_code"].iloc[0] == "unsupported_document"


@pytest.fixture
def bucket(aws_env, moto_url):
    name = f"textract-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="in/a.png", Body=text_png("s3 textract a"))
    s3.put_object(Bucket=name, Key="in/b.tif", Body=rgb_tiff())
    return name


def test_s3_png_goes_as_s3object_and_tiff_is_read_and_sent_as_bytes(tmp_path, moto_url, bucket):
    manifest = write_manifest(tmp_path / "m.csv", [f"s3://{bucket}/in/a.png", f"s3://{bucket}/in/b.tif"])
    with FakeRekognitionServer(engine=TinyReceiptEngine(), s3_endpoint_url=moto_url) as server:
        summary = run_batch(config(manifest, tmp_path / "out", server, moto_url))
        by_uri = server.calls_for(f"s3://{bucket}/in/a.png")
        tiff_uri = server.calls_for(f"s3://{bucket}/in/b.tif")
        tiff_bytes = server.calls_for(rgb_tiff())  # sent as it is: Textract reads TIFF
    assert summary.ok == 2
    assert (by_uri, tiff_uri, tiff_bytes) == (1, 0, 1)


def test_a_rerun_resumes_and_a_new_run_folder_hits_the_cache(tmp_path, aws_env, moto_url):
    manifest, _ = local_manifest(tmp_path, 3)
    cache = str(tmp_path / "cache")
    with FakeRekognitionServer(engine=TinyReceiptEngine()) as server:
        first = run_batch(config(manifest, tmp_path / "out", server, moto_url, use_cache=True, cache_dir=cache))
        resumed = run_batch(config(manifest, tmp_path / "out", server, moto_url, use_cache=True, cache_dir=cache))
        cached = run_batch(config(manifest, tmp_path / "out2", server, moto_url, use_cache=True, cache_dir=cache))
        calls = len(server.request_log)
    assert (first.ok, first.engine_calls) == (3, 3)
    assert resumed.resumed == 3 and resumed.engine_calls == 0
    assert (cached.ok, cached.cache_hits, cached.engine_calls) == (3, 3, 0)
    assert calls == 3
    assert set(documents(tmp_path / "out2")["text_model_version"]) == {"textract-1.0"}


def test_docbatch_run_engine_textract_from_the_command_line(tmp_path, aws_env, moto_url, monkeypatch):
    manifest, _ = local_manifest(tmp_path, 2)
    monkeypatch.chdir(tmp_path)
    with FakeRekognitionServer(engine=TinyReceiptEngine(total="7.25"), faults=[Fault("http500", first=1)]) as server:
        result = CliRunner().invoke(main, [
            "run", "--manifest", str(manifest), "--out", str(tmp_path / "out"), "--engine", "textract",
            "--region", "us-east-1", "--endpoint-url", server.endpoint_url, "--no-cache"])
        services = {r.service for r in server.request_log}
    assert result.exit_code == 0, result.output
    assert services == {"Textract"}
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["counts"]["ok"] == 2 and run["counts"]["engine_calls"] == 4  # each document: one 500, then its answer
    assert [str(t) for t in pd.read_parquet(tmp_path / "out" / "receipts")["total"]] == ["7.25", "7.25"]


def test_a_region_is_read_from_a_crop_and_answered_in_its_frame(aws_env):
    """Textract is never tiled (no cap), but it honours the engine contract's region request."""
    from docbatch.engines.base import EngineSettings, create_engine
    from docbatch.regions import Region

    image = text_png("textract region", size=(400, 400))
    doc = Document(doc_id="r", source="r.png", doc_type="receipt", row_no=1)
    with FakeRekognitionServer(engine=TinyReceiptEngine(total="3.00")) as server:
        engine = create_engine("textract", EngineSettings(region="us-east-1", endpoint_url=server.endpoint_url))
        try:
            answer = engine.detect_text(ImageInput(data=image, width=400, height=400), doc,
                                        region=Region.band(0.5, 1.0))
        finally:
            engine.close()
        full_calls, log = server.calls_for(image), server.request_log
    assert full_calls == 0 and len(log) == 1  # a crop went, not the whole image
    words = [d for d in answer["TextDetections"] if d["Type"] == "WORD"]
    assert [w["DetectedText"] for w in words][-1] == "3.00"
    for det in answer["TextDetections"]:
        box = det["Geometry"]["BoundingBox"]
        assert 0.0 <= box["Top"] and box["Top"] + box["Height"] <= 1.0 + 1e-6
