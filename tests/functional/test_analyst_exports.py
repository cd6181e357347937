"""A run folder as an analyst loads it: Hive partitions, one-line CSV, the Athena DDL, typed columns.

A real run (replay engine, :mod:`tests.support.replay_run`) read with pandas, DuckDB, the
``csv`` module and sqlglot's Athena parser, never with docbatch's own readers.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from docbatch.cli import main
from docbatch.parse.catalog import TABLES
from docbatch.reconcile import reconcile
from docbatch.reparse import reparse_run

from ..support.athena import SYMLINK_PARQUET, athena_types, ddl_columns, ddl_storage
from ..support.replay_run import RECEIPTS, replay_run

pytestmark = pytest.mark.slow  # whole runs through the CLI (seconds)

KEYS = ("run_date", "doc_type")


@pytest.fixture(scope="module")
def flat(tmp_path_factory):
    return replay_run(tmp_path_factory.mktemp("flat"), "--format", "parquet,csv")


@pytest.fixture(scope="module")
def partitioned(tmp_path_factory):
    return replay_run(tmp_path_factory.mktemp("hive"), "--format", "parquet,csv", "--partition-by", ",".join(KEYS))


def run_day(run: Path) -> str:
    """The UTC day the run started, stamped in its id (``20261201T010203Z-...``): its run_date.
    Not today's date when read: a suite crossing midnight UTC reads it the day after."""
    run_id = json.loads((run / "run.json").read_text())["run_id"]
    return dt.datetime.strptime(run_id[:8], "%Y%m%d").date().isoformat()


def test_partitioned_tables_are_hive_folders_without_the_partition_columns_in_the_files(partitioned):
    parts = sorted(p.relative_to(partitioned).as_posix() for p in (partitioned / "receipts").rglob("*.parquet"))
    assert parts == [f"receipts/run_date={run_day(partitioned)}/doc_type=receipt/part-00000.parquet"]
    assert not set(KEYS) & set(pq.read_schema(partitioned / parts[0]).names)
    assert sorted(p.relative_to(partitioned / "csv").as_posix() for p in (partitioned / "csv" / "receipts").rglob("*.csv")) \
        == [f"receipts/run_date={run_day(partitioned)}/doc_type=receipt/part-00000.csv"]


def test_pandas_reads_a_partitioned_folder_as_the_flat_table_plus_its_keys(flat, partitioned):
    hive = pd.read_parquet(partitioned / "receipts").sort_values("doc_id").reset_index(drop=True)
    plain = pd.read_parquet(flat / "receipts").sort_values("doc_id").reset_index(drop=True)
    assert list(hive["run_date"].astype(str)) == [run_day(partitioned)] * len(RECEIPTS)
    assert list(hive["doc_type"].astype(str)) == ["receipt"] * len(RECEIPTS)
    same = [c for c in plain.columns if c not in ("run_id", "processed_at", "source")]
    pd.testing.assert_frame_equal(hive[same], plain[same])


def test_duckdb_reads_the_partitions_with_hive_partitioning(partitioned):
    rows = duckdb.sql(f"SELECT doc_type, CAST(run_date AS VARCHAR) AS d, count(*) AS n FROM read_parquet("
                      f"'{partitioned}/documents/**/*.parquet', hive_partitioning=true) GROUP BY ALL").fetchall()
    assert rows == [("receipt", run_day(partitioned), len(RECEIPTS))]


def test_an_empty_table_keeps_its_schema_in_a_partition_no_row_has(partitioned):
    (part,) = (partitioned / "ids").rglob("*.parquet")
    assert part.parent.name == "doc_type=none"
    assert pd.read_parquet(partitioned / "ids").empty
    assert "document_number" in pd.read_parquet(partitioned / "ids").columns


def test_reparse_and_reconcile_work_on_a_partitioned_run(partitioned, tmp_path):
    counts = reparse_run(partitioned)
    assert counts["receipts"] == len(RECEIPTS)
    assert [p.parent.parent.name for p in (partitioned / "receipts").rglob("*.parquet")] == [f"run_date={run_day(partitioned)}"]
    card = tmp_path / "card.csv"
    card.write_text("Posted Date,Description,Amount\n2018-12-04,KEDAI BUKU MAJU SDN B,-12.50\n")
    result = reconcile(partitioned, card)
    assert result.matches.column("doc_id").to_pylist() == ["a"]


