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


def box(top: float, left: float, height: float, text: str) -> tuple[list[float], str]:
    """A SROIE box line of its own height (a skewed scan's boxes are not all 20 high)."""
    return [left, top, left + 100, top, left + 100, top + height, left, top + height], text


def test_a_tender_amount_printed_lower_than_its_label_is_the_card_s():
    # SROIE 090: 'CASH' 1097-1136 and its '10.00' 1121-1152 overlap by less than half; 'CHANGE' 5.00 below.
    receipt = [box(1021, 10, 47, "TOTAL AFTER ROUNDING"), box(1039, 600, 39, "5.00"), box(1097, 10, 39, "CASH"),
               box(1121, 600, 31, "10.00"), box(1175, 10, 39, "CHANGE"), box(1196, 600, 32, "5.00")]
    assert texts(card_tender(receipt, Decimal("5.00"))) == ["TOTAL AFTER ROUNDING", "5.00", "VISA", "5.00"]


def test_an_amount_touching_two_rows_is_no_tender_s():
    # A scan whose amounts all sit half a row off: the tender's own figure cannot be told, so it is left.
    receipt = [box(0, 10, 30, "CASH"), box(-18, 600, 30, "10.00"), box(18, 600, 30, "1.00"), box(60, 10, 30, "NOTE")]
    assert texts(card_tender(receipt, Decimal("9.00"))) == ["VISA", "10.00", "1.00", "NOTE"]


def test_a_tender_printed_with_a_sign_reads_as_the_card_charge():
    # SROIE 072: 'CASH  -50.00', 'CHANGE 0.60'.
    receipt = [line(0, 10, "TOTAL RM"), line(0, 200, "49.40"), line(30, 10, "CASH"), line(30, 200, "-50.00"),
               line(60, 10, "CHANGE"), line(60, 200, "0.60")]
    assert texts(card_tender(receipt, Decimal("49.40"))) == ["TOTAL RM", "49.40", "VISA", "49.40"]


def test_a_payment_row_above_a_change_row_is_a_cash_tender():
    # SROIE 073: 'PAID AMOUNT: 100.00', 'CHANGE: 20.50' (change is handed back for cash only).
    receipt = [line(0, 10, "TOTAL AMT PAYABLE:"), line(0, 200, "79.50"), line(30, 10, "PAID AMOUNT:"),
               line(30, 200, "100.00"), line(60, 10, "CHANGE:"), line(60, 200, "20.50"),
               line(90, 10, "TOTAL QTY TENDER:"), line(90, 200, "101")]
    assert texts(card_tender(receipt, Decimal("79.50"))) == [
        "TOTAL AMT PAYABLE:", "79.50", "VISA:", "79.50", "TOTAL QTY TENDER:", "101"]


def test_a_row_naming_cash_as_the_way_paid_names_the_card():
    # SROIE 059: 'PAYMENT TYPE: CASH' in the header, 'TENDERED 10.00' over 'CHANGE 2.40'.
    receipt = [line(0, 10, "PAYMENT TYPE: CASH"), line(30, 10, "TOTAL AMOUNT"), line(30, 200, "7.60"),
               line(60, 10, "TENDERED"), line(60, 200, "10.00"), line(90, 10, "CHANGE"), line(90, 200, "2.40")]
    assert texts(card_tender(receipt, Decimal("7.60"))) == [
        "PAYMENT TYPE: VISA", "TOTAL AMOUNT", "7.60", "VISA", "7.60"]


def test_a_cash_rounding_label_is_no_tender():
    # SROIE 187: 'CASH ROUNDING -RM0.01' is the rounding row, not cash handed over.
    receipt = [line(0, 10, "TOTAL"), line(0, 200, "RM22.65"), line(30, 10, "CASH ROUNDING"), line(30, 200, "RM0.00"),
               line(60, 10, "CASH"), line(60, 200, "RM30.00")]
    assert texts(card_tender(receipt, Decimal("22.65"))) == [
        "TOTAL", "RM22.65", "CASH ROUNDING", "RM0.00", "VISA", "RM22.65"]


def test_a_pay_row_above_a_change_row_is_a_cash_tender():
    # SROIE 168, 246, 279 (KING'S CONFECTIONERY): 'DUE 7.50', 'PAY 20.00', 'CHANGE 12.50'.
    receipt = [line(0, 10, "DUE"), line(0, 200, "7.50"), line(30, 10, "PAY"), line(30, 200, "20.00"),
               line(60, 10, "CHANGE"), line(60, 200, "12.50")]
    assert texts(card_tender(receipt, Decimal("7.50"))) == ["DUE", "7.50", "VISA", "7.50"]


def test_cash_named_as_received_names_the_card():
    # SROIE 274: 'RECEIVED CASH RM28.03' below 'NET TOTAL RM28.03', no change row.
    receipt = [line(0, 10, "NET TOTAL RM28.03"), line(30, 10, "RECEIVED CASH RM28.03")]
    assert texts(card_tender(receipt, Decimal("28.03"))) == ["NET TOTAL RM28.03", "RECEIVED VISA RM28.03"]


def test_a_tender_label_led_by_the_currency_with_a_third_decimal_transcribed_is_a_cash_tender():
    # SROIE 164 (SUNFISH): 'RM CASH' over 'CHANGE', its amount transcribed '100.000'; the card copy
    # still said cash, so the benchmark showed a charged purchase's receipt paid in cash.
    receipt = [line(0, 10, "SUBTOTAL"), line(0, 200, "28.70"), line(30, 10, "RM CASH"), line(30, 200, "100.000"),
               line(60, 10, "CHANGE"), line(60, 200, "71.30")]
    assert texts(card_tender(receipt, Decimal("28.70"))) == ["SUBTOTAL", "28.70", "RM VISA", "28.70"]
