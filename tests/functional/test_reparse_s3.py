"""``docbatch reparse`` on a run folder on S3 (moto server mode)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from docbatch.cli import main

from ..support.report_run import make_s3_report_run


@pytest.mark.slow
def test_reparse_rebuilds_a_run_folder_on_s3(tmp_path, aws_env, moto_url):
    # `docbatch reparse s3://...` took OUT as a local path ("s3:/bucket/..."): "holds no finished run".
    s3, bucket, uri = make_s3_report_run(tmp_path, moto_url)
    run = json.loads(s3.get_object(Bucket=bucket, Key="nightly/2026-12-01/run.json")["Body"].read())
    result = CliRunner().invoke(main, ["reparse", uri, "--s3-endpoint-url", moto_url, "--region", "us-east-1"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert f"documents={run['tables']['documents']}" in result.output
    assert f"receipts={run['tables']['receipts']}" in result.output