def test_csv_is_one_record_per_line_and_keeps_leading_zeros(flat):
    for table in TABLES:
        for part in (flat / "csv" / table).glob("*.csv"):
            with open(part, encoding="utf-8", newline="") as fh:
                records = list(csv.reader(fh))
            lines = part.read_text(encoding="utf-8").splitlines()
            assert len(lines) == len(records), part  # no record spans two lines
    (part,) = (flat / "csv" / "receipts").glob("*.csv")
    receipts = pd.read_csv(part, dtype=str).set_index("doc_id")  # the README's dtype hint
    assert {d: receipts.loc[d, "cost_center"] for d, *_, c in RECEIPTS} == {d: c for d, *_, c in RECEIPTS}


def test_receipt_time_is_hh_mm_ss_text_and_a_bare_dollar_is_not_usd(flat):
    receipts = pd.read_parquet(flat / "receipts").set_index("doc_id")
    assert receipts.loc["a", "receipt_time"] == "20:13:39"
    assert receipts.loc["a", "currency"] == "MYR"
    assert pd.isna(receipts.loc["b", "currency"]) and "currency_unresolved" in receipts.loc["b", "review_reason"]


def test_each_parquet_column_carries_its_catalogue_description(flat):
    (part,) = (flat / "receipts").glob("*.parquet")
    field = pq.read_schema(part).field("total")
    assert field.metadata[b"description"] == b"the amount the receipt says is due (TOTAL)"
    assert field.metadata[b"kind"] == b"money" and field.metadata[b"personal"] == b"false"


# -- the Athena DDL against the files ---------------------------------------------------------------

@pytest.mark.parametrize("folder_name, options", [("flat", []), ("partitioned", ["--partition-by", ",".join(KEYS)])])
def test_the_athena_ddl_parses_and_equals_the_parquet_files_schema(request, folder_name, options):
    folder = request.getfixturevalue(folder_name)
    result = CliRunner().invoke(main, ["schema", "--format", "athena", "--location", "s3://bucket/out/",
                                       "--manifest-columns", "cost_center", *options])
    assert result.exit_code == 0, result.output
    tables = ddl_columns(result.output)
    for name in TABLES:
        cols, pcols, location = tables[name]
        (part, *_) = sorted((folder / name).rglob("*.parquet"))
        schema = pq.read_schema(part)
        assert cols == athena_types(schema), name
        assert list(pcols) == [p.split("=")[0] for p in part.relative_to(folder / name).parent.parts]
        assert set(pcols.values()) <= {"STRING"}
        assert location == f"s3://bucket/out/{name}/"


def test_the_athena_ddl_over_symlink_manifests_reads_the_same_columns_from_the_manifests_folder():
    plain, symlink = (CliRunner().invoke(main, ["schema", "--format", "athena", "--location", "s3://bucket/out/",
                                                "--partition-by", ",".join(KEYS), *extra]) for extra in ([], ["--symlink"]))
    assert symlink.exit_code == 0, symlink.output
    assert set(ddl_storage(symlink.output).values()) == {SYMLINK_PARQUET}
    for name, (cols, pcols, location) in ddl_columns(symlink.output).items():
        assert (cols, pcols) == ddl_columns(plain.output)[name][:2]
        assert location == f"s3://bucket/out/_symlink_format_manifest/{name}/"


def test_the_athena_ddl_over_symlink_manifests_is_refused_without_a_run_folder():
    result = CliRunner().invoke(main, ["schema", "--format", "athena", "--symlink"])
    assert result.exit_code != 0 and "--location" in result.output


def test_the_report_and_merge_see_every_part_of_a_partitioned_run(partitioned):
    from docbatch.report.gather import gather
    from docbatch.runfolder import RunFolder

    folder = RunFolder(partitioned)
    assert [p.rsplit("/", 3)[1:] for p in folder.table_parts("receipts")] == \
        [[f"run_date={run_day(partitioned)}", "doc_type=receipt", "part-00000.parquet"]]
    receipts = gather(folder).tables["receipts"]
    assert sorted(r["doc_id"] for r in receipts) == [r[0] for r in RECEIPTS]
    assert {r["doc_type"] for r in receipts} == {"receipt"}


# -- one Athena table over every night's run folder --------------------------------------------------

