"""A batch through the real wire: boto3 -> the fake Rekognition server and moto S3 on loopback.

The far side of the wire (the server's OCR) is a small deterministic engine; everything on
docbatch's side (manifest, sources, prep, Rekognition engine, limiter, retry, journal,
outputs) is the real code.
"""

from __future__ import annotations

import csv
import uuid
from pathlib import Path
from typing import Any

import boto3
import pandas as pd
import pyarrow.parquet as pq
import pytest

from docbatch import RunConfig, run_batch
from docbatch.sinks.schema import TABLES

DOCUMENTS = TABLES["documents"]
from docbatch.testing.fake_rekognition import FakeRekognitionServer
from docbatch.testing.faults import Fault

from ..conftest import text_png
from ..support.bench import TinyReceiptEngine

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow


def receipt_engine() -> TinyReceiptEngine:
    """Far-side OCR: a tiny receipt (CORNER SHOP, 25/12/2025, TOTAL 12.50) for every image."""
    return TinyReceiptEngine(total="12.50")


@pytest.fixture
def bucket(aws_env, moto_url):
    name = f"scans-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="in/good-a.png", Body=text_png("s3 a"))
    s3.put_object(Bucket=name, Key="in/good-b.tif", Body=_tiff())
    s3.put_object(Bucket=name, Key="in/notes.jpg", Body=b"this is a text file named .jpg")
    return name


def _tiff() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("CMYK", (200, 100)).save(buf, format="TIFF")
    return buf.getvalue()


def _truncated_jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.effect_noise((300, 300), 60).convert("RGB").save(buf, format="JPEG")
    return buf.getvalue()[: buf.tell() // 2]


def write_manifest(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["source", "doc_type", "doc_id", "cost_center"])
        w.writeheader()
        for r in rows:
            w.writerow({"doc_type": "", "doc_id": "", "cost_center": "", **r})
    return path


@pytest.fixture
def mixed_manifest(tmp_path, bucket):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "local-1.png").write_bytes(text_png("local one"))
    (tmp_path / "img" / "broken.jpg").write_bytes(_truncated_jpeg())
    rows = [
        {"source": "img/local-1.png", "doc_type": "receipt", "cost_center": "0420"},
        {"source": f"s3://{bucket}/in/good-a.png", "doc_type": "receipt", "cost_center": "=1+1"},
        {"source": f"s3://{bucket}/in/good-b.tif", "doc_type": "receipt"},
        {"source": "img/broken.jpg"},
        {"source": f"s3://{bucket}/in/missing.png"},
        {"source": f"s3://{bucket}/in/notes.jpg"},
        {"source": "", "doc_id": "empty-source"},
        {"source": "img/other.png", "doc_type": "passport"},
        {"source": "img/nope.png"},
        {"source": "img/local-1.png", "doc_type": "receipt"},
    ]
    return write_manifest(tmp_path / "manifest.csv", rows)


def config(manifest: Path, out: Path, server: FakeRekognitionServer, moto_url: str, **kw: Any) -> RunConfig:
    base = dict(manifest=str(manifest), out=str(out), engine="rekognition", region="us-east-1",
                endpoint_url=server.endpoint_url, s3_endpoint_url=moto_url, tps=200, concurrency=4,
                use_cache=False, backoff_base=0.01, backoff_max=0.05, formats=("parquet", "csv"))
    base.update(kw)
    return RunConfig(**base)


