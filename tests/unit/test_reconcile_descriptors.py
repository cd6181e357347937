"""Card descriptor noise is removed before merchants are compared; currencies are never guessed."""

from __future__ import annotations

import pytest

from docbatch.reconcile import merchant_similarity, normalise_descriptor
from docbatch.reconcile.currency import receipt_currency, vendor_currency
from docbatch.reconcile.descriptors import squashed_name


@pytest.mark.parametrize("raw, clean", [
    ("SQ *BLUE BOTTLE COFFEE #0423 OAKLAND CA", "BLUE BOTTLE COFFEE"),
    ("TST* JOE'S PIZZA", "JOES PIZZA"),
    ("PAYPAL *EBAY", "EBAY"),
    ("IPAY88*YONGCEN ENTERPR", "YONGCEN"),
    ("STARBUCKS STORE 12345 SEATTLE WA", "STARBUCKS"),
    ("99 SPEEDMART S/B 1234 JOHOR BAHRU MY", "99 SPEEDMART"),
    ("MR D.I.Y. (M) SDN BHD", "MR DIY"),
    ("BOOK TA .K (TAMAN DAYA) SDN BHD", "BOOK TA K TAMAN DAYA"),
    ("YONGFATT ENTERPRISE", "YONGFATT"),
    ("ACME WIDGETS LLC", "ACME WIDGETS"),
    ("GLOBEX INC.", "GLOBEX"),
    ("SINGAPORE AIRLINES", "SINGAPORE AIRLINES"),  # a place that is the name stays
    ("", ""),
])
def test_normalise_descriptor(raw, clean):
    assert normalise_descriptor(raw) == clean


def test_similarity_survives_truncation_squashed_spaces_and_legal_forms():
    assert merchant_similarity("LIGHTROOM GALLERY SDN BHD", "LIGHTROOM GALL") >= 0.85
    assert merchant_similarity("BOOK TA .K (TAMAN DAYA) SDN BHD", "BOOKTA K TAMAN DAYA SDN") >= 0.85
    assert merchant_similarity("AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD", "AIK HUAT HARDWARE ENT") >= 0.85
    assert merchant_similarity("MR D.I.Y. (M) SDN BHD", "ABC HO TRADING") < 0.4
    # a short fragment contained in a name is weak evidence, not a match
    assert merchant_similarity("SAM SAM TRADING CO", "SAM") < 0.85
    assert merchant_similarity(None, "SHELL") is None


def test_a_bare_dollar_is_not_usd():
    guessed = {"currency": "USD", "currency_confidence": 60.0}
    malaysian = {**guessed, "vendor_name": "UNIHAKKA INTERNATIONAL SDN BHD",
                 "vendor_address": "12, JALAN TAMPOI 7/4, 81200 JOHOR BAHRU, JOHOR"}
    assert receipt_currency(malaysian, job_currency=None) == ("MYR", "vendor_country")
    assert receipt_currency(malaysian, job_currency="sgd") == ("SGD", "job")
    assert receipt_currency({**guessed, "vendor_name": "ACME"}, job_currency=None) == (None, None)
    assert receipt_currency({"currency": "MYR", "currency_confidence": 95.0}, job_currency="USD") == ("MYR",
                                                                                                    "receipt")
    assert receipt_currency({"currency": "USD", "currency_confidence": 95.0}, job_currency=None) == ("USD",
                                                                                                    "receipt")


@pytest.mark.parametrize("fields, currency", [
    ({"vendor_address": "GST REG NO: 000123456789"}, "MYR"),
    ({"vendor_name": "KOPI PTE LTD", "vendor_address": "1 RAFFLES PLACE SINGAPORE 048616"}, "SGD"),
    ({"vendor_name": "FLAT WHITE PTY LTD", "vendor_address": "ABN 51 824 753 556"}, "AUD"),
    ({"vendor_name": "JOES PIZZA", "vendor_address": "150 E 14TH ST, NEW YORK, NY 10003"}, "USD"),
    ({"vendor_name": "JOES PIZZA"}, None),
    # two countries' signs: no answer rather than a guess
    ({"vendor_name": "KOPI PTE LTD", "vendor_address": "81200 JOHOR BAHRU, JOHOR"}, None),
])
def test_vendor_country(fields, currency):
    assert vendor_currency(fields) == currency


