"""``docbatch reconcile`` end to end: a run folder made by ``docbatch run`` (replay engine) and a bank export."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from docbatch.cli import main

from ..support.responses import response_from_rows

#: (doc_id, vendor, date as printed, total as printed); "cash" has no transaction, "dup" is "a" scanned again.
RECEIPTS = [
    ("a", "KEDAI BUKU MAJU SDN BHD", "03/12/2018", "12.50"),
    ("b", "RESTORAN SELERA ENTERPRISE", "04/12/2018", "8.00"),
    ("c", "KOPI KING SDN BHD", "05/12/2018", "8.20"),
    ("cash", "PASAR MINI JIN SENG", "05/12/2018", "44.90"),
    ("dup", "KEDAI BUKU MAJU SDN BHD", "03/12/2018", "12.50"),
]
STATEMENT = """Account Name:,CARDHOLDER
Card Number:,XXXX-XXXX-XXXX-4821

Transaction Date,Posted Date,Description,Amount,Currency,Reference
03/12/2018,05/12/2018,KEDAI BUKU MAJU SDN B JOHOR BAHRU MY,-12.50,MYR,T1
04/12/2018,06/12/2018,IPAY88*RESTORAN SELERA,-9.00,MYR,T2
05/12/2018,07/12/2018,KOPI KING #0423,-8.20,MYR,T3
05/12/2018,05/12/2018,KOPI KING #0424,-8.20,MYR,T4
14/12/2018,15/12/2018,REFUND KEDAI BUKU MAJU SDN B,12.50,MYR,T5
20/12/2018,20/12/2018,NETFLIX.COM,-45.00,MYR,T6
"""


def _receipt(vendor: str, date: str, total: str) -> dict:
    rows = [(vendor, 0.2, 0.05), ("NO 12 JALAN SAGU 18, 81100 JOHOR BAHRU, JOHOR", 0.1, 0.1),
            (f"DATE: {date}", 0.1, 0.2), ("ITEM", 0.1, 0.3), (total, 0.7, 0.3), ("TOTAL", 0.1, 0.35),
            (f"RM {total}", 0.7, 0.35)]
    return response_from_rows(rows)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("recon")
    replay = base / "replay"
    replay.mkdir()
    lines = ["source,doc_type,doc_id"]
    for doc_id, vendor, date, total in RECEIPTS:
        (replay / f"{doc_id}.json").write_text(json.dumps(_receipt(vendor, date, total)))
        lines.append(f"scans/{doc_id}.jpg,receipt,{doc_id}")
    (base / "m.csv").write_text("\n".join(lines) + "\n")
    out = base / "run"
    result = CliRunner().invoke(main, ["-q", "run", "--manifest", str(base / "m.csv"), "--out", str(out),
                                       "--engine", "replay", "--replay-dir", str(replay), "--no-cache"])
    assert result.exit_code == 0, result.output
    (base / "card.csv").write_text(STATEMENT)
    return out


@pytest.mark.slow  # a whole batch through servers: over a second
def test_reconcile_a_run_folder_against_a_card_export(run_folder):
    recon = run_folder.parent / "recon"
    args = ["reconcile", "--receipts", str(run_folder), "--transactions", str(run_folder.parent / "card.csv"),
            "--out", str(recon)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "5 receipts, 6 transactions: 2 matched" in result.output

    matches = pd.read_parquet(recon / "matches").set_index("doc_id")
    assert matches["transaction_id"].to_dict() in ({"a": "T1", "b": "T2"}, {"dup": "T1", "b": "T2"})
    assert matches.loc["b", "amount_basis"] == "tip" and str(matches.loc["b", "amount_difference"]) == "1.00"
    assert all(matches["reasons"].str.contains("merchant_strong"))
    review = pd.read_parquet(recon / "needs_review").set_index("doc_id")
    assert review.loc["c", "review_reason"] == "ambiguous"  # two KOPI KING 8.20 on the same day
    assert set(review.loc[["c"], ["transaction_id", "alternative_transaction_id"]].iloc[0]) == {"T3", "T4"}
    assert "duplicate_receipt" in set(review["review_reason"])
    unmatched = pd.read_parquet(recon / "unmatched_receipts")
    assert unmatched["doc_id"].tolist() == ["cash"]
    txns = pd.read_parquet(recon / "unmatched_transactions").set_index("transaction_id")
    assert txns.loc["T5", "kind"] == "refund" and txns.loc["T5", "refund_of"] == "T1"
    assert txns.loc["T6", "kind"] == "purchase"

    summary = json.loads((recon / "summary.json").read_text())
    assert summary["matched"] == {"count": 2, "amount": {"MYR": "21.50"}, "rate": 0.4}
    assert summary["needs_review"]["count"] == 2 and summary["unmatched_receipts"]["count"] == 1
    assert summary["unmatched_transactions"]["by_kind"] == {"purchase": 2, "refund": 1}  # T6, and T3 or T4
    csv = pd.read_csv(next((recon / "csv" / "matches").glob("*.csv")), dtype=str)
    assert len(csv) == 2 and set(csv["currency"]) == {"MYR"}

    again = CliRunner().invoke(main, args + ["--format", "parquet", "--lag-days", "0:3"])
    assert again.exit_code == 0, again.output  # a reconciliation folder is replaced whole
    assert json.loads((recon / "summary.json").read_text())["settings"]["match"]["lag_days"] == [0, 3]


@pytest.mark.slow  # reconciles a run folder several times: over half a second
def test_bad_inputs_exit_2_with_the_reason(run_folder, tmp_path):
    card = run_folder.parent / "card.csv"
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["reconcile", "--receipts", str(run_folder), "--transactions", str(card),
                                       "--out", str(foreign)])
    assert result.exit_code == 2 and "foreign_run_folder" in result.output
    assert (foreign / "mine.txt").read_text() == "keep me"
    bad = tmp_path / "bad.csv"
    bad.write_text("When,What\n2019-01-01,thing\n")
    result = CliRunner().invoke(main, ["reconcile", "--receipts", str(run_folder), "--transactions", str(bad),
                                       "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "bad_transactions_file" in result.output
    result = CliRunner().invoke(main, ["reconcile", "--receipts", str(tmp_path), "--transactions", str(card),
                                       "--out", str(tmp_path / "r2")])
    assert result.exit_code == 2 and "receipts_not_found" in result.output


@pytest.mark.slow  # a whole batch through servers: over a second
def test_an_output_folder_that_cannot_be_written_is_one_line_and_exit_5(run_folder, tmp_path):
    card = run_folder.parent / "card.csv"
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for args in (["reconcile", "--receipts", str(run_folder), "--transactions", str(card),
                  "--out", str(blocker / "recon")],
                 ["report", str(run_folder), "--output", str(blocker / "report.html")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 5, (args[0], result.output, result.exception)
        assert result.output.strip().splitlines() == [result.output.strip()]
        assert result.output.startswith("docbatch: error:") and str(blocker) in result.output


@pytest.fixture()
def receipts_file(tmp_path) -> Path:
    """A receipts table as a Parquet file (what --receipts also takes): the export is read after it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "receipts.parquet"
    pq.write_table(pa.table({"doc_id": ["a"], "vendor_name": ["KOPI KING"], "total": [8.2]}), path)
    return path


