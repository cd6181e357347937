"""Transactions from bank exports: header detection, column mapping, signs, dates, OFX and QIF."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pandas as pd
import pytest

from docbatch.errors import BadColumnMapping
from docbatch.reconcile import ColumnMapping, TransactionFileError, TransactionOptions, read_transactions
from docbatch.reconcile.values import parse_amount, parse_date_column

from ..support.bank_exports import MONZO

D = Decimal


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_account_lines_above_the_header_and_charges_negative(tmp_path):
    path = write(tmp_path, "card.csv", (
        "Account Name:,JANE\nCard Number:,XXXX-XXXX-XXXX-4821\n\n"
        "Transaction Date,Posted Date,Description,Amount,Card No.,Reference\n"
        "25/12/2018,27/12/2018,SQ *BLUE BOTTLE #12,-12.50,XXXX-4821,A1\n"
        "26/12/2018,28/12/2018,TST* JOES PIZZA,-30.00,XXXX-4821,A2\n"
        "27/12/2018,29/12/2018,PAYMENT - THANK YOU,500.00,XXXX-4821,A3\n"))
    txns = read_transactions(path)
    assert [t.transaction_id for t in txns] == ["A1", "A2", "A3"]
    assert [t.amount for t in txns] == [D("12.50"), D("30.00"), D("-500.00")]  # spend positive
    assert txns[0].transaction_date == dt.date(2018, 12, 25) and txns[0].posted_date == dt.date(2018, 12, 27)
    assert txns[0].card_last4 == "4821" and txns[0].descriptor == "SQ *BLUE BOTTLE #12"


def test_card_statement_convention_charges_positive_is_detected(tmp_path):
    path = write(tmp_path, "cc.csv", "Date,Description,Amount\n2018-12-25,SHELL,45.10\n2018-12-26,AEON,12.00\n"
                                     "2018-12-28,REFUND AEON,-12.00\n")
    txns = read_transactions(path)
    assert [t.amount for t in txns] == [D("45.10"), D("12.00"), D("-12.00")]
    assert txns[0].posted_date == dt.date(2018, 12, 25) and txns[0].transaction_date is None  # a lone date: posted
    assert [t.transaction_id for t in txns] == ["cc-1", "cc-2", "cc-3"]


def test_sign_option_overrides_detection(tmp_path):
    path = write(tmp_path, "x.csv", "Date,Description,Amount\n2018-12-25,A,-5.00\n2018-12-26,B,-6.00\n")
    assert [t.amount for t in read_transactions(path)] == [D("5.00"), D("6.00")]
    opts = TransactionOptions(sign="debit_positive")
    assert [t.amount for t in read_transactions(path, options=opts)] == [D("-5.00"), D("-6.00")]


def test_debit_credit_pair_semicolons_decimal_commas_and_header_currency(tmp_path):
    path = write(tmp_path, "bank.csv", "Booking Date;Narrative;Debit (EUR);Credit (EUR)\n"
                                       "03.01.2019;CAFE CENTRAL;1.234,50;\n04.01.2019;RETURN CAFE;;4,50\n"
                                       "05.01.2019;CLOSING BALANCE;;\n")
    txns = read_transactions(path, options=TransactionOptions(date_order="DMY"))
    assert [(t.amount, t.currency) for t in txns] == [(D("1234.50"), "EUR"), (D("-4.50"), "EUR")]
    assert txns[0].posted_date == dt.date(2019, 1, 3)


def test_semicolon_export_with_account_lines_above_the_header(tmp_path):
    # A European bank's export: "Name;value" account lines, a blank line, then the table.
    # The lines above the header have fewer fields, so the delimiter cannot be sniffed
    # from the whole sample; the header decides it.
    path = write(tmp_path, "konto.csv", "Kontoinhaber;Jane Doe\nKontonummer;DE12 3456 7890\n\n"
                                        "Transaction Date;Description;Amount;Currency\n"
                                        "14.03.2025;SQ *GREENLEAF MARKET;31,98;USD\n"
                                        "18.04.2025;TST* THE HARBOR GRILL;1.079,52;USD\n")
    txns = read_transactions(path, options=TransactionOptions(date_order="DMY"))
    assert [(t.amount, t.currency) for t in txns] == [(D("31.98"), "USD"), (D("1079.52"), "USD")]
    assert txns[0].transaction_date == dt.date(2025, 3, 14) and txns[1].descriptor == "TST* THE HARBOR GRILL"


def test_a_line_with_an_impossible_date_or_a_bad_amount_is_set_aside_and_the_rest_read(tmp_path):
    path = write(tmp_path, "card.csv", "Transaction Date,Description,Amount\n"
                                       "14/03/2025,GREENLEAF MARKET,31.98\n"
                                       "31/02/2025,BROKEN DATE,12.00\n"
                                       "21/01/2025,CORNERSTONE PHARMACY,abc\n"
                                       "21/01/2025,CORNERSTONE PHARMACY,35.23\n")
    txns = read_transactions(path)
    assert [(t.transaction_id, t.amount) for t in txns] == [("card-1", D("31.98")), ("card-4", D("35.23"))]
    assert [(r.row, r.transaction_id) for r in txns.rejected] == [(2, "card-2"), (3, "card-3")]
    assert txns.rejected[0].error == "transaction_date: '31/02/2025' is not a valid date"
    assert txns.rejected[1].error == "amount: cannot read 'abc' as an amount"


def test_cr_dr_markers_and_a_direction_column(tmp_path):
    path = write(tmp_path, "m.csv", "Trans Date,Details,Amount,Dr/Cr\n2019-01-03,SHOP,10.00,DR\n"
                                    "2019-01-04,SHOP REFUND,10.00,CR\n2019-01-05,OTHER,7.00 CR,\n")
    assert [t.amount for t in read_transactions(path)] == [D("10.00"), D("-10.00"), D("-7.00")]


def test_mapping_names_columns_the_defaults_do_not_know(tmp_path):
    path = write(tmp_path, "de.csv", "Buchungstag,Verwendungszweck,Umsatz,Waehrung\n"
                                     "03.01.2019,REWE SAGT DANKE,-23.10,EUR\n")
    with pytest.raises(TransactionFileError):
        read_transactions(path)
    opts = TransactionOptions(mapping=ColumnMapping.parse(["posted_date=Buchungstag", "descriptor=Verwendungszweck",
                                                           "amount=Umsatz", "currency=Waehrung"]), date_order="DMY")
    (t,) = read_transactions(path, options=opts)
    assert (t.amount, t.descriptor, t.currency, t.posted_date) == (D("23.10"), "REWE SAGT DANKE", "EUR",
                                                                  dt.date(2019, 1, 3))


def test_day_month_order_is_decided_per_column_and_refused_when_open():
    assert parse_date_column(["03/01/2019", "13/01/2019"], order=None, column="d") == [
        dt.date(2019, 1, 3), dt.date(2019, 1, 13)]
    assert parse_date_column(["01/03/2019", "01/13/2019"], order=None, column="d") == [
        dt.date(2019, 1, 3), dt.date(2019, 1, 13)]
    with pytest.raises(TransactionFileError, match="date-order"):
        parse_date_column(["03/01/2019", "04/02/2019"], order=None, column="d")
    assert parse_date_column(["03/01/2019"], order="MDY", column="d") == [dt.date(2019, 3, 1)]
    assert parse_date_column(["25 Dec 2018", "20181226", "2018-12-27T10:00:00"], order=None, column="d") == [
        dt.date(2018, 12, 25), dt.date(2018, 12, 26), dt.date(2018, 12, 27)]


def test_amount_spellings():
    assert parse_amount("(12.30)")[0] == D("-12.30")
    assert parse_amount("12.30-")[0] == D("-12.30")
    assert parse_amount("RM1,234.50") == (D("1234.50"), None)
    assert parse_amount("1.234,50")[0] == D("1234.50")
    assert parse_amount("45.00 CR") == (D("45.00"), "CR")
    assert parse_amount("") == (None, None)
    assert parse_amount("\u221212.34")[0] == D("-12.34")  # the typeset minus sign
    assert parse_amount("1\u202f234,56")[0] == D("1234.56")  # narrow no-break space between thousands
    assert parse_amount("-1\u2009234.56")[0] == D("-1234.56")  # thin space
    with pytest.raises(TransactionFileError):
        parse_amount("twelve")


OFX_SGML = """OFXHEADER:100
DATA:OFXSGML
VERSION:102

