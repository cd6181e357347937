"""Look-alike swaps in an MRZ's alphanumeric fields chosen by the check digit that covers them.

A document number or optional data field may hold letters and digits alike, so the format
cannot say whether a read ``0`` is a zero or an ``O``: the field's check digit (and the composite
one) decides, by the fewest swaps of look-alike pairs that make it pass.  Whether it decided, or
only passed by chance among several readings, is reported beside the lines (a guess).
"""

from __future__ import annotations

import itertools
import re
from typing import Iterable, Sequence

from .mrz_decode import MrzFormat, failed_checks
from .mrz_shapes import likely_number

#: Pairs an alphanumeric field may have swapped; the check digit decides.
_AMBIGUOUS = {"0": "O", "O": "0", "D": "0", "Q": "0", "1": "I", "I": "1", "L": "1",
              "5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2", "6": "G", "G": "6"}
#: The swaps (zone character, repaired) that undo the local engine's misreads: it reads a letter
#: ``O`` as ``0`` 69 times of 90 and ``I`` as ``1`` 9 of 90, and ``B``, ``S``, ``G``, ``L`` or any
#: digit as anything never (:mod:`.mrz_rivals`); and ``I`` as ``H`` (3 of 85 in numbers on the
#: tuning halves of session 19, all on one seed's cards whose code ``I<`` it read ``H<`` too; ``H``
#: as ``I`` 0 of 26).  ``H`` is no look-alike of ``I`` for the other engines, which are not measured
#: (one reading digits as letters, ``8`` as ``B``, would make these swaps no likelier than the rest).
LOCAL_ENGINE_MISREADS = frozenset({("0", "O"), ("1", "I"), ("H", "I")})
#: How many such swaps rank before one swap of another pair: two, the most the local engine was
#: seen to misread in one number.
_MISREAD_SWAPS = 2
#: The most swaps tried in all: three ten look-alikes make 120 readings, a dozen passing by chance.
_MOST_SWAPS = 3


def _ambiguous_positions(fmt: MrzFormat, lines: Sequence[str], names: Iterable[str],
                         misread: frozenset[tuple[str, str]]) -> list[tuple[int, int, str]]:
    undo = dict(misread)
    out = []
    for f in fmt.fields:
        if f.name in names:
            for pos in range(f.start, f.end):
                alt = _AMBIGUOUS.get(lines[f.line][pos]) or undo.get(lines[f.line][pos])
                if alt is not None:
                    out.append((f.line, pos, alt))
    return out[:10]


def resolve(fmt: MrzFormat, lines: list[str], check: str, fields: tuple[str, ...],
            misread: frozenset[tuple[str, str]] = frozenset()) -> tuple[list[str], bool]:
    """Swap look-alike characters in ``fields`` until ``check`` passes (fewest swaps), but two
    swaps undoing the engine's own misreads (``misread``: :data:`LOCAL_ENGINE_MISREADS`) before
    one of another pair, and of as many swaps, those with fewest of another pair.

    Also says whether the pick was a guess: one check digit passes one reading in ten by
    chance, so once two or more swaps are needed the check no longer proves the reading kept
    (two or three swaps among ten look-alikes try 45 or 120 readings), nor when several
    readings with the fewest swaps pass it: the check digit did not choose between them,
    unless one swap's readings of the document number leave only one with a number's shape
    (:func:`.mrz_shapes.likely_number`: ``O801070W0`` beside ``080107OW0``): then the shape did.

    The local engine reads ``O`` as ``0`` and ``I`` as ``1``, and ``B`` as ``8`` never, so where one
    swap of another pair passes (``8`` to ``B``: ``0115000B0``) and two undoing its misreads do too
    (``OI1500080``, read ``011500080``), the two are the likelier reading; still a guess.
    """
    if f"{check}_check" not in failed_checks(fmt, lines):
        return lines, False
    spots = _ambiguous_positions(fmt, lines, fields, misread)
    picked = _fewest_swaps(fmt, lines, check, spots, _MOST_SWAPS, misread)
    if picked is None:
        return lines, False
    best, n_swaps, guess = picked
    undoing = [s for s in spots if (lines[s[0]][s[1]], s[2]) in misread]
    likelier = _fewest_swaps(fmt, lines, check, undoing, _MISREAD_SWAPS, misread) if n_swaps == 1 else None
    if likelier is not None and likelier[0] != best:
        return likelier[0], True
    return best, guess


def _fewest_swaps(fmt: MrzFormat, lines: list[str], check: str, spots: list[tuple[int, int, str]],
                  most: int, misread: frozenset[tuple[str, str]]) -> tuple[list[str], int, bool] | None:
    """The lines by the fewest of ``spots``' swaps (``most`` at the most) that pass ``check``,
    how many swaps, and whether that reading is a guess (see :func:`resolve`); None if none pass."""
    for n_swaps in range(1, min(len(spots), most) + 1):
        passing = []
        for combo in itertools.combinations(spots, n_swaps):
            trial = [list(line) for line in lines]
            for line, pos, alt in combo:
                trial[line][pos] = alt
            joined = ["".join(t) for t in trial]
            if f"{check}_check" not in failed_checks(fmt, joined):
                passing.append((joined, sum((lines[ln][pos], alt) not in misread for ln, pos, alt in combo)))
        shaped = [p for p, _ in passing if check == "document_number" and _shaped_number(fmt, p)]
        if n_swaps == 1 and len(passing) > 1 and len(shaped) == 1:
            return shaped[0], 1, False
        if passing:
            # Several swaps can satisfy one check digit: first the reading with the fewest swaps
            # that undo none of the engine's misreads; document numbers put letters first (a
            # prefix) then digits, so then the one with fewest letters after digits, then letters.
            best = min(passing, key=lambda p: (p[1], len(re.findall(r"\d[A-Z]", "".join(p[0]))),
                                               sum(c.isalpha() for c in "".join(p[0]))))[0]
            return best, n_swaps, n_swaps > 1 or len(passing) > 1
    return None


def _shaped_number(fmt: MrzFormat, lines: Sequence[str]) -> bool:
    spot = next(f for f in fmt.fields if f.name == "document_number")
    return likely_number(lines[spot.line][spot.start:spot.end])
