"""A licence number is never read from a date's row.

At low resolution the local engine reads a birth date's ``3 DOB`` caption as digits glued to
the date (``300808/26/1968``, ``3008 06/10/1958``); those digits, joined to the date's month,
fit the state's format as well as the real number beside the ``4d DLN`` caption does.  Each
card below is the engine's reading of a low-resolution generated card (``evals.synth_licences``
seeds 211 and 223, tuned cards), ``(text, confidence, left, top, width, height)``.
"""

from __future__ import annotations

import datetime as dt

from docbatch.parse.identity.licence_fields import number_readings

from ..support.licences import REVIEW, read_card

#: Delaware, seed 211 card 022: the number 8514 (Delaware prints one to seven digits), the birth
#: date's caption read as ``300808/26/1968`` on the row under it.
_DELAWARE = [
    ('DELAWARE', 100.0, 0.033, 0.029, 0.277, 0.069),
    ("DRIVER'S", 100.0, 0.615, 0.040, 0.132, 0.048),
    ('LICENSE', 100.0, 0.755, 0.040, 0.120, 0.048),
    ('4d', 80.8, 0.293, 0.153, 0.020, 0.045),
    ('DLN', 82.3, 0.318, 0.153, 0.028, 0.045),
    ('8514', 62.0, 0.355, 0.153, 0.048, 0.045),
    ('9', 97.6, 0.635, 0.156, 0.008, 0.045),
    ('CLASS', 94.3, 0.643, 0.156, 0.048, 0.045),
    ('A', 99.5, 0.700, 0.156, 0.010, 0.045),
    ('300808/26/1968', 97.9, 0.293, 0.201, 0.187, 0.053),
    ('08/26/2028', 99.9, 0.688, 0.206, 0.133, 0.048),
    ('MARTIN', 100.0, 0.307, 0.262, 0.085, 0.042),
    ('NOAH', 100.0, 0.308, 0.315, 0.057, 0.045),
    ('DANIEL', 100.0, 0.378, 0.315, 0.080, 0.045),
    ('5528', 100.0, 0.307, 0.365, 0.058, 0.042),
    ('WASHINGTON', 100.0, 0.377, 0.365, 0.138, 0.042),
    ('DR', 100.0, 0.528, 0.365, 0.027, 0.042),
    ('GEORGETOWN,', 100.0, 0.293, 0.418, 0.155, 0.045),
    ('DE', 100.0, 0.458, 0.418, 0.028, 0.045),
    ('22614', 96.8, 0.500, 0.418, 0.072, 0.045),
    ('15', 100.0, 0.295, 0.471, 0.020, 0.042),
    ('SEXF', 100.0, 0.317, 0.471, 0.047, 0.042),
    ('16', 99.6, 0.633, 0.468, 0.015, 0.048),
    ('HGT', 99.7, 0.653, 0.468, 0.035, 0.048),
    ('4\'-03"', 78.3, 0.693, 0.468, 0.075, 0.048),
    ('4a', 99.7, 0.293, 0.519, 0.023, 0.050),
    ('15510/13/2021', 38.9, 0.315, 0.519, 0.165, 0.050),
    ('18', 99.8, 0.632, 0.521, 0.020, 0.048),
    ('EYESBLU', 68.3, 0.657, 0.521, 0.075, 0.048),
    ('Noah', 100.0, 0.043, 0.886, 0.062, 0.045),
    ('Martin', 100.0, 0.113, 0.886, 0.082, 0.045),
]

#: South Carolina, seed 223 card 020: the number 50686109851 read ``5068610985P``, the birth
#: date's caption read as ``3008`` before ``06/10/1958`` on the row under it.
_SOUTH_CAROLINA = [
    ('SOUTH', 100.0, 0.037, 0.064, 0.126, 0.069),
    ('CAROLINA', 100.0, 0.177, 0.060, 0.194, 0.069),
    ('USA', 100.0, 0.581, 0.056, 0.067, 0.056),
    ('4d', 99.3, 0.312, 0.193, 0.034, 0.060),
    ('DLN', 62.4, 0.348, 0.193, 0.045, 0.060),
    ('5068610985P', 84.0, 0.402, 0.180, 0.230, 0.069),
    ('CLASS', 98.2, 0.638, 0.176, 0.076, 0.060),
    ('CM', 79.1, 0.722, 0.176, 0.039, 0.056),
    ('3008', 98.7, 0.315, 0.275, 0.067, 0.060),
    ('06/10/1958', 82.9, 0.399, 0.270, 0.185, 0.064),
    ('46', 99.9, 0.626, 0.262, 0.025, 0.052),
    ('EXP', 48.7, 0.660, 0.262, 0.042, 0.052),
    ('06/10/2026', 68.6, 0.711, 0.258, 0.185, 0.056),
    ('1JACKSON', 85.1, 0.315, 0.356, 0.188, 0.069),
    ('2', 77.8, 0.315, 0.442, 0.025, 0.060),
    ('SARAH', 64.9, 0.340, 0.438, 0.124, 0.064),
    ('L', 100.0, 0.472, 0.438, 0.025, 0.060),
    ('88856', 50.3, 0.315, 0.524, 0.115, 0.060),
    ('SUNSET', 100.0, 0.438, 0.515, 0.149, 0.064),
    ('WAY', 100.0, 0.598, 0.515, 0.076, 0.056),
    ('MILTON,', 100.0, 0.326, 0.605, 0.157, 0.064),
    ('SC', 99.9, 0.483, 0.601, 0.053, 0.060),
    ('76729', 99.6, 0.542, 0.592, 0.115, 0.069),
    ('15', 100.0, 0.326, 0.691, 0.028, 0.056),
    ('SEXF', 100.0, 0.357, 0.691, 0.070, 0.056),
    ('16HGT', 99.9, 0.629, 0.674, 0.084, 0.056),
    ('5\'-00"', 99.9, 0.728, 0.674, 0.096, 0.056),
    ('4a155', 99.0, 0.326, 0.773, 0.070, 0.060),
    ('12/05/2022', 90.0, 0.404, 0.768, 0.191, 0.064),
    ('18', 99.9, 0.629, 0.760, 0.039, 0.052),
    ('EYES', 97.5, 0.669, 0.760, 0.062, 0.052),
    ('BRN', 69.8, 0.736, 0.760, 0.073, 0.052),
    ('Sarah', 100.0, 0.065, 0.871, 0.079, 0.060),
    ('Jackson', 100.0, 0.154, 0.867, 0.107, 0.064),
]


def test_a_short_number_beside_its_caption_beats_digits_glued_to_the_birth_date_below():
    f = read_card(_DELAWARE)
    assert f.values["document_number"] == "8514"
    assert f.values["date_of_birth"] == dt.date(1968, 8, 26)


def test_a_misread_number_is_flagged_not_replaced_by_digits_joined_to_the_birth_dates_month():
    f = read_card(_SOUTH_CAROLINA)
    # The P (a misread 1) cut off leaves ten digits that fit; a guess, so flagged.
    assert f.values["document_number"] == "5068610985"
    assert f.confidence["document_number"] < REVIEW


def test_no_reading_joins_a_dates_digits():
    assert number_readings("3008 06/10/1958") == []
    assert number_readings("300808/26/1968") == []
    readings = number_readings("123456789 06/10/2026")  # a number before a date keeps its digits
    assert readings == ["123456789"]
