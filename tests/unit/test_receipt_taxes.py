"""The receipt's tax: read from tax rows or a VAT table, and flagged when it does not reconcile.

Found by ``python -m evals.synth_receipts`` on its tuned families (UK and German VAT tables were
not read; US state and local taxes printed without rates were half read, unflagged).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from docbatch.parse.receipt.parser import REVIEW_BELOW, ReceiptHints

from .test_receipt_parsing import receipt

HINTS = ReceiptHints(run_date=dt.date(2026, 12, 3))
UK_HEAD = ("Greens Grocers", "77 Station Road", "Bristol BS1 5TR", "Fish & Chips | £5.91", "Lemonade | £8.79")
DE_HEAD = ("Metzgerei Huber", "Schillerweg 7", "50667 Köln", "Apfelschorle | 6,31 A", "Butter 250g | 1,54 B")


def _flagged(fields: dict[str, object]) -> bool:
    return float(fields["tax_confidence"]) <= REVIEW_BELOW  # type: ignore[arg-type]


def test_a_uk_vat_table_is_read_by_its_column_headings() -> None:
    """``VAT RATE | NET | VAT`` over ``A 20.00% 12.25 2.45``: the tax is the VAT column, not the rate."""
    f = receipt(*UK_HEAD, "Total | £14.70", "VAT RATE NET VAT", "A 20.00% 12.25 2.45", "27/04/2026 22:01",
                hints=HINTS).fields
    assert f["tax"] == Decimal("2.45") and not _flagged(f)


def test_a_german_mwst_table_adds_the_tax_column_of_each_rate() -> None:
    f = receipt(*DE_HEAD, "Gesamt | 7,85", "MwSt% Netto MwSt Brutto", "A 19% 5,30 1,01 6,31",
                "B 7% 1,44 0,10 1,54", "30.08.2026 12:34", hints=HINTS).fields
    assert f["tax"] == Decimal("1.11") and not _flagged(f)


def test_a_vat_table_whose_rows_do_not_add_up_is_flagged() -> None:
    """Net 5,30 + MwSt 1,01 is not the 6,91 printed as gross: the columns were misread or misprinted."""
    f = receipt(*DE_HEAD, "Gesamt | 8,45", "MwSt% Netto MwSt Brutto", "A 19% 5,30 1,01 6,91",
                "B 7% 1,44 0,10 1,54", "30.08.2026 12:34", hints=HINTS).fields
    assert f["tax"] == Decimal("1.11") and _flagged(f)


def test_tax_rows_without_rates_are_added_when_their_sum_is_total_less_subtotal() -> None:
    """``TAX 3.68`` / ``TAX 1.32`` (state and local, rates unprinted) under a subtotal of 108.79, total 113.79."""
    f = receipt("GREENLEAF MARKET", "2301 N MAIN ST", "DAYTON, OH 45402", "MILK | 108.79", "SUBTOTAL | 108.79",
                "TAX | 3.68", "TAX | 1.32", "TOTAL | 113.79", "02/28/2026 17:06:08", hints=HINTS).fields
    assert f["tax"] == Decimal("5.00") and not _flagged(f)


def test_a_tax_that_is_not_total_less_subtotal_is_flagged() -> None:
    f = receipt("GREENLEAF MARKET", "2301 N MAIN ST", "DAYTON, OH 45402", "MILK | 10.00", "SUBTOTAL | 10.00",
                "TAX | 0.63", "TOTAL | 10.86", "02/28/2026 17:06:08", hints=HINTS).fields
    assert f["tax"] == Decimal("0.63") and _flagged(f)


def test_an_included_tax_at_its_printed_rate_is_not_flagged() -> None:
    """``MwSt 19% 1,01`` and ``MwSt 7% 0,10`` under 7,85: the bases they imply (6,31 and 1,54) are the total."""
    f = receipt(*DE_HEAD, "Gesamt | 7,85", "MwSt 19% | 1,01", "MwSt 7% | 0,10", "30.08.2026 12:34", hints=HINTS).fields
    assert f["tax"] == Decimal("1.11") and not _flagged(f)


def test_an_included_tax_no_rate_yields_is_flagged() -> None:
    f = receipt(*UK_HEAD, "Total | £14.70", "VAT 20% | £3.45", "27/04/2026 22:01", hints=HINTS).fields
    assert f["tax"] == Decimal("3.45") and _flagged(f)


def _check(*summary: str) -> dict[str, object]:
    return receipt("LUCKY NOODLE HOUSE", "2301 N Main St", "Albany, NY 12207", "Server: Jen", "10/03/2026 4:19 PM",
                   "2 PAD THAI | 41.00", "1 SODA | 3.50", "1 BROWNIE SUNDAE | 33.42", *summary,
                   "Thanks for dining with us", hints=HINTS).fields


def test_an_unlabelled_row_the_tax_makes_the_total_is_the_subtotal() -> None:
    """``Food & Bev 77.92`` over ``Sales Tax 5.45``, total 83.37: the sum before tax, whatever its label."""
    f = _check("Food & Bev | 77.92", "Sales Tax | 5.45", "TOTAL | 83.37")
    assert f["subtotal"] == Decimal("77.92") and not _flagged(f)


def test_an_unlabelled_row_above_the_tax_that_does_not_add_up_is_no_subtotal() -> None:
    f = _check("Food & Bev | 77.92", "Sales Tax | 5.45", "TOTAL | 90.00")
    assert f["subtotal"] is None and _flagged(f)


AU_HEAD = ("BONDI BAKEHOUSE", "ABN 51 824 753 556", "22 Chapel Street", "Sydney NSW 2000", "12/03/2026 08:14",
           "2 Flat White | $11.00", "Banana Bread x1 | $22.55")


def test_a_tax_included_at_the_vendor_countrys_standard_rate_is_not_flagged() -> None:
    """``GST included $3.05`` under ``TOTAL $33.55`` in Sydney: 33.55 x 10/110 is Australia's GST."""
    f = receipt(*AU_HEAD, "TOTAL | $33.55", "GST included | $3.05", hints=HINTS).fields
    assert f["tax"] == Decimal("3.05") and not _flagged(f)


