"""Readings of a licence number that guess where OCR ran the number's print into its neighbours'.

At low resolution the gap between a caption and the number, or between the number and the
next field's label, closes, and the engine reads one word across it: what is left of the
caption glued before the digits (``4UN974-629-453``: ``4d DLN``; ``DUN085-467-624``), the
next label's letters glued after them (``M M124 493DA A``: Idaho's number ends with one
letter, the ``A`` is the class's), the first of those letters a digit the label's print ran
into (``W301 4789 6749 19SASS CM``: the last ``5`` and ``CLASS`` read ``SASS``), or a letter
of a label printed over the digits inside them (``1815C7ASS``: the ``C`` of ``CLASS``).

The plain readings (:func:`.licence_fields.number_readings`) come first; these are tried only
when none of those fits the state's formats, and the format alone picks among them, so a number
read this way is always in doubt (its caller flags it).
"""

from __future__ import annotations

import re
from typing import Callable

from rapidfuzz.distance import Levenshtein

from .licence_fields import number_readings
from .licence_numbers import as_digit

#: What is left of a caption glued before the number: its field number (``4d`` read ``4`` or
#: ``44``), its letters and a mark (``OLNO.3524 8958``: ``DL NO.``).
_CAPTION_BEFORE = re.compile(r"^\s*\d{0,2}(?P<letters>[A-Z]{1,5})[.:#]?")
#: The number's caption words (``4d DLN``, ``DL``, ``LIC#``, ``ID NO.``): a cut inside a run of
#: letters leaves one of them, misread by at most one letter, before the number's own letters.
_NUMBER_CAPTIONS = ("DL", "DLN", "LIC", "LN", "NO", "ID", "IDN")
#: A reading's digits and the letters glued after its last one.
_LETTERS_AFTER = re.compile(r"^(?P<head>.*\d)(?P<tail>[A-Z]+)$")
#: One letter between two digits.
_LETTER_INSIDE = re.compile(r"(?<=\d)[A-Z](?=\d)")


def guessed_readings(value: str) -> list[str]:
    """Readings of the number in ``value`` that undo one of the gluings of the module doc, in
    the order given there; none of them is one of the plain readings."""
    plain = number_readings(value)
    out: list[str] = []
    for cut in _caption_cuts(value):
        out += number_readings(value[cut:])
    for reading in plain + [_LETTER_INSIDE.sub("", r, count=1) for r in plain if len(_LETTER_INSIDE.findall(r)) == 1]:
        m = _LETTERS_AFTER.match(reading)
        if m is None:
            out.append(reading)
            continue
        head, tail = m.group("head"), m.group("tail")
        out += [head + tail[:k] for k in range(len(tail) + 1)]
        digit = as_digit(tail[0])
        if digit:
            out.append(head + digit)
    return list(dict.fromkeys(r for r in out if r not in plain))


def _caption_cuts(value: str) -> list[int]:
    """Where the number may start after a caption's remnant opening ``value``: after all of up
    to four letters and a mark when digits follow (``4UN974...``: any letters, the one place
    digits allow), then inside the letters, leaving the number's own letters, where what the cut
    leaves before is a number caption misread by at most one letter (``DUN|RE216897K``), the
    likeliest first."""
    m = _CAPTION_BEFORE.match(value)
    if m is None:
        return []
    letters, start = m.group("letters"), m.start("letters")
    cuts = [m.end()] if len(letters) <= 4 and value[m.end():m.end() + 1].isdigit() else []
    inside = [(min(Levenshtein.distance(letters[:k], word) for word in _NUMBER_CAPTIONS), start + k)
              for k in range(1, len(letters))]
    return cuts + [cut for distance, cut in sorted(inside) if distance <= 1]


def every_group_reading(tokens: list[str], number: str, fits: Callable[[object], bool]) -> str | None:
    """A guessed reading of a row's ``tokens`` that spells every digit on it, where ``number``, the
    plain reading that fits the state's format, leaves digit groups out and the row ends with one
    (``44 U1533 3325 2``: what is left of ``4d DLN`` glued to Montana's ``153333252``; the plain
    ``U15333325`` fits too, with a letter, and leaves the ``2``), else None.  A number printed in
    groups prints all of them, so the row's last group is the number's."""
    digits = re.sub(r"\D", "", "".join(tokens))
    if not tokens or not tokens[-1].isdigit() or re.sub(r"\D", "", number) == digits:
        return None
    every = [r for r in guessed_readings(" ".join(tokens)) if fits(r) and re.sub(r"\D", "", r) == digits]
    return max(every, key=len, default=None)
