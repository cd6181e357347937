"""Zone lines whose weak glyph the MRZ's own alphabet and field types explain.

A zone line's confidence is its weakest letter or digit as the local engine scored it (the
recognizer's top probability for that glyph).  Where the engine read a look-alike the zone cannot
hold, its probability was split between the two forms: a full-width ``Ｖ`` or a kana ``く`` for
``V`` and ``<``, a ``0`` in a name, a ``1`` in a country code.  The MRZ decides those without a
guess (its alphabet has no full-width forms, a name no digit, a date no letter), so such a line's
weak score says nothing of the values read.  On the tuned halves of ``evals.synth_mrz`` seeds 17,
31, 67 and 89 (OCR-B absent and installed) every zone flagged for a weak line alone was right
(7 zones), and each of those lines held such a look-alike (``J0AO``, ``B0UCHARD``, ``1TA``,
``WANGくくAL``, ``ＶＣＡRGＬI``); no wrong zone was flagged by its line's score alone.

Swaps the check digits chose in alphanumeric fields (a document number's ``O``/``0``) are no such
explanation: the format does not decide them, and their doubt stays.
"""

from __future__ import annotations

import dataclasses

from .mrz_decode import FORMATS, Mrz
from .mrz_repair import keeping_places

#: Field kinds whose characters the format fixes: letters only, or digits only.
_LETTERS, _DIGITS = ("name", "alpha", "code"), ("num", "digit")


def resolved_lookalikes(mrz: Mrz) -> tuple[bool, ...]:
    """Per zone line: did the engine read in it a look-alike the zone's format resolved?"""
    fmt = FORMATS[mrz.format]
    if len(mrz.raw_lines) != fmt.n_lines:
        return (False,) * len(mrz.lines)
    out = []
    for k, (raw, line) in enumerate(zip(mrz.raw_lines, mrz.lines)):
        foreign = any(c.isalnum() and not ("A" <= c <= "Z" or "0" <= c <= "9") for c in raw.upper())
        read = keeping_places(raw)
        forced = len(read) == len(line) and any(
            read[i] != line[i] and (f.kind in _LETTERS and read[i].isdigit() or f.kind in _DIGITS and read[i].isalpha())
            for f in fmt.fields if f.line == k for i in range(f.start, f.end))
        out.append(foreign or forced)
    return tuple(out)


def explain_lookalikes(mrz: Mrz, level: float) -> Mrz:
    """``mrz`` with each line whose weak glyph a resolved look-alike explains worth ``level`` (the
    parser's review level) at least: no review on that score alone, and no surer than that."""
    resolved = resolved_lookalikes(mrz)
    if len(mrz.line_confidences) != len(resolved) or not any(resolved):
        return mrz
    confidences = tuple(max(c, level) if r else c for c, r in zip(mrz.line_confidences, resolved))
    return dataclasses.replace(mrz, line_confidences=confidences, confidence=min(confidences))
