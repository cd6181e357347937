"""--manifest reads an S3 object or lists an S3 prefix: one step for a nightly job."""

from __future__ import annotations

import boto3
import pandas as pd
import pytest

from docbatch import run_batch

from ..support.bench import Bench, dummy_aws_env, text_image

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow

BUCKET = "docbatch-nightly-in"


@pytest.fixture(scope="module")
def incoming(moto_url):
    with dummy_aws_env():
        s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        for i in range(3):
            s3.put_object(Bucket=BUCKET, Key=f"2026-11-30/r{i}.png", Body=text_image(f"night {i}", size=(320, 120)))
        s3.put_object(Bucket=BUCKET, Key="2026-11-30/notes.txt", Body=b"not an image")
        s3.put_object(Bucket=BUCKET, Key="2026-11-30/manifest.csv",
                      Body=b"source,doc_type,team\nr0.png,receipt,a\ns3://docbatch-nightly-in/2026-11-30/r2.png,receipt,b\n")
        yield s3


def test_a_manifest_on_s3_runs_with_sources_relative_to_its_folder(tmp_path, moto_url, aws_env, incoming):
    bench = Bench(tmp_path, moto_url=moto_url)
    with bench.server() as server:
        summary = run_batch(bench.config(f"s3://{BUCKET}/2026-11-30/manifest.csv", tmp_path / "out", server))
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert (summary.ok, summary.failed) == (2, 0)
    assert docs.loc["r0", "source"] == f"s3://{BUCKET}/2026-11-30/r0.png" and docs.loc["r2", "team"] == "b"


def test_a_prefix_as_manifest_lists_its_images_and_a_rerun_resumes(tmp_path, moto_url, aws_env, incoming):
    bench = Bench(tmp_path, moto_url=moto_url)
    with bench.server() as server:
        first = run_batch(bench.config(f"s3://{BUCKET}/2026-11-30/", tmp_path / "out", server))
        again = run_batch(bench.config(f"s3://{BUCKET}/2026-11-30/", tmp_path / "out", server))
    assert (first.ok, first.total) == (3, 3)
    assert (again.resumed, again.processed) == (3, 0)


def test_a_missing_manifest_object_is_a_config_error(tmp_path, moto_url, aws_env, incoming):
    from docbatch.errors import ConfigError

    bench = Bench(tmp_path, moto_url=moto_url)
    with bench.server() as server, pytest.raises(ConfigError, match="manifest not found"):
        run_batch(bench.config(f"s3://{BUCKET}/2026-11-30/nope.csv", tmp_path / "out", server))


def test_an_empty_prefix_and_an_empty_manifest_object_exit_alike(tmp_path, moto_url, aws_env, incoming):
    from click.testing import CliRunner

    from docbatch.cli import main

    incoming.put_object(Bucket=BUCKET, Key="2026-12-01/manifest.csv", Body=b"source,doc_type\n")
    codes = {}
    for manifest in (f"s3://{BUCKET}/2026-12-02/", f"s3://{BUCKET}/2026-12-01/manifest.csv"):
        result = CliRunner().invoke(main, ["run", "--engine", "replay", "--replay-dir", str(tmp_path),
                                           "--s3-endpoint-url", moto_url, "--manifest", manifest,
                                           "--out", str(tmp_path / "out")])
        codes[manifest] = (result.exit_code, result.output.endswith("nothing to run [config_error]\n"))
    assert set(codes.values()) == {(2, True)}, codes
    assert not (tmp_path / "out").exists()
