"""Where on the page a field's value was read: its LINE boxes, found from the value itself.

The tables keep a field's value, not its position; the detections table keeps every
LINE with its box.  A flagged field is found again among the document's LINEs by what it
holds: an amount by its digits (a line naming the field's label first, else the last such
line: totals are printed at the bottom, items above), a date by its usual renderings, a
text by fuzzy containment (rapidfuzz, as the parsers match labels).  The value's row is
widened to the other LINEs beside it, so a crop shows the label with the amount.  A field
that was not read, or whose value no line holds, has no place (the report says so).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Sequence

from rapidfuzz import fuzz

from ..response import Box

#: Smallest fuzzy score for a line to hold (part of) a text value.
TEXT_MATCH = 90.0
_AMOUNT = re.compile(r"-?\d{1,3}(?:[ ,.]\d{3})*[.,]\d{2}(?!\d)|-?\d+[.,]\d{2}(?!\d)")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def box_of(line: Mapping[str, Any]) -> Box | None:
    """A detections-table row's box (None when it has no geometry)."""
    try:
        return Box(float(line["left"]), float(line["top"]), float(line["width"]), float(line["height"]))
    except (KeyError, TypeError, ValueError):
        return None


def locate(name: str, kind: str, value: Any, lines: Sequence[Mapping[str, Any]]) -> Box | None:
    """The box of field ``name`` (of catalogue ``kind``) holding ``value`` among ``lines``
    (detections rows of type LINE), or None when no line holds it."""
    if value in (None, "") or not lines:
        return None
    ordered = sorted((ln for ln in lines if box_of(ln) is not None), key=lambda ln: (box_of(ln).top, box_of(ln).left))
    if kind == "money":
        hits = _amount_lines(name, value, ordered)
    elif kind == "date" and isinstance(value, dt.date):
        renderings = _date_renderings(value)
        hits = [ln for ln in ordered if renderings & _tokens(ln)]
    else:
        hits = _text_lines(str(value), ordered)
    if not hits:
        return None
    box = box_of(hits[0])
    for ln in hits[1:]:
        box = box.union(box_of(ln))
    return _with_row(box, ordered)


def _amount_lines(name: str, value: Any, lines: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    try:
        wanted = abs(Decimal(str(value)))
    except InvalidOperation:
        return []
    holding = [ln for ln in lines if wanted in _amounts(str(ln.get("text") or ""))]
    label = name.replace("_", " ").upper()
    labelled = [ln for ln in holding if fuzz.partial_ratio(label, str(ln.get("text") or "").upper()) >= TEXT_MATCH]
    pick = labelled or holding
    return pick[-1:]


def _amounts(text: str) -> set[Decimal]:
    out = set()
    for token in _AMOUNT.findall(text):
        digits = re.sub(r"[ ,.]", "", token)
        try:
            out.add(abs(Decimal(f"{digits[:-2]}.{digits[-2:]}")))
        except InvalidOperation:
            continue
    return out


def _tokens(line: Mapping[str, Any]) -> set[str]:
    """The line's text without spaces, and each of its words (a date is a word or the line)."""
    text = str(line.get("text") or "").upper()
    squeezed = re.sub(r"\s+", "", text)
    return {squeezed, *text.split()} | {m for m in re.findall(r"[0-9A-Z./\-,]+", squeezed)}


def _date_renderings(d: dt.date) -> set[str]:
    """How a receipt may print ``d`` (numeric in any order and separator, with month names)."""
    years = (f"{d.year}", f"{d.year % 100:02d}")
    days, months = (f"{d.day:02d}", f"{d.day}"), (f"{d.month:02d}", f"{d.month}")
    out = set()
    for sep in "/.-":
        for y in years:
            for dd in days:
                for mm in months:
                    out |= {sep.join((dd, mm, y)), sep.join((mm, dd, y)), sep.join((y, mm, dd))}
    mon = _MONTHS[d.month - 1]
    for y in years:
        for dd in days:
            out |= {f"{dd}{mon}{y}", f"{dd}-{mon}-{y}", f"{mon}{dd},{y}", f"{mon}{dd}{y}", f"{dd}/{mon}/{y}"}
    return out


def _text_lines(value: str, lines: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Lines that are part of ``value`` (an address spans several): the longest run of
    consecutive ones, so a common word elsewhere on the page is not taken."""
    target = " ".join(value.upper().split())
    runs: list[list[int]] = []
    for i, ln in enumerate(lines):
        text = " ".join(str(ln.get("text") or "").upper().split())
        if len(text) < 3 or fuzz.partial_ratio(text, target) < TEXT_MATCH:
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    if not runs:
        return []
    best = max(runs, key=len)
    return [lines[i] for i in best]


def _with_row(box: Box, lines: Sequence[Mapping[str, Any]]) -> Box:
    """``box`` widened to the lines on its visual row (their vertical middles within it)."""
    out = box
    for ln in lines:
        b = box_of(ln)
        if b is not None and box.top <= b.top + b.height / 2 <= box.bottom and b.height <= 3 * box.height:
            out = out.union(b)
    return out
