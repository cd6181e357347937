"""A receipt's payment rows as a card payment prints them: the receipt of a purchase the statement charges.

SROIE's receipts were mostly paid in cash (about 500 of 626 print a ``CASH`` tender, most of
them with ``CHANGE``), while the benchmark's statement charges a card for all but a few
purchases.  A receipt saying it was paid in cash beside a card charge for it is a pair no
statement holds, and it hides what a matcher may rightly read from the receipt (cash
handed over is no card charge).  So the receipt of a purchase the statement charges prints
what a card payment prints: its cash tender row reads ``VISA`` and the amount charged (the
total), and its change row (label and amount) is gone.  The rest of the receipt is as
transcribed.

The lines are SROIE ``box/`` lines, ``(8 coordinates, text)``; a row's amount is the line to
the right of its label whose box overlaps the label's height by half or more (SROIE
transcribes label and amount as separate boxes as often as one).
"""

from __future__ import annotations

import re
from decimal import Decimal

Line = tuple[list[float], str]

#: A cash tender row's label: ``CASH``/``TUNAI`` first on the line, not a document title, a cashier
#: or a policy line (``CASH BILL``, ``CASH SALES``, ``CASHIER``, ``NO CASH REFUND``).
_TENDER = re.compile(r"^\W*(?:CASH|TUNAI)\b(?!\s*(?:BILL|SALES?|INV|INVOICE|RECEIPT|REFUND|&|AND\b|CARRY|DRAWER|VOUCHER|CHANGE))",
                     re.I)
_CHANGE = re.compile(r"^\W*(?:CASH\s*)?(?:CHANGES?|BAKI|KEMBALI(?:AN)?)\b(?!\s*(?:ARE|IS|OF|WITHIN|ALLOWED))", re.I)
_MONEY = re.compile(r"\d[\d,]*\.\d{2}-?")


def _band(coords: list[float]) -> tuple[float, float, float]:
    ys = coords[1::2]
    return min(ys), max(ys), min(coords[0::2])


def _same_row(label: list[float], other: list[float]) -> bool:
    """``other`` lies right of ``label`` on its row (their heights overlap by half the shorter one)."""
    a0, a1, ax = _band(label)
    b0, b1, bx = _band(other)
    overlap = min(a1, b1) - max(a0, b0)
    return bx > ax and overlap >= 0.5 * min(a1 - a0, b1 - b0)


def _amount_lines(lines: list[Line], k: int) -> list[int]:
    """Indexes of the lines holding an amount on line ``k``'s row, right of it (``k`` itself first)."""
    row = [k] if _MONEY.search(lines[k][1]) else []
    return row + [i for i, (c, text) in enumerate(lines)
                  if i != k and _MONEY.fullmatch(text.replace("RM", "").strip(" :")) and _same_row(lines[k][0], c)]


def card_tender(lines: list[Line], total: Decimal) -> list[Line]:
    """The receipt's lines with its cash payment printed as a card payment of ``total`` (see the module
    docstring); lines without a cash tender come back unchanged."""
    tenders = [k for k, (_, text) in enumerate(lines) if _TENDER.search(text)]
    if not tenders:
        return lines
    out: dict[int, str | None] = {}
    amount = f"{total:.2f}"
    for k in tenders:
        out[k] = _TENDER.sub(lambda m: m.group(0).upper().replace("CASH", "VISA").replace("TUNAI", "VISA"),
                             lines[k][1], count=1)
        for i in _amount_lines(lines, k)[:1]:
            out[i] = _MONEY.sub(amount, out.get(i) or lines[i][1], count=1)
    for k, (_, text) in enumerate(lines):
        if _CHANGE.search(text):
            for i in [k] + _amount_lines(lines, k):
                out[i] = None
    return [(c, out.get(i, text)) for i, (c, text) in enumerate(lines) if out.get(i, text) is not None]
