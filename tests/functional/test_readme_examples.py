"""The README's loading examples, run as written against real run folders (so README and behaviour cannot drift).

Each block follows an ``<!-- example: NAME -->`` marker in README.md; it runs with the
working directory holding ``out/``, a run made by ``docbatch run --engine replay`` (flat,
and partitioned by ``run_date``), and what it leaves is checked against the Parquet files.
"""

from __future__ import annotations

import re
import shlex
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from docbatch.cli import main
from docbatch.parse.catalog import TABLES
from docbatch.sinks import SINKS
from docbatch.sinks.schema import arrow_schema

from ..support.athena import athena_types, ddl_columns
from ..support.replay_run import RECEIPTS, replay_run

pytestmark = pytest.mark.slow  # whole runs through the CLI (seconds)

README = Path(__file__).resolve().parents[2] / "README.md"


def example(name: str) -> tuple[str, str]:
    """(language, code) of the README block after ``<!-- example: name -->``."""
    m = re.search(rf"<!-- example: {name} -->\n```(\w+)\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert m, f"README.md has no example {name!r}"
    return m.group(1), m.group(2)


def run_python(name: str, run_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Execute the README's python block ``name`` in ``run_dir``; the names it defined."""
    lang, code = example(name)
    assert lang == "python"
    monkeypatch.chdir(run_dir)
    ns: dict = {}
    exec(compile(code, f"README.md:{name}", "exec"), ns)
    return ns


@pytest.fixture(scope="module", params=["flat", "partitioned"])
def run_dir(request, tmp_path_factory) -> Path:
    """A folder holding ``out/``, the run folder the examples name."""
    base = tmp_path_factory.mktemp(request.param)
    options = ["--format", "parquet,csv"] + (["--partition-by", "run_date"] if request.param == "partitioned" else [])
    replay_run(base, *options)
    return base


def test_the_pandas_example_keeps_decimals_and_dates_typed(run_dir, monkeypatch):
    ns = run_python("pandas", run_dir, monkeypatch)
    receipts = ns["receipts"]
    assert receipts["total"].dtype == pd.ArrowDtype(pa.decimal128(18, 2))
    assert receipts["receipt_date"].dtype == pd.ArrowDtype(pa.date32())
    assert set(receipts["doc_id"]) == {r[0] for r in RECEIPTS}
    assert set(ns["review"]["doc_id"]) == set(receipts.loc[receipts["needs_review"], "doc_id"])


def test_the_duckdb_example_sums_decimals_per_currency(run_dir, monkeypatch):
    lang, sql = example("duckdb")
    assert lang == "sql"
    monkeypatch.chdir(run_dir)
    rows = duckdb.sql(sql).fetchall()
    expected: dict = {}
    for part in (run_dir / "out" / "receipts").rglob("*.parquet"):
        for r in pq.read_table(part).to_pylist():
            n, total = expected.get(r["currency"], (0, Decimal(0)))
            expected[r["currency"]] = (n + 1, total + r["total"])
    assert {c: (n, t) for c, n, t in rows} == expected
    assert sum(n for _, n, _ in rows) == len(RECEIPTS)


def test_the_csv_example_keeps_leading_zeros(run_dir, monkeypatch):
    ns = run_python("csv", run_dir, monkeypatch)
    got = dict(zip(ns["receipts_csv"]["doc_id"], ns["receipts_csv"]["cost_center"]))
    assert got == {doc_id: centre for doc_id, *_, centre in RECEIPTS}  # "0420" stays "0420"


def test_the_csv_example_gives_back_a_backslash_n_and_a_line_break_as_written(tmp_path, monkeypatch):
    # OCR'd text holding a backslash and an n must not come back as a line break, nor the reverse.
    vendors = ["C:\\new", "C:\nnew", "C:\r\nnew", "C:\\\\new", "ends\\"]
    schema = arrow_schema(TABLES["receipts"], ())
    rows = [{"doc_id": f"r{i}", "vendor_name": v} for i, v in enumerate(vendors)]
    folder = (tmp_path / "out" / "csv" / "receipts").as_posix()
    SINKS["csv"]().writer(pafs.LocalFileSystem(), folder, schema).write(pa.Table.from_pylist(rows, schema=schema))
    receipts_csv = run_python("csv", tmp_path, monkeypatch)["receipts_csv"]
    assert receipts_csv["vendor_name"].tolist() == vendors


def test_the_athena_example_prints_ddl_equal_to_the_parquet_files(run_dir):
    if run_dir.name.startswith("partitioned"):
        pytest.skip("the README's command is for a run without --partition-by (the partitioned DDL: "
                    "test_analyst_exports)")
    lang, code = example("athena")
    assert lang == "bash"
    argv = shlex.split(code.strip())
    assert argv[0] == "docbatch"
    result = CliRunner().invoke(main, argv[1:])
    assert result.exit_code == 0, result.output
    location = argv[argv.index("--location") + 1].rstrip("/")
    for name, (cols, pcols, loc) in ddl_columns(result.output).items():
        (part,) = (run_dir / "out" / name).glob("*.parquet")
        assert cols == athena_types(pq.read_schema(part))  # the manifest's cost_center included
        assert pcols == {} and loc == f"{location}/{name}/"
