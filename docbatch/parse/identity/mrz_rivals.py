"""Rival readings of an MRZ document number that its check digits cannot rule out.

A check digit weighs a character by its place (7, 3, 1 in turn) and sums modulo 10; the weights
are prime to 10, so one swap of a look-alike pair whose values differ by ``d`` changes the sum by
``weight x d``, never a multiple of 10 unless ``d`` is (``6``/``G``: 10, ``1``/``L``: 20).  Two
can keep it: ``O``/``0`` (24) or ``I``/``1`` (17) swapped the same way at weights 7 and 3 (x 10),
or opposite ways at one weight.  And where the zone as read fails the check, a repair by one
look-alike swap (``8`` for ``B``: 3) restores it no more surely than two swaps of other letters
the engine read as digits, when their sum is the same modulo 10 (``O``, ``I`` for ``0``, ``1``
at weights 7 and 3: 219, beside ``B`` at weight 3: 9).  The composite check covers the number
with the same weights (it opens every composite), so it cannot tell either.  A number mixing
``O`` among digits (``O641070O4``) read as ``064107004`` passes every check and is wrong: the
zone proves neither reading.  :func:`lookalike_rivals` finds such rivals, so the parser flags
the number instead of trusting the check.

The pairs tried are those the local engine confuses, and it confuses them one way: in the zone's
document numbers on the tuned halves of 17 ``evals.synth_mrz`` runs (seeds 3, 5, 7, 11, 13, 17, 19,
21, 23, 31, 67, 89, 97, 101; 17, 67 and 89 with OCR-B too) it read a letter ``O`` as ``0`` 69 times
of 90 and ``I`` as ``1`` 9 of 90, another letter as a digit never (``L`` 0 of 89, ``C`` 0 of 85,
``G`` 0 of 23, ``D`` 0 of 23, ``Q`` 0 of 22, ``B`` 0 of 21, ``S`` 0 of 34), and no digit as a letter
(0 of 2,106): a recognizer reading a number leans to digits.  So a rival may read a ``0`` as ``O``
or a ``1`` as ``I`` where the zone and print read the digit, but a letter the zone as read or print
shows is a letter, and no rival turns it into a digit (:func:`letters_seen`).  Pairs whose swap
keeps a check digit alone (``1``/``L``, ``6``/``G``) would give every number holding them a rival,
and the engine was never seen to confuse them.

Rivals are read from the number taken and from the number as the engine read it (the repair's
look-alike swaps undone), three swaps at most from either.  A rival counts when it has a number's shape
(:func:`.mrz_shapes.likely_number`: letters in a leading series prefix, or among its last two
characters, two at most) or is no less likely than the reading (:func:`.mrz_shapes.number_rank`);
``O700O6020`` beside ``070006020`` does not, ``O641070O4``, ``OO080620`` and ``OI040228`` do.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any, Iterable

from .mrz_decode import FILLER, FORMATS, Mrz, MrzFormat, decode, failed_checks
from .mrz_repair import normalise, same_shapes
from .mrz_shapes import likely_number, number_rank

#: Letters the engine reads as digits (the ``0`` family and ``I``), and the digit each is read as.
_READ_AS_DIGIT = {"O": "0", "D": "0", "Q": "0", "I": "1"}
#: The characters read for one another, and what each may be instead: also ``H`` for ``I`` (the
#: local engine reads ``I`` as ``H`` in a number, 3 times of 85 on session 19's tuning halves).
_LOOKALIKES = _READ_AS_DIGIT | {"0": "O", "1": "I", "H": "I"}
#: Swaps a rival may make: three (``O``/``0`` at weights 1, 7, 7 keep a check: 24 x 15), one more
#: than the engine was seen to make in one number (two, in 11 of 340 numbers read on those halves).
_RIVAL_SWAPS = 3
#: Swaps a reading print shows may make: two, the fewest that keep a check digit in these pairs.
_PRINT_SWAPS = 2


def _number_place(mrz: Mrz) -> tuple[MrzFormat, Any]:
    fmt = FORMATS[mrz.format]
    return fmt, next(f for f in fmt.fields if f.name == "document_number")


def _field_as_read(mrz: Mrz) -> str:
    """The document number's place in the zone as the engine read it ("" when the line's length moved)."""
    fmt, spot = _number_place(mrz)
    raw = normalise(mrz.raw_lines[spot.line]) if len(mrz.raw_lines) == fmt.n_lines else ""
    return raw[spot.start:spot.end] if len(raw) == fmt.length else ""


def number_as_read(mrz: Mrz, seen: set[int]) -> str:
    """``mrz``'s document number with the repair's look-alike swaps undone: where the zone as read
    holds a look-alike of the number's character (``01040228`` read for ``0104022B``, ``0Q0`` for
    ``000``), that one, but not a digit where print shows a letter (``seen``: :func:`letters_seen`)."""
    number, raw = mrz.fields["document_number"], _field_as_read(mrz)
    if len(raw) != len(number):
        return number
    return "".join(r if same_shapes(c, r) and not (r.isdigit() and i in seen) else c
                   for i, (c, r) in enumerate(zip(number, raw)))


def letters_seen(mrz: Mrz, printed: Iterable[str]) -> set[int]:
    """Places of ``mrz``'s document number where the zone as read, or a printed word of the
    number's shape (:func:`.mrz_repair.same_shapes`), shows a letter the engine reads as a digit."""
    number = mrz.fields["document_number"]
    readings = [r for r in (_field_as_read(mrz),) if r]
    readings += [w for w in (normalise(t) for t in printed)
                 if len(w) == len(number.rstrip(FILLER)) and same_shapes(w, number.rstrip(FILLER))]
    return {i for r in readings for i, c in enumerate(r) if c in _READ_AS_DIGIT}


