"""``docbatch manifest s3://...`` takes the S3 endpoint under the name every other command uses."""

from __future__ import annotations

import uuid

import boto3
import pytest
from click.testing import CliRunner

from docbatch.cli import main


@pytest.mark.slow  # the moto server
@pytest.mark.parametrize("flag", ["--s3-endpoint-url", "--endpoint-url"])
def test_manifest_lists_a_prefix_on_the_s3_endpoint_given(aws_env, moto_url, flag):
    bucket = f"inbox-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    for key in ("incoming/a.png", "incoming/b.jpg", "incoming/notes.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    result = CliRunner().invoke(main, ["manifest", f"s3://{bucket}/incoming/", flag, moto_url, "--region", "us-east-1"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert f"s3://{bucket}/incoming/a.png" in result.output and f"s3://{bucket}/incoming/b.jpg" in result.output
