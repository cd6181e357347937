"""A licence number whose print runs under the next column's: the digits there are in doubt.

A long number printed in the left column can reach the column beside it, where another
field's label stands on the number's row (``CLASS``): the two prints overlap, and the
digits under the label are read from a mixture of both.  The engine then reads a digit
wrong at full confidence, in a number that still fits its state's format (``...4747`` for
``...4717`` under ``CLASS``), or loses one.  The overlap itself shows in the layout: the
labels of that column, on the rows next to the number's, start left of where the number
ends.  Such a number is flagged, never trusted as read; nothing else on the card tells a
clean read of the covered digits from a misread one.
"""

from __future__ import annotations

import re

from .licence_checks import DOUBT
from .licence_fields import LicenceFields
from .licence_labels import Label
from .licence_segments import Segment

#: Rows, in the number's height, below the number's row whose labels mark the next column.
REACH = 2.2
#: Start of the number's print to the column's, at least (a field of the number's own column
#: starts where the number does), and overlap of the column by the number, at least (fractions
#: of the page's width: a character at low resolution is about 0.015).
OWN_COLUMN, OVERLAP = 0.02, 0.01


def number_span(segs: list[Segment], number: str) -> tuple[Segment, float, float] | None:
    """The segment spelling ``number`` (separators allowed between its characters) and where its
    print starts and ends across the page, or None when no segment spells it."""
    spelled = re.compile(r"[\s.\-]*".join(re.escape(c) for c in number))
    for seg in segs:
        m = spelled.search(seg.text)
        if m is None or not seg.xs:
            continue
        last = m.end() - 1
        width = (seg.xs[last] - seg.xs[m.start()]) / max(last - m.start(), 1)
        return seg, seg.xs[m.start()], seg.xs[last] + width
    return None


def check_overprint(out: LicenceFields, segs: list[Segment], labels: list[Label]) -> None:
    """Flag the number when a label of the next column starts under its print (see the module doc)."""
    number = out.values.get("document_number")
    found = number_span(segs, str(number)) if number else None
    if found is None:
        return
    seg, start, end = found
    reach = REACH * max(seg.height, 0.01)
    covering = [lab for lab in labels if lab.seg is not seg and seg.top - 0.5 * reach <= lab.seg.top <= seg.top + reach
                and start + OWN_COLUMN < lab.seg.x_at(lab.start) < end - OVERLAP]
    if covering:
        out.confidence["document_number"] = round(out.confidence["document_number"] * DOUBT, 2)
