"""``docbatch reconcile --receipts s3://...``: a nightly run's folder on S3 (moto server mode)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from docbatch.cli import main

from ..support.report_run import STATEMENT, make_s3_report_run


@pytest.mark.slow
def test_reconcile_reads_the_receipts_of_a_run_folder_on_s3(tmp_path, aws_env, moto_url):
    s3, bucket, uri = make_s3_report_run(tmp_path, moto_url)
    run = json.loads(s3.get_object(Bucket=bucket, Key="nightly/2026-12-01/run.json")["Body"].read())
    card = tmp_path / "card.csv"
    card.write_text(STATEMENT)
    result = CliRunner().invoke(main, ["reconcile", "--receipts", uri, "--transactions", str(card),
                                       "--out", str(tmp_path / "recon"), "--s3-endpoint-url", moto_url,
                                       "--region", "us-east-1"])
    assert result.exit_code == 0, (result.output, result.exception)
    summary = json.loads((tmp_path / "recon" / "summary.json").read_text())
    assert summary["receipts"] == run["tables"]["receipts"] and summary["matched"]["count"] > 0
