"""A card slip's tipped total is the total when due + tip adds up; an unclosed tip is flagged.

A US restaurant check prints the sum due, often a tip guide, and the card slip below it (the
amount, the tip, the tipped total the card is charged); see ``docbatch.parse.receipt.tips``.
"""

from __future__ import annotations

from decimal import Decimal

from docbatch.parse.receipt.parser import REVIEW_BELOW, TRUSTED_TOTAL

from .test_receipt_parsing import receipt

HEAD = ("THE COPPER KETTLE GRILL", "1450 N MAIN ST", "SPRINGFIELD, IL 62702", "12/03/2026 7:42 PM")
CHECK = ("2 RIBEYE STEAK | 78.00", "1 CAESAR SALAD | 14.50", "3 CRAFT IPA | 38.38",
         "SUBTOTAL | 130.88", "TAX | 13.42", "Balance Due | 144.30")
GUIDE = ("Suggested Tip:", "18% | $23.56", "20% | $26.18", "22% | $28.79")
SLIP = ("AMEX XXXXXXXXXXX4316", "Auth: 128886")


def read(*rows: str) -> tuple[Decimal | None, str, float, object]:
    """(total, review reason, total confidence, tip) of a restaurant check with ``rows`` below it."""
    f = receipt(*HEAD, *CHECK, *rows).fields
    return f["total"], str(f["review_reason"] or ""), float(f["total_confidence"] or 0), f["tip"]


def test_the_tipped_total_on_the_card_slip_is_the_total():
    total, reason, conf, tip = read(*GUIDE, *SLIP, "AMOUNT | 144.30", "TIP | 19.63", "= Total: | 163.93")
    assert (total, tip) == (Decimal("163.93"), Decimal("19.63"))
    assert "total" not in reason and conf >= TRUSTED_TOTAL


def test_a_tipped_total_printed_without_an_amount_row_is_the_total():
    total, reason, conf, _ = read(*SLIP, "+ Tip: | 26.00", "TOTAL | 170.30")
    assert total == Decimal("170.30") and "total" not in reason and conf >= TRUSTED_TOTAL


def test_a_tip_whose_sum_is_printed_nowhere_flags_the_sum_due():
    # The tip written in by hand and misread, or the slip's total disagreeing with due + tip.
    total, reason, conf, _ = read(*SLIP, "AMOUNT | 144.30", "TIP | 19.63", "TOTAL | 168.93")
    assert total == Decimal("144.30") and "tip_unreconciled" in reason and conf <= REVIEW_BELOW


def test_a_tip_with_a_blank_total_line_flags_the_sum_due():
    total, reason, conf, _ = read(*SLIP, "AMOUNT | 144.30", "TIP | 20.00", "TOTAL ____________")
    assert total == Decimal("144.30") and "tip_unreconciled" in reason and conf <= REVIEW_BELOW


def test_a_blank_tip_line_leaves_the_sum_due_unflagged():
    total, reason, conf, tip = read(*SLIP, "AMOUNT | 144.30", "TIP: ______", "TOTAL: ______")
    assert (total, tip) == (Decimal("144.30"), None)
    assert "total" not in reason and "tip" not in reason and conf > REVIEW_BELOW


def test_a_tip_guide_is_no_tip_paid():
    total, reason, conf, tip = read("Suggested Tip: 18% $23.56 20% $26.18", "Tip 22% = | 28.79")
    assert (total, tip) == (Decimal("144.30"), None)
    assert "tip" not in reason and conf > REVIEW_BELOW


def test_a_large_partys_gratuity_above_the_total_is_the_tip_paid():
    f = receipt(*HEAD, *CHECK[:4], "GRATUITY 18% | 23.56", "TAX | 13.42", "TOTAL | 167.86").fields
    assert (f["total"], f["tip"], f["totals_consistent"]) == (Decimal("167.86"), Decimal("23.56"), True)
    assert "total" not in str(f["review_reason"] or "")
