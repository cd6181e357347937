"""The ``CITY, ST 12345`` line when OCR reads a letter of the state's code as a digit.

The card below is the local engine's reading of a clean generated Oklahoma card (``evals.synth_licences
--seed 347``, tuned card 016), ``(text, confidence, left, top, width, height)``: ``OK`` read ``0K``.
"""

from __future__ import annotations

from ..support.licences import read_card, read_rows

_OKLAHOMA = [
    ('OKLAHOMA', 96.8, 0.040, 0.033, 0.216, 0.060),
    ("DRIVER'S", 99.9, 0.534, 0.043, 0.141, 0.049),
    ('LICENSE', 99.7, 0.689, 0.043, 0.136, 0.049),
    ('LIC#', 98.4, 0.330, 0.174, 0.043, 0.046),
    ('N939508102', 100.0, 0.388, 0.174, 0.165, 0.049),
    ('CLASS', 99.4, 0.658, 0.174, 0.057, 0.054),
    ('A', 99.7, 0.732, 0.174, 0.012, 0.054),
    ('DOB', 98.8, 0.328, 0.236, 0.045, 0.054),
    ('11/07/1985', 100.0, 0.387, 0.236, 0.165, 0.054),
    ('EXP', 99.9, 0.653, 0.236, 0.046, 0.054),
    ('11/07/2026', 100.0, 0.711, 0.236, 0.167, 0.060),
    ('LEE,', 100.0, 0.330, 0.307, 0.069, 0.049),
    ('SARAH', 100.0, 0.412, 0.307, 0.084, 0.049),
    ('MARY', 100.0, 0.515, 0.307, 0.064, 0.049),
    ('134', 100.0, 0.330, 0.367, 0.053, 0.052),
    ('MAIN', 100.0, 0.397, 0.367, 0.067, 0.052),
    ('BLVD', 100.0, 0.481, 0.370, 0.069, 0.052),
    ('FRANKLIN,', 100.0, 0.332, 0.435, 0.151, 0.052),
    ('0K', 60.7, 0.500, 0.435, 0.033, 0.052),
    ('51733', 100.0, 0.548, 0.435, 0.082, 0.052),
    ('SEX', 99.8, 0.332, 0.495, 0.038, 0.060),
    ('M', 99.8, 0.381, 0.495, 0.014, 0.060),
    ('HGT', 99.7, 0.655, 0.495, 0.043, 0.052),
    ('6\'-04"', 100.0, 0.710, 0.495, 0.096, 0.054),
    ('IsS', 58.0, 0.328, 0.560, 0.038, 0.054),
    ('06/01/2019', 100.0, 0.375, 0.560, 0.165, 0.057),
    ('EYES', 99.8, 0.656, 0.568, 0.048, 0.038),
    ('BRN', 100.0, 0.720, 0.565, 0.046, 0.049),
    ('Sarah', 100.0, 0.045, 0.878, 0.091, 0.057),
    ('Lee', 100.0, 0.148, 0.878, 0.053, 0.057),
]


def test_a_state_code_with_a_letter_read_as_a_digit_still_makes_the_city_line() -> None:
    f = read_card(_OKLAHOMA)
    assert (f.values["city_in_address"], f.values["state_in_address"], f.values["zip_code_in_address"]) == (
        "FRANKLIN", "OK", "51733")


def test_the_names_above_that_city_line_are_read() -> None:
    f = read_card(_OKLAHOMA)
    assert (f.values["last_name"], f.values["first_name"], f.values["middle_name"]) == ("LEE", "SARAH", "MARY")
    assert f.values["address"] == "134 MAIN BLVD"


def test_a_state_code_read_as_printed_wins_over_an_earlier_row_read_through_a_look_alike() -> None:
    # "DD 5D 43210 9876" (a document discriminator) passes for a city line of SD only through 5 -> S.
    rows = [("ILLINOIS DRIVER'S LICENSE", 0.05, 0.03), ("DD 5D 43210 9876", 0.30, 0.12),
            ("SMITH", 0.30, 0.20), ("JOHN", 0.30, 0.26), ("123 MAIN ST", 0.30, 0.32),
            ("SPRINGFIELD, IL 62701", 0.30, 0.38)]
    f = read_rows(rows)
    assert (f.values["city_in_address"], f.values["state_in_address"]) == ("SPRINGFIELD", "IL")
