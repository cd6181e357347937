"""Receipts of other countries' layouts (US, Germany, France, Italy, Spain): what SROIE never shows.

Each case is a convention printed on that country's receipts (see evals/synth_receipt_layouts.py),
found missing by ``python -m evals.synth_receipts`` on its tuned families.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docbatch.parse.receipt.labels import line_label
from docbatch.parse.receipt.parser import REVIEW_BELOW, ReceiptHints

from .test_receipt_parsing import receipt

HINTS = ReceiptHints(run_date=dt.date(2026, 12, 3))


@pytest.mark.parametrize("label, cls", [
    ("Summe EUR", "total"), ("SUMME", "total"), ("Gesamt", "total_strong"), ("Zu zahlen", "total_strong"),
    ("Zwischensumme", "subtotal"), ("Total HT", "subtotal"), ("Rückgeld", "change"), ("Rendu", "change"),
    ("RESTO", "change"), ("Cambio", "change"), ("Gegeben", "paid"), ("EC-Karte", "paid"), ("Girocard", "paid"),
    ("CONTANTI", "paid"), ("Efectivo", "paid"), ("Espèces", "paid"), ("SUMMARY", "summary"),
])
def test_total_change_and_tender_words_of_european_receipts(label: str, cls: str) -> None:
    assert line_label(label) == cls


def test_a_german_total_is_the_summe_row_not_the_cash_given() -> None:
    parsed = receipt("Bäckerei Schmidt", "Hauptstr. 5", "80331 München", "Brezel | 1,20 A", "Kaffee | 2,90 A",
                     "Summe EUR | 4,10", "Gegeben | 10,00", "Rückgeld | 5,90", "19.03.2026 09:41", hints=HINTS)
    assert parsed.fields["total"] == Decimal("4.10")


def test_an_item_named_summer_is_not_a_german_total() -> None:
    assert line_label("013 SUMMER CUP 48X230ML") is None


def test_a_gst_amount_row_is_not_the_german_gesamt() -> None:
    assert line_label("GST AMT : RM") == "tax"


def test_a_tax_table_heading_does_not_take_the_first_rows_amounts() -> None:
    """``MwSt% Netto MwSt Brutto`` over ``A 19% 3,45 0,65 4,10``: the tax is the row's MwSt column,
    not its gross (the heading takes an amount printed alone on the next row, never a table row)."""
    parsed = receipt("Bäckerei Schmidt", "Hauptstr. 5", "80331 München", "Brezel | 1,20 A", "Kaffee | 2,90 A",
                     "Summe EUR | 4,10", "MwSt% Netto MwSt Brutto", "A 19% 3,45 0,65 4,10", "19.03.2026 09:41",
                     hints=HINTS)
    assert parsed.fields["tax"] != Decimal("4.10")


def test_a_us_address_reads_a_slashed_date_month_first_without_a_dollar_sign() -> None:
    parsed = receipt("GREENLEAF MARKET", "1200 HARBOR BLVD", "SPRINGFIELD, IL 62704", "MILK | 3.49",
                     "TOTAL | 3.49", "CASH | 5.00", "CHANGE DUE | 1.51", "11/08/25 14:05:33", hints=HINTS)
    assert parsed.fields["receipt_date"] == dt.date(2025, 11, 8)


def test_a_malaysian_address_keeps_day_first() -> None:
    parsed = receipt("KEDAI MAJU SDN BHD", "NO 12, JALAN MAWAR 3", "40400 SHAH ALAM, SELANGOR", "ROTI | 3.49",
                     "TOTAL | 3.49", "11/08/25 14:05:33", hints=HINTS)
    assert parsed.fields["receipt_date"] == dt.date(2025, 8, 11)


@pytest.mark.parametrize("phone", ["Telefon 0858 4133662", "Tél : 01 23 45 67 89", "Teléfono 912 345 678"])
def test_a_phone_row_labelled_in_german_french_or_spanish_is_not_address(phone: str) -> None:
    parsed = receipt("Café Lindenhof", "Lindenstraße 12", "10115 Berlin", phone, "Kaffee | 2,90",
                     "Summe EUR | 2,90", "19.03.2026 09:41", hints=HINTS)
    assert parsed.fields["vendor_address"] == "Lindenstraße 12, 10115 Berlin"


def test_two_tax_rates_on_two_rows_are_added() -> None:
    """US state and local sales tax, one row a rate: the tax charged is their sum."""
    parsed = receipt("GREENLEAF MARKET", "1200 HARBOR BLVD", "SPRINGFIELD, IL 62704", "MILK | 10.00",
                     "SUBTOTAL | 10.00", "TAX 1 6.250 % | 0.63", "TAX 2 2.250 % | 0.23", "TOTAL | 10.86",
                     "11/08/25 14:05:33", hints=HINTS)
    assert parsed.fields["tax"] == Decimal("0.86")


def test_one_tax_printed_twice_is_not_added() -> None:
    parsed = receipt("KEDAI MAJU SDN BHD", "40400 SHAH ALAM, SELANGOR", "ROTI | 10.00", "SUBTOTAL | 10.00",
                     "GST 6% | 0.60", "TOTAL GST 6% | 0.60", "TOTAL | 10.60", "11/08/25 14:05:33", hints=HINTS)
    assert parsed.fields["tax"] == Decimal("0.60")


def test_a_name_built_on_a_street_name_is_the_vendor_not_an_address_row() -> None:
    """``BRIDGE STREET BAKERY``: a street word, then a trade word and no number; the address
    under it (``2 Market Place``, a British postcode) is the address."""
    f = receipt("BRIDGE STREET BAKERY", "2 Market Place", "Anytown AB1 2CD", "Scone | £3.20", "TOTAL | £3.20",
                "16/10/2026 09:12", hints=HINTS).fields
    assert f["vendor_name"] == "BRIDGE STREET BAKERY"
    assert f["vendor_address"] == "2 Market Place, Anytown AB1 2CD"


def test_a_street_and_british_postcode_row_is_an_address_not_a_name() -> None:
    f = receipt("THE CROWN & ANCHOR", "2 Market Place, Anytown AB1 2CD", "Tel: 01491 855386", "Crisps | 6.54",
                "TOTAL | £6.54", "14/05/2025 20:01", hints=HINTS).fields
    assert f["vendor_name"] == "THE CROWN & ANCHOR"
    assert f["vendor_address"] == "2 Market Place, Anytown AB1 2CD"


def test_a_slogan_under_the_name_is_neither_the_vendor_nor_the_address() -> None:
    """``Your neighborhood store`` (a sentence, its trade word a description) under ``PRAIRIE CO-OP``."""
    f = receipt("PRAIRIE CO-OP", "Your neighborhood store", "900 W BROADWAY, AUSTIN, TX 78701", "MILK | 3.49",
                "TOTAL | 3.49", "03/06/2026 10:41", hints=HINTS).fields
    assert f["vendor_name"] == "PRAIRIE CO-OP"
    assert f["vendor_address"] == "900 W BROADWAY, AUSTIN, TX 78701"


def test_a_trade_word_naming_the_street_does_not_make_the_street_row_a_name() -> None:
    """``77 Station Road``: STATION is the road's name; ``HIGH STREET NEWS`` above it is the vendor."""
    f = receipt("HIGH STREET NEWS", "77 Station Road", "Bristol BS1 5TR", "Crisps | 6.54", "TOTAL | £6.54",
                "14/05/2025 20:01", hints=HINTS).fields
    assert f["vendor_name"] == "HIGH STREET NEWS"
    assert f["vendor_address"] == "77 Station Road, Bristol BS1 5TR"


