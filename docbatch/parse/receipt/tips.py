"""Tips on a card slip: the tip paid, and the tipped total a card is charged.

A US restaurant check prints the sum due (``Balance Due 144.30``) and, on the card slip below
it, the amount, the tip and the tipped total (``AMOUNT 144.30``, ``TIP 19.63``, ``Total:
163.93``).  The card is charged the tipped total, so it is the receipt's total when the
receipt's own arithmetic closes: due + tip = a total printed below the tip, to the cent.

A tip printed with a value below the total whose sum is printed nowhere (a handwritten tip
misread, a blank or misread total, sums that disagree) leaves the sum due standing, flagged
``tip_unreconciled``: what was charged is unknown, and a flag beats a guess.  A blank tip line
(``TIP: ______``) holds no value and says nothing.  A tip guide (``Suggested Tip: 18%
$23.56``, ``Tip 20% = 26.18`` under the total) lists tips one might pay, not one paid.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Sequence

from .lines import Line

#: Words of a tip guide row: the words introducing one, and (below the first total) a percentage.
_GUIDE = re.compile(r"SUGGEST|GUIDE")
_SHARE = re.compile(r"\d\s*%")
#: How many rows below a tip its tipped total may be printed (``TIP``, a rule, ``TOTAL``).
_REACH = 3
#: Rows a tipped total may be read from: a total row, a card payment row, or an unlabelled sum.
_TOTAL_ROWS = ("total", "total_strong", "paid", None)


def tips_paid(lines: Sequence[Line]) -> list[Line]:
    """The rows printing a tip paid (a positive amount), tip guides left out.

    A percentage marks a guide only below the first total: above it, ``GRATUITY 18% 23.56`` is a
    large party's gratuity, part of the sum due."""
    first_total = next((ln.index for ln in lines if ln.label in ("total", "total_strong") and ln.amounts), len(lines))
    return [ln for ln in lines if ln.label == "tip" and ln.amounts and ln.amounts[-1].value > 0
            and not _GUIDE.search(ln.text.upper()) and not (ln.index > first_total and _SHARE.search(ln.text))]


def tip_paid(lines: Sequence[Line]) -> tuple[Decimal, Line] | None:
    """(the first tip paid, its row) or None."""
    rows = tips_paid(lines)
    return (rows[0].amounts[-1].value, rows[0]) if rows else None


def _below(lines: Sequence[Line], total_line: Line) -> list[Line]:
    return [ln for ln in tips_paid(lines) if ln.index > total_line.index]


def tipped_total(lines: Sequence[Line], total: Decimal, total_line: Line) -> tuple[Decimal, Line] | None:
    """(the tipped total, its row) when a tip below ``total_line`` and ``total`` add up to an amount
    printed on one of the few rows below the tip; else None."""
    return _closing_row(lines, total, _below(lines, total_line))


def tip_unreconciled(lines: Sequence[Line], total: Decimal, total_line: Line) -> bool:
    """A tip with a value is printed below the total, and no row shows the total plus it (the
    picked total is then the sum before the tip, and what the card was charged is unknown)."""
    tips = _below(lines, total_line)
    return bool(tips) and _closing_row(lines, total, tips) is None


def _closing_row(lines: Sequence[Line], total: Decimal, tips: list[Line]) -> tuple[Decimal, Line] | None:
    """(total + a tip of ``tips``, the row printing it within reach below that tip) or None."""
    for tip in tips:
        target = total + tip.amounts[-1].value
        for ln in lines[tip.index + 1 : tip.index + 1 + _REACH]:
            if ln.label in _TOTAL_ROWS and ln.amounts and ln.amounts[-1].value == target:
                return target, ln
    return None
