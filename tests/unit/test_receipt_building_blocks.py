"""The pieces under the receipt parser: amounts, dates, labels and visual rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docbatch.parse.dates import find_dates, find_time, plausible
from docbatch.parse.receipt.labels import line_label
from docbatch.parse.layout import visual_rows
from docbatch.parse.money import currency_in, find_amounts
from docbatch.response import make_detection


def values(text: str, **kw) -> list[Decimal]:
    return [a.value for a in find_amounts(text, **kw)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("100,00", [Decimal("100.00")]),  # one hundred, never ten thousand
        ("1,234.56", [Decimal("1234.56")]),
        ("1.234,56", [Decimal("1234.56")]),
        ("1 234,56", [Decimal("1234.56")]),
        ("RM 9.00", [Decimal("9.00")]),
        ("2.50SR", [Decimal("2.50")]),  # trailing tax code
        ("5.00-", [Decimal("-5.00")]),  # trailing minus of a discount
        ("DISCOUNT RM-0.20", [Decimal("-0.20")]),  # the minus after the currency sign
        ("RM .01", [Decimal("0.01")]),
        ("$15", [Decimal("15")]),  # integers only next to a currency sign
    ],
)
def test_amount_formats(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize("text", ["25/12/2018", "8:13:39 PM", "TEL:07-3507405", "9556939040116", "1.5L", "SR @ 6%"])
def test_dates_times_phones_codes_and_sizes_are_not_amounts(text):
    assert values(text) == []


def test_ocr_letters_in_amounts_are_repaired_at_lower_certainty():
    (amount,) = find_amounts("1O.5O")
    assert amount.value == Decimal("10.50") and amount.certainty < 1


def test_three_digit_group_follows_the_hint():
    assert values("1.000", decimal_separator=",") == [Decimal("1000")]
    assert values("9.000", decimal_separator=".") == [Decimal("9.000")]


def test_currency_needs_evidence():
    assert currency_in(["TOTAL 12.00"]) == (None, 0.0, False)
    assert currency_in(["TOTAL 12.00"], default="CAD")[0] == "CAD"
    assert currency_in(["TOTAL (RM): 9.00"])[0] == "MYR"
    assert currency_in(["TOTAL $12.00"], default="CAD")[0] == "CAD"  # a bare $ takes the job's dollar


def test_a_bare_dollar_is_resolved_from_evidence_or_left_unresolved():
    assert currency_in(["TOTAL $12.00"], country="MYR")[:2] == ("MYR", 0.7)  # a Malaysian shop's "$"
    assert currency_in(["TOTAL $12.00"]) == (None, 0.0, True)  # no evidence: null and flagged, not USD
    assert currency_in(["TOTAL US$12.00"])[0] == "USD"


@pytest.mark.parametrize(
    "text, readings",
    [
        ("25/12/2018", {"DMY": dt.date(2018, 12, 25)}),
        ("12-25-18", {"MDY": dt.date(2018, 12, 25)}),
        ("25 DEC 2018", {"DMY": dt.date(2018, 12, 25), "MDY": dt.date(2018, 12, 25)}),
        ("2018.12.25", {"YMD": dt.date(2018, 12, 25)}),
        ("OCT 9, 2018", {"DMY": dt.date(2018, 10, 9), "MDY": dt.date(2018, 10, 9)}),
        ("14/03/20185:57:07PM", {"DMY": dt.date(2018, 3, 14)}),  # OCR glued the time on
    ],
)
def test_date_families(text, readings):
    (cand,) = find_dates(text, pivot_year=2019)
    assert cand.readings == readings


def test_ambiguous_date_reports_both_readings():
    (cand,) = find_dates("03/04/2018", pivot_year=2019)
    assert cand.ambiguous
    assert cand.pick("MDY") == (dt.date(2018, 3, 4), False)
    assert cand.pick(None) == (dt.date(2018, 4, 3), True)


def test_ocr_letters_in_dates_are_repaired():
    (cand,) = find_dates("2O18-03-23", pivot_year=2019)
    assert cand.readings == {"YMD": dt.date(2018, 3, 23)} and cand.certainty < 1


@pytest.mark.parametrize("text, readings", [
    ("2703/2018", {"DMY": dt.date(2018, 3, 27)}),
    ("05 02-18", {"DMY": dt.date(2018, 2, 5), "MDY": dt.date(2018, 5, 2)}),
    ("DATE: 1 12-2018 10:22", {"DMY": dt.date(2018, 12, 1), "MDY": dt.date(2018, 1, 12)}),
])
def test_a_lost_first_separator_is_put_back_at_half_certainty_only_when_asked(text, readings):
    assert find_dates(text, pivot_year=2019) == []
    (cand,) = find_dates(text, pivot_year=2019, lost_separator=True)
    assert cand.readings == readings and cand.certainty == 0.5


@pytest.mark.parametrize("text", ["TEL 03 5633-12", "12 34-5678", "0312 2018", "20/03/201", "QTY 2 12.50"])
def test_numbers_that_are_no_date_stay_none_with_separators_put_back(text):
    assert find_dates(text, pivot_year=2019, lost_separator=True) == []


def test_times_and_plausibility():
    assert find_time("25/12/2018 8:13:39 PM")[0] == dt.time(20, 13, 39)
    assert find_time("TOTAL 12.50") is None
    assert plausible(dt.date(2018, 1, 1), dt.date(2019, 1, 1))
    assert not plausible(dt.date(2020, 1, 1), dt.date(2019, 1, 1))
    assert not plausible(dt.date(2005, 1, 1), dt.date(2019, 1, 1))


@pytest.mark.parametrize(
    "label, cls",
    [
        ("SUB-TOTAL", "subtotal"),
        ("TOTAL (EXCLUDING GST)", "subtotal"),
        ("TOTAL (INCLUSIVE OF GST)", "total_strong"),
        ("ROUR DING ADJUSTMENT:", "rounding"),
        ("ROUND D TOTAL (RM):", "total_strong"),
        ("T0TAL", "total"),
        ("CASHIER:", None),
        ("CASH", "paid"),
        ("CHANGE DUE", "change"),
        ("TOTAL QTY", "count"),
        ("SERVICE CHARGE 10%", "service"),
        ("SERV. CHARGE (10%):", "service"),  # one letter from CHANGE: never cash change
        ("GST 6%", "tax"),
        ("TOTAL PAID", "paid"),  # the cash handed over, not a total
        ("AFTER DISCOUNT:", "subtotal"),  # a running sum, not a discount
        ("TOTAL AFTER DISCOUNT", "total_strong"),
        ("DUE", "total_strong"),  # the amount due, alone on its row (SROIE 168, 246, 279)
    ],
)
def test_label_classes(label, cls):
    assert line_label(label) == cls


def _word(i: int, text: str, left: float, top: float) -> dict:
    w = 0.02 * len(text)
    return make_detection(id=i, type="WORD", text=text, confidence=95.0,
                          polygon=[(left, top), (left + w, top), (left + w, top + 0.02), (left, top + 0.02)])


def test_rows_are_rebuilt_from_word_boxes_not_line_order():
    dets = [_word(0, "9.00", 0.8, 0.301), _word(1, "TOTAL", 0.1, 0.3), _word(2, "CASH", 0.1, 0.34),
            _word(3, "10.00", 0.8, 0.342)]
    assert [r.text for r in visual_rows({"TextDetections": dets})] == ["TOTAL 9.00", "CASH 10.00"]


def test_skewed_rows_stay_together():
    # A photo tilted so that the right column sits ~one row lower than its label.
    dets = []
    for r, (label, amount) in enumerate([("SUBTOTAL", "15.00"), ("DISCOUNT", "0.00"), ("TAX", "0.90"),
                                         ("TOTAL", "15.90"), ("CASH", "20.00"), ("CHANGE", "4.10")]):
        top = 0.3 + r * 0.03
        dets += [_word(len(dets), label, 0.1, top), _word(len(dets) + 1, amount, 0.8, top + 0.028)]
    rows = [r.text for r in visual_rows({"TextDetections": dets})]
    assert rows[:2] == ["SUBTOTAL 15.00", "DISCOUNT 0.00"] and rows[-1] == "CHANGE 4.10"


def test_text_only_response_falls_back_to_lines():
    dets = [{"DetectedText": "TOTAL 5.00", "Type": "LINE", "Id": 0, "Confidence": 90.0}]
    assert [r.text for r in visual_rows({"TextDetections": dets})] == ["TOTAL 5.00"]

