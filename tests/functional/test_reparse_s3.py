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


@pytest.mark.slow  # starts a pool of parser worker processes
def test_an_s3_run_folder_holding_its_client_parses_in_worker_processes(tmp_path, aws_env, moto_url):
    # A large run (PARALLEL_FROM documents, parsing worth PARALLEL_WORTH_S) parses in spawned
    # processes, which get the folder pickled; an S3 folder holds the boto3 client its lock and
    # journal use from the run's start: "Can't pickle <class 'botocore.client.S3'>".
    from docbatch.config import OutputSettings, ParseSettings, SourceSettings
    from docbatch.outputs import build_outputs
    from docbatch.runfolder import RunFolder
    from docbatch.state import Journal

    from ..support.bench import load_table

    s3, bucket, uri = make_s3_report_run(tmp_path, moto_url)
    before = load_table(uri, "documents", s3_endpoint_url=moto_url)
    run = json.loads(s3.get_object(Bucket=bucket, Key="nightly/2026-12-01/run.json")["Body"].read())
    folder = RunFolder(uri, sources=SourceSettings(s3_endpoint_url=moto_url, region="us-east-1"))
    with folder.lock("reparse-in-workers") as lock:
        folder.restore_journal()
        journal = Journal(folder.journal_path)
        try:
            build_outputs(journal.rows(run["run_id"]), folder=folder, run_id=run["run_id"],
                          n_docs=run["tables"]["documents"], output=OutputSettings(formats=("parquet",)),
                          parse=ParseSettings(), passthrough_columns=run.get("passthrough_columns", []),
                          workers=2, commit_check=lock.beat)
        finally:
            journal.close()
    after = load_table(uri, "documents", s3_endpoint_url=moto_url)
    assert sorted(after["doc_id"]) == sorted(before["doc_id"])
