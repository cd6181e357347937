"""The reconciliation benchmark's receipts of charged purchases print the card payment, not cash."""

from __future__ import annotations

from decimal import Decimal

import pytest

from benchmarks.card_tender import card_tender, charged_total


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


# SROIE 002's layout: the total, a rounding row taking 0.02 off it, the rounded total, cash and change.
ROUNDED = [line(0, 10, "TOTAL"), line(0, 200, "RM 33.92"), line(30, 10, "ROUNDING ADJUSTMENT"), line(30, 200, "-RM 0.02"),
           line(60, 10, "TOTAL ROUNDED"), line(60, 200, "RM 33.90"), line(90, 10, "CASH"), line(90, 200, "RM 50.00"),
           line(120, 10, "CHANGE"), line(120, 200, "RM 16.10")]


@pytest.mark.parametrize("key_total", ["33.90", "33.92"])  # SROIE's keys hold either side of the rounding
def test_a_card_pays_the_sum_before_cash_rounding_and_its_receipt_prints_no_rounding_row(key_total):
    assert texts(card_tender(ROUNDED, Decimal(key_total))) == [
        "TOTAL", "RM 33.92", "TOTAL ROUNDED", "RM 33.92", "VISA", "RM 33.92"]
    assert charged_total(ROUNDED, Decimal(key_total)) == Decimal("33.92")


def test_a_rounding_row_moving_nothing_leaves_the_total_as_charged():
    receipt = [line(0, 10, "TOTAL"), line(0, 200, "80.90"), line(30, 10, "ROUNDING : 0.00"),
               line(60, 10, "CASH"), line(60, 200, "100.00")]
    assert texts(card_tender(receipt, Decimal("80.90"))) == ["TOTAL", "80.90", "ROUNDING : 0.00", "VISA", "80.90"]
    assert charged_total(receipt, Decimal("80.90")) == Decimal("80.90")
