"""A name read glued to its two-letter caption, the letter the two share at the seam read once.

At low resolution the gap between a worded card's caption and its name closes: ``FN NOAH`` is read
``FNOAH``, one ``N`` for the caption's and the name's, so the caption found leaves ``OAH``.  Each
card is the local engine's reading, ``(text, confidence, left, top, width, height)``, of a generated
tuning-only card (``evals.synth_licences --seed N --count 24 --degrade lowres``), named where it stands.
"""

from __future__ import annotations

from ..support.licences import read_card

#: Alaska (seed 5007 low res, card 023): ``FN NOAH OMAR`` read ``FNOAH OMAR``; the signature ``Noah Jones``.
_ALASKA = [
    ('ALASKA', 100.0, 0.030, 0.024, 0.164, 0.064),
    ('DRIVER', 99.9, 0.561, 0.033, 0.094, 0.045),
    ('LICENSE', 99.8, 0.662, 0.033, 0.112, 0.045),
    ('6714410', 100.0, 0.326, 0.138, 0.112, 0.045),
    ('CLASS', 89.2, 0.674, 0.136, 0.048, 0.050),
    ('CM', 99.9, 0.730, 0.136, 0.027, 0.050),
    ('11/09/1988', 100.0, 0.339, 0.186, 0.135, 0.045),
    ('11/09/2031', 100.0, 0.712, 0.186, 0.135, 0.048),
    ('JONES', 99.3, 0.329, 0.238, 0.079, 0.050),
    ('FNOAH', 62.3, 0.298, 0.286, 0.103, 0.045),
    ('OMAR', 100.0, 0.411, 0.288, 0.080, 0.043),
    ('6116', 100.0, 0.303, 0.338, 0.065, 0.045),
    ('OAK', 99.7, 0.374, 0.338, 0.052, 0.045),
    ('LN', 100.0, 0.432, 0.338, 0.036, 0.045),
    ('ARLINGTON,', 99.8, 0.303, 0.390, 0.167, 0.045),
    ('AK', 100.0, 0.471, 0.390, 0.036, 0.045),
    ('98487', 100.0, 0.515, 0.390, 0.079, 0.045),
    ('SEX', 76.4, 0.306, 0.438, 0.023, 0.048),
    ('M', 99.4, 0.342, 0.438, 0.008, 0.048),
    ('HGT', 82.9, 0.677, 0.438, 0.030, 0.045),
    ('5\'-01"', 99.7, 0.715, 0.438, 0.068, 0.045),
    ('iss', 84.9, 0.298, 0.486, 0.033, 0.048),
    ('02/18/2023', 100.0, 0.333, 0.486, 0.135, 0.048),
    ('EYES', 64.7, 0.676, 0.486, 0.039, 0.048),
    ('HAZ', 99.9, 0.721, 0.486, 0.048, 0.048),
    ('Noah', 99.9, 0.044, 0.898, 0.048, 0.050),
    ('Jones', 99.9, 0.102, 0.898, 0.061, 0.050),
]


def test_the_letter_a_glued_caption_shares_with_the_name_is_the_names_where_the_signature_spells_it() -> None:
    f = read_card(_ALASKA)
    assert f.values["first_name"] == "NOAH"
    assert f.values["middle_name"] == "OMAR"


def test_a_glued_name_the_signature_does_not_spell_with_the_letter_is_kept_as_read() -> None:
    unsigned = [w for w in _ALASKA if w[0] != "Noah"]
    f = read_card(unsigned)
    assert f.values["first_name"] == "OAH"
