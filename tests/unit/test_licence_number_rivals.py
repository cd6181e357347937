"""A licence number found without its label, where another reading of its row fits the format too.

Each card is the local engine's reading, ``(text, confidence, left, top, width, height)``, of a
generated tuning-only card (``evals.synth_licences --seed N --count 24 --degrade lowres``), named where
it stands; where the engine read a word that a lower resolution loses, the word is taken out, and
the comment says which.
"""

from __future__ import annotations

from docbatch.parse.identity.licence_number_rivals import rival_reading
from docbatch.parse.identity.licence_numbers import number_fits

from ..support.licences import REVIEW, read_card

#: Wyoming (seed 5009 low res, card 014), ``4d DLN 4104 9697 28``: the engine read ``4 DLN 4104 9697 28``,
#: ``DLN`` at 57; without that word (taken out) the caption's field number ``4`` stands alone before
#: the number's groups.  Wyoming prints 9 or 10 digits.
_WYOMING = [
    ('WYOMING', 100.0, 0.051, 0.034, 0.315, 0.098),
    ("DRIVER'S", 99.8, 0.553, 0.062, 0.140, 0.059),
    ('LICENSE', 99.5, 0.702, 0.067, 0.135, 0.059),
    ('4', 89.1, 0.320, 0.171, 0.018, 0.056),
    ('4104', 100.0, 0.387, 0.174, 0.073, 0.062),
    ('9697', 100.0, 0.473, 0.180, 0.073, 0.059),
    ('28', 100.0, 0.556, 0.185, 0.036, 0.056),
    ('9CLASSCM', 79.4, 0.669, 0.183, 0.115, 0.073),
    ('3', 99.6, 0.315, 0.247, 0.015, 0.059),
    ('00810/08/1962', 77.7, 0.333, 0.247, 0.216, 0.067),
    ('4hEXP10/08/2028', 57.6, 0.665, 0.261, 0.244, 0.070),
    ('JOHNSON', 99.8, 0.333, 0.326, 0.149, 0.059),
    ('2BETTY', 56.9, 0.315, 0.396, 0.116, 0.056),
    ('DAVID', 99.9, 0.447, 0.399, 0.089, 0.056),
    ('2395', 100.0, 0.335, 0.469, 0.078, 0.056),
    ('LAKE', 99.9, 0.415, 0.472, 0.085, 0.056),
    ('AVE', 99.9, 0.509, 0.475, 0.060, 0.056),
    ('RIVERTON,', 100.0, 0.315, 0.539, 0.173, 0.065),
    ('WY', 100.0, 0.495, 0.545, 0.047, 0.059),
    ('19526', 100.0, 0.553, 0.548, 0.096, 0.059),
    ('15', 99.9, 0.309, 0.607, 0.027, 0.059),
    ('5EXF', 64.0, 0.335, 0.607, 0.060, 0.065),
    ('16', 96.6, 0.662, 0.621, 0.029, 0.062),
    ('HGT', 99.0, 0.689, 0.621, 0.044, 0.065),
    ('5\'-06"', 99.9, 0.731, 0.624, 0.095, 0.067),
    ('4a15s06/17/2023', 48.1, 0.307, 0.683, 0.236, 0.070),
    ('18', 99.9, 0.662, 0.694, 0.027, 0.059),
    ('EYESGRN', 97.8, 0.687, 0.694, 0.111, 0.067),
    ('Betty', 100.0, 0.047, 0.843, 0.078, 0.065),
    ('Johnson', 99.8, 0.138, 0.843, 0.113, 0.067),
]


def _wyoming(value: object) -> bool:
    return bool(number_fits("WY", str(value)))


def test_a_number_beaten_narrowly_by_a_reading_a_token_later_is_that_reading_after_a_lone_digit_and_flagged() -> None:
    f = read_card(_WYOMING)
    assert f.values["document_number"] == "4104969728"  # not 441049697, the 4 glued on and the 28 left out
    assert f.confidence["document_number"] < REVIEW


def test_a_reading_a_token_later_is_a_rival_only_where_it_spells_digits_the_number_does_not_hold() -> None:
    assert rival_reading(["4", "4104", "9697", "28"], "441049697", _wyoming) == "4104969728"
    assert rival_reading(["4104", "9697", "28"], "4104969728", _wyoming) is None
