"""The reconciliation benchmark's receipts of charged purchases print the card payment, not cash."""

from __future__ import annotations

from decimal import Decimal

from benchmarks.card_tender import card_tender


def line(top: float, left: float, text: str) -> tuple[list[float], str]:
    """A SROIE box line: 8 coordinates (a box 20 high, 100 wide) and its text."""
    return [left, top, left + 100, top, left + 100, top + 20, left, top + 20], text


def texts(lines: list[tuple[list[float], str]]) -> list[str]:
    return [text for _, text in lines]


def test_the_cash_tender_reads_as_the_card_charged_the_total_and_the_change_row_is_gone():
    # SROIE 000's layout: labels and amounts are boxes of their own on one row.
    receipt = [line(0, 10, "CASH BILL"), line(30, 10, "CASHIER: NUR"), line(60, 10, "TOTAL"), line(60, 200, "9.00"),
               line(90, 10, "CASH"), line(90, 200, "10.00"), line(120, 10, "CHANGE"), line(120, 200, "1.00"),
               line(150, 10, "STRICTLY NO CASH REFUND")]
    assert texts(card_tender(receipt, Decimal("9.00"))) == [
        "CASH BILL", "CASHIER: NUR", "TOTAL", "9.00", "VISA", "9.00", "STRICTLY NO CASH REFUND"]


def test_a_tender_and_change_printed_on_one_line_each_are_rewritten_in_place():
    # SROIE 046: 'CASH CHANGE' is the change row, not a second cash tender.
    receipt = [line(0, 10, "TOTAL RM 28.60"), line(30, 10, "CASH: RM 100.00"), line(60, 10, "CASH CHANGE"),
               line(60, 200, "71.40")]
    assert texts(card_tender(receipt, Decimal("28.60"))) == ["TOTAL RM 28.60", "VISA: RM 28.60"]


def test_a_receipt_without_a_cash_tender_is_unchanged():
    receipt = [line(0, 10, "TOTAL"), line(0, 200, "42.35"), line(30, 10, "CREDIT"), line(30, 200, "42.35")]
    assert card_tender(receipt, Decimal("42.35")) == receipt
