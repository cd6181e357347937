"""The vendor's name in doubt or not, on header rows as the local engine read them on SROIE's
images (tuned half): a right name is not sent to review for a row that cannot be part of it or
another business's name, nor for a word the vocabulary or another row confirms."""

from __future__ import annotations

from docbatch.parse.receipt.parser import REVIEW_BELOW, ParsedReceipt, parse_receipt

from .test_receipt_parsing import HINTS, built, words


def _header(*rows: str, unsure: tuple[str, float] | None = None) -> ParsedReceipt:
    """A receipt of ``rows`` and a date and total; ``unsure``: a word and the confidence it was read at."""
    response = built([words(r) for r in rows] + [words("DATE: 12/02/2018"), words("TOTAL 12.50")])
    if unsure:
        next(d for d in response["TextDetections"] if d["DetectedText"] == unsure[0])["Confidence"] = unsure[1]
    return parse_receipt(response, hints=HINTS)


def test_a_malay_trading_name_outranks_the_customer_printed_under_the_invoice_title():
    # SROIE image 034: "PERNIAGAAN" (trading) opens the vendor's name; the customer's company
    # under "SIMPLIFIED TAX INVOICE" is no rival for it.
    f = _header("A03041", "PERNIAGAAN ZHENG HUI", "JM0325955-V", "NO.59 JALAN PERMAS 9/5", "BANDAR BARU PERMAS JAYA",
                "81750 JOHOR BAHRU", "TEL:07-386 7524 FAX:07-386 3793", "GST NO : 000800589824",
                "SIMPLIFIED TAX INVOICE", "GOGIANT ENGINEERING (M) SDN BHD", "Receipt #: CS00084670").fields
    assert f["vendor_name"] == "PERNIAGAAN ZHENG HUI"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_minimarket_is_a_trade_word():
    # SROIE image 022: "FUYI MINIMARKET" (MINI MARKET printed, read at 68.8) names a shop as
    # surely as "MINIMART" does: only the engine's doubt lowers it, not a guess of the row.
    f = _header("FUYI MINIMARKET", "BR No.: 0195932-X", "NO 43-45-47G,", "TAMAN SEJATI,", "IJOK, 45600 BESTARIJAYA,",
                "KUALA SELANGOR.", "03-3279 1851,", "GST No. : 001601310720", unsure=("MINIMARKET", 68.8)).fields
    assert f["vendor_name"] == "FUYI MINIMARKET"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_row_in_lower_case_above_the_name_is_a_note_not_part_of_it():
    # SROIE image 007: a hand-written "tan chay yee" above the printed company name.
    f = _header("tan chay yee", "S.H.H.MOTOR(SUNGAI RENGIT)SDN.BHD.", "(801580-T )",
                "No. 343, Jalan Kurau, Sungai Rengit,", "81620 Pengerang, Johor.", "Tel:07-8263254Fax:07-8266888",
                "INVOICE").fields
    assert f["vendor_name"] == "S.H.H.MOTOR(SUNGAI RENGIT)SDN.BHD"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_same_size_capitalised_row_above_the_name_still_flags_it():
    f = _header("BREWERY TAP", "Owner by Castle Blue S/B", "(1035693-T)", "Avtivo Plaza,Lot B-F-11, Block B",
                "Bandar Sri D'sara, 52000 KL", "TEL: +603-62629219").fields
    assert float(f["vendor_name_confidence"]) <= REVIEW_BELOW


def test_a_second_company_in_the_header_still_rivals_the_name():
    f = _header("KIKU JAPANESE RESTAURANT", "TK DIVISION KITCHEN SDN BHD", "NO 5, JALAN BESAR,",
                "50000 KUALA LUMPUR").fields
    assert float(f["vendor_name_confidence"]) <= REVIEW_BELOW


def test_the_receipts_title_above_the_name_is_no_part_of_it():
    # SROIE 214/215 print "CASH SALE" (a title, as "CASH BILL" is) above the company's name.
    f = _header("CASH SALE", "SINNATHAMBY HOLDINGS", "SDN. BHD.", "249336-T", "NO.17, 18 & 41, JALAN BESAR,",
                "39100 BRINCHANG,", "CAMERON HIGHLANDS,", "PAHANG").fields
    assert f["vendor_name"] == "SINNATHAMBY HOLDINGS SDN. BHD"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_notice_above_the_name_is_no_part_of_it():
    # SROIE 242 and 239: the shop's notices are printed above its name.
    f = _header("*REDEEM VOUCHER BEFORE POINTS EXPIRY!*", "SEGI CASH & CARRY SDN.BHD", "(317041-W)",
                "PT17920, SEKSYEN U9,", "40150 SHAH ALAM,", "SELANGOR DARUL EHSAN.").fields
    assert f["vendor_name"] == "SEGI CASH & CARRY SDN.BHD"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW
    f = _header("GOODS SOLD AR NOT RETURNABLE. TQ", "SEGI CASH & CARRY SDN. BHD.", "PT17920 SEK U9, SHAH ALAM",
                "GST REG NO : 001951645696").fields
    assert f["vendor_name"] == "SEGI CASH & CARRY SDN. BHD"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_slogan_opened_by_a_star_above_the_name_is_no_part_of_it():
    # SROIE image 050: "☆ Home of Seicky Bonea" (Sticky Bones) over the company's name.
    f = _header("A03096", "☆ Home of Seicky Bonea", "Timeless Kitchenette Sdn Bhd", "Company no : 1174703-K",
                "GST Reg no : 0000 6771 0976", "Lot 50, Floor T2,Sky Avenue Genting Highlands",
                "Pahang, 69000 Pahang Malaysia", "Guest Check").fields
    assert f["vendor_name"] == "Timeless Kitchenette Sdn Bhd"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_known_word_of_the_name_the_engine_was_unsure_of_does_not_flag_it():
    # As for the address: a word spelling a known header word is confirmed by the vocabulary
    # however unsure the engine was of it ("SDN" at 48%); an unknown word read unsure still flags.
    rows = ("KEDAI RUNCIT MAJU SDN BHD", "NO 5, JALAN BESAR,", "41100 KLANG, SELANGOR")
    assert float(_header(*rows, unsure=("SDN", 48.0)).fields["vendor_name_confidence"]) > REVIEW_BELOW
    assert float(_header(*rows, unsure=("MAJU", 48.0)).fields["vendor_name_confidence"]) <= REVIEW_BELOW


