"""``docbatch schema --format athena --location``: Athena reads tables on S3 only."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from docbatch.cli import main


@pytest.mark.parametrize("location", ["out/sample", "/data/runs/2026-11-30/", "file:///data/runs/"])
def test_a_location_that_is_not_s3_is_refused_in_one_line(location):
    # A DDL whose LOCATION is a local path parses, and CREATE TABLE fails later in Athena's console.
    result = CliRunner().invoke(main, ["schema", "--format", "athena", "receipts", "--location", location])
    assert result.exit_code == 2
    assert result.output.startswith("docbatch: error: --location") and "s3://" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_an_s3_location_names_each_tables_folder():
    result = CliRunner().invoke(main, ["schema", "--format", "athena", "receipts", "--location", "s3://bucket/out"])
    assert result.exit_code == 0, result.output
    assert "LOCATION 's3://bucket/out/receipts/'" in result.output
