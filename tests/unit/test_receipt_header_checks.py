"""Vendor and address: OCR slips the text itself gives away are repaired, misreads are flagged.

The header rows are those the local engine read on SROIE's images (``JÁLAN``, ``Simpàng``,
``SON BHD``, ``NO 29O``, ``3R0 FLR``, ``52000 XL``), inside small built receipts.
"""

from __future__ import annotations

import pytest

from docbatch.parse.country import postcode_state_agrees
from docbatch.parse.receipt.parser import REVIEW_BELOW

from .test_receipt_parsing import receipt

BODY = ("DATE: 12/03/2018", "PENCIL | 9.00", "TOTAL RM | 9.00")


def header(vendor: str, *address: str, body: tuple[str, ...] = BODY) -> dict[str, object]:
    return receipt(vendor, *address, *body).fields


def test_accents_the_recogniser_put_on_a_malaysian_address_are_removed():
    f = header("LIM SENG THO HARDWARE TRADING", "No 7, Simpàng Off Batu Village,",
               "JÁLAN IPOH BATU 5, 51200 Kuala Lumpur")
    assert f["vendor_address"] == "No 7, Simpang Off Batu Village, JALAN IPOH BATU 5, 51200 Kuala Lumpur"


def test_accents_stay_on_a_receipt_in_a_currency_of_a_language_that_writes_them():
    f = header("CAFÉ DE LA GARE SARL", "12 RUE DE LA PAIX, 75002 PARIS",
               body=("DATE: 12/03/2018", "CRÈME | 9.00 €", "TOTAL | 9.00 €"))
    assert f["vendor_name"] == "CAFÉ DE LA GARE SARL"


def test_sdn_bhd_read_as_son_bhd_is_repaired():
    f = header("MR.D.I.Y.(M). SON BHD", "KAWASAN PERINDUSTRIAN BALAKONG,", "43300 SERI KEMBANGAN, SELANGOR")
    assert f["vendor_name"] == "MR.D.I.Y.(M). SDN BHD"


@pytest.mark.parametrize("read, meant", [
    ("NO 29O, JALAN AIR PANAS, SETAPAK,", "NO 290, JALAN AIR PANAS, SETAPAK,"),
    ("3R0 FLR, AEON TAMAN MALURI,", "3RD FLR, AEON TAMAN MALURI,"),
])
def test_a_letter_read_for_a_digit_in_a_house_number_or_floor_is_repaired(read, meant):
    f = header("KEDAI RUNCIT MAJU SDN BHD", read, "53200 KUALA LUMPUR.")
    assert str(f["vendor_address"]).startswith(meant)


def test_an_address_whose_postcode_is_not_in_its_state_is_flagged():
    # 81100 is Johor Bahru's postcode: OCR turned 4 into 8 in 41100 (Klang, Selangor).
    f = header("KEDAI RUNCIT MAJU SDN BHD", "NO 5, JALAN BESAR,", "81100 KLANG, SELANGOR")
    assert float(f["vendor_address_confidence"]) <= REVIEW_BELOW


def test_an_address_whose_postcode_and_state_agree_is_not_flagged():
    f = header("KEDAI RUNCIT MAJU SDN BHD", "NO 5, JALAN BESAR,", "41100 KLANG, SELANGOR")
    assert float(f["vendor_address_confidence"]) > REVIEW_BELOW


@pytest.mark.parametrize("town, flagged", [("XL", True), ("KL", False)])
def test_a_short_word_after_the_postcode_must_be_a_town_abbreviation(town, flagged):
    f = header("OWNER BY CASTLE BLUE S/B", "NO1, JALAN PJU 9/1, BANDAR SRI DAMANSARA,", f"52000 {town}")
    assert (float(f["vendor_address_confidence"]) <= REVIEW_BELOW) is flagged


@pytest.mark.parametrize("address, agrees", [
    ("47400 PETALING JAYA, SELANGOR", True),
    ("81100 JOHOR BAHRU, JOHOR", True),
    ("425, JALAN PAHANG, SETAPAK, 53000 KUALA LUMPUR", True),  # a street named after a state
    ("LOT 34817 JALAN BATU AMBAR, 51200 KUALA LUMPUR", True),  # a lot number before the postcode
    ("41700 JOHOR BAHRU", False),
    ("12 MAIN STREET, SPRINGFIELD", None),
])
def test_malaysian_postcodes_are_checked_against_the_state_after_them(address, agrees):
    assert postcode_state_agrees(address) is agrees


@pytest.mark.parametrize("second_row, flagged", [("JIAWEI HOUSE", True), ("13, JLN TASIK UTAMA 8,", False)])
def test_a_name_like_row_under_the_vendor_makes_the_name_a_judgement_call(second_row, flagged):
    # SROIE 065: "RESTAURANT JIAWEI" / "JIAWEI HOUSE", labelled as one name; an address row is no such row.
    f = header("RESTAURANT JIAWEI", second_row, "MEDAN NIAGA DAMAI SG BESI,", "57000 KL")
    assert f["vendor_name"] == "RESTAURANT JIAWEI"
    assert (float(f["vendor_name_confidence"]) <= REVIEW_BELOW) is flagged
