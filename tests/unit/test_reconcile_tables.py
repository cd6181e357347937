"""Reconciliation's tables as an analyst meets them: described by the catalogue, tied to their run, clear errors."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner

from docbatch.cli import main
from docbatch.errors import BadColumnMapping, ConfigError, ExitCode, ReceiptsNotFound, TransactionFileError
from docbatch.parse.catalog import RECONCILIATION_TABLES
from docbatch.reconcile import reconcile

from ..support.csv_cells import unescape
from .test_reconcile_matching import day, receipts, statement


def test_docbatch_schema_describes_the_reconciliation_tables_with_run_id():
    result = CliRunner().invoke(main, ["schema", "matches", "unmatched_transactions", "--format", "json"])
    assert result.exit_code == 0, result.output
    tables = {t["table"]: [c["name"] for c in t["columns"]] for t in json.loads(result.output)}
    assert set(tables) == {"matches", "unmatched_transactions"}
    assert all(columns[-1] == "run_id" for columns in tables.values())


def test_every_reconciliation_row_carries_the_run_id_of_its_receipts():
    recs = receipts({"doc_id": "R1", "vendor_name": "ALPHA MART", "receipt_date": day(0), "total": "10.00"},
                    {"doc_id": "R2", "vendor_name": "BETA CAFE", "receipt_date": day(0), "total": "99.00"})
    recs = recs.append_column("run_id", pa.array(["20181205T010000Z-ab12"] * 2))
    txns = statement((day(1), "ALPHA MART", "10.00", "T1"), (day(1), "NETFLIX.COM", "45.00", "T9"))
    result = reconcile(recs, txns)
    assert set(result.tables) == set(RECONCILIATION_TABLES)
    for name in ("matches", "unmatched_receipts", "unmatched_transactions"):
        table: pa.Table = result.tables[name]
        assert table.num_rows == 1, name
        assert table.column("run_id").to_pylist() == ["20181205T010000Z-ab12"], name


def test_reconciliation_errors_are_config_errors_of_the_one_tree_exiting_2():
    for error in (TransactionFileError, ReceiptsNotFound, BadColumnMapping):
        assert issubclass(error, ConfigError) and error.exit_code == ExitCode.CONFIG


def test_a_bad_column_mapping_is_one_line_and_exit_2(tmp_path):
    card = tmp_path / "card.csv"
    card.write_text("Date,Amount\n2018-12-03,10.00\n")
    result = CliRunner().invoke(main, ["reconcile", "--receipts", str(tmp_path), "--transactions", str(card),
                                       "--out", str(tmp_path / "r"), "--map", "amuont=Betrag"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert "unknown transaction column(s) amuont" in result.output and "[bad_column_mapping]" in result.output


def _receipts_file(folder) -> str:
    """One receipt, ALPHA MART 10.00, as a receipts Parquet file (``--receipts`` takes one)."""
    path = folder / "receipts.parquet"
    pq.write_table(receipts({"doc_id": "R1", "vendor_name": "ALPHA MART", "receipt_date": day(0), "total": "10.00"}),
                   path)
    return str(path)


def test_a_repeated_transaction_id_is_kept_apart_and_named_in_a_warning_and_the_summary(tmp_path):
    # An export downloaded twice over one day, or a bank reusing a reference: both lines are kept
    # (the tables need one id per line), and the id they are written under is said, not invented silently.
    card = tmp_path / "card.csv"
    card.write_text("Transaction ID,Posted Date,Description,Amount\nT1,2018-12-04,ALPHA MART,10.00\n"
                    "T1,2018-12-04,ALPHA MART,10.00\nT2,2018-12-05,NETFLIX.COM,45.00\n")
    result = CliRunner().invoke(main, ["reconcile", "--receipts", _receipts_file(tmp_path), "--transactions", str(card),
                                       "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "transactions line 2 below the header repeats the id T1 of an earlier line: written T1+" in result.output
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["transactions"]["repeated_ids"] == [{"row": 2, "transaction_id": "T1", "written_as": "T1+"}]


def test_an_empty_transactions_file_is_refused_as_empty(tmp_path):
    card = tmp_path / "card.csv"
    card.write_bytes(b"")
    result = CliRunner().invoke(main, ["reconcile", "--receipts", _receipts_file(tmp_path), "--transactions", str(card),
                                       "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "is empty" in result.output and "[bad_transactions_file]" in result.output


def test_reconciling_again_with_fewer_formats_leaves_no_table_of_the_previous_ledger(tmp_path):
    from docbatch.reconcile import ReconcileSettings

    recs = receipts({"doc_id": "R1", "vendor_name": "ALPHA MART", "receipt_date": day(0), "total": "10.00"},
                    {"doc_id": "R2", "vendor_name": "BETA CAFE", "receipt_date": day(0), "total": "99.00"})
    both = statement((day(1), "ALPHA MART", "10.00", "T1"), (day(1), "BETA CAFE", "99.00", "T2"))
    reconcile(recs, both, out=tmp_path, settings=ReconcileSettings(formats=("parquet", "csv")))
    assert len((tmp_path / "csv" / "matches" / "part-00000.csv").read_text().splitlines()) == 3
    one = statement((day(1), "ALPHA MART", "10.00", "T1"))
    reconcile(recs, one, out=tmp_path, settings=ReconcileSettings(formats=("parquet",)))
    assert pq.read_table(tmp_path / "matches").num_rows == 1
    assert not (tmp_path / "csv").exists()  # the first ledger's CSV (2 matches) would contradict summary.json


def test_the_unmatched_transactions_amount_is_the_spend_without_a_receipt_not_net_of_card_payments():
    recs = receipts({"doc_id": "R1", "vendor_name": "ALPHA MART", "receipt_date": day(0), "total": "10.00"})
    txns = statement((day(1), "ALPHA MART", "10.00", "T1"), (day(2), "NETFLIX.COM", "45.00", "T2"),
                     (day(3), "GAMMA STORE", "12.99", "T3"), (day(4), "PAYMENT THANK YOU", "-500.00", "T4"))
    unmatched = reconcile(recs, txns).summary["unmatched_transactions"]
    assert unmatched["count"] == 3 and unmatched["by_kind"] == {"purchase": 2, "credit": 1}
    assert unmatched["amount"] == {"unknown": "57.99"}  # not -442.01, the purchases netted against a payment
    assert unmatched["amount_by_kind"] == {"purchase": {"unknown": "57.99"}, "credit": {"unknown": "-500.00"}}


def test_a_currency_option_that_is_not_an_iso_4217_code_is_refused_naming_it():
    # "--currency $" would write "$" as the currency of every receipt it resolves; "usd" is USD.
    from docbatch.reconcile.settings import build_settings

    for option, value in (("currency", "$"), ("currency", "US$"), ("transaction_currency", "RM"),
                          ("currency", "EURO")):
        try:
            build_settings(**{option: value})
        except ConfigError as exc:
            assert f"--{option.replace('_', '-')} {value!r}" in str(exc) and "ISO 4217" in str(exc)
        else:
            raise AssertionError(f"{option}={value!r} was accepted")
    settings = build_settings(currency="usd", transaction_currency=" myr ")
    assert (settings.currency, settings.transactions.currency) == ("USD", "MYR")


def test_settings_built_in_python_refuse_a_currency_that_is_not_an_iso_4217_code():
    # A notebook builds the settings itself: the same "$" would be written as every resolved receipt's currency.
    from docbatch.reconcile.settings import ReconcileSettings, TransactionOptions

    for build in (lambda: ReconcileSettings(currency="$"), lambda: TransactionOptions(currency="RM")):
        try:
            build()
        except ConfigError as exc:
            assert "ISO 4217" in str(exc)
        else:
            raise AssertionError("a currency that is no ISO 4217 code was accepted")
    settings = ReconcileSettings(currency="usd", transactions=TransactionOptions(currency=" myr "))
    assert (settings.currency, settings.transactions.currency) == ("USD", "MYR")


def test_the_summary_names_its_inputs_by_absolute_path_not_as_typed(tmp_path, monkeypatch):
    # summary.json outlives the shell it was made in: "card.csv" says nothing once the folder is shared.
    recs = receipts({"doc_id": "R1", "vendor_name": "ALPHA MART", "receipt_date": day(0), "total": "10.00"})
    pq.write_table(recs, tmp_path / "receipts.parquet")
    statement((day(1), "ALPHA MART", "10.00", "T1")).to_csv(tmp_path / "card.csv", index=False)
    monkeypatch.chdir(tmp_path)
    reconcile("receipts.parquet", "card.csv", out="recon")
    inputs = json.loads((tmp_path / "recon" / "summary.json").read_text())["inputs"]
    assert inputs == {"receipts": str((tmp_path / "receipts.parquet").resolve()),
                      "transactions": str((tmp_path / "card.csv").resolve())}


def test_reconciliation_csv_gives_back_a_backslash_n_and_a_line_break_as_written(tmp_path):
    # The reconciliation's CSV tables are written like the run's: a descriptor holding a backslash
    # and an n reads back distinct from one holding a line break (the README's un-escape).
    descriptors = ["SHOP C:\\new", "SHOP C:\nnew", "SHOP\\\\ONE"]
    card = tmp_path / "card.csv"
    card.write_text("Transaction ID,Posted Date,Description,Amount\n" + "".join(
        f'T{i},2018-12-04,"{d}",{20 + i}.00\n' for i, d in enumerate(descriptors)), encoding="utf-8")
    result = CliRunner().invoke(main, ["reconcile", "--receipts", _receipts_file(tmp_path), "--transactions", str(card),
                                       "--out", str(tmp_path / "r"), "--format", "parquet,csv"])
    assert result.exit_code == 0, result.output
    (part,) = (tmp_path / "r" / "csv" / "unmatched_transactions").glob("*.csv")
    written = pd.read_csv(part, dtype=str, keep_default_na=False).sort_values("transaction_id")["descriptor"]
    assert [unescape(cell) for cell in written] == descriptors