def test_a_tax_included_at_no_rate_of_the_vendors_country_is_flagged() -> None:
    """5.59 is 33.55 at 20% (a British rate), not at Australia's 10%."""
    f = receipt(*AU_HEAD, "TOTAL | $33.55", "GST included | $5.59", hints=HINTS).fields
    assert f["tax"] == Decimal("5.59") and _flagged(f)


def test_a_tax_under_a_subtotal_that_already_includes_it_is_checked_at_the_countrys_rate() -> None:
    """Malaysian ``SUBTOTAL 53.60`` = ``TOTAL 53.60``, ``GST 3.03``: no tax added on top, 53.60 x 6/106 is GST."""
    f = receipt("KEDAI BUKU SDN BHD", "NO 3, JALAN MERANTI", "81200 JOHOR BAHRU, JOHOR", "12/03/2018",
                "BOOK | 53.60", "SUBTOTAL | 53.60", "GST | 3.03", "TOTAL | 53.60", hints=HINTS).fields
    assert f["tax"] == Decimal("3.03") and not _flagged(f)


def test_an_included_tax_of_an_unknown_country_is_checked_at_every_rate_of_the_table() -> None:
    """No country signs: 3.45 is 20.70 at 20% (UK, France, Austria), so it reconciles."""
    f = receipt("CORNER SHOP", "12 Mill Lane", "Fish | 20.70", "TOTAL | 20.70", "incl. VAT | 3.45",
                "27/04/2026 22:01", hints=HINTS).fields
    assert f["tax"] == Decimal("3.45") and not _flagged(f)


def test_a_tax_at_its_printed_rate_under_a_subtotal_that_already_includes_it_is_not_flagged() -> None:
    """SROIE 050's ``SUB-TOTAL 593.10`` = ``TOTAL 593.10`` with ``(INCLUSIVE) GST 6% 33.57``: 593.10 x 6/106."""
    f = receipt("GENTING MART SDN BHD", "LOT 50, FLOOR T2", "69000 GENTING HIGHLANDS, PAHANG", "12/03/2018",
                "CHOCOLATES | 593.10", "SUB-TOTAL | 593.10", "(INCLUSIVE) GST 6% | 33.57", "TOTAL | 593.10",
                hints=HINTS).fields
    assert f["tax"] == Decimal("33.57") and not _flagged(f)


def test_a_tax_under_a_contradicting_subtotal_is_checked_at_the_rates_of_the_vendors_address() -> None:
    """No currency printed, but an Ohio address: US sales tax has no national rate, so a misread 1.91
    (1.98 due) stays flagged though it is 33.80's share at 6%, a rate of other countries."""
    f = receipt("GREENLEAF MARKET", "2301 N MAIN ST", "DAYTON, OH 45402", "MILK | 31.82", "SUBTOTAL | 31.82",
                "TAX | 1.91", "TOTAL | 33.80", "02/28/2026 17:06:08", hints=HINTS).fields
    assert f["currency"] is None and f["tax"] == Decimal("1.91") and _flagged(f)