def _reconcile(receipts: Path, export: Path, *args: str):
    return CliRunner().invoke(main, ["reconcile", "--receipts", str(receipts), "--transactions", str(export),
                                     "--out", str(export.parent / "recon"), *args])


def test_a_header_only_export_is_refused_in_one_line_exit_2(receipts_file, tmp_path):
    export = tmp_path / "card.csv"
    export.write_text("Date,Description,Amount\n")
    result = _reconcile(receipts_file, export)
    assert result.exit_code == 2
    assert result.output.strip() == (f"docbatch: error: transactions file {export} has a header row but no "
                                     "transaction lines below it [bad_transactions_file]")


def test_a_mapped_column_the_export_lacks_is_named_in_one_line_exit_2(receipts_file, tmp_path):
    export = tmp_path / "card.csv"
    export.write_text("When,What,Amount\n2019-01-01,KOPI KING,8.20\n")
    result = _reconcile(receipts_file, export, "--map", "amount=Amt")
    assert result.exit_code == 2
    assert result.output.strip() == ("docbatch: error: mapped column 'Amt' (amount) is not in the export's header; "
                                     "columns found: When, What, Amount [bad_column_mapping]")


def test_wise_transaction_history_conversions_and_lines_that_moved_no_money_are_warned_of_and_counted(
        receipts_file, tmp_path):
    from ..support.bank_exports import WISE_HISTORY

    export = tmp_path / "transaction-history.csv"
    export.write_text(WISE_HISTORY)
    result = _reconcile(receipts_file, export)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("docbatch: warning:")]
    assert warnings == [
        "docbatch: warning: transactions line 3 below the header (BALANCE-5234567892) set aside: kind: 'NEUTRAL': "
        "a conversion between the account's own balances, not a purchase",
        "docbatch: warning: transactions line 4 below the header (CARD_TRANSACTION-5234567893) set aside: status: "
        "'CANCELLED': no money moved",
        "docbatch: warning: transactions line 6 below the header (CARD_TRANSACTION-5234567895) set aside: status: "
        "'REFUNDED': no money moved"]
    assert "1 receipts, 3 transactions" in result.output
    assert "3 transaction lines set aside (summary.json: transactions.rejected)" in result.output