def documents(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents").set_index("row_no")


def test_mixed_manifest_gives_one_row_per_manifest_row_with_specific_errors(tmp_path, mixed_manifest, moto_url):
    with FakeRekognitionServer(engine=receipt_engine(), s3_endpoint_url=moto_url) as server:
        summary = run_batch(config(mixed_manifest, tmp_path / "out", server, moto_url))
    docs = documents(tmp_path / "out")
    assert len(docs) == 10 and summary.total == 10
    assert list(docs["status"]) == ["ok"] * 3 + ["failed"] * 7
    codes = docs["error_code"].tolist()
    assert codes[3] == "corrupt_image"
    assert codes[4] == "s3_not_found"
    assert codes[5] == "invalid_image_format"
    assert codes[6] == "empty_source"
    assert codes[7] == "unknown_doc_type"
    assert codes[8] == "file_not_found"
    assert codes[9] == "duplicate_source"
    assert summary.exit_code == 3


def test_s3_jpeg_and_png_are_sent_as_s3object_and_others_as_bytes(tmp_path, mixed_manifest, moto_url, bucket):
    with FakeRekognitionServer(engine=receipt_engine(), s3_endpoint_url=moto_url) as server:
        run_batch(config(mixed_manifest, tmp_path / "out", server, moto_url))
        calls_a = server.calls_for(f"s3://{bucket}/in/good-a.png")
        calls_tif = server.calls_for(f"s3://{bucket}/in/good-b.tif")
        total = len(server.request_log)
    # local png + good-a (S3Object) + good-b converted to PNG bytes + notes.jpg (S3Object, rejected)
    assert (calls_a, calls_tif, total) == (1, 0, 4)


def test_outputs_load_back_with_the_declared_types(tmp_path, mixed_manifest, moto_url):
    with FakeRekognitionServer(engine=receipt_engine(), s3_endpoint_url=moto_url) as server:
        run_batch(config(mixed_manifest, tmp_path / "out", server, moto_url))
    out = tmp_path / "out"
    schema = pq.read_schema(next((out / "documents").glob("*.parquet")))
    for field in DOCUMENTS:
        assert schema.field(field.name).type == field.type
    docs = documents(out)
    assert str(docs["processed_at"].dtype) == "datetime64[ms, UTC]"
    assert docs.loc[1, "cost_center"] == "0420"  # passthrough kept as text
    receipts = pd.read_parquet(out / "receipts")
    assert len(receipts) == 3
    assert str(receipts["total"].iloc[0]) == "12.50"
    assert str(receipts["receipt_date"].iloc[0]) == "2025-12-25"


def test_csv_output_neutralises_formula_cells(tmp_path, mixed_manifest, moto_url):
    with FakeRekognitionServer(engine=receipt_engine(), s3_endpoint_url=moto_url) as server:
        run_batch(config(mixed_manifest, tmp_path / "out", server, moto_url))
    text = next((tmp_path / "out" / "csv" / "documents").glob("*.csv")).read_text()
    assert "'=1+1" in text and ",=1+1" not in text


def test_failed_rows_are_listed_in_a_manifest_shaped_failed_csv(tmp_path, mixed_manifest, moto_url):
    with FakeRekognitionServer(engine=receipt_engine(), s3_endpoint_url=moto_url) as server:
        run_batch(config(mixed_manifest, tmp_path / "out", server, moto_url))
    failed = pd.read_csv(tmp_path / "out" / "failed.csv", dtype=str)
    assert len(failed) == 7
    assert {"source", "doc_type", "doc_id", "cost_center", "error_code"} <= set(failed.columns)


@pytest.mark.slow  # waits on a real quota and real backoff: over a second by design
def test_throttling_and_5xx_still_complete_every_good_document(tmp_path, moto_url, aws_env):
    (tmp_path / "img").mkdir()
    rows = []
    for i in range(12):
        (tmp_path / "img" / f"r{i}.png").write_bytes(text_png(f"receipt {i}"))
        rows.append({"source": f"img/r{i}.png", "doc_type": "receipt"})
    manifest = write_manifest(tmp_path / "m.csv", rows)
    # Each image: a 500, then a throttle, then (maybe after a seeded 503 or a quota throttle:
    # the client is told twice the server's quota) an answer.  Faults fire per image, not on
    # every n-th request: a periodic fault can lock step with the pool's round robin and
    # throttle one document on every attempt, which no real service does.
    faults = [Fault("http500", first=1), Fault("throttle", first=2), Fault("http503", probability=0.1, seed=7)]
    with FakeRekognitionServer(engine=receipt_engine(), tps=30, burst=2, faults=faults) as server:
        summary = run_batch(config(manifest, tmp_path / "out", server, moto_url, tps=60, max_attempts=10))
        statuses = [r.outcome for r in server.request_log]
    assert summary.ok == 12 and summary.failed == 0
    assert "InternalServerError" in statuses and "ThrottlingException" in statuses
    assert (documents(tmp_path / "out")["attempts"] >= 3).all()


def test_a_5xx_storm_fails_only_after_the_retry_budget_with_a_specific_code(tmp_path, moto_url, aws_env):
    (tmp_path / "a.png").write_bytes(text_png("storm"))
    manifest = write_manifest(tmp_path / "m.csv", [{"source": "a.png", "doc_type": "receipt"}])
    with FakeRekognitionServer(engine=receipt_engine(), faults=[Fault("http503", every=1)]) as server:
        summary = run_batch(config(manifest, tmp_path / "out", server, moto_url, max_attempts=3))
        calls = len(server.request_log)
    row = documents(tmp_path / "out").iloc[0]
    assert row["error_code"] == "retries_exhausted:service_error:503"
    assert row["attempts"] == 3 and calls == 3  # botocore added no retries of its own
    assert summary.failed == 1


def test_answers_cached_from_one_endpoint_are_not_served_for_another(tmp_path, aws_env, moto_url):
    """A pipeline tried against a local protocol server (`docbatch fake-rekognition`, the default
    cache folder) and then run against the service: the service's run must call it, not serve
    the first server's answers from the cache as Rekognition's."""
    (tmp_path / "r.png").write_bytes(text_png("receipt"))
    manifest = write_manifest(tmp_path / "m.csv", [{"source": "r.png"}])
    cache = str(tmp_path / "cache")
    totals, ports = [], []
    for total in ("1.00", "2.00"):  # two endpoints, each answering the image its own way
        with FakeRekognitionServer(engine=TinyReceiptEngine(total=total)) as server:
            out = tmp_path / f"out-{total}"
            run_batch(config(manifest, out, server, moto_url, use_cache=True, cache_dir=cache))
            assert len(server.request_log) == 1
            ports.append(server.port)
        totals.append(str(pd.read_parquet(out / "receipts")["total"].iloc[0]))
    assert totals == ["1.00", "2.00"]
    with FakeRekognitionServer(engine=TinyReceiptEngine(total="1.00"), port=ports[0]) as server:
        run_batch(config(manifest, tmp_path / "again", server, moto_url, use_cache=True, cache_dir=cache))
        assert len(server.request_log) == 0  # the same endpoint (by URL) is still served from the cache


def test_the_same_image_under_two_s3_keys_costs_one_call(tmp_path, aws_env, moto_url):
    name = f"dups-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket=name)
    image = text_png("same receipt")
    for key in ("a/one.png", "b/two.png"):
        s3.put_object(Bucket=name, Key=key, Body=image)
    manifest = write_manifest(tmp_path / "m.csv", [{"source": f"s3://{name}/a/one.png"},
                                                   {"source": f"s3://{name}/b/two.png"}])
    with FakeRekognitionServer(engine=receipt_engine(), s3_endpoint_url=moto_url) as server:
        summary = run_batch(config(manifest, tmp_path / "out", server, moto_url, use_cache=True,
                                   cache_dir=str(tmp_path / "cache")))
        calls = len(server.request_log)
    assert (summary.ok, calls, summary.cache_hits) == (2, 1, 1)
