"""Exports of banks' own download pages, written by hand in their published layouts
(:mod:`tests.support.bank_exports`): headers, signs, dates and currencies read with no mapping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docbatch.reconcile import TransactionFileError, read_transactions

from ..support import bank_exports

D = Decimal
DAY = dt.date


def read(tmp_path, name: str) -> list[tuple[object, ...]]:
    path = tmp_path / f"{name.lower()}.csv"
    path.write_text(getattr(bank_exports, name), encoding="utf-8")
    return [(t.transaction_id, t.transaction_date, t.posted_date, t.descriptor, t.amount, t.currency, t.card_last4)
            for t in read_transactions(path)]


def test_revolut_started_date_is_the_transaction_date_and_completed_date_the_posting(tmp_path):
    assert read(tmp_path, "REVOLUT") == [
        ("revolut-1", DAY(2025, 3, 14), DAY(2025, 3, 15), "Le Petit Cafe", D("31.80"), "EUR", None),
        ("revolut-2", DAY(2025, 3, 15), DAY(2025, 3, 17), "Uber", D("18.40"), "EUR", None),
        ("revolut-3", DAY(2025, 3, 16), DAY(2025, 3, 16), "Top-Up by *4821", D("-200.00"), "EUR", None)]


def test_wise_id_card_digits_and_merchant_columns_are_read(tmp_path):
    assert read(tmp_path, "WISE") == [
        ("CARD-1234567890", None, DAY(2025, 3, 14), "Le Petit Cafe", D("31.80"), "EUR", "4821"),
        ("CARD-1234567891", None, DAY(2025, 3, 15), "Uber", D("18.40"), "EUR", "4821"),
        # a transfer names no merchant: its description stands in
        ("TRANSFER-987654321", None, DAY(2025, 3, 16), "Received money from JANE DOE with reference rent",
         D("-200.00"), "EUR", None)]


def test_starling_counter_party_is_the_merchant_and_the_amount_header_names_the_currency(tmp_path):
    assert [row[3:6] for row in read(tmp_path, "STARLING")] == [
        ("Pret A Manger", D("4.20"), "GBP"), ("Greenleaf Market", D("31.98"), "GBP"),
        ("Jane Doe", D("-200.00"), "GBP")]


def test_bank_of_america_summary_block_above_the_table_is_skipped(tmp_path):
    assert read(tmp_path, "BANK_OF_AMERICA") == [
        ("bank_of_america-2", None, DAY(2025, 3, 14), "GREENLEAF MARKET 03/13 PURCHASE SPRINGFIELD IL", D("31.98"),
         None, None),
        ("bank_of_america-3", None, DAY(2025, 3, 15), "ACME CORP DES:PAYROLL ID:1234567 INDN:JANE DOE",
         D("-2500.00"), None, None),
        ("bank_of_america-4", None, DAY(2025, 3, 17), "CORNERSTONE PHARMACY 03/16 PURCHASE SPRINGFIELD IL",
         D("35.23"), None, None)]


def test_bank_of_america_card_purchases_negative_and_the_payment_a_credit(tmp_path):
    assert read(tmp_path, "BANK_OF_AMERICA_CARD") == [
        ("24492155073200000000001", None, DAY(2025, 3, 14), "GREENLEAF MARKET SPRINGFIELD IL", D("31.98"), None,
         None),
        ("24492155079200000000002", None, DAY(2025, 3, 20), "PAYMENT - THANK YOU", D("-500.00"), None, None)]



def test_hsbc_uk_download_without_a_header_is_read_by_what_its_columns_hold(tmp_path):
    assert read(tmp_path, "HSBC_UK") == [
        ("hsbc_uk-1", None, DAY(2025, 3, 14), "PRET A MANGER LONDON", D("4.20"), None, None),
        ("hsbc_uk-2", None, DAY(2025, 3, 15), "GREENLEAF MARKET LONDON", D("31.98"), None, None),
        ("hsbc_uk-3", None, DAY(2025, 3, 16), "JANE DOE RENT", D("-200.00"), None, None)]


def test_wells_fargo_download_without_a_header_is_read_by_what_its_columns_hold(tmp_path):
    assert [row[2:5] for row in read(tmp_path, "WELLS_FARGO")] == [
        (DAY(2025, 3, 14), "PURCHASE AUTHORIZED ON 03/13 GREENLEAF MARKET SPRINGFIELD IL S385072529 CARD 4821",
         D("31.98")),
        (DAY(2025, 3, 15), "ACME CORP PAYROLL 250315 JANE DOE", D("-2500.00")),
        (DAY(2025, 3, 17), "CHECK # 1043", D("120.00"))]


def test_amex_legacy_download_without_a_header_takes_the_merchant_not_the_reference_as_descriptor(tmp_path):
    # "Reference: 3202..." is as long as the merchant's cell, but one word repeated on every line.
    assert [row[3:5] for row in read(tmp_path, "AMEX_LEGACY")] == [
        ("GREENLEAF MARKET #42", D("31.98")), ("UBER TRIP", D("18.40")),
        ("AUTOPAY PAYMENT - THANK YOU", D("-500.00"))]


def test_a_download_without_a_header_whose_amount_cannot_be_told_is_refused(tmp_path):
    # HSBC UK's layout with a running balance: two money columns, and no header to say which is which.
    path = tmp_path / "balance.csv"
    path.write_text("14/03/2025,PRET A MANGER LONDON,-4.20,995.80\n15/03/2025,GREENLEAF MARKET,-31.98,963.82\n")
    with pytest.raises(TransactionFileError, match="no header row"):
        read_transactions(path)


def test_n26_foreign_amount_and_currency_are_the_original_before_conversion(tmp_path):
    path = tmp_path / "n26.csv"
    path.write_text(bank_exports.N26, encoding="utf-8")
    abroad, home, income = read_transactions(path)
    assert (abroad.amount, abroad.currency, abroad.original_amount, abroad.original_currency) == (
        D("4.92"), "EUR", D("4.20"), "GBP")
    assert (home.amount, home.original_amount, home.original_currency) == (D("31.98"), None, None)
    assert (income.amount, income.descriptor) == (D("-200.00"), "Jane Doe")


@pytest.mark.parametrize("name, amounts", [
    ("CAPITAL_ONE", [D("31.98"), D("18.40"), D("-500.00")]),  # debit and credit columns
    ("CITI", [D("31.98"), D("-500.00")]),  # a credit written negative is still a credit
    ("DISCOVER", [D("31.98"), D("18.40"), D("-500.00")]),  # purchases positive
    ("BARCLAYS", [D("4.20"), D("31.98"), D("-200.00")]),  # spend negative
])
def test_us_and_uk_card_and_bank_downloads_give_spend_positive(tmp_path, name, amounts):
    assert [row[4] for row in read(tmp_path, name)] == amounts


def test_a_declined_or_reverted_payment_is_set_aside_and_a_pending_one_kept(tmp_path):
    # A receipt matched to a declined attempt would hide the charge that went through.
    path = tmp_path / "revolut.csv"
    path.write_text(bank_exports.REVOLUT_STATES, encoding="utf-8")
    statement = read_transactions(path)
    assert [(t.transaction_id, t.amount) for t in statement] == [("revolut-2", D("31.80")), ("revolut-4", D("9.10"))]
    assert [(r.row, r.error) for r in statement.rejected] == [
        (1, "status: 'DECLINED': no money moved"), (3, "status: 'REVERTED': no money moved")]


def test_wise_exchange_to_amount_and_currency_are_the_original_before_conversion(tmp_path):
    # Paid 31.80 EUR from a GBP balance: Wise charged 27.43 GBP (fee included) and says what was spent.
    path = tmp_path / "wise.csv"
    path.write_text(bank_exports.WISE_ABROAD, encoding="utf-8")
    abroad, home = read_transactions(path)
    assert (abroad.amount, abroad.currency, abroad.original_amount, abroad.original_currency) == (
        D("27.43"), "GBP", D("31.80"), "EUR")
    assert (abroad.posted_date, abroad.descriptor, abroad.card_last4) == (DAY(2025, 3, 14), "Le Petit Cafe", "4821")
    assert (home.amount, home.currency, home.original_amount, home.original_currency) == (D("4.20"), "GBP", None, None)



def money(tmp_path, name: str, transaction_id: str) -> tuple[object, ...]:
    """(amount, currency, original amount, original currency) of one line of a bank export."""
    path = tmp_path / f"{name.lower()}.csv"
    path.write_text(getattr(bank_exports, name), encoding="utf-8")
    t = next(t for t in read_transactions(path) if t.transaction_id == transaction_id)
    return t.amount, t.currency, t.original_amount, t.original_currency


def test_an_older_wise_statement_gives_the_original_amount_by_the_rate_from_the_charge_less_fees(tmp_path):
    # No Exchange To Amount: 27.43 GBP charged, 0.08 of it fees, 1 GBP = 1.16271 EUR -> 31.80 EUR spent.
    assert money(tmp_path, "WISE_CLASSIC", "CARD-3234567890") == (D("27.43"), "GBP", D("31.80"), "EUR")


def test_an_older_wise_statement_line_in_the_rates_target_currency_converts_back_by_dividing(tmp_path):
    # Money added from BRL to this GBP balance: 200.00 GBP at 1 BRL = 0.139 GBP was 1438.85 BRL.
    assert money(tmp_path, "WISE_CLASSIC", "TRANSFER-3234567893") == (D("-200.00"), "GBP", D("1438.85"), "BRL")


def test_an_older_wise_statement_line_with_no_exchange_has_no_original_amount(tmp_path):
    assert money(tmp_path, "WISE_CLASSIC", "CARD-3234567892") == (D("4.20"), "GBP", None, None)


@pytest.mark.parametrize("name, rejected", [
    # the 2025 layout says so in Transaction Details Type, on both sides of the conversion
    ("WISE_CONVERSIONS", [(1, "BALANCE-3234567891", "kind: 'CONVERSION': a conversion between the account's own "
                                                    "balances, not a purchase"),
                          (2, "BALANCE-3234567894", "kind: 'CONVERSION': a conversion between the account's own "
                                                    "balances, not a purchase")]),
    # older exports have no such column: Wise's BALANCE- id on a line naming two currencies
    ("WISE_CLASSIC", [(2, "BALANCE-3234567891", "id 'BALANCE-3234567891' converts GBP to EUR: a conversion between "
                                                "the account's own balances, not a purchase")]),
    # Revolut's Type says EXCHANGE (older exports) or Exchange
    ("REVOLUT_EXCHANGE", [(1, "revolut_exchange-1", "kind: 'EXCHANGE': a conversion between the account's own "
                                                    "balances, not a purchase"),
                          (3, "revolut_exchange-3", "kind: 'Exchange': a conversion between the account's own "
                                                    "balances, not a purchase")]),
    # PayPal's Type: two lines under the merchant's name, rivals of the payment they funded
    ("PAYPAL_ABROAD", [(2, "5AB12345CD678901K", "kind: 'General Currency Conversion': a conversion between the "
                                                "account's own balances, not a purchase"),
                       (3, "6AB12345CD678901L", "kind: 'General Currency Conversion': a conversion between the "
                                                "account's own balances, not a purchase")]),
])
def test_a_conversion_between_own_balances_is_set_aside_not_read_as_spend(tmp_path, name, rejected):
    # Converting 31.80 EUR to GBP is no purchase: read as spend, it is a rival of the card payment beside it.
    path = tmp_path / f"{name.lower()}.csv"
    path.write_text(getattr(bank_exports, name), encoding="utf-8")
    statement = read_transactions(path)
    assert [(r.row, r.transaction_id, r.error) for r in statement.rejected] == rejected
    assert not {r.transaction_id for r in statement.rejected} & {t.transaction_id for t in statement}


def test_wise_transaction_history_is_read_with_the_account_side_charged_and_the_other_side_spent(tmp_path):
    path = tmp_path / "transaction-history.csv"
    path.write_text(bank_exports.WISE_HISTORY, encoding="utf-8")
    assert [(t.transaction_id, t.transaction_date, t.posted_date, t.descriptor, t.amount, t.currency,
             t.original_amount, t.original_currency) for t in read_transactions(path)] == [
        # 27.35 GBP after fees and the 0.08 GBP fee left the balance; the cafe was paid 31.80 EUR
        ("CARD_TRANSACTION-5234567890", DAY(2025, 3, 14), DAY(2025, 3, 15), "Le Petit Cafe", D("27.43"), "GBP",
         D("31.80"), "EUR"),
        ("CARD_TRANSACTION-5234567891", DAY(2025, 3, 15), DAY(2025, 3, 15), "Pret A Manger", D("4.20"), "GBP",
         None, None),
        # money arriving: a credit, named by who sent it
        ("TRANSFER-5234567894", DAY(2025, 3, 16), DAY(2025, 3, 16), "ACME LTD", D("-200.00"), "GBP", None, None)]


def test_wise_transaction_history_sets_aside_conversions_and_lines_that_moved_no_money(tmp_path):
    path = tmp_path / "transaction-history.csv"
    path.write_text(bank_exports.WISE_HISTORY, encoding="utf-8")
    assert [(r.row, r.transaction_id, r.error) for r in read_transactions(path).rejected] == [
        (3, "BALANCE-5234567892", "kind: 'NEUTRAL': a conversion between the account's own balances, not a purchase"),
        (4, "CARD_TRANSACTION-5234567893", "status: 'CANCELLED': no money moved"),
        (6, "CARD_TRANSACTION-5234567895", "status: 'REFUNDED': no money moved")]


def test_revolut_business_dates_with_a_time_zone_payment_currency_and_original_amount_are_read(tmp_path):
    path = tmp_path / "revolut.csv"
    path.write_text(bank_exports.REVOLUT_BUSINESS, encoding="utf-8")
    statement = read_transactions(path)
    assert [(t.transaction_id, t.transaction_date, t.posted_date, t.descriptor, t.amount, t.currency, t.card_last4,
             t.original_amount, t.original_currency) for t in statement] == [
        ("6601d2a8-0000-a1b2-0000-000000000001", DAY(2025, 3, 14), DAY(2025, 3, 15), "Le Petit Cafe", D("27.12"),
         "GBP", "4821", D("31.80"), "EUR")]
    assert [r.error for r in statement.rejected] == ["status: 'DECLINED': no money moved"]


def test_monzo_classic_export_created_timestamp_with_its_offset_is_the_transaction_date(tmp_path):
    path = tmp_path / "monzo.csv"
    path.write_text(bank_exports.MONZO_CLASSIC, encoding="utf-8")
    assert [(t.transaction_id, t.transaction_date, t.descriptor, t.amount, t.currency, t.original_amount,
             t.original_currency) for t in read_transactions(path)] == [
        ("tx_00009A", DAY(2018, 3, 14), "LE PETIT CAFE PARIS FRA", D("27.12"), "GBP", D("31.80"), "EUR"),
        ("tx_00009B", DAY(2018, 3, 15), "PRET A MANGER LONDON GBR", D("4.20"), "GBP", D("4.20"), "GBP")]


def test_wise_transaction_history_payment_drawn_from_two_balances_is_one_line_of_the_whole_purchase(tmp_path):
    # 11.18 USD bought with CAD and 23.32 USD from the USD balance paid one 34.50 USD receipt.
    path = tmp_path / "transaction-history.csv"
    path.write_text(bank_exports.WISE_HISTORY_SPLIT, encoding="utf-8")
    statement = read_transactions(path)
    assert [(t.transaction_id, t.descriptor, t.amount, t.currency, t.original_amount) for t in statement] == [
        ("CARD_TRANSACTION-6234567890", "Greenleaf Market", D("34.50"), "USD", None)]
    assert (statement.repeated, [r.row for r in statement.rejected]) == ([], [3])


def test_n26_2024_partner_name_is_the_merchant(tmp_path):
    assert [row[2:6] for row in read(tmp_path, "N26_2024")] == [
        (DAY(2025, 3, 14), "Pret A Manger", D("4.92"), "EUR"), (DAY(2025, 3, 15), "Greenleaf Markt", D("31.98"), "EUR"),
        (DAY(2025, 3, 16), "Jane Doe", D("-200.00"), "EUR")]


def test_apple_card_clearing_date_is_the_posting_and_the_merchant_column_the_descriptor(tmp_path):
    assert [row[1:6] for row in read(tmp_path, "APPLE_CARD")] == [
        (DAY(2025, 3, 14), DAY(2025, 3, 15), "Greenleaf Market", D("31.98"), "USD"),
        (DAY(2025, 3, 15), DAY(2025, 3, 17), "Uber", D("18.40"), "USD"),
        (DAY(2025, 3, 20), DAY(2025, 3, 20), "Ach Deposit Internet Transfer", D("-500.00"), "USD")]


def test_paypal_gross_is_the_amount_and_a_denied_payment_is_set_aside(tmp_path):
    path = tmp_path / "paypal.csv"
    path.write_text(bank_exports.PAYPAL, encoding="utf-8")
    statement = read_transactions(path)
    assert [(t.transaction_id, t.posted_date, t.descriptor, t.amount, t.currency) for t in statement] == [
        ("9AB12345CD678901E", DAY(2025, 3, 14), "Greenleaf Market", D("31.98"), "USD"),
        # the card's deposit funding the payment: a credit, with no name
        ("1AB12345CD678901F", DAY(2025, 3, 14), None, D("-31.98"), "USD"),
        ("3AB12345CD678901H", DAY(2025, 3, 16), "Uber", D("18.40"), "USD")]
    assert [r.error for r in statement.rejected] == ["status: 'Denied': no money moved"]


@pytest.mark.parametrize("name", ["WISE", "MONZO"])
def test_a_day_first_layout_is_read_day_first_when_every_day_is_12_or_less(tmp_path, name):
    # A statement of the 1st to the 12th reads both ways; Wise and Monzo write the day first.
    text = getattr(bank_exports, name).replace("14-03-2025", "01-03-2025").replace("15-03-2025", "02-03-2025") \
        .replace("16-03-2025", "03-03-2025").replace("14/03/2025", "01/03/2025").replace("15/03/2025", "02/03/2025")
    path = tmp_path / "statement.csv"
    path.write_text(text, encoding="utf-8")
    assert [t.date for t in read_transactions(path)][:2] == [DAY(2025, 3, 1), DAY(2025, 3, 2)]


@pytest.mark.parametrize("name", ["CHASE", "CHASE_CHECKING", "DISCOVER", "AMEX_US", "APPLE_CARD"])
def test_a_us_banks_layout_is_read_month_first_when_every_day_is_12_or_less(tmp_path, name):
    # A Chase download of the 1st to the 12th was refused, asking for --date-order: a nightly
    # reconcile stopped on twelve days of every month.  These layouts are US banks' alone.
    text = getattr(bank_exports, name).replace("03/14/2025", "03/01/2025").replace("03/15/2025", "03/02/2025") \
        .replace("03/17/2025", "03/04/2025").replace("03/20/2025", "03/05/2025")
    path = tmp_path / "statement.csv"
    path.write_text(text, encoding="utf-8")
    assert [t.date for t in read_transactions(path)][:2] == [DAY(2025, 3, 1), DAY(2025, 3, 2)]


def test_amex_us_references_in_apostrophes_do_not_make_the_apostrophe_the_quote_character(tmp_path):
    # Amex writes each Reference as '3202...' (so a spreadsheet keeps its digits): Python's sniffer
    # took the apostrophe for the quote character, and a double-quoted cell holding a comma or a
    # line break (a description, the address) was split, the purchase set aside as unreadable.
    header = bank_exports.AMEX_US.splitlines()[0]
    text = (f"{header}\n03/14/2025,GREENLEAF MARKET #42,31.98,,GREENLEAF MARKET #42,,,,,'320250740012345678',"
            "Merchandise & Supplies-Groceries\n"
            "03/15/2025,\"UBER TRIP, HELP.UBER.COM\",18.40,,UBER TRIP,,,,,'320250740012345679',Transportation\n")
    path = tmp_path / "activity.csv"
    path.write_text(text, encoding="utf-8")
    statement = read_transactions(path)
    assert [(t.transaction_id, t.descriptor, t.amount) for t in statement] == [
        ("320250740012345678", "GREENLEAF MARKET #42", D("31.98")),  # the apostrophes are no part of it
        ("320250740012345679", "UBER TRIP, HELP.UBER.COM", D("18.40"))]
    assert statement.rejected == []


def test_a_layout_not_known_to_be_month_first_still_asks_for_the_order(tmp_path):
    # American Express's UK download has the US one's columns but a town and postcode, day first.
    path = tmp_path / "statement.csv"
    path.write_text(bank_exports.AMEX_US.replace("City/State", "Town/City").replace("Zip Code", "Postcode")
                    .replace("03/14/2025", "01/03/2025").replace("03/15/2025", "02/03/2025"), encoding="utf-8")
    with pytest.raises(TransactionFileError, match="--date-order"):
        read_transactions(path)


def test_a_layouts_day_first_order_never_overrides_dates_that_read_only_month_first(tmp_path):
    path = tmp_path / "statement.csv"
    path.write_text(bank_exports.WISE.replace("14-03-2025", "03-14-2025").replace("15-03-2025", "03-15-2025")
                    .replace("16-03-2025", "03-16-2025"), encoding="utf-8")
    assert [t.date for t in read_transactions(path)] == [DAY(2025, 3, 14), DAY(2025, 3, 15), DAY(2025, 3, 16)]


def test_paypal_uk_name_is_the_merchant_not_the_transaction_type_under_description(tmp_path):
    assert [row[3:5] for row in read(tmp_path, "PAYPAL_UK")] == [
        ("Greenleaf Market", D("31.98")), ("Bank Deposit to PP Account", D("-31.98")), ("Uber", D("18.40"))]


def test_wise_transaction_history_loaded_with_pandas_is_read_as_the_file_is(tmp_path):
    import io

    import pandas as pd

    path = tmp_path / "transaction-history.csv"
    path.write_text(bank_exports.WISE_HISTORY, encoding="utf-8")
    frame = pd.read_csv(io.StringIO(bank_exports.WISE_HISTORY), dtype=str)
    assert [(t.transaction_id, t.amount, t.original_amount) for t in read_transactions(frame)] == [
        (t.transaction_id, t.amount, t.original_amount) for t in read_transactions(path)]


def test_a_refunded_status_outside_wises_transaction_history_is_read(tmp_path):
    # PayPal marks a payment refunded later Refunded and lists the refund beside it: the payment was made.
    path = tmp_path / "paypal.csv"
    path.write_text(bank_exports.PAYPAL.replace('"Completed","USD","-31.98"', '"Refunded","USD","-31.98"'),
                    encoding="utf-8")
    statement = read_transactions(path)
    assert "9AB12345CD678901E" in {t.transaction_id for t in statement}
    assert [r.error for r in statement.rejected] == ["status: 'Denied': no money moved"]
