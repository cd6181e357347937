"""Rival readings of an MRZ document number that its check digits cannot rule out.

A check digit weighs ``O`` as 24 and ``0`` as 0, so one ``O``/``0`` swap always breaks it,
but two can keep it (weights 7 and 3 swapped the same way: 24 x 10; or two of one weight
swapped opposite ways), and the composite check covers the number with the same weights, so
it cannot tell either.  OCR confuses the two, so a number mixing ``O`` among digits
(``O641070O4``) read as ``064107004`` passes every check and is wrong: the zone proves
neither reading.  :func:`lookalike_rivals` finds such rivals, so the parser flags the number
instead of trusting the check.

The confusion runs one way: the local engine reads a letter ``O`` as ``0`` (103 of 243 zone
``O``s, 5 of 40 printed ones, on the tuned halves of seven ``evals.synth_mrz`` seeds) and a
``0`` as a letter never (0 of 755 zone zeros, 0 of 213 printed): a recognizer reading a
number leans to digits.  So a rival may read a ``0`` as ``O`` where the zone and print read
``0``, but a letter of the ``0`` family (``O``, ``D``, ``Q``) that the zone as read or print
shows is a letter, and no rival turns it into ``0`` (:func:`letters_seen`).

Other look-alike pairs (``1``/``L``, ``6``/``G``) keep a check digit through a single swap, so
every number holding them would have a rival: only the ``0`` family is tried.  A rival counts
when it has a number's shape (:func:`.mrz_shapes.likely_number`: letters in a leading series prefix, or
among its last two characters, two at most) or is no less likely than the reading
(:func:`.mrz_shapes.number_rank`); ``O700O6020`` beside ``070006020`` does not, ``O641070O4`` and
``OO080620`` do.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any, Iterable

from .mrz_decode import FILLER, FORMATS, Mrz, MrzFormat, decode, failed_checks
from .mrz_repair import normalise, same_shapes
from .mrz_shapes import likely_number, number_rank

#: The characters read for one another in the ``0`` family, and what each may be instead.
_ZERO_FAMILY = {"O": "0", "D": "0", "Q": "0", "0": "O"}
#: Two swaps at most: the fewest that can keep a check digit in this family.
_MOST_SWAPS = 2


def _number_place(mrz: Mrz) -> tuple[MrzFormat, Any]:
    fmt = FORMATS[mrz.format]
    return fmt, next(f for f in fmt.fields if f.name == "document_number")


def letters_seen(mrz: Mrz, printed: Iterable[str]) -> set[int]:
    """Places of ``mrz``'s document number where the zone as read, or a printed word of the
    number's shape (:func:`.mrz_repair.same_shapes`), shows a letter of the ``0`` family."""
    fmt, spot = _number_place(mrz)
    number = mrz.fields["document_number"]
    raw = normalise(mrz.raw_lines[spot.line]) if len(mrz.raw_lines) == fmt.n_lines else ""
    readings = [raw[spot.start:spot.end]] if len(raw) == fmt.length else []
    readings += [w for w in (normalise(t) for t in printed)
                 if len(w) == len(number.rstrip(FILLER)) and same_shapes(w, number.rstrip(FILLER))]
    return {i for r in readings for i, c in enumerate(r) if c in "ODQ"}


def lookalike_rivals(mrz: Mrz, printed: Iterable[str] = ()) -> list[str]:
    """Other readings of ``mrz``'s document number, by ``0``-family swaps, that fail no
    check the zone as read passes and count as rivals (see the module docstring); a letter
    the zone or ``printed`` words show stays a letter.  A long TD1/TD2 number continued in
    the optional data is not tried."""
    if mrz.fields.get("document_number_check") == FILLER:
        return []
    number = mrz.fields["document_number"]
    seen = letters_seen(mrz, printed)
    swaps = [(i, alt) for i, c in enumerate(number) for alt in _ZERO_FAMILY.get(c, "")
             if not (alt == "0" and i in seen)]
    return [rival for rival in _swapped(number, swaps)
            if (likely_number(rival) or number_rank(rival) <= number_rank(number)) and not breaks_a_check(mrz, rival)]


def _swapped(number: str, swaps: list[tuple[int, str]]) -> Iterable[str]:
    """``number`` with one, then two, of ``swaps`` (place, character) made."""
    for n in range(1, _MOST_SWAPS + 1):
        for combo in itertools.combinations(swaps, n):
            chars = list(number)
            for i, alt in combo:
                chars[i] = alt
            yield "".join(chars)


def _lines_with(mrz: Mrz, reading: str) -> list[str]:
    """``mrz``'s lines with ``reading`` (padded with fillers) in the place of its document number."""
    _, spot = _number_place(mrz)
    value = (reading + FILLER * (spot.end - spot.start))[:spot.end - spot.start]
    lines = list(mrz.lines)
    lines[spot.line] = lines[spot.line][:spot.start] + value + lines[spot.line][spot.end:]
    return lines


def breaks_a_check(mrz: Mrz, reading: str) -> bool:
    """Does ``reading`` in the place of ``mrz``'s document number fail a check the zone as it
    stands passes?  Then the check digit rules that reading out."""
    fmt = FORMATS[mrz.format]
    return not set(failed_checks(fmt, _lines_with(mrz, reading))) <= set(failed_checks(fmt, mrz.lines))


def rival_print_shows(mrz: Mrz, printed: Iterable[str]) -> Mrz:
    """The MRZ with its number read as the rival that holds the letters print shows, named a guess.

    The engine reads no ``0`` as a letter (module docstring), so print's ``O0080620`` beside the
    zone's ``00080620`` says the zone lost a letter ``O`` there; the check digit, holding for the
    zone's reading, needs a second swap with it, and print (which reads ``O`` as ``0`` too) may
    not show that one.  Of the readings by ``0``-family swaps that keep every check the zone
    passes and read as print does where print shows a letter, the likeliest number
    (:func:`.mrz_shapes.number_rank`: ``OO080620`` before ``O008062O``) is taken when it is the only
    one so likely.  Two letters could do it, so it stays a guess (flagged as one).
    """
    if mrz.fields.get("document_number_check") == FILLER:
        return mrz
    value = mrz.fields["document_number"].rstrip(FILLER)
    shown = [w for w in (normalise(t) for t in printed)
             if len(w) == len(value) and same_shapes(w, value) and any(
                 c in "ODQ" and d == "0" for c, d in zip(w, value))]
    if len(set(shown)) != 1:
        return mrz
    word = shown[0]
    swaps = [(i, word[i] if word[i] in "ODQ" else "O") for i, c in enumerate(value) if c == "0"]
    # Where print shows a 0 the reading may hold a letter (print reads O as 0 too), not otherwise.
    ranked = sorted({r for r in _swapped(value, swaps) if not breaks_a_check(mrz, r)
                     and all(a == b or b == "0" and a in "ODQ" for a, b in zip(r, word))}, key=number_rank)
    if not ranked or len(ranked) > 1 and number_rank(ranked[0]) == number_rank(ranked[1]):
        return mrz
    decoded = decode(_lines_with(mrz, ranked[0]), raw_lines=mrz.raw_lines, confidence=mrz.confidence,
                     line_confidences=mrz.line_confidences, format=mrz.format)
    if decoded is None:
        return mrz
    return dataclasses.replace(decoded, guessed=tuple(dict.fromkeys((*mrz.guessed, "document_number"))))