<OFX><CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>MYR
<CCACCTFROM><ACCTID>4111111111114821</CCACCTFROM>
<BANKTRANLIST>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20181227120000[+8:MYT]<DTUSER>20181225<TRNAMT>-12.50<FITID>F1
<NAME>SQ *BLUE BOTTLE</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20181230<TRNAMT>12.50<FITID>F2<NAME>BLUE BOTTLE<MEMO>REFUND</STMTTRN>
</BANKTRANLIST></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>
"""

OFX_XML = """<?xml version="1.0"?><?OFX OFXHEADER="200" VERSION="220"?>
<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD</CURDEF>
<BANKACCTFROM><ACCTID>000123459876</ACCTID></BANKACCTFROM><BANKTRANLIST>
<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20190103</DTPOSTED><TRNAMT>-8.75</TRNAMT><FITID>X9</FITID>
<NAME>TST* JOES PIZZA</NAME><CURRENCY><CURRATE>1.0</CURRATE><CURSYM>USD</CURSYM></CURRENCY></STMTTRN>
</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
"""


def test_ofx_sgml_and_xml(tmp_path):
    a, b = read_transactions(write(tmp_path, "s.ofx", OFX_SGML))
    assert (a.transaction_id, a.amount, a.currency, a.card_last4) == ("F1", D("12.50"), "MYR", "4821")
    assert a.transaction_date == dt.date(2018, 12, 25) and a.posted_date == dt.date(2018, 12, 27)
    assert (b.amount, b.descriptor) == (D("-12.50"), "BLUE BOTTLE REFUND")
    (x,) = read_transactions(write(tmp_path, "s.qfx", OFX_XML))
    assert (x.transaction_id, x.amount, x.currency, x.descriptor) == ("X9", D("8.75"), "USD", "TST* JOES PIZZA")


def test_ofx_origcurrency_rate_converts_the_original_currency_to_the_accounts(tmp_path):
    # OFX: CURRATE is the ratio of CURDEF currency to CURSYM currency, and under ORIGCURRENCY the amount
    # is already the account's: 10.00 SGD at 3.07 MYR a dollar is charged 30.70 MYR.
    sgml = OFX_SGML.replace("<NAME>SQ *BLUE BOTTLE</STMTTRN>", "<NAME>SQ *BLUE BOTTLE<ORIGCURRENCY><CURRATE>3.07"
                            "<CURSYM>SGD</ORIGCURRENCY></STMTTRN>").replace("-12.50", "-30.70")
    a = read_transactions(write(tmp_path, "s.ofx", sgml))[0]
    assert (a.amount, a.currency, a.original_amount, a.original_currency) == (D("30.70"), "MYR", D("10.00"), "SGD")


def test_ofx_character_entities_in_a_name_are_the_characters(tmp_path):
    # OFX escapes & and < in both dialects: the merchant is AT&T, not 'AT&amp;T'.
    sgml = OFX_SGML.replace("SQ *BLUE BOTTLE", "AT&amp;T WIRELESS &lt;ONLINE&gt;")
    assert read_transactions(write(tmp_path, "s.ofx", sgml))[0].descriptor == "AT&T WIRELESS <ONLINE>"
    xml = OFX_XML.replace("TST* JOES PIZZA", "BARNES &amp; NOBLE #2041")
    assert read_transactions(write(tmp_path, "s.qfx", xml))[0].descriptor == "BARNES & NOBLE #2041"


def test_ofx_with_lowercase_tags_is_read_not_taken_for_a_statement_without_lines(tmp_path):
    # Its statement and lines were found (tags matched in any case) but no field in them: read as
    # no transaction at all, with no error, every receipt would have been reported unmatched.
    lowercase = re.sub(r"<(/?)([A-Z0-9.]+)>", lambda m: f"<{m[1]}{m[2].lower()}>", OFX_SGML)
    (a, b) = read_transactions(write(tmp_path, "s.ofx", lowercase))
    assert (a.transaction_id, a.amount, a.currency, a.card_last4, b.amount) == ("F1", D("12.50"), "MYR", "4821",
                                                                                 D("-12.50"))


def test_qif(tmp_path):
    text = "!Type:CCard\nD12/25/2018\nT-12.50\nPSQ *BLUE BOTTLE\n^\nD12/30'18\nT12.50\nPBLUE BOTTLE\nNREF7\n^\n"
    a, b = read_transactions(write(tmp_path, "s.qif", text), options=TransactionOptions(currency="USD"))
    assert (a.amount, a.posted_date, a.currency) == (D("12.50"), dt.date(2018, 12, 25), "USD")
    assert (b.amount, b.posted_date, b.transaction_id) == (D("-12.50"), dt.date(2018, 12, 30), "REF7")
    with pytest.raises(TransactionFileError):
        read_transactions(write(tmp_path, "bad.qif", "!Type:Bank\nD12/25/2018\nT-1.00\n"))


def test_parquet_and_dataframes_keep_their_types(tmp_path):
    df = pd.DataFrame({"Transaction Date": [dt.date(2019, 1, 3)], "Description": ["SHELL"],
                       "Amount": [Decimal("-40.00")], "Currency": ["myr"]})
    df.to_parquet(tmp_path / "t.parquet")
    for source in (tmp_path / "t.parquet", df):
        (t,) = read_transactions(source)
        assert (t.transaction_date, t.amount, t.currency) == (dt.date(2019, 1, 3), D("40.00"), "MYR")


def test_an_export_without_amount_or_date_is_refused_with_a_hint(tmp_path):
    with pytest.raises(TransactionFileError, match="--map"):
        read_transactions(write(tmp_path, "x.csv", "When,What\n2019-01-01,thing\n"))
    with pytest.raises(TransactionFileError, match="cannot read"):
        read_transactions(tmp_path / "missing.csv")


def test_a_description_column_is_the_descriptor_before_a_details_column_left_of_it(tmp_path):
    # Chase's checking export: "Details" holds DEBIT/CREDIT, the merchant is in "Description".
    path = write(tmp_path, "chase.csv", (
        "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
        "DEBIT,03/17/2025,\"GREENLEAF MARKET #0042 SPRINGFIELD IL\",-31.98,DEBIT_CARD,1530.02,,\n"
        "CREDIT,03/01/2025,\"ACME CORP PAYROLL PPD ID: 1234567890\",2500.00,ACH_CREDIT,1562.00,,\n"))
    txns = read_transactions(path)
    assert [t.descriptor for t in txns] == ["GREENLEAF MARKET #0042 SPRINGFIELD IL",
                                            "ACME CORP PAYROLL PPD ID: 1234567890"]


def test_a_bank_account_number_printed_whole_is_not_the_card(tmp_path):
    # Lloyds: the account the debit card draws on, not the card a receipt prints.
    path = write(tmp_path, "lloyds.csv", (
        "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,"
        "Credit Amount,Balance\n21/01/2025,DEB,'30-94-57,12345678,CORNERSTONE PHARMACY,35.23,,1048.34\n"))
    (t,) = read_transactions(path)
    assert (t.card_last4, t.amount, t.transaction_date) == (None, D("35.23"), dt.date(2025, 1, 21))


def test_an_account_column_masked_like_a_card_names_the_card_and_a_card_member_is_a_name(tmp_path):
    # American Express: "Card Member" is the holder's name, "Account #" the card's last digits.
    path = write(tmp_path, "amex.csv", "Date,Description,Card Member,Account #,Amount\n"
                                       "01/21/2025,CORNERSTONE PHARMACY,JANE DOE 1990,-71002,35.23\n"
                                       "01/22/2025,UBER TRIP,JANE DOE 1990,XXXX-XXXXXX-71002,18.40\n")
    txns = read_transactions(path)
    assert [t.card_last4 for t in txns] == ["1002", "1002"]


def test_a_bank_statements_account_in_ofx_is_not_the_card(tmp_path):
    (x,) = read_transactions(write(tmp_path, "s.qfx", OFX_XML))
    assert x.card_last4 is None  # BANKACCTFROM's ACCTID is the checking account
    a, _ = read_transactions(write(tmp_path, "s.ofx", OFX_SGML))
    assert a.card_last4 == "4821"  # CCACCTFROM's is the card



def test_monzo_local_amount_and_currency_are_the_original_before_conversion(tmp_path):
    # Monzo: Amount is in the account's currency, Local amount / Local currency as spent abroad.
    abroad, home = read_transactions(write(tmp_path, "monzo.csv", MONZO))
    assert (abroad.amount, abroad.currency) == (D("27.12"), "GBP")
    assert (abroad.original_amount, abroad.original_currency) == (D("31.80"), "EUR")
    assert (home.amount, home.currency, home.original_amount, home.original_currency) == (
        D("4.20"), "GBP", D("4.20"), "GBP")
    assert abroad.transaction_id == "tx_0000A1" and abroad.descriptor == "LE PETIT CAFE PARIS FRA"


def test_an_export_with_a_header_and_no_lines_below_it_is_refused_like_an_empty_one(tmp_path):
    # Downloaded for a range with no activity, or cut short: either way nothing can be matched.
    with pytest.raises(TransactionFileError, match=r"header\.csv has a header row but no transaction lines"):
        read_transactions(write(tmp_path, "header.csv", "Account:,1234\n\nDate,Description,Amount\n\n"))
    pd.DataFrame({"Date": [], "Description": [], "Amount": []}).to_parquet(tmp_path / "none.parquet")
    with pytest.raises(TransactionFileError, match="no transaction lines"):
        read_transactions(tmp_path / "none.parquet")
    empty_ofx = OFX_SGML.split("<STMTTRN>")[0] + "</BANKTRANLIST></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>"
    with pytest.raises(TransactionFileError, match="no transactions"):
        read_transactions(write(tmp_path, "none.ofx", empty_ofx))


def test_a_mapped_column_the_export_lacks_is_named_with_the_columns_found(tmp_path):
    amt = TransactionOptions(mapping=ColumnMapping.parse(["amount=Amt"]))
    # no header row is recognised without the mapped column
    path = write(tmp_path, "x.csv", "Account:,1234\n\nWhen,What,Amount\n2019-01-01,thing,3.00\n")
    message = "mapped column 'Amt' (amount) is not in the export's header; columns found: When, What, Amount"
    with pytest.raises(BadColumnMapping, match=f"^{re.escape(message)}$"):
        read_transactions(path, options=amt)
    # a header recognised by its other columns
    path = write(tmp_path, "y.csv", "Date,Description,Amount\n2019-01-01,thing,3.00\n")
    with pytest.raises(BadColumnMapping, match=re.escape("(amount) is not in the export's header; columns found: "
                                                         "Date, Description, Amount")):
        read_transactions(path, options=amt)


def test_of_two_date_columns_naming_their_time_zone_the_local_one_is_read(tmp_path):
    # Paid at 07:30 in Kuala Lumpur on the 14th: 23:30 UTC on the 13th; the receipt prints the 14th.
    path = tmp_path / "card.csv"
    path.write_text("Date started (UTC),Date started (Asia/Kuala_Lumpur),Description,Amount\n"
                    "2025-03-13,2025-03-14,KOPI KING,-8.20\n")
    (t,) = read_transactions(path)
    assert t.transaction_date == dt.date(2025, 3, 14)


def _xlsx() -> bytes:
    """The parts of an Excel workbook that tell it (a ZIP holding xl/)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return out.getvalue()


