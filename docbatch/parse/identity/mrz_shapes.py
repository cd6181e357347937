"""The shape of a document number: where its letters sit among its digits.

ICAO 9303 leaves a number's characters to its issuer, but series put a letter prefix before
the digits (``AB1234567``) and some end in a letter, a series suffix or check letter
(``P1234567A``); a letter between digits away from both ends is rare.  A check digit cannot
tell every look-alike reading apart (``O``/``0`` swapped twice, several single swaps passing
one check), and then the shape is the evidence left: :mod:`.mrz_rivals` counts a rival
reading only if it has a number's shape, and :mod:`.mrz_resolve` takes the one repair that has.
"""

from __future__ import annotations

from .mrz_decode import FILLER

#: The most letters a likely number holds, and how near its end a letter after digits sits.
_LIKELY_LETTERS, _SUFFIX_PLACES = 2, 2


def number_rank(text: str) -> tuple[int, int]:
    """How unlike a document number ``text`` is (lower is likelier): letters after its first
    digit, then letters.  Series put a letter prefix before the digits (``AB1234567``)."""
    first_digit = next((i for i, c in enumerate(text) if c.isdigit()), len(text))
    return sum(c.isalpha() for c in text[first_digit:]), sum(c.isalpha() for c in text)


def likely_number(text: str) -> bool:
    """Does ``text`` have a document number's shape: two letters at most, each in the leading
    series prefix (``OO080620``) or among the last two characters, a series' suffix or check
    letter (``P1234567A``, ``O641070O4``)?  A letter between digits away from both ends
    (``O700O6020``) is no series' shape."""
    value = text.rstrip(FILLER)
    first_digit = next((i for i, c in enumerate(value) if c.isdigit()), len(value))
    inner = [i for i, c in enumerate(value) if c.isalpha() and i > first_digit]
    return (sum(c.isalpha() for c in value) <= _LIKELY_LETTERS
            and all(i >= len(value) - _SUFFIX_PLACES for i in inner))