def test_the_squashed_name_keeps_legal_words_and_drops_spaces_prefixes_and_places():
    assert squashed_name("AEON CO. (M) BHD") == squashed_name("AEONCOMBHD") == "AEONCOMBHD"
    assert squashed_name("PAYPAL *AEON CO MBHD KUALA LUMPUR MY") == "AEONCOMBHD"
    assert squashed_name("SINGAPORE AIRLINES") == "SINGAPOREAIRLINES" and squashed_name(None) == ""


@pytest.mark.parametrize("raw, clean", [
    # SB is Sdn Bhd in Malaysian names and descriptors (MYNEWS RETAIL SB, 99 SPEED MART SB)
    ("MR. D.I.Y. (M) SB", "MR DIY"),
    ("MYNEWS RETAIL SB", "MYNEWS RETAIL"),
    # legal words run together by a squashed descriptor field are still legal words
    ("AEON CO MBHD", "AEON"),
    ("URBAN IDEA SDNBHD", "URBAN IDEA"),
    # BHD cut by the 22-character field, a city appended after the cut
    ("MR D I Y KUCHAI SDN BH SELANGOR MY", "MR D I Y KUCHAI"),
    # a store number's label whose number the 22-character field cut off
    ("MR D I Y M SDN B STORE SELANGOR MYS", "MR D I Y"),
    ("FIVESTARCASH&CARRY STO", "FIVESTARCASH CARRY"),
    ("DION REALTIES S/B STOR", "DION REALTIES"),
])
def test_normalise_descriptor_legal_and_store_noise_of_a_cut_field(raw, clean):
    assert normalise_descriptor(raw) == clean


def test_a_name_that_is_a_store_keeps_the_word():
    assert normalise_descriptor("THE STORE") == "THE STORE"
    # COCO, COM: legal letters run together, but no SDN or BHD among them: a word of the name
    assert normalise_descriptor("COCO ICHIBANYA") == "COCO ICHIBANYA"


def test_descriptor_noise_of_a_cut_field_does_not_hide_the_merchant():
    assert merchant_similarity("MR. D.I.Y. (M) SDN BHD", "MR. D.I.Y. (M) SB") >= 0.85
    assert merchant_similarity("AEON CO. (M) BHD", "AEON CO MBHD") >= 0.85
    assert merchant_similarity("MR. D.I.Y. (M) SDN BHD", "MR D I Y M SDN B STORE SELANGOR MYS") >= 0.85


def test_a_generic_word_shared_inside_two_names_is_no_likeness():
    # Same-day charges of a receipt's amount under another restaurant of the batch were matched on the
    # word RESTORAN the fragment comparison found in both names (SROIE 282 RESTORAN SIAM VILLAGE to
    # RSTORAN WAN SHENG 0.67, 047 RESTAURANT SIN DU to RESTORAN WAN SHENG 0.62): the distinctive words differ.
    assert merchant_similarity("RESTORAN SIAM VILLAGE", "RSTORAN WAN SHENG") < 0.6
    assert merchant_similarity("RESTAURANT SIN DU", "RESTORAN WAN SHENG") < 0.6
    # RESTAURANT is RESTORAN in English: another restaurant is no likeness (round 7's GOLDEN ARCHES decoy)
    assert merchant_similarity("GOLDEN ARCHES RESTAURANTS SDN BHD", "B & BEST RESTAURANT") < 0.6
    # a fragment of the distinctive words, or the cut start of the whole name, still names the merchant
    assert merchant_similarity("GOLDEN ARCHES RESTAURANTS SDN BHD", "GOLDEN ARCHES RESTAURA") >= 0.85
    assert merchant_similarity("SYARIKAT PERNIAGAAN GIN KEE", "SYARIKAT PERNIAGAANGIN") >= 0.85
    assert merchant_similarity("RESTORAN WAN SHENG", "RESTORAN WAN SHEN") >= 0.85
    assert merchant_similarity("SYARIKAT PERNIAGAAN GIN KEE", "SYARIKAT PERNIAGAAN GI") < 0.85
