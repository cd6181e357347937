"""Listing an S3 prefix into a manifest, against a real moto S3 server on loopback."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.config import Config
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends

from docbatch.errors import ConfigError, ConnectionFailed
from docbatch.listing import list_sources, write_manifest
from docbatch.manifest import read_manifest

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow

# Unique: moto keeps one in-process store, shared with any other moto test in the session.
BUCKET = f"docbatch-manifest-{uuid.uuid4().hex[:8]}"
N_IMAGES = 1100  # more than one list_objects_v2 page (1000 keys)
OTHER_KEYS = [
    "batch/notes.txt", "batch/manifest.csv", "batch/sub/", "batch/.DS_Store",
    "batch/sub/._ghost.jpg", "batch/no_extension", "other/outside.jpg",
]
MIXED_CASE = ["batch/sub/UPPER.JPG", "batch/sub/scan.Pdf", "batch/sub/photo.heic"]


def client_for(endpoint: str, **config):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**config),
    )


@pytest.fixture(scope="module")
def endpoint(moto_url):
    return moto_url


@pytest.fixture(scope="module")
def s3(endpoint):
    client = client_for(endpoint)
    client.create_bucket(Bucket=BUCKET)
    # The 1100 page-filling objects go straight into the server's store (a PUT over HTTP
    # costs 10-30 ms each, half a minute in all); the odd keys go through the wire.
    store = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
    for i in range(N_IMAGES):
        store.put_object(BUCKET, f"batch/{i:04d}.jpg", b"x")
    for key in OTHER_KEYS + MIXED_CASE:
        client.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    return client


def test_listing_pages_through_more_than_1000_keys_and_keeps_only_images(s3):
    calls = []
    s3.meta.events.register("after-call.s3.ListObjectsV2", lambda **kw: calls.append(1))
    try:
        listed = list(list_sources(f"s3://{BUCKET}/batch/", s3_client=s3))
    finally:
        s3.meta.events.unregister("after-call.s3.ListObjectsV2")
    expected = [f"s3://{BUCKET}/batch/{i:04d}.jpg" for i in range(N_IMAGES)]
    expected += [f"s3://{BUCKET}/{k}" for k in sorted(MIXED_CASE)]
    assert listed == expected
    assert len(calls) >= 2


def test_listing_honours_the_extensions_given(s3):
    listed = list(list_sources(f"s3://{BUCKET}/batch/sub/", s3_client=s3, extensions=[".pdf"]))
    assert listed == [f"s3://{BUCKET}/batch/sub/scan.Pdf"]


def test_a_listing_written_as_a_manifest_reads_back_as_s3_documents(s3, tmp_path):
    path = tmp_path / "listing.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        count = write_manifest(list_sources(f"s3://{BUCKET}/batch/sub/", s3_client=s3), out)
    rows = list(read_manifest(path))
    assert count == len(rows) == 3
    assert [r.document.source for r in rows] == [f"s3://{BUCKET}/{k}" for k in sorted(MIXED_CASE)]
    assert [r.doc_id for r in rows] == ["UPPER", "photo", "scan"]


def test_listing_a_missing_bucket_raises_config_error(s3):
    with pytest.raises(ConfigError, match="does not exist"):
        list(list_sources("s3://no-such-bucket/x/", s3_client=s3))


def test_an_unreachable_endpoint_raises_connection_failed():
    # Port 9 on loopback is closed; total_max_attempts=1 stops botocore resending.
    client = client_for("http://127.0.0.1:9", retries={"total_max_attempts": 1}, connect_timeout=2)
    with pytest.raises(ConnectionFailed):
        list(list_sources(f"s3://{BUCKET}/", s3_client=client))


def test_an_s3_location_without_bucket_is_rejected_before_any_call():
    with pytest.raises(ConfigError):
        list_sources("s3:///prefix/", s3_client=object())


def test_a_prefix_named_without_its_slash_is_listed_as_the_same_manifest(s3, tmp_path):
    """`--manifest s3://bucket/batch` names no object but a folder of them (as `docbatch
    manifest s3://bucket/batch` lists it): it runs that folder's images, recorded as
    `s3://bucket/batch/` so a run folder sees one manifest whichever way it is written."""
    from docbatch.listing import open_manifest

    bare = open_manifest(f"s3://{BUCKET}/batch", default_doc_type="receipt", workdir=tmp_path / "a", s3_client=s3)
    slash = open_manifest(f"s3://{BUCKET}/batch/", default_doc_type="receipt", workdir=tmp_path / "b", s3_client=s3)
    assert bare.name == slash.name == f"s3://{BUCKET}/batch/"
    assert bare.sha256() == slash.sha256()
    with pytest.raises(ConfigError, match="manifest not found"):
        open_manifest(f"s3://{BUCKET}/batc", default_doc_type="receipt", workdir=tmp_path / "c", s3_client=s3)
