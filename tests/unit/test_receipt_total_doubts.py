"""A picked total the receipt's own figures argue against is flagged, not trusted.

Each test builds a receipt showing one sign (see ``docbatch.parse.receipt.total_checks``)
and checks that the total goes to review with the sign named and its confidence at review
level; a receipt whose figures agree is not flagged.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from docbatch.parse.receipt.parser import REVIEW_BELOW, TRUSTED_TOTAL

from .test_receipt_parsing import receipt

HEAD = ("KEDAI RUNCIT MAJU SDN BHD", "NO 5, JALAN BESAR, 50000 KUALA LUMPUR", "DATE: 12/03/2018")


def doubt(*rows: str) -> tuple[Decimal | None, str, float]:
    """(total, review reason, total confidence) of a receipt with ``rows`` under a header."""
    f = receipt(*HEAD, *rows).fields
    return f["total"], str(f["review_reason"] or ""), float(f["total_confidence"] or 0)


def test_a_receipt_whose_figures_agree_has_no_total_doubt():
    total, reason, conf = doubt("PENCIL | 9.00", "TOTAL | 9.00", "CASH | 10.00", "CHANGE | 1.00")
    assert total == Decimal("9.00") and "total_doubt" not in reason and conf > REVIEW_BELOW


def test_a_rounded_sum_only_cash_minus_change_shows_is_not_the_total():
    # SROIE 252: "TOTAL RM 12.37", "ROUNDING ADJUSTMENTS RM -0.02", cash 50.00, change 37.65; the key
    # (and a card paying the bill) takes the printed 12.37, the cash paid was rounded to 12.35.
    total, reason, conf = doubt("PENCIL | 12.37", "TOTAL | 12.37", "ROUNDING ADJ | -0.02",
                                "CASH | 50.00", "CHANGE | 37.65")
    assert total == Decimal("12.37")
    assert "total" not in reason and conf > REVIEW_BELOW


def test_a_printed_total_rounded_only_by_the_cash_paid_is_not_in_doubt():
    # SROIE 312: the adjustment printed after the cash row ("0.02-"), the rounded 38.35 printed nowhere.
    total, reason, conf = doubt("SHAMPOO | 38.37", "TOTAL (GST INCL) | 38.37", "CASH | 40.35",
                                "ROUNDING ADJUSTMENTS | -0.02", "CHANGE DUE | 2.00")
    assert total == Decimal("38.37") and "total" not in reason and conf > REVIEW_BELOW


def test_cash_minus_change_off_the_total_by_more_than_its_rounding_still_doubts_it():
    total, reason, conf = doubt("PENCIL | 12.37", "TOTAL | 12.37", "ROUNDING ADJ | -0.02",
                                "CASH | 50.00", "CHANGE | 37.00")
    assert total == Decimal("12.37") and conf <= REVIEW_BELOW


def test_the_sum_before_cash_rounding_is_kept_beside_a_printed_rounded_total():
    # A card paying this bill is charged 12.37 (cash rounding is for cash); the rounded 12.35 is printed.
    f = receipt(*HEAD, "PENCIL | 12.37", "TOTAL | 12.37", "ROUNDING ADJ | -0.02", "TOTAL ROUNDED | 12.35",
                "CASH | 50.00", "CHANGE | 37.65").fields
    assert (f["total"], f["total_before_rounding"]) == (Decimal("12.35"), Decimal("12.37"))
    assert f["total_before_rounding_confidence"] > REVIEW_BELOW


def test_no_sum_before_rounding_when_the_total_is_not_the_rounded_figure():
    unconfirmed = receipt(*HEAD, "PENCIL | 12.37", "TOTAL | 12.37", "ROUNDING ADJ | -0.02").fields
    unrounded = receipt(*HEAD, "PENCIL | 12.40", "TOTAL | 12.40", "CASH | 20.00", "CHANGE | 7.60").fields
    assert (unconfirmed["total"], unconfirmed["total_before_rounding"]) == (Decimal("12.37"), None)
    assert (unrounded["total"], unrounded["total_before_rounding"]) == (Decimal("12.40"), None)


def test_a_total_sharing_its_row_with_the_item_count_is_the_total():
    # SROIE 458: "QTY : 1 TOTAL RM : 11.60"; the tax summary's "TOTAL 10.94 0.66" below is not the total.
    f = receipt(*HEAD, "STAR 74CM X79CM | 11.60", "QTY : 1 TOTAL RM : | 11.60", "CASH : | 12.00",
                "CHANGE : | 0.40", "GST SUMMARY AMOUNT TAX", "TOTAL 10.94 | 0.66").fields
    assert f["total"] == Decimal("11.60") and f["total_confidence"] >= TRUSTED_TOTAL
    counted = receipt(*HEAD, "PENCIL | 9.00", "TOTAL QTY : | 3", "TOTAL | 9.00").fields
    assert counted["total"] == Decimal("9.00")


def test_the_amount_due_alone_on_its_row_is_the_total_not_the_cash():
    # SROIE 246 (King's Confectionery): "DUE 7.50", "PAY 20.00", "CHANGE 12.50".
    f = receipt(*HEAD, "SCONE - M 1 | 7.50", "ROUNDING ADJ | 0.00", "DUE | 7.50", "PAY | 20.00",
                "CHANGE | 12.50").fields
    assert f["total"] == Decimal("7.50") and "total" not in str(f["review_reason"])


def test_rounded_total_printed_on_its_own_total_row_is_not_a_rounding_doubt():
    total, reason, _ = doubt("PENCIL | 12.37", "TOTAL | 12.37", "ROUNDING ADJ | -0.02",
                             "TOTAL ROUNDED | 12.35", "CASH | 50.00", "CHANGE | 37.65")
    assert total == Decimal("12.35") and "rounding_unprinted" not in reason


def test_total_differing_from_items_and_subtotal_with_nothing_between_is_flagged():
    total, reason, conf = doubt("2 TAU SAR PNEAH | 25.00", "SUBTOTAL | 25.00", "NET TOTAL | 50.00")
    assert total == Decimal("50.00") and "subtotal_unexplained" in reason and conf <= REVIEW_BELOW


def test_subtotal_above_the_total_without_a_discount_is_flagged():
    _, reason, conf = doubt("SUBTOTAL | 105.57", "GST | 5.33", "TOTAL | 10.55")
    assert "subtotal_above_total" in reason and conf <= REVIEW_BELOW


@pytest.mark.parametrize("discount, flagged", [("27.60", True), ("1.00", False)])
def test_a_discount_of_a_fifth_of_the_subtotal_or_more_is_flagged(discount, flagged):
    grand = f"{Decimal('60.60') - Decimal(discount):.2f}"
    total, reason, _ = doubt("PIZZA | 60.60", "SUB-TOTAL | 60.60", f"COUPON DISCOUNT | {discount}",
                             f"GRAND TOTAL | {grand}")
    assert total == Decimal(grand)
    assert ("large_discount" in reason) is flagged


def test_a_subtotal_above_the_total_by_a_rounding_row_is_not_a_doubt():
    _, reason, _ = doubt("TOTAL SALES (EXCLUDING GST) | 80.91", "ROUNDING | -0.01", "TOTAL SALES (INCLUSIVE OF GST) | 80.90")
    assert "subtotal_above_total" not in reason


def test_a_negative_amount_on_a_total_row_is_flagged():
    _, reason, conf = doubt("BREAD | 12.98", "TOTAL 0% SUPPLIES | 12.98", "RETURNS | -14.71",
                            "TOTAL PAYABLE | -1.73")
    assert "negative_total" in reason and conf <= REVIEW_BELOW


def test_a_total_that_is_the_cash_handed_over_is_flagged():
    # No payment row: the "GRAND TOTAL" is the cash, and minus the change it is the amount; printed
    # too far above the change to be read as its cash row (.total_pick._tender_read_as_total), it is flagged.
    total, reason, conf = doubt("PARKING TICKET | 5.00", "AMOUNT INCL. GST | 5.00", "GRAND TOTAL | 10.00",
                                "ENTRY 09:12", "EXIT 10:47", "LOT B2", "CHANGE | 5.00")
    assert total == Decimal("10.00") and "total_is_tendered" in reason and conf <= REVIEW_BELOW


def test_a_zero_change_row_does_not_make_the_total_the_cash_handed_over():
    _, reason, _ = doubt("NASI LEMAK | 7.10", "TEH O | 1.10", "TOTAL AMOUNT | 8.20", "CHANGE | 0.00")
    assert "total_is_tendered" not in reason


def test_a_payment_below_the_total_with_no_change_row_is_flagged():
    total, reason, conf = doubt("OPENER | 8.80", "PLASTIC BAG | 0.20", "TOTAL INCL. GST | 10.00", "CASH | 1.00")
    assert total == Decimal("10.00") and "paid_below_total" in reason and conf <= REVIEW_BELOW


# --- evidence that settles a doubt ------------------------------------------------------


def test_a_change_printed_with_a_trailing_minus_still_confirms_the_total():
    # "CHANGE RM: 6.00-" is 6.00 handed back: cash 30.40 - 6.00 is the labelled total.
    total, reason, conf = doubt("SET LUNCH | 24.40", "TOTAL AMOUNT | 24.40", "CASH | 30.40", "CHANGE RM: | 6.00-")
    assert total == Decimal("24.40") and conf > REVIEW_BELOW and "total" not in reason


def test_a_cash_row_printed_negative_still_confirms_the_rounded_total():
    total, _, conf = doubt("BOOK | 41.07", "TOTAL RM | 41.07", "ROUNDING ADJ | -0.02",
                           "NET TOTAL | 41.05", "CASH | -50.00", "CHANGE | 8.95")
    assert total == Decimal("41.05") and conf >= TRUSTED_TOTAL


def test_a_rounded_sum_on_a_plain_total_row_stays_in_doubt_though_the_cash_pays_it():
    # SROIE 149: "TOTAL SALES INCLUSIVE GST 26.82", rounding, "AMOUNT TO BE PAID 26.80", cash pays 26.80,
    # and the receipt's total is annotated 26.82: a plain row settles nothing.
    total, _, conf = doubt("SOAP | 26.82", "TOTAL SALES INCLUSIVE GST | 26.82", "ROUNDING ADJUSTMENT | -0.02",
                           "AMOUNT TO BE PAID | 26.80", "CASH RECEIVED | 50.00", "CHANGE | 23.20")
    assert total == Decimal("26.80") and conf < TRUSTED_TOTAL


def test_a_rounded_total_that_cash_minus_change_confirms_is_trusted():
    # Both sides of the rounding row are printed totals; the payment says which one was paid.
    total, reason, conf = doubt("RICE | 33.92", "TOTAL RM | 33.92", "ROUNDING ADJUSTMENT | -0.02",
                                "TOTAL ROUNDED RM | 33.90", "CASH RM | 50.00", "CHANGE RM | 16.10")
    assert total == Decimal("33.90") and conf >= TRUSTED_TOTAL and "total" not in reason


def test_a_rounded_total_the_payment_does_not_confirm_stays_in_doubt():
    total, _, conf = doubt("RICE | 33.92", "TOTAL RM | 33.92", "ROUNDING ADJUSTMENT | -0.02",
                           "TOTAL ROUNDED RM | 33.90", "CARD | 33.92")
    assert total == Decimal("33.90") and conf < TRUSTED_TOTAL  # the card slip shows the other sum


def test_a_total_read_from_the_payment_rows_and_equal_to_the_subtotal_is_trusted():
    # No total label: "SUBTOTAL RM20.40" and "CASH RM20.40" are two rows that agree.
    total, reason, conf = doubt("BACON | 4.90", "WALNUT RAISIN | 8.60", "DARK RYE BUN | 6.90",
                                "SUBTOTAL | 20.40", "CASH | 20.40")
    assert total == Decimal("20.40") and conf > REVIEW_BELOW and "total" not in reason


def test_a_total_read_from_cash_minus_change_and_equal_to_the_items_is_trusted():
    total, reason, conf = doubt("VEGETABLES | 2.20", "SEAFOOD | 8.50", "PAYMENT DETAILS", "CASH | 100.00",
                                "CASH CHANGE | 89.30")
    assert total == Decimal("10.70") and conf > REVIEW_BELOW and "total" not in reason


def test_a_total_read_from_the_payment_rows_that_the_items_contradict_stays_flagged():
    total, reason, conf = doubt("VEGETABLES | 2.20", "SEAFOOD | 8.50", "CASH | 100.00", "CHANGE | 80.00")
    assert total == Decimal("20.00") and conf <= REVIEW_BELOW


def test_an_unlabelled_total_equal_to_the_subtotal_plus_tax_is_trusted():
    # SROIE 016: the till cut its labels to "TO :" and "CA :"; subtotal plus GST lands on the figure.
    total, reason, conf = doubt("2 * RM 33.02 | 66.04", "1 * RM 2.83 | 2.83", "SUB TOTAL : RM | 68.87",
                                "GST/TAX 6% : RM | 4.13", "TO : RM | 73.00", "CHANGE: RM | 0.00")
    assert total == Decimal("73.00") and conf > REVIEW_BELOW and "total" not in reason


def test_a_column_heading_run_into_the_first_item_row_does_not_start_a_tax_table():
    # SROIE 006: "ITEM QTY S/PRICE S/PRICE AMOUNT TAX" shares a row with the first item; the
    # receipt's TOTAL SALES rows below it are the total, not a tax summary's.
    total, reason, conf = doubt("ITEM QTY S/PRICE S/PRICE AMOUNT TAX 1072 1 80.00 80.00 | 80.00",
                                "1071 1 17.00 17.00 | 17.00", "TOTAL SALES : | 97.00", "CASH : | 97.00",
                                "CHANGE : | 0.00")
    assert total == Decimal("97.00") and conf > REVIEW_BELOW and "total" not in reason


def test_a_rounded_total_after_its_own_total_label_on_a_shared_row_is_no_rounding_doubt():
    # SROIE 263: the rounded sum shares a row with the savings count: "TOTAL SAVING 0.00 TOTAL 41.50".
    total, reason, conf = doubt("3 ITEMS | 41.48", "ITEM 3 TOTAL WITH GST @ 6% | 41.48", "QTY 8 ROUNDING | 0.02",
                                "TOTAL SAVING 0.00 TOTAL | 41.50", "TENDER", "MASTER 5148 | 41.50", "CHANGE | 0.00")
    assert total == Decimal("41.50") and "rounding_unprinted" not in reason and conf > REVIEW_BELOW


def test_a_subtotal_above_the_total_made_up_by_a_returns_row_is_no_doubt():
    # SROIE 352 (a bakery's delivery note): returned bread is a negative section below the sales.
    total, reason, conf = doubt("CR-VANILLA | 28.32", "TOTAL 6% SUPPLIES (EXCL. GST): | 28.32", "GST: | 1.69",
                                "TOTAL 6% SUPPLIES (INC. GST): | 30.01", "TOTAL 0% SUPPLIES: | -7.43",
                                "TOTAL PAYABLE: | 22.58")
    assert total == Decimal("22.58") and "total" not in reason and conf >= TRUSTED_TOTAL


def test_a_subtotal_above_the_total_that_a_negative_row_does_not_make_up_is_still_flagged():
    _, reason, conf = doubt("SUBTOTAL | 105.57", "GST | 5.33", "RETURNS | -7.43", "TOTAL | 10.55")
    assert "subtotal_above_total" in reason and conf <= REVIEW_BELOW


def test_a_large_discount_with_service_and_tax_charged_after_it_is_no_doubt():
    # SROIE 037: the service charge and GST are levied on the discounted sum, so it was never 79.60.
    total, reason, conf = doubt("3 SABA SHIO YAKI SET | 53.70", "1 SALMON SHIO SET | 25.90", "SUBTOTAL | 79.60",
                                "DISCOUNT | -30.00", "TOTAL AMOUNT : | 49.60", "SERV CHARGE 10% | 4.96",
                                "GST @ 6% | 3.27", "ROUNDING ADJ : | -0.03", "TOTAL AMOUNT: | 57.80")
    assert total == Decimal("57.80") and "large_discount" not in reason and conf > REVIEW_BELOW


def test_a_large_discount_with_the_tax_printed_only_under_the_total_stays_in_doubt():
    # Domino's coupons: "6% GST INCLUDED" below the grand total settles nothing.
    _, reason, conf = doubt("PIZZA | 60.60", "SUB-TOTAL | 60.60", "COUPON DISCOUNT | 27.60", "GRAND TOTAL | 33.00",
                            "*6% GST INCLUDED : | 1.87")
    assert "large_discount" in reason and conf <= REVIEW_BELOW


def test_a_large_discount_paid_exactly_by_a_row_with_no_change_is_no_doubt():
    # SROIE 303 paid by card: the payment row charges the sum after the coupon, so that sum was owed.
    rows = ("PIZZA | 45.70", "SUB-TOTAL | 45.70", "COUPON DISCOUNT | 14.80", "GRAND TOTAL | 30.90")
    total, reason, conf = doubt("PAY BY: VISA", *rows, "PAYMENT : | 30.90")
    assert total == Decimal("30.90") and "large_discount" not in reason and conf > REVIEW_BELOW
    # cash handed over with change, or a payment of the sum before the coupon, settles nothing
    for payment in (("PAYMENT : | 101.00", "CHANGE DUE : | 70.10"), ("PAYMENT : | 45.70",)):
        _, reason, conf = doubt("PAY BY: VISA", *rows, *payment)
        assert "large_discount" in reason and conf <= REVIEW_BELOW, payment


def test_the_running_sum_after_a_zero_discount_is_no_discount():
    # SROIE 408: "AFTER DISCOUNT: RM9.20" below "DISCOUNT: RM0.00" is the sum, not 100% off.
    total, reason, conf = doubt("ALACARTE SUSHI | 9.20", "TOTAL EXCL GST | RM9.20", "DISCOUNT: | RM0.00",
                                "AFTER DISCOUNT: | RM9.20", "GST: | RM0.55", "TOTAL SALES: | RM9.75",
                                "TENDERED: | RM10.00", "CHANGE : | RM0.25")
    assert total == Decimal("9.75") and "total" not in reason and conf >= TRUSTED_TOTAL


def test_discounts_printed_after_the_currency_sign_and_a_total_paid_row_confirm_the_rounded_total():
    # SROIE 521: "DISCOUNT RM-0.20" under each item, both sides of the rounding printed, "TOTAL PAID" the cash.
    total, reason, conf = doubt("BUTTER SLICE CHEESE 1 | RM4.15", "DISCOUNT | RM-0.20", "EUROPE BUN 1 | RM3.70",
                                "DISCOUNT | RM-0.18", "TOTAL (INCL GST) | RM7.47", "ROUNDING | RM0.03",
                                "GRAND TOTAL | RM7.50", "TOTAL PAID | RM50.00", "CHANGE | RM42.50")
    assert total == Decimal("7.50") and "total" not in reason and conf >= TRUSTED_TOTAL


def test_a_saving_taken_off_among_the_items_makes_them_add_up():
    # SROIE 097: "STAT-GREAT SAVING -6.40" under the item is part of the sum, not a savings count.
    f = receipt(*HEAD, "PHOTOCOPY PAPER 2PC @ 13.69 | 27.38", "STAT-GREAT SAVING | -6.40", "TOTAL RM INCL. OF GST | 20.98",
                "ROUNDING ADJ | 0.02", "TOTAL RM | 21.00", "CASH | -50.00", "CHANGE | 29.00").fields
    assert f["totals_consistent"] is True and "total" not in str(f["review_reason"] or "")


def test_the_taxable_amount_of_a_tax_breakdown_is_not_the_total():
    # SROIE 167: no total row; "SUBTOTAL RM53.60" is what cash minus change paid, and the breakdown
    # below ("TAXABLE AMOUNT RM50.57", "6% GST RM3.03") is the sum before tax, not the total.
    f = receipt(*HEAD, "YELLOW LAKSA | RM11.60", "CENDOL | RM5.30", "8 NO", "SUBTOTAL | RM53.60",
                "CASH | RM100.00", "CHANGE | RM46.40", "TAXABLE AMOUNT | RM50.57", "6% GST | RM3.03").fields
    assert f["total"] == Decimal("53.60") and "total" not in str(f["review_reason"])


def test_an_item_column_heading_run_into_the_first_item_is_no_total_row():
    # SROIE 255: "ITEM QTY U/P AMOUNT" shares its row with the first item (100 x 0.25 = 25.00); the total
    # row's label is lost ("T L 94.00"), and cash minus change and subtotal plus GST both land on 94.00.
    f = receipt(*HEAD, "ITEM QTY U/P AMOUNT 2411662040 100 0.25 | 25.00", "2411662303 1 42.50 | 42.50",
                "TOTAL QUANTITY 102", "SUB-TOTAL | 92.50", "GST | 1.50", "T L | 94.00", "CASH | 94.00",
                "CHANGE | 0.00").fields
    assert f["total"] == Decimal("94.00") and "total" not in str(f["review_reason"])


def test_items_adding_up_to_the_total_but_its_first_digit_put_it_in_doubt():
    # SROIE image 001 at 60% resolution: "TOTAL AMT RM 20.31" (60.31 printed, the 6 read as a 2 at
    # 91%); the items, 10.00 + 55.90 - 5.59, add up to 60.31.
    total, reason, conf = doubt("PHOTO FRAME | 10.00", "TABLE LAMP | 55.90", "DISC 10% | -5.59",
                                "TOTAL AMT | 20.31")
    assert total == Decimal("20.31")
    assert "digit_misread" in reason and conf <= REVIEW_BELOW


def test_cash_minus_change_one_first_digit_from_the_total_puts_it_in_doubt():
    total, reason, conf = doubt("TOTAL | 20.31", "CASH | 70.31", "CHANGE | 10.00")
    assert total == Decimal("20.31")
    assert "digit_misread" in reason and conf <= REVIEW_BELOW


def test_a_sum_off_the_total_in_its_cents_or_units_is_no_misread_digit():
    # A missed item or a rounding moves the sum's last digits: no sign of a misread glyph.
    for rows in (("PENCIL | 7.00", "TOTAL | 7.40"), ("PENCIL | 30.10", "TOTAL | 31.10"),
                 ("TOTAL | 30.10", "CASH | -40.10", "CHANGE | 10.00")):
        _, reason, _ = doubt(*rows)
        assert "digit_misread" not in reason


def test_a_subtotal_and_its_tax_one_first_digit_from_the_total_put_it_in_doubt():
    # SROIE image 020 at 60% resolution: "Total Sales (Inclusive of GST) 64.50" (54.50 printed); the
    # subtotal row lost its point ("5142"), the count row carries the sum, 51.42, and 51.42 + 3.08 = 54.50.
    total, reason, conf = doubt("BRAISED PORK 20 7.00 | 1400", "TOTAL QTY: 7 | 51.42",
                                "TOTAL SALES (EXCLUDING GST) 5142", "TOTAL GST | 3.08",
                                "TOTAL SALES (INCLUSIVE OF GST) | 64.50")
    assert total == Decimal("64.50")
    assert "digit_misread" in reason and conf <= REVIEW_BELOW


def test_a_subtotal_and_its_tax_adding_up_to_the_total_are_no_misread_digit():
    _, reason, conf = doubt("PENCIL | 51.42", "SUBTOTAL | 51.42", "TOTAL GST | 3.08", "TOTAL | 54.50")
    assert "total_doubt" not in reason and conf > REVIEW_BELOW


def test_a_total_printed_without_cents_among_amounts_with_cents_puts_it_in_doubt():
    # SROIE image 058 at 60% resolution: "Total Amount: $820" for $8.20, its point lost, read as 820.00.
    total, reason, conf = doubt("MEAT 3 VEGE | $7.10", "VEGETABLE 1 | $1.10", "TOTAL AMOUNT: | $820",
                                "CASH | $8.20", "CHANGE | $0.00")
    assert total == Decimal("820.00")
    assert "point_lost" in reason and conf <= REVIEW_BELOW


def test_a_total_printed_without_cents_like_every_amount_of_its_receipt_is_no_lost_point():
    # A currency without cents (yen, won): every amount is a whole figure.
    _, reason, _ = doubt("RAMEN | ¥980", "GYOZA | ¥420", "TOTAL | ¥1400", "CASH | ¥2000", "CHANGE | ¥600")
    assert "point_lost" not in reason
