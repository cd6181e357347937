"""The report's reconciliation section shows what the reconciliation set aside."""

from __future__ import annotations

import pytest

from docbatch.report.gather import Recon
from docbatch.report.sections import recon_section

pytestmark = pytest.mark.slow  # the section draws its plot with matplotlib (~1 s the first time)


def test_transaction_lines_set_aside_are_named_in_the_report():
    summary = {"receipts": 6, "transactions": {"count": 9, "debits": 8, "credits": 1, "rejected": [
        {"row": 9, "transaction_id": "card-9", "error": "transaction_date: '31.02.2025' is not a valid date"}]},
        "matched": {"count": 6, "rate": 1.0}}
    html = recon_section(Recon("recon/", summary))
    assert "transaction lines set aside" in html
    assert "card-9" in html and "is not a valid date" in html


def test_a_clean_statement_has_no_set_aside_table():
    summary = {"receipts": 1, "transactions": {"count": 1, "rejected": []}, "matched": {"count": 1, "rate": 1.0}}
    assert "set aside" not in recon_section(Recon("recon/", summary))


def test_unmatched_transactions_show_purchases_apart_from_card_payments():
    summary = {"receipts": 1, "transactions": {"count": 3, "rejected": []}, "matched": {"count": 1, "rate": 1.0},
               "unmatched_transactions": {"count": 2, "amount": {"MYR": "12.99"}, "by_kind": {"purchase": 1, "credit": 1},
                                          "amount_by_kind": {"purchase": {"MYR": "12.99"},
                                                             "credit": {"MYR": "-500.00"}}}}
    html = recon_section(Recon("recon/", summary))
    assert "purchase MYR 12.99; credit MYR -500.00" in html
    assert "-487.01" not in html
