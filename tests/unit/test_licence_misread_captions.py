"""Licence numbers after a caption whose word OCR misread at low resolution (``4d DLN`` read
``4d DEN``, ``44DLN``, ``DUN``, ``44 U``), the number's own letters first.

The caption word is no part of the number, but unlike a caption read right it is not found as a
label, and where the number opens with letters nothing on the row parts the caption's letters from
the number's: the state's format does, tried only when no plain reading fits.  Each card is the
local engine's reading, ``(text, confidence, left, top, width, height)``, of a generated tuning-only
card (``evals.synth_licences --seed N --count 24 --degrade lowres``), named where it stands.
"""

from __future__ import annotations

import datetime as dt

from docbatch.parse.identity.licence import parse_licence
from docbatch.parse.identity.licence_number_guesses import guessed_readings

from ..support.responses import response_from_words

RUN = dt.date(2026, 6, 1)
REVIEW = 50

#: Colorado (seed 5005 low res, card 003): ``4d DLN`` read ``4d DEN``, then the letter and six digits.
_COLORADO = [
    ('COLORADO', 100.0, 0.035, 0.032, 0.265, 0.071),
    ("DRIVER'S", 99.6, 0.537, 0.037, 0.127, 0.048),
    ('LICENSE', 99.8, 0.677, 0.037, 0.122, 0.048),
    ('4d', 98.3, 0.282, 0.156, 0.030, 0.048),
    ('DEN', 98.7, 0.312, 0.156, 0.038, 0.048),
    ('N244885', 99.9, 0.360, 0.156, 0.122, 0.050),
    ('9', 99.5, 0.652, 0.151, 0.018, 0.050),
    ('CLASS', 99.8, 0.668, 0.151, 0.067, 0.053),
    ('DM', 99.9, 0.735, 0.153, 0.048, 0.050),
    ('3', 99.8, 0.285, 0.228, 0.015, 0.050),
    ('00B', 73.3, 0.302, 0.228, 0.040, 0.050),
    ('10/25/1998', 100.0, 0.353, 0.228, 0.157, 0.050),
    ('4b', 99.9, 0.655, 0.230, 0.023, 0.048),
    ('EXP', 99.6, 0.683, 0.230, 0.033, 0.048),
    ('10/25/2028', 100.0, 0.728, 0.230, 0.155, 0.053),
    ('1WHITE', 92.7, 0.282, 0.307, 0.122, 0.050),
    ('2', 94.8, 0.285, 0.381, 0.017, 0.048),
    ('LINDA', 99.8, 0.305, 0.381, 0.087, 0.048),
    ('LEE', 99.9, 0.413, 0.381, 0.053, 0.048),
    ('862', 97.1, 0.282, 0.458, 0.058, 0.048),
    ('CEDAR', 99.9, 0.352, 0.458, 0.098, 0.048),
    ('RD', 99.9, 0.462, 0.458, 0.033, 0.048),
    ('RIVERTON,', 100.0, 0.290, 0.526, 0.162, 0.050),
    ('CO', 99.9, 0.453, 0.526, 0.040, 0.050),
    ('12117', 100.0, 0.507, 0.526, 0.087, 0.050),
    ('15', 100.0, 0.288, 0.601, 0.020, 0.048),
    ('SEX', 99.9, 0.313, 0.601, 0.035, 0.050),
    ('F', 99.0, 0.358, 0.603, 0.010, 0.048),
    ('16', 99.9, 0.655, 0.603, 0.023, 0.048),
    ('HGT', 98.8, 0.685, 0.603, 0.038, 0.048),
    ('5\'-04"', 100.0, 0.730, 0.603, 0.083, 0.048),
    ('4a', 97.3, 0.285, 0.677, 0.022, 0.050),
    ('ISS', 82.6, 0.310, 0.677, 0.032, 0.050),
    ('07/23/2023', 100.0, 0.352, 0.677, 0.155, 0.053),
    ('18', 100.0, 0.655, 0.677, 0.023, 0.048),
    ('EYES', 99.9, 0.685, 0.677, 0.043, 0.048),
    ('HAZ', 99.9, 0.740, 0.677, 0.053, 0.048),
    ('Linda', 99.9, 0.042, 0.886, 0.065, 0.045),
    ('White', 99.9, 0.117, 0.886, 0.065, 0.045),
]

