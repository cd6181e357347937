"""A licence number printed in groups: one group read a digit short is a lost digit.

Where a state's formats allow a number one digit longer (Montana prints 13 or 14 digits), a lost
digit still fits; the groups, printed at one length but the last, show it.
"""

from __future__ import annotations

from ..support.licences import REVIEW, read_rows


def _number(state_name: str, printed: str) -> tuple[object, float]:
    f = read_rows([(state_name, 0.05, 0.02), (f"DL NO. {printed}", 0.30, 0.15),
                                          ("EXP 08/31/2029", 0.30, 0.22)])
    return f.values["document_number"], f.confidence["document_number"]


def test_a_group_one_digit_short_is_flagged_where_one_digit_more_would_fit_too() -> None:
    number, conf = _number("MONTANA", "1234 567 9012 34")
    assert number == "1234567901234" and conf < REVIEW


def test_groups_of_one_length_but_the_last_are_trusted() -> None:
    assert _number("MONTANA", "1234 5678 9012 34")[1] > 90


def test_uneven_groups_of_a_fixed_length_format_are_trusted() -> None:
    # Florida prints S123-456-78-900-0: a lost digit there would fit no format.
    assert _number("FLORIDA", "S123-456-78-900-0")[1] > 90


def test_groups_run_together_by_ocr_are_no_lost_digit() -> None:
    assert _number("MONTANA", "1234 56789012 34")[1] > 90
