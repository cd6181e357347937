"""Name rows of low-resolution cards whose small field numbers and captions were read as marks or letters.

Each card below is the engine's reading of a low-resolution generated card (``evals.synth_licences
--seed 5 --degrade lowres``, cards 024 and 025: held out until session 16 scored them, tuning
evidence since), ``(text, confidence, left, top, width, height)``.
"""

from __future__ import annotations

from ..support.licences import REVIEW, read_card, read_rows

#: Arkansas, card 024: ``4d DLN`` read ``0LN`` (a family-name caption), and ``9 CLASS DM`` right of it
#: read ``$ CLASS DM``, the field number ``9`` a mark.
_ARKANSAS = [
    ('Arkansas', 100.0, 0.032, 0.017, 0.253, 0.100),
    ("DRIVER'S", 100.0, 0.507, 0.033, 0.132, 0.054),
    ('LICENSE', 100.0, 0.644, 0.033, 0.127, 0.054),
    ('0LN', 33.1, 0.314, 0.151, 0.037, 0.050),
    ('1753', 100.0, 0.361, 0.151, 0.063, 0.050),
    ('47765', 99.9, 0.435, 0.151, 0.090, 0.050),
    ('$', 62.2, 0.652, 0.151, 0.013, 0.054),
    ('CLASS', 51.3, 0.665, 0.151, 0.055, 0.054),
    ('DM', 99.9, 0.739, 0.151, 0.029, 0.054),
    ('308', 43.6, 0.303, 0.205, 0.034, 0.050),
    ('05/02/1955', 100.0, 0.356, 0.205, 0.140, 0.050),
    ('4h', 52.9, 0.657, 0.213, 0.016, 0.038),
    ('137', 62.9, 0.681, 0.213, 0.026, 0.038),
    ('05/02/2030', 100.0, 0.728, 0.205, 0.140, 0.050),
    ('JONES', 99.9, 0.317, 0.264, 0.084, 0.054),
    ('KARENA', 99.8, 0.319, 0.318, 0.119, 0.050),
    ('3382', 99.8, 0.317, 0.377, 0.066, 0.050),
    ('HILLST', 82.8, 0.393, 0.377, 0.106, 0.050),
    ('SPRINGFIELD.', 92.1, 0.290, 0.435, 0.195, 0.042),
    ('AR', 100.0, 0.491, 0.435, 0.034, 0.042),
    ('50453', 100.0, 0.536, 0.435, 0.077, 0.042),
    ('USSEX', 28.5, 0.290, 0.490, 0.053, 0.050),
    ('M', 99.2, 0.364, 0.490, 0.011, 0.050),
    ('38G7', 34.3, 0.654, 0.485, 0.058, 0.050),
    ('5\'-02"', 99.2, 0.731, 0.485, 0.074, 0.050),
    ('10/09/2023', 100.0, 0.354, 0.540, 0.140, 0.054),
    ('S8ES', 24.8, 0.657, 0.544, 0.063, 0.038),
    ('GRN', 100.0, 0.734, 0.544, 0.063, 0.050),
    ('Karen', 96.7, 0.040, 0.879, 0.071, 0.063),
    ('Jones', 95.7, 0.116, 0.879, 0.071, 0.063),
]

#: Indiana, card 025: the ``LN`` caption lost, ``FN`` read ``r`` before ``NOAH F``; signed "Noah Nakamura".
_INDIANA = [
    ('INDIANA', 99.4, 0.036, 0.030, 0.211, 0.082),
    ("DRIVER'S", 99.9, 0.581, 0.043, 0.134, 0.056),
    ('LICENSE', 99.9, 0.723, 0.043, 0.118, 0.056),
    ('8909303713', 100.0, 0.345, 0.159, 0.178, 0.052),
    ('CLASS', 61.8, 0.677, 0.159, 0.066, 0.056),
    ('DM', 99.9, 0.753, 0.159, 0.041, 0.056),
    ('D08', 40.9, 0.304, 0.233, 0.041, 0.052),
    ('05/18/1974', 100.0, 0.364, 0.233, 0.156, 0.052),
    ('x', 39.7, 0.690, 0.233, 0.019, 0.060),
    ('05/18/2026', 100.0, 0.737, 0.233, 0.162, 0.069),
    ('NAKAMURA', 95.6, 0.351, 0.306, 0.159, 0.069),
    ('r', 43.8, 0.301, 0.388, 0.022, 0.056),
    ('NOAH', 99.6, 0.351, 0.388, 0.079, 0.056),
    ('F', 99.9, 0.436, 0.388, 0.019, 0.056),
    ('2152', 100.0, 0.304, 0.461, 0.071, 0.056),
    ('SUNSET', 100.0, 0.381, 0.461, 0.112, 0.056),
    ('DR', 99.9, 0.504, 0.461, 0.036, 0.056),
    ('GREENVILLE,', 100.0, 0.307, 0.539, 0.181, 0.056),
    ('IN', 100.0, 0.490, 0.539, 0.027, 0.056),
    ('78781', 100.0, 0.534, 0.539, 0.079, 0.056),
    ('sex', 39.2, 0.304, 0.608, 0.030, 0.065),
    ('F', 64.3, 0.359, 0.608, 0.011, 0.065),
    ('HOT', 86.5, 0.679, 0.616, 0.038, 0.060),
    ('6\'-03"', 99.2, 0.737, 0.616, 0.082, 0.060),
    ('55', 37.0, 0.307, 0.690, 0.027, 0.060),
    ('11/14/2020', 100.0, 0.345, 0.690, 0.164, 0.060),
    ('EYES', 99.2, 0.679, 0.703, 0.041, 0.043),
    ('BLU', 99.9, 0.740, 0.698, 0.055, 0.056),
    ('Noah', 69.6, 0.044, 0.871, 0.079, 0.060),
    ('Nakamura', 99.8, 0.134, 0.871, 0.159, 0.065),
]


def test_a_label_after_marks_read_from_its_field_number_is_no_value_of_the_label_before_it() -> None:
    fields = read_card(_ARKANSAS)
    assert fields.values["last_name"] == "JONES"


def test_a_one_letter_word_leading_a_name_row_does_not_decide_which_row_is_the_family_name() -> None:
    fields = read_card(_INDIANA)
    assert fields.values["last_name"] == "NAKAMURA"


def test_a_one_letter_word_before_the_given_name_a_signature_opens_with_is_dropped() -> None:
    fields = read_card(_INDIANA)
    assert (fields.values["first_name"], fields.values.get("middle_name")) == ("NOAH", "F")


def test_a_one_letter_word_before_given_names_no_signature_writes_is_flagged() -> None:
    fields = read_rows([
        ("INDIANA", 0.05, 0.02), ("DL 8909303713", 0.30, 0.15), ("NAKAMURA", 0.30, 0.30), ("R NOAH F", 0.30, 0.38),
        ("2152 SUNSET DR", 0.30, 0.46), ("GREENVILLE, IN 78781", 0.30, 0.54)])
    assert fields.values["first_name"] == "R" and fields.confidence["first_name"] < REVIEW
