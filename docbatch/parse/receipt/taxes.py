"""The receipt's tax: one tax row's amount, or the sum of the rows of each rate.

Receipts charging two rates print one row a rate (US state and local sales tax, ``TAX 1
6.250 %`` and ``TAX 2 2.250 %``; Canadian GST and PST; German ``MwSt 19%`` and ``MwSt 7%``),
and the tax charged is their sum.  Rows naming the same rate (or none) are one tax printed
twice (``GST 6%`` then ``TOTAL GST``), so only rows of distinct printed rates are added.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .lines import Line
from .payments import first_amount

_RATE = re.compile(r"(\d{1,2}(?:[.,]\d{1,3})?)\s?%")


def _rate(line: Line) -> str | None:
    found = _RATE.search(line.text)
    return found.group(1).replace(",", ".").rstrip("0").rstrip(".") if found else None


def tax_amount(lines: list[Line], *, before: int) -> tuple[Decimal, Line] | None:
    """The first tax row's amount, or the sum over consecutive tax rows of distinct rates (each
    with its amount after the rate), with the first of them."""
    first = first_amount(lines, "tax", before=before)
    if first is None:
        return None
    rows: list[Line] = []
    for ln in lines[first[1].index : before]:
        if ln.label != "tax" or not ln.amounts:
            break
        rows.append(ln)
    rates = [_rate(ln) for ln in rows]
    if len(rows) < 2 or None in rates or len(set(rates)) != len(rates):
        return first
    return sum((ln.amounts[-1].value for ln in rows), Decimal(0)), first[1]
