"""What the print of a licence number on the card says about the number read from it.

* **Under the next column's print.**  A long number printed in the left column can reach the
  column beside it, where another field's label stands on the number's row (``CLASS``): the
  two prints overlap, and the digits under the label are read from a mixture of both.  The
  engine then reads a digit wrong at full confidence, in a number that still fits its state's
  format (``...4747`` for ``...4717`` under ``CLASS``), or loses one.  The overlap itself shows
  in the layout: the labels of that column, on the rows next to the number's, start left of
  where the number ends.  Nothing else on the card tells a clean read of the covered digits
  from a misread one, so such a number is flagged.
* **Groups of unequal length.**  A number printed in groups (``1234 5678 9012 34``) prints
  every group but the last at one length.  A group read one digit short, where the state's
  formats allow a number one digit longer too (Montana prints 13 or 14 digits), is a digit
  lost that the format cannot show: flagged.  A fixed-length format shows a lost digit
  itself (:func:`.licence_checks.check_number`), and some states group unevenly
  (``S123-456-78-900-0``, Florida's fixed 13 characters), so only variable lengths count.
"""

from __future__ import annotations

import re

from .licence_checks import DOUBT
from .licence_numbers import number_fits
from .licence_fields import LicenceFields
from .licence_labels import Label
from .licence_segments import Segment

#: Start of the number's print to the column's, at least (a field of the number's own column
#: starts where the number does), and overlap of the column by the number, at least (fractions
#: of the page's width: a character at low resolution is about 0.015).
OWN_COLUMN, OVERLAP = 0.02, 0.01


def number_span(segs: list[Segment], number: str) -> tuple[Segment, int, int] | None:
    """The segment spelling ``number`` (separators allowed between its characters) and where in
    its text, or None when no segment spells it."""
    spelled = re.compile(r"[\s.\-]*".join(re.escape(c) for c in number))
    for seg in segs:
        m = spelled.search(seg.text)
        if m is not None and seg.xs:
            return seg, m.start(), m.end()
    return None


def check_print(out: LicenceFields, segs: list[Segment], labels: list[Label], state: str | None) -> None:
    """Flag the number when its print runs under the next column or shows a group one digit short."""
    number = out.values.get("document_number")
    found = number_span(segs, str(number)) if number else None
    if found is None:
        return
    seg, start, end = found
    if _overprinted(seg, start, end, labels) or _group_short(seg.text[start:end], str(number), state):
        out.confidence["document_number"] = round(out.confidence["document_number"] * DOUBT, 2)


def _overprinted(seg: Segment, start: int, end: int, labels: list[Label]) -> bool:
    """Does a column of labels start under the number's print: a label opening its own print
    (a wide gap before it) on the number's row, the row above (a caption over its value) or the
    row below, left of where the number ends (see the module doc)?  A label inside a row's print
    is that row's next field, not a column the number's row shares."""
    last = end - 1
    left = seg.xs[start]
    right = seg.xs[last] + (seg.xs[last] - left) / max(last - start, 1)
    return any(lab.seg is not seg and lab.start == 0 and abs(lab.seg.row - seg.row) <= 1
               and left + OWN_COLUMN < lab.seg.x_at(0) < right - OVERLAP for lab in labels)


def _group_short(printed: str, number: str, state: str | None) -> bool:
    """Is one digit group before the last one digit shorter than the others, all of one length,
    where the state's formats allow the number one digit longer (see the module doc)?  A first
    group holding a letter (``S 123 456``, ``S123-4567``) has its own length; groups OCR ran
    together (``9724747``) are no lost digit."""
    groups = re.split(r"[\s.\-]+", printed)
    if groups and not groups[0].isdigit():
        groups = groups[1:]
    sizes = [len(g) for g in groups[:-1] if g.isdigit()]
    short = min(sizes, default=0)
    return (len(sizes) >= 2 and sizes.count(short) == 1 and set(sizes) == {short, short + 1}
            and bool(number_fits(state, number + "0")))

