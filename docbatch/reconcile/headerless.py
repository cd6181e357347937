"""Exports with no header row at all (HSBC UK's and Wells Fargo's downloads): columns named by
what they hold.

A file whose first lines are all as wide (three cells or more), in which exactly one column
holds only dates, exactly one only money (two decimals shown) and at least one words, reads
as if its header named those three ``Date``, ``Amount`` and ``Description`` (the column with
the most distinct words: merchants differ line to line, where a labelled number such as Amex's
``Reference: 320250740012345678`` repeats one word, however long its cells).  A header row,
even an unknown one, breaks that shape (its cells are no dates and no amounts), so an export
whose header is merely unrecognised is still refused.
"""

from __future__ import annotations

import re
from typing import Sequence

from .values import date_cell_problem

#: Lines looked at: enough to see a column's kind, few enough to stay quick on a long export.
SAMPLE = 20
_MONEY = re.compile(r"^[+-]?\(?[+-]?\d{1,3}(?:[,.\s]?\d{3})*[.,]\d{2}\)?-?$")
_WORDS = re.compile(r"[^\W\d_]{2}")
_WORD = re.compile(r"[^\W\d_]+")


def header_by_content(rows: Sequence[Sequence[str]]) -> list[str] | None:
    """A header for ``rows`` named by their columns' content, or None when they have no such shape."""
    sample = [[c.strip() for c in r] for r in rows[:SAMPLE]]
    width = len(sample[0]) if sample else 0
    if width < 3 or any(len(r) != width for r in sample):
        return None
    kinds = [_kind([r[i] for r in sample]) for i in range(width)]
    texts = [i for i, k in enumerate(kinds) if k == "text"]
    if kinds.count("date") != 1 or kinds.count("amount") != 1 or not texts:
        return None
    descriptor = max(texts, key=lambda i: len({w.upper() for r in sample for w in _WORD.findall(r[i])}))
    names = {kinds.index("date"): "Date", kinds.index("amount"): "Amount", descriptor: "Description"}
    return [names.get(i, f"column {i + 1}") for i in range(width)]


def _kind(cells: list[str]) -> str:
    filled = [c for c in cells if c]
    if not filled:
        return "empty"
    if all(date_cell_problem(c, None) is None for c in filled):
        return "date"
    if all(_MONEY.match(c) for c in filled):
        return "amount"
    return "text" if any(_WORDS.search(c) for c in filled) else "other"
