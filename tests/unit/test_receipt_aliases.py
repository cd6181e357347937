"""The other names a receipt prints for its merchant (``vendor_aliases``): what a card may bill under.

Built receipts, each printing its merchant a second way (a brand row, the owning company, a
web domain, a footer); rows that name a place or a person are not names of the merchant.
"""

from __future__ import annotations

from .test_receipt_parsing import receipt

TAIL = ("DATE: 12/03/2018", "PENCIL | 9.00", "TOTAL | 9.00")


def aliases(*rows: str) -> tuple[str | None, list[str]]:
    f = receipt(*rows, *TAIL).fields
    return f["vendor_name"], str(f["vendor_aliases"] or "").split("; ") if f["vendor_aliases"] else []


def test_a_brand_row_above_the_legal_name_is_an_alias():
    vendor, names = aliases("FAMILYMART", "MAXINCOME RESOURCES SDN BHD (383322-D)",
                            "NO 16A, JALAN ASTAKA U8/83, 40150 SHAH ALAM")
    assert vendor == "MAXINCOME RESOURCES SDN BHD" and names == ["FAMILYMART"]


def test_the_owning_company_after_its_label_is_an_alias():
    _, names = aliases("OLD ASIA", "OWN BY: CHEF LEE SDN BHD", "CO.NO. (458592-T)",
                       "LG226, LGF, 1 UTAMA SHOPPING CENTRE,", "LEBUH BANDAR UTAMA, 47800 PETALING JAYA.")
    assert "CHEF LEE SDN BHD" in names


def test_the_owning_company_named_at_the_foot_is_an_alias():
    # SROIE 173, 296, 297: a Domino's franchise prints its operator below the survey text, and the card
    # bills that company ('DOMMAL FOOD SERVICES S').
    _, names = aliases(*PIZZA_HEAD, *SURVEY, "OWNED BY", "DOMMAL FOOD SERVICES SDN BHD", "CO . NO . 419060-A")
    assert "DOMMAL FOOD SERVICES SDN BHD" in names
    # the label followed by what is no company says nothing
    _, names = aliases(*PIZZA_HEAD, *SURVEY, "MANAGED BY", "MS YING")
    assert "MS YING" not in names


PIZZA_HEAD = ("TAX INVOICE", "DOMINO'S PIZZA", "GST REF NO : 001694261248", "DOMINO'S PIZZA SEGAMBUT",
              "D-08, M AVENUE , JLN 1 / 38A", "SEGAMBUT BAHAGIA", "51200 KUALA LUMPUR", "CARRY OUT NOW",
              "ORDER TIME : 12:54:37", "NAME: MS YING", "PICKUP TIME: 13:09:37", "QTY MENU")
SURVEY = ("SUPPORT OUR SMILE CAMPAIGN : )", "DID WE SMILE AT YOU?", "LET US KNOW AT", "UPON SURVEY SUBMISSION",
          "PLEASE COME AGAIN !", "WE ARE COMPLIANT TO THE PDPA 2010 .", "PROTECTION POLICY .")


def test_web_and_mail_domains_name_the_merchant_but_mail_providers_do_not():
    _, names = aliases("POPULAR BOOK CO. (M) SDN BHD", "NO 8, JALAN 7/118B, 56000 KUALA LUMPUR",
                       "WWW.POPULAR.COM.MY", "SHOP69@HOTMAIL.COM")
    assert names == ["POPULAR"]


def test_a_footer_naming_the_shop_is_an_alias():
    _, names = aliases("TK DIVISION KITCHEN SDN BHD", "NO 5, JALAN BESAR, 50000 KUALA LUMPUR",
                       "THANK YOU FOR DINING AT KIKU JAPANESE RESTAURANT. PLEASE COME AGAIN")
    assert names == ["KIKU JAPANESE RESTAURANT"]


def test_a_name_broken_over_two_rows_is_an_alias_whole():
    _, names = aliases("PASAR RAYA MEGA MAJU", "(SEMENYIH) SDN BHD", "NO 24, 25 & 26, JALAN BUNGA RAYA 4,")
    assert "PASAR RAYA MEGA MAJU (SEMENYIH) SDN BHD" in names


def test_rows_below_the_vendor_naming_a_branch_mall_or_town_are_not_aliases():
    _, names = aliases("KEDAI RUNCIT MAJU SDN BHD", "NO 5, JALAN BESAR, 56000 KUALA LUMPUR, MALAYSIA",
                       "KL FESTIVAL CITY MALL", "SETAPAK")
    assert names == []


def test_a_company_row_below_the_vendor_known_by_its_registration_number_is_an_alias():
    # SROIE 517: the vendor pick is the mall; "SB" is no legal form the header knows, the number is.
    _, names = aliases("PUSAT DAGANGAN PHILEO DAMANSARA", "UNIT 105, BLOCK A, NO.9, JALAN 16/11, 46350 PETALING JAYA",
                       "MYNEWS RETAIL SB(306295-X) FKA BISON STORES SB")
    assert names == ["MYNEWS RETAIL SB"]


def test_with_no_vendor_found_a_company_row_among_the_first_rows_is_an_alias():
    # SROIE 314: the image opens with the foot of another receipt, so no header is found above the first amount.
    vendor, names = aliases("| 0.00", "3180404", "* * * THANK YOU * * *", "GOODS SOLD ARE NOT REFUNDABLE",
                            "CHECKERS HYPERMARKET SDN BHD", "LOT 2942 & 2945, JLN SERI SENTOSA 8,", "58000 KUALA LUMPUR.")
    assert vendor is None and names == ["CHECKERS HYPERMARKET SDN BHD"]
