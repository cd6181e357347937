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


def _ambiguous_positions(fmt: MrzFormat, lines: Sequence[str], names: Iterable[str]) -> list[tuple[int, int, str]]:
    out = []
    for f in fmt.fields:
        if f.name in names:
            for pos in range(f.start, f.end):
                alt = _AMBIGUOUS.get(lines[f.line][pos])
                if alt is not None:
                    out.append((f.line, pos, alt))
    return out[:10]


def resolve(fmt: MrzFormat, lines: list[str], check: str, fields: tuple[str, ...]) -> tuple[list[str], bool]:
    """Swap look-alike characters in ``fields`` until ``check`` passes (fewest swaps).

    Also says whether the pick was a guess: one check digit passes one reading in ten by
    chance, so once two or more swaps are needed the check no longer proves the reading kept
    (two or three swaps among ten look-alikes try 45 or 120 readings), nor when several
    readings with the fewest swaps pass it: the check digit did not choose between them,
    unless one swap's readings of the document number leave only one with a number's shape
    (:func:`.mrz_shapes.likely_number`: ``O801070W0`` beside ``080107OW0``): then the shape did.
    """
    if f"{check}_check" not in failed_checks(fmt, lines):
        return lines, False
    spots = _ambiguous_positions(fmt, lines, fields)
    for n_swaps in range(1, min(len(spots), 3) + 1):
        passing = []
        for combo in itertools.combinations(spots, n_swaps):
            trial = [list(line) for line in lines]
            for line, pos, alt in combo:
                trial[line][pos] = alt
            joined = ["".join(t) for t in trial]
            if f"{check}_check" not in failed_checks(fmt, joined):
                passing.append(joined)
        shaped = [p for p in passing if check == "document_number" and _shaped_number(fmt, p)]
        if n_swaps == 1 and len(passing) > 1 and len(shaped) == 1:
            return shaped[0], False
        if passing:
            # Several swaps can satisfy one check digit; document numbers put letters
            # first (a prefix) then digits, so prefer the reading with fewest letters
            # after digits, then fewest letters.
            best = min(passing, key=lambda ls: (len(re.findall(r"\d[A-Z]", "".join(ls))),
                                                sum(c.isalpha() for c in "".join(ls))))
            return best, n_swaps > 1 or len(passing) > 1
    return lines, False


def _shaped_number(fmt: MrzFormat, lines: Sequence[str]) -> bool:
    spot = next(f for f in fmt.fields if f.name == "document_number")
    return likely_number(lines[spot.line][spot.start:spot.end])