def test_a_name_word_read_surely_on_another_row_is_not_in_doubt():
    # A brand printed again in the footer: two readings that agree confirm each other.
    rows = ("TEO HENG STATIONERY & BOOKS", "NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI", "SELANGOR DARUL EHSAN",
            "TEL:03-3271 9872", "THANK YOU FOR SHOPPING AT TEO HENG")
    f = _header(*rows, unsure=("TEO", 52.0)).fields
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_row_under_a_name_its_legal_form_closes_is_no_part_of_it():
    # SROIE 171: "GUARDIAN HEALTH AND BEAUTY SDN BHD" / "GUARDIAN GIANT BREM MALL" (the branch).
    f = _header("GUARDIAN HEALTH AND BEAUTY SDN BHD", "GUARDIAN GIANT BREM MALL", "G-19 LEVEL G", "BREM MALL",
                "TEL:03-62584088").fields
    assert f["vendor_name"] == "GUARDIAN HEALTH AND BEAUTY SDN BHD"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_tax_invoice_title_heading_the_slip_does_not_put_the_name_under_it_in_doubt():
    # Australian tax invoices print "TAX INVOICE" over the business's name (generated au_cafe):
    # the title is above the name, not a contact row after it.
    f = _header("TAX INVOICE", "BONDI BAKEHOUSE", "ABN 34 567 548 303", "301 Hay Street, Hobart TAS 7000",
                "Phone: (03) 5881 7847").fields
    assert f["vendor_name"] == "BONDI BAKEHOUSE"
    assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_title_under_the_name_still_ends_the_rows_the_name_is_sought_in():
    # SROIE 034's layout: the customer's company printed under "SIMPLIFIED TAX INVOICE" is no rival.
    f = _header("ZHENG HUI", "JALAN PERMAS 9/5", "SIMPLIFIED TAX INVOICE", "GOGIANT ENGINEERING (M) SDN BHD").fields
    assert f["vendor_name"] == "ZHENG HUI"


def test_the_name_printed_again_with_its_branch_puts_the_name_in_doubt():
    # SROIE 303: "DOMINO'S PIZZA" over "DOMINO'S PIZZA TAMAN UNIVERSITI" (the outlet); the same
    # header is labelled with the operator's legal name on SROIE 173: brand, outlet or company
    # is a judgement call.
    f = _header("DOMINO'S PIZZA", "GST REF NO : 001694261248", "DOMINO'S PIZZA TAMAN UNIVERSITI",
                "30, JLN KEBUDAYAAN 7, TMN UNIVERSITI", "81300 SKUDAI, JOHOR").fields
    assert f["vendor_name"] == "DOMINO'S PIZZA"
    assert float(f["vendor_name_confidence"]) <= REVIEW_BELOW


def test_a_name_built_on_a_street_word_over_the_numbered_address_is_a_name():
    # Generated uk_shop and eu_south receipts (the accent left off: a plain receipt folds it): the
    # first row has a street word and no number, the row under it opens the address with its number.
    for rows in (("HIGH STREET NEWS", "14 High Street", "Oxford OX1 3BG", "Tel 020 7466 8961"),
                 ("Cafeteria La Plaza", "C/ Mayor 12", "28013 Madrid", "Tel. 971 456 631")):
        f = _header(*rows).fields
        assert f["vendor_name"] == rows[0]
        assert float(f["vendor_name_confidence"]) > REVIEW_BELOW


def test_a_town_under_the_street_is_not_taken_for_the_name_built_on_a_street_word():
    # Generated uk_shop (seed 8081): "Leeds" on its own row under "2 Market Place".
    f = _header("HIGH STREET NEWS", "2 Market Place", "Leeds", "LS1 4AP", "Tel 020 8154 8651").fields
    assert f["vendor_name"] == "HIGH STREET NEWS"
