"""S3 keys are taken verbatim: '#', '?', '%', spaces and unicode name their own objects, end to end."""

from __future__ import annotations

import io

import boto3
import pandas as pd
import pytest

from docbatch import run_batch
from docbatch.listing import list_sources, write_manifest

from ..support.bench import Bench, TinyReceiptEngine, dummy_aws_env, text_image

BUCKET = "docbatch-odd-keys"
#: Each key next to a decoy that a URL parser would confuse it with.
KEYS = ["r/inv.png#v2.png", "r/inv.png", "r/what?.png", "r/what", "r/100%.png", "r/100%25.png",
        "r/with space.png", "r/café ü.png"]


@pytest.fixture(scope="module")
def odd_bucket(moto_url):
    with dummy_aws_env():
        s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        for i, key in enumerate(KEYS):
            s3.put_object(Bucket=BUCKET, Key=key, Body=text_image(f"odd key {i}", size=(320, 120)))
        yield s3


@pytest.mark.slow  # a whole batch through servers: over a second
def test_listing_writes_every_odd_key_as_given(odd_bucket):
    buf = io.StringIO()
    write_manifest(list_sources(f"s3://{BUCKET}/r/", s3_client=odd_bucket), buf)
    listed = set(buf.getvalue().splitlines()[1:])
    assert {f"s3://{BUCKET}/{k}" for k in KEYS if k.endswith(".png")} <= {line.split(",")[0].strip('"')
                                                                          for line in listed}


@pytest.mark.slow  # a whole batch through servers: over a second
def test_each_odd_key_is_read_as_its_own_object(tmp_path, moto_url, odd_bucket):
    """Keys with an image suffix go to the service as S3Object, the others are downloaded
    and sent as Bytes: both ways must read exactly the object named."""
    bench = Bench(tmp_path, moto_url=moto_url)
    manifest = tmp_path / "m.csv"
    pd.DataFrame({"source": [f"s3://{BUCKET}/{k}" for k in KEYS], "doc_id": [f"d{i}" for i in range(len(KEYS))],
                  "doc_type": "receipt"}).to_csv(manifest, index=False)
    engine = TinyReceiptEngine()
    with bench.server() as server:
        summary = run_batch(bench.config(manifest, tmp_path / "out", server))
    assert (summary.ok, summary.failed) == (len(KEYS), 0)
    receipts = pd.read_parquet(tmp_path / "out" / "receipts").set_index("doc_id")
    for i, key in enumerate(KEYS):
        body = odd_bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        expected = engine.detect_text(type("I", (), {"data": body})(), None)["TextDetections"][2]["DetectedText"]
        assert str(receipts.loc[f"d{i}", "total"]) == expected.split()[1], key


@pytest.mark.slow  # a whole batch through servers: over a second
def test_s3_sources_read_by_many_threads_at_once_log_no_pool_warnings(tmp_path, moto_url, odd_bucket, caplog):
    """Without --concurrency a paced engine runs up to 64 threads: each may read its source
    at once, so the S3 client has a connection for each (urllib3 otherwise warns, at
    WARNING, that it discards connections: library noise in a -q run, and churn)."""
    for i in range(40):  # not named .png: docbatch downloads them (the service reads only JPEG/PNG keys)
        odd_bucket.put_object(Bucket=BUCKET, Key=f"many/m{i:02d}.webp", Body=text_image(f"many {i}"))
    manifest = tmp_path / "m.csv"
    pd.DataFrame({"source": [f"s3://{BUCKET}/many/m{i:02d}.webp" for i in range(40)],
                  "doc_type": "receipt"}).to_csv(manifest, index=False)
    bench = Bench(tmp_path, moto_url=moto_url)
    with bench.server(latency=0.3) as server, caplog.at_level("WARNING"):
        summary = run_batch(bench.config(manifest, tmp_path / "out", server, concurrency=None, tps=100))
    assert summary.ok == 40
    assert not [r for r in caplog.records if r.name.startswith("urllib3")], caplog.text
