"""The cash handed over is never the receipt's total, whatever its label says.

A till prints the sum owed, the cash handed over and the change (cash less the sum owed).  Some
print the cash under words the total vocabulary also holds (``PAID AMOUNT``, read as an
``AMOUNT``; a tender printed ``TOTAL CASH``); the change row then says which figure was cash.  Real receipts are SROIE's tuning half (000-312).
"""

from __future__ import annotations

from decimal import Decimal

from docbatch.parse.receipt.parser import REVIEW_BELOW

from .test_receipt_parsing import receipt, sroie
from .test_receipt_total_doubts import HEAD


def fields(*rows: str) -> dict[str, object]:
    return receipt(*HEAD, *rows).fields


def test_paid_amount_above_the_change_is_the_cash_handed_over_not_a_total():
    # SROIE 073, 075, 076 (LIAN HING), 224 (BOON SENG), 229, 230 (ANZEL) print "PAID AMOUNT:" over "CHANGE:".
    f = fields("FILE 100 | 79.50", "TOTAL | 79.50", "PAID AMOUNT | 100.00", "CHANGE | 20.50")
    assert (f["total"], f["amount_paid"]) == (Decimal("79.50"), Decimal("100.00"))
    assert "total_doubt" not in str(f["review_reason"]) and f["total_confidence"] > REVIEW_BELOW


def test_a_real_paid_amount_row_is_read_as_the_amount_paid():
    f = sroie("073").fields  # TOTAL AMT PAYABLE: 79.50, PAID AMOUNT: 100.00, CHANGE: 20.50
    assert (f["total"], f["amount_paid"]) == (Decimal("79.50"), Decimal("100.00"))


def test_a_total_row_just_above_the_change_that_less_the_change_is_another_total_is_the_cash():
    f = fields("TOTAL | 5.00", "TOTAL CASH | 10.00", "CHANGE | 5.00")
    assert f["total"] == Decimal("5.00")
    assert "total_doubt" not in str(f["review_reason"]) and f["total_confidence"] > REVIEW_BELOW


def test_a_total_row_above_the_change_that_less_the_change_is_the_items_is_the_cash_and_the_sum_is_flagged():
    # The sum owed is printed nowhere but as the items' sum: right, and still a reading to check.
    f = fields("NASI LEMAK | 7.10", "TEH O | 1.10", "TOTAL CASH | 10.00", "CHANGE | 1.80")
    assert f["total"] == Decimal("8.20") and f["total_confidence"] <= REVIEW_BELOW


def test_a_total_above_the_change_that_less_it_is_no_other_figure_stays_the_total():
    # 20.00 - 5.00 is printed nowhere: the cash row is simply not printed, and 20.00 is owed.
    f = fields("BOOKS | 12.00", "PENS | 8.00", "SUBTOTAL | 20.00", "TOTAL | 20.00", "CHANGE | 5.00")
    assert f["total"] == Decimal("20.00")


def test_a_total_row_is_not_taken_for_cash_when_a_payment_row_is_printed():
    f = fields("PARKING TICKET | 5.00", "TOTAL | 5.00", "GRAND TOTAL | 10.00", "CASH | 15.00", "CHANGE | 5.00")
    assert f["total"] == Decimal("10.00")


def test_cash_is_not_the_total_when_the_change_row_amount_is_unread():
    # SROIE 152: no total row; "CASH RM51.50", "CHANGE CASH RN10.05" (RN for RM), "SUBTOTAL RM41.45"
    # after the rounding row.  The cash is not what was owed; the total stays flagged.
    f = sroie("152").fields
    assert f["total"] == Decimal("41.45") and f["total_confidence"] <= REVIEW_BELOW