def _projected_folders(ddl: str, first: dt.date, last: dt.date) -> dict[str, str]:
    """What Athena's date projection makes of the DDL's TBLPROPERTIES: folder_date -> location,
    for every day from ``first`` to ``last`` (the range's ``NOW``)."""
    import sqlglot
    from sqlglot import exp

    (stmt, *_) = [s for s in sqlglot.parse(ddl, read="athena") if isinstance(s, exp.Create)]
    props = {p.name: p.text("value") for p in stmt.args["properties"].expressions if isinstance(p, exp.Property)}
    java = props["projection.folder_date.format"]
    fmt = java.replace("yyyy", "%Y").replace("MM", "%m").replace("dd", "%d")
    start = dt.datetime.strptime(props["projection.folder_date.range"].split(",")[0], fmt).date()
    assert props["projection.enabled"] == "true" and props["projection.folder_date.range"].endswith(",NOW")
    days = [start + dt.timedelta(days=i) for i in range((last - start).days + 1)]
    return {d.strftime(fmt): props["storage.location.template"].replace("${folder_date}", d.strftime(fmt))
            for d in days if d >= first}


@pytest.mark.parametrize("template", ["{yesterday}", "{date:%Y/%m/%d}"])
def test_the_athena_ddl_over_a_nightly_jobs_template_finds_every_night_the_job_wrote(tmp_path, template):
    """The job's own ``out`` template as the location: the projection's folders are the run
    folders the job wrote night after night, holding that night's parts, and no other."""
    base = replay_run(tmp_path, "--format", "parquet").parent  # the replay answers and the manifest
    job = tmp_path / "nightly.toml"
    job.write_text(f'[job]\nmanifest = "m.csv"\nout = "runs/{template}/"\nengine = "replay"\n'
                   f'replay_dir = "replay"\nformats = ["parquet"]\nuse_cache = false\n')
    nights = [dt.date(2026, 11, 25), dt.date(2026, 11, 27)]
    for night in nights:
        result = CliRunner().invoke(main, ["-q", "run", str(job), "--date", night.isoformat()])
        assert result.exit_code == 0, result.output
    ddl = CliRunner().invoke(main, ["schema", "--format", "athena", "receipts", "--since", "2026-11-01",
                                    "--location", f"s3://bucket/runs/{template}/"])
    assert ddl.exit_code == 0, ddl.output
    assert ddl_columns(ddl.output)["receipts"][1] == {"folder_date": "STRING"}
    projected = _projected_folders(ddl.output, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    local = {day: folder.replace("s3://bucket/", f"{base}/", 1) for day, folder in projected.items()}  # the bucket here
    found = {day: folder for day, folder in local.items() if Path(folder).is_dir()}
    written = {(n - dt.timedelta(days=1)).strftime("%Y-%m-%d") if template == "{yesterday}" else n.strftime("%Y/%m/%d")
               for n in nights}
    assert set(found) == written
    for folder in found.values():
        assert sorted(pd.read_parquet(folder)["doc_id"]) == [r[0] for r in RECEIPTS]


def test_a_nightly_location_with_partition_by_or_a_date_athena_cannot_read_back_is_refused():
    for extra in (["--location", "s3://b/runs/{date}/", "--partition-by", "doc_type"],
                  ["--location", "s3://b/runs/{date:%d-%b}/"]):
        result = CliRunner().invoke(main, ["schema", "--format", "athena", "receipts", *extra])
        assert result.exit_code != 0 and "error:" in result.output, result.output


def test_manifest_columns_named_like_docbatchs_in_another_case_or_like_a_partition_key_keep_their_values(tmp_path):
    """DuckDB and Athena match column names without case, and a Hive key names a column: the
    manifest's `Total` was read back as docbatch's total, its `run_date` dropped for the key."""
    from ..support.replay_run import receipt_response

    (tmp_path / "replay").mkdir()
    (tmp_path / "replay" / "a.json").write_text(json.dumps(receipt_response("JOES DINER", "04/12/2018", "8.00")))
    (tmp_path / "m.csv").write_text("source,doc_id,Total,run_date\nscans/a.jpg,a,5.00,2020-01-01\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["-q", "run", "--manifest", str(tmp_path / "m.csv"), "--out", str(out),
                                       "--engine", "replay", "--replay-dir", str(tmp_path / "replay"), "--no-cache",
                                       "--doc-type", "receipt", "--partition-by", "run_date"])
    assert result.exit_code == 0, result.output
    row = duckdb.sql(f"SELECT total, manifest_Total, manifest_run_date, run_date FROM read_parquet("
                     f"'{out}/receipts/**/*.parquet', hive_partitioning = true)").fetchall()[0]
    assert [str(v) for v in row] == ["8.00", "5.00", "2020-01-01", run_day(out)]
