"""The issuing state or nationality, where the zone's code is one look-alike from the other
field's, taken as the state the printed zone names.

``V<IND`` read ``V<HND`` (the local engine's ``I`` after the chevron as ``H``) is Honduras's code
beside nationality ``IND``, and no check digit covers either field (:func:`.mrz_repair.codes_a_lookalike_apart`).
The data page prints the issuing state's name (``REPUBLIC OF INDIA``), a reading apart from the
zone's: where print names one of the two states and not the other, the field is that state's.
The caller still flags the field: a nationality or an embassy's host may be printed as well.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Iterable, Sequence

from .countries import STATE_NAMES
from .mrz_decode import FILLER, FORMATS, Mrz, decode


def state_print_names(mrz: Mrz, printed: Sequence[str], fields: Iterable[str]) -> Mrz:
    """``mrz`` with each of ``fields`` (country fields one look-alike from the other's code) holding
    the other field's code where ``printed`` names that state and not the field's own."""
    words = {w for text in printed for w in re.split(r"[^A-Z]+", text.upper()) if w}
    lines = list(mrz.lines)
    for name in fields:
        other = "nationality" if name == "issuing_country" else "issuing_country"
        value, ref = mrz.fields.get(name, ""), mrz.fields.get(other, "")
        named = {code for code in (value, ref) if words & set(STATE_NAMES.get(code, ()))}
        if named == {ref}:
            spot = next(f for f in FORMATS[mrz.format].fields if f.name == name)
            line = lines[spot.line]
            lines[spot.line] = line[:spot.start] + (ref + FILLER * 3)[:spot.end - spot.start] + line[spot.end:]
    if lines == list(mrz.lines):
        return mrz
    decoded = decode(lines, raw_lines=mrz.raw_lines, confidence=mrz.confidence,
                     line_confidences=mrz.line_confidences, format=mrz.format)
    return mrz if decoded is None else dataclasses.replace(decoded, guessed=mrz.guessed)
