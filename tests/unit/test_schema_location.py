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


@pytest.mark.parametrize("fmt", ["markdown", "json"])
@pytest.mark.parametrize("option", [["--location", "s3://bucket/out/"], ["--partition-by", "run_date"],
                                    ["--manifest-columns", "batch"], ["--since", "2026-11-01"], ["--symlink"]])
def test_an_athena_option_given_with_another_format_is_refused_naming_it(fmt, option):
    # The markdown and JSON schemas have no LOCATION or partitions: the option would be dropped in silence.
    result = CliRunner().invoke(main, ["schema", "--format", fmt, "receipts", *option])
    assert result.exit_code == 2
    assert result.output.startswith(f"docbatch: error: {option[0]}") and "--format athena" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_partition_keys_for_a_named_reconciliation_table_are_refused_not_dropped():
    # A reconciliation's tables are written unpartitioned: PARTITIONED BY would not be printed for them.
    result = CliRunner().invoke(main, ["schema", "--format", "athena", "matches", "--partition-by", "run_date",
                                       "--location", "s3://bucket/recon/"])
    assert result.exit_code == 2
    assert result.output.startswith("docbatch: error: --partition-by: matches")


def test_partition_keys_over_every_table_apply_to_the_run_tables():
    result = CliRunner().invoke(main, ["schema", "--format", "athena", "--partition-by", "run_date",
                                       "--location", "s3://bucket/out/"])
    assert result.exit_code == 0, result.output
    assert "PARTITIONED BY" in result.output