@pytest.mark.parametrize("name, data, kind", [
    ("card.xlsx", _xlsx(), "an Excel workbook (XLSX)"),
    ("card.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "an Excel 97-2003 workbook (XLS)"),
])
def test_a_workbook_is_refused_for_what_it_is_with_what_to_export_instead(tmp_path, name, data, kind):
    # Read as text, a workbook is binary noise: "no header row with a date and an amount column" misled.
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(TransactionFileError) as refused:
        read_transactions(path)
    assert str(refused.value) == (f"transactions file {path} is {kind}, not a CSV, Parquet, OFX or QIF export: "
                                  "save the sheet as CSV, or download the bank's CSV or OFX")


def test_a_tab_separated_download_named_xls_is_read_as_the_text_it_is(tmp_path):
    (t,) = read_transactions(write(tmp_path, "export.xls", "Date\tDescription\tAmount\n2025-03-14\tKOPI KING\t-8.20\n"))
    assert (t.descriptor, t.amount) == ("KOPI KING", Decimal("8.20"))


def test_a_utf16_export_as_excel_saves_unicode_text_is_read(tmp_path):
    # Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated; read as cp1252 it had no header.
    path = tmp_path / "card.txt"
    path.write_bytes("Date\tDescription\tAmount\n2025-03-14\tCAFÉ KOPI KING\t-8.20\n".encode("utf-16"))
    (t,) = read_transactions(path)
    assert (t.posted_date, t.descriptor, t.amount) == (dt.date(2025, 3, 14), "CAFÉ KOPI KING", Decimal("8.20"))


def test_an_export_of_which_no_line_has_a_date_and_an_amount_where_they_were_read_is_refused(tmp_path):
    # Amount left empty, the money in Debit: read as no transaction at all, with no error, before.
    path = write(tmp_path, "card.csv",
                 "Date,Description,Amount,Debit\n2025-03-14,KOPI KING,,8.20\n2025-03-15,PRET,,4.20\n")
    with pytest.raises(TransactionFileError) as refused:
        read_transactions(path)
    assert str(refused.value) == ("none of the 2 lines below the header has both a date and an amount in the columns "
                                  "read (posted_date 'Date', amount 'Amount', debit 'Debit'); name the right ones "
                                  "with --map")