#: West Virginia (seed 5006 low res, card 008): ``4d DLN`` read ``44DLN`` and glued to ``Y-E992-907``.
_WEST_VIRGINIA = [
    ('WEST', 100.0, 0.034, 0.025, 0.138, 0.074),
    ('VIRGINIA', 100.0, 0.187, 0.025, 0.214, 0.078),
    ("DRIVER'S", 99.9, 0.621, 0.039, 0.117, 0.046),
    ('LICENSE', 100.0, 0.747, 0.039, 0.106, 0.046),
    ('44DLNY-E992-907', 56.7, 0.312, 0.138, 0.228, 0.049),
    ('9', 60.5, 0.673, 0.138, 0.011, 0.053),
    ('CLASS', 99.6, 0.691, 0.138, 0.056, 0.053),
    ('A', 86.8, 0.752, 0.138, 0.011, 0.053),
    ('3', 87.3, 0.309, 0.194, 0.016, 0.057),
    ('D01/27/1993', 52.1, 0.327, 0.194, 0.205, 0.064),
    ('401/27/2031', 61.4, 0.668, 0.198, 0.228, 0.053),
    (':WHITE', 90.9, 0.309, 0.254, 0.095, 0.053),
    ('JENNIFER', 100.0, 0.325, 0.311, 0.124, 0.049),
    ('BETTY', 100.0, 0.481, 0.311, 0.079, 0.049),
    ('9668', 99.9, 0.325, 0.367, 0.063, 0.049),
    ('MAIN', 99.9, 0.404, 0.367, 0.065, 0.049),
    ('CT', 100.0, 0.485, 0.367, 0.032, 0.049),
    ('SALEM,', 100.0, 0.309, 0.424, 0.097, 0.053),
    ('WV', 100.0, 0.424, 0.424, 0.034, 0.053),
    ('99556', 100.0, 0.470, 0.424, 0.079, 0.053),
    ('15', 98.1, 0.312, 0.481, 0.023, 0.049),
    ('SEXF', 93.2, 0.336, 0.481, 0.054, 0.049),
    ('16HGT5\'-11"', 64.1, 0.673, 0.481, 0.160, 0.053),
    ('4a15503/17/2024', 48.2, 0.302, 0.534, 0.230, 0.060),
    ('18', 98.3, 0.673, 0.541, 0.023, 0.049),
    ('EYESBLU', 88.8, 0.698, 0.541, 0.097, 0.049),
    ('Jennifer', 99.2, 0.036, 0.890, 0.093, 0.053),
    ('White', 99.9, 0.138, 0.890, 0.070, 0.053),
]

#: Idaho (seed 5006 low res, card 011): ``DLN`` read ``DUN`` and glued to ``RE216897K``.
_IDAHO = [
    ('IDAHO', 100.0, 0.030, 0.030, 0.159, 0.087),
    ("DRIVER'S", 99.9, 0.533, 0.043, 0.129, 0.048),
    ('LICENSE', 99.8, 0.670, 0.043, 0.124, 0.048),
    ('DUNRE216897K', 40.8, 0.308, 0.156, 0.239, 0.056),
    ('CLASS', 98.4, 0.681, 0.156, 0.060, 0.056),
    ('A', 95.9, 0.753, 0.156, 0.014, 0.056),
    ('3', 36.9, 0.283, 0.238, 0.014, 0.056),
    ('008', 91.5, 0.297, 0.238, 0.044, 0.056),
    ('10/15/1961', 100.0, 0.349, 0.238, 0.184, 0.056),
    ('10/15/2027', 99.9, 0.739, 0.229, 0.190, 0.065),
    ('THOMPSON', 100.0, 0.299, 0.316, 0.198, 0.056),
    ('SANDRA', 99.9, 0.302, 0.390, 0.140, 0.061),
    ('JOSEPH', 99.9, 0.451, 0.390, 0.129, 0.061),
    ('4816', 100.0, 0.302, 0.476, 0.088, 0.052),
    ('ELM', 99.9, 0.396, 0.476, 0.066, 0.052),
    ('AVE', 100.0, 0.478, 0.476, 0.066, 0.052),
    ('DOVER,', 100.0, 0.283, 0.550, 0.132, 0.061),
    ('ID', 100.0, 0.420, 0.550, 0.033, 0.061),
    ('25193', 100.0, 0.467, 0.550, 0.107, 0.065),
    ('15', 99.5, 0.288, 0.628, 0.014, 0.061),
    ('5EX', 62.3, 0.313, 0.628, 0.036, 0.061),
    ('F', 97.9, 0.357, 0.628, 0.011, 0.061),
    ('16', 97.9, 0.668, 0.623, 0.019, 0.061),
    ('HGT', 75.1, 0.692, 0.623, 0.038, 0.061),
    ('5\'-07"', 99.7, 0.745, 0.623, 0.096, 0.061),
    ('05/15/2023', 100.0, 0.349, 0.706, 0.184, 0.061),
    ('18', 99.0, 0.662, 0.706, 0.027, 0.056),
    ('EYES', 95.6, 0.692, 0.706, 0.049, 0.056),
    ('BLU', 100.0, 0.753, 0.706, 0.055, 0.056),
    ('Sandra', 92.2, 0.044, 0.883, 0.093, 0.056),
    ('Thompson', 99.9, 0.146, 0.883, 0.135, 0.056),
]