def test_a_receipt_of_decimal_commas_keeps_its_umlauts_without_a_currency_sign() -> None:
    """No ``€`` printed, but cents after a comma: a German receipt, whose ``ä`` and ``ü`` are printed so."""
    f = receipt("Bäckerei Schmidt", "Marktplatz 3", "80331 München", "Brezel | 1,20 A", "Kaffee | 2,90 A",
                "Summe | 4,10", "Gegeben | 10,00", "Rückgeld | 5,90", "19.03.2026 09:41", hints=HINTS).fields
    assert f["vendor_name"] == "Bäckerei Schmidt"
    assert f["vendor_address"] == "Marktplatz 3, 80331 München"


def test_a_slogan_under_the_name_does_not_put_the_name_in_doubt() -> None:
    f = receipt("SUNRISE GROCERY", "Fresh every day", "4410 LAKESHORE RD", "SPRINGFIELD IL 62704", "MILK | 3.49",
                "TOTAL | 3.49", "03/06/2026 10:41", hints=HINTS).fields
    assert f["vendor_name"] == "SUNRISE GROCERY"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_gmbh_is_print_not_a_case_slip() -> None:
    f = receipt("Getränke Krause GmbH", "Lindenstraße 12", "50667 Köln", "Apfelschorle | 6,31 A", "Wasser | 1,50 A",
                "Summe | 7,81", "Gegeben | 10,00", "Rückgeld | 2,19", "30.08.2026 12:34", hints=HINTS).fields
    assert f["vendor_name"] == "Getränke Krause GmbH"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_spanish_calle_abbreviated_c_slash_is_an_address_row() -> None:
    """``C/ Mayor 12`` (calle) under ``Cafetería La Plaza``: the street, not the vendor."""
    f = receipt("Cafetería La Plaza", "C/ Mayor 12", "28013 Madrid", "Zumo naranja | 4,50", "Café | 1,80",
                "TOTAL | 6,30 €", "15/11/2026 10:02", hints=HINTS).fields
    assert f["vendor_name"] == "Cafetería La Plaza"
    assert f["vendor_address"] == "C/ Mayor 12, 28013 Madrid"


def test_an_australian_state_and_postcode_row_closes_the_address_without_doubt() -> None:
    """``Hobart TAS 7000``: the postcode is four digits after the state; read as none, the block
    was "without a postcode" and its confidence below review level."""
    f = receipt("BONDI BAKEHOUSE", "ABN 34 567 548 303", "301 Hay Street", "Hobart TAS 7000", "(03) 5881 7847",
                "1 Meat Pie | 6.50", "TOTAL | $6.50", "27/03/2026 10:50", hints=HINTS).fields
    assert f["vendor_address"] == "301 Hay Street, Hobart TAS 7000"
    assert float(f["vendor_address_confidence"]) > REVIEW_BELOW