def lookalike_rivals(mrz: Mrz, printed: Iterable[str] = ()) -> list[str]:
    """Other readings of ``mrz``'s document number, by look-alike swaps from it or from the
    number as read (:func:`number_as_read`), that fail no check the zone as it stands passes
    and count as rivals (see the module docstring); a letter the zone or ``printed`` words show
    stays a letter.  A long TD1/TD2 number continued in the optional data is not tried."""
    if mrz.fields.get("document_number_check") == FILLER:
        return []
    number = mrz.fields["document_number"]
    seen = letters_seen(mrz, printed)
    readings: set[str] = set()
    for base in {number, number_as_read(mrz, seen)}:
        swaps = [(i, alt) for i, c in enumerate(base) for alt in _LOOKALIKES.get(c, "")
                 if not (alt.isdigit() and i in seen)]
        readings.update({base, *_swapped(base, swaps, _RIVAL_SWAPS)})
    return sorted(rival for rival in readings - {number}
                  if (likely_number(rival) or number_rank(rival) <= number_rank(number))
                  and not breaks_a_check(mrz, rival))


def _swapped(number: str, swaps: list[tuple[int, str]], most: int) -> Iterable[str]:
    """``number`` with one, then two, up to ``most`` of ``swaps`` (place, character) made."""
    for n in range(1, most + 1):
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
    ranked = sorted({r for r in _swapped(value, swaps, _PRINT_SWAPS) if not breaks_a_check(mrz, r)
                     and all(a == b or b == "0" and a in "ODQ" for a, b in zip(r, word))}, key=number_rank)
    if not ranked or len(ranked) > 1 and number_rank(ranked[0]) == number_rank(ranked[1]):
        return mrz
    decoded = decode(_lines_with(mrz, ranked[0]), raw_lines=mrz.raw_lines, confidence=mrz.confidence,
                     line_confidences=mrz.line_confidences, format=mrz.format)
    if decoded is None:
        return mrz
    return dataclasses.replace(decoded, guessed=tuple(dict.fromkeys((*mrz.guessed, "document_number"))))