#: Montana (seed 5006 low res, card 013): ``4d DLN`` read ``44 U``, the ``U`` glued to the first of the
#: groups ``1533 3325 2``; ``U15333325`` fits Montana's letter and eight digits, leaving the ``2``.
_MONTANA = [
    ('MONTANA', 100.0, 0.049, 0.031, 0.318, 0.093),
    ("DRIVER'S", 99.9, 0.607, 0.059, 0.146, 0.057),
    ('LICENSE', 100.0, 0.764, 0.062, 0.135, 0.057),
    ('44', 67.0, 0.318, 0.176, 0.031, 0.051),
    ('U1533', 53.0, 0.358, 0.176, 0.101, 0.054),
    ('3325', 100.0, 0.468, 0.178, 0.080, 0.054),
    ('2', 100.0, 0.556, 0.181, 0.020, 0.051),
    ('9', 99.0, 0.684, 0.184, 0.011, 0.054),
    ('CLASS', 96.4, 0.702, 0.184, 0.051, 0.057),
    ('D', 99.8, 0.766, 0.187, 0.009, 0.054),
    ('05/28/1976', 100.0, 0.380, 0.235, 0.166, 0.065),
    ('405/28/2027', 86.4, 0.680, 0.244, 0.239, 0.065),
    ('1WILSON', 54.3, 0.318, 0.297, 0.152, 0.057),
    ('2OMAR', 68.1, 0.314, 0.357, 0.122, 0.057),
    ('9798', 100.0, 0.331, 0.422, 0.080, 0.057),
    ('RIVER', 99.9, 0.424, 0.422, 0.099, 0.059),
    ('CT', 100.0, 0.530, 0.425, 0.048, 0.059),
    ('CLINTON,', 100.0, 0.324, 0.484, 0.159, 0.057),
    ('MT', 100.0, 0.492, 0.487, 0.044, 0.057),
    ('22084', 99.9, 0.545, 0.490, 0.095, 0.054),
    ('15', 100.0, 0.318, 0.541, 0.024, 0.054),
    ('SEXF', 61.5, 0.342, 0.541, 0.053, 0.057),
    ('15', 44.6, 0.682, 0.552, 0.026, 0.054),
    ('HGT', 66.4, 0.706, 0.552, 0.037, 0.054),
    ('5\'-01"', 99.7, 0.746, 0.552, 0.090, 0.057),
    ('415504/21/2021', 30.5, 0.316, 0.601, 0.230, 0.071),
    ('EYES', 28.1, 0.704, 0.612, 0.048, 0.059),
    ('HAZ', 97.7, 0.753, 0.615, 0.059, 0.059),
    ('Omar', 99.9, 0.051, 0.850, 0.091, 0.059),
    ('Wilson', 99.8, 0.155, 0.853, 0.104, 0.062),
]


def test_a_misread_caption_word_before_a_number_opening_with_a_letter_is_no_part_of_it() -> None:
    f = parse_licence(response_from_words(_COLORADO), run_date=RUN)
    assert f.values["document_number"] == "N244885"


def test_a_field_number_read_as_two_digits_glued_before_the_caption_is_dropped_and_the_number_flagged() -> None:
    f = parse_licence(response_from_words(_WEST_VIRGINIA), run_date=RUN)
    assert f.values["document_number"] == "YE992907"
    assert f.confidence["document_number"] < REVIEW


def test_a_misread_caption_glued_to_the_numbers_letters_is_cut_where_the_format_fits_and_flagged() -> None:
    f = parse_licence(response_from_words(_IDAHO), run_date=RUN)
    assert f.values["document_number"] == "RE216897K"
    assert f.confidence["document_number"] < REVIEW


def test_a_cut_inside_the_letters_leaves_only_a_number_caption_behind() -> None:
    # ``DUN`` is ``DLN`` misread by one letter; ``DUNR`` is no caption, so ``E216897K`` is not offered.
    readings = guessed_readings("DUNRE216897K")
    assert "RE216897K" in readings
    assert "E216897K" not in readings


def test_a_reading_that_leaves_the_rows_last_digit_group_gives_way_to_one_spelling_every_group() -> None:
    f = parse_licence(response_from_words(_MONTANA), run_date=RUN)
    assert f.values["document_number"] == "153333252"
    assert f.confidence["document_number"] < REVIEW
