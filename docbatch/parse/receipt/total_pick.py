"""Which printed amount is the receipt's total: the strongest total label's, later rows winning
ties, cross-checked against cash minus change or a card row, with its rounding rows read.  The
cash handed over is never the total, even printed under a total label (``PAID AMOUNT``, a
tender row printed ``TOTAL``): the change row below it and the till's arithmetic say so.

Split from :mod:`.parser`, which reads every field; this module owns the choice of the total
line and the rounded-or-not question, and nothing else.
"""

from __future__ import annotations

from decimal import Decimal

from .items import column_heading
from .labels import has_word, line_label
from .lines import Line
from .payments import amount_tendered, card_charged, first_amount

_TOTAL_STRENGTH = {"total_strong": 3.0, "total": 2.0}


def summary_start(lines: list[Line]) -> int:
    """Index where a tax-summary table starts (its TOTAL row is not the receipt's total).

    Such a table follows the first total or subtotal row; an item column heading such as
    ``ITEM QTY PRICE AMOUNT TAX`` above the items is not one, even run into the first item's
    row (which its ``AMOUNT`` then makes the first "total" row).
    """
    first = next((ln.index for ln in lines if ln.label in ("subtotal", "total", "total_strong") and ln.amounts),
                 len(lines))
    for ln in lines[first + 1 :]:
        if ln.label == "summary" or (
            len(ln.amounts) != 1 and has_word(ln.label_text, "GST", "TAX", "VAT", "SST")
            and has_word(ln.label_text, "AMOUNT", "AMT", "RATE", "CODE", "EXCL") and ln.letters < 40
        ):
            return ln.index
    return len(lines)


def pick_total(lines: list[Line], items_sum: Decimal | None) -> tuple[Decimal, Line, float, bool | None] | None:
    """(total, its line, certainty 0..1, rounded from a labelled row) or None; see the module docstring.

    The last item is None when no rounding was applied, else whether the rounded figure was
    printed on a total or rounding row (False: cash minus change or an unlabelled row).
    """
    table = summary_start(lines)
    paid = first_amount(lines, "paid")
    paired = amount_tendered(lines)
    cash_row = _tender_read_as_total(lines, table, items_sum) if paired is None else None
    if cash_row is not None:
        paired = cash_row
    tendered = paired[0] if paired else None
    confirming = tendered if tendered is not None else card_charged(lines)
    candidates: list[tuple[float, Decimal, Line, float]] = []
    for ln in lines:
        strength = _TOTAL_STRENGTH.get(ln.label or "")
        if strength is None or not ln.amounts or ln.index >= table or (
                ln.label == "total" and column_heading(ln.label_text)) or (cash_row and ln is cash_row[1]):
            continue  # a column heading's AMOUNT labels no total; the cash handed over is none either
        amount = ln.amounts[-1]
        score = strength + 0.02 * ln.index
        if len(ln.amounts) > 1 and ln.label == "total":
            score -= 0.5
        if confirming is not None and abs(amount.value - confirming) <= Decimal("0.001"):
            score += 2.0
        if items_sum is not None and abs(amount.value - items_sum) <= Decimal("0.05"):
            score += 0.5
        if amount.value <= 0:
            score -= 3.0
        candidates.append((score, amount.value, ln, amount.certainty))
    if candidates:
        best = max(candidates, key=lambda c: c[0])
        score, value, ln, cert = best
        others = {c[1] for c in candidates if c[0] > score - 1.0}
        certainty = 0.95 if score >= 3.0 else 0.8 if score >= 2.0 else 0.5
        if len(others) > 1:
            certainty *= 0.85
        rounded = _rounded(lines, ln, value)
        from_label = None
        if rounded:
            value, ln, from_label = rounded
        if tendered is not None and tendered > 0 and tendered != value and not _cash_rounded(lines, ln, value, tendered):
            certainty *= 0.45  # cash minus change says otherwise
        elif not _paid_as_rounded(ln, value, confirming) and _rounding_in_doubt(lines, ln, value):
            certainty *= 0.6
        return value, ln, certainty * cert, from_label
    if paired is not None and paired[0] > 0:
        return paired[0], paired[1], 0.45, None
    if paid and not any(ln.label == "change" for ln in lines):
        return paid[0], paid[1], 0.4, None  # a change row, its amount unread or not, makes it cash handed over
    pool = [a for ln in lines[:table] if ln.label not in ("paid", "change", "count", "tax", "rounding", "discount")
            for a in ln.amounts]
    if pool:
        top = max(pool, key=lambda a: a.value)
        line = next(ln for ln in lines if top in ln.amounts)
        return top.value, line, 0.35, None
    return None


def _tender_read_as_total(lines: list[Line], table: int, items_sum: Decimal | None) -> tuple[Decimal, Line] | None:
    """(cash minus change, the cash row) when the cash handed over is printed under a total label.

    On a receipt with no payment row, a total row among the three just above a change row (where
    the cash row stands, :func:`.payments.amount_tendered`) is the cash handed over when, less the
    change, it is another total row's amount or the items' sum: the till's own arithmetic (tender
    minus due is change) then says which row was owed.  Labels mislead both ways (``PAID AMOUNT``
    reads as an amount, a tender can be printed ``TOTAL``); the sums do not."""
    if any(ln.label == "paid" and ln.amounts for ln in lines):
        return None
    totals = [ln for ln in lines[:table] if ln.label in _TOTAL_STRENGTH and ln.amounts]
    for change in lines:
        if change.label != "change" or not change.amounts or not change.amounts[-1].value:
            continue
        for row in reversed(lines[max(0, change.index - 3) : change.index]):
            if not any(row is ln for ln in totals):
                continue
            owed = abs(row.amounts[-1].value) - abs(change.amounts[-1].value)
            others = {a.value for ln in totals if ln is not row for a in ln.amounts}
            if owed > 0 and (owed in others or owed == items_sum):
                return owed, row
    return None


def _paid_as_rounded(total_line: Line, value: Decimal, paid: Decimal | None) -> bool:
    """The figure on a rounded-total row (``TOTAL ROUNDED``, ``NET TOTAL``, the rounding row's
    own sum) is what cash minus change (or the card's row) paid: two readings settle which side
    of the rounding is the total.  A plain ``TOTAL``/``AMOUNT`` row is no such settlement (on SROIE such a row paid
    by cash is annotated the unrounded sum as often as the rounded one)."""
    return paid is not None and paid == value and total_line.label in ("total_strong", "rounding")


def _rounding_in_doubt(lines: list[Line], total_line: Line, value: Decimal) -> bool:
    """A rounding row near the total, and the total on its other side printed too.

    Both the sum before rounding and the rounded sum are then on the receipt, and which of
    the two a reader calls "the total" differs between receipts (and between annotators).
    """
    near = lines[max(0, total_line.index - 3) : total_line.index + 4]
    rounding = next((ln for ln in near if ln.label == "rounding" and ln.amounts and ln.amounts[-1].value), None)
    if rounding is None:
        return False
    adj = abs(rounding.amounts[-1].value)
    others = {value + adj, value - adj}
    return any(a.value in others for ln in lines if ln.label in ("total", "total_strong") for a in ln.amounts)


def _rounded(lines: list[Line], total_line: Line, value: Decimal) -> tuple[Decimal, Line, bool] | None:
    """The rounded total when a rounding row follows the total and the rounded sum is printed.

    The rounded sum must be printed just below (often unlabelled); a rounded sum only cash
    minus change shows leaves the printed total alone (:func:`_cash_rounded`), as does an
    unconfirmed rounding row.  The last item says whether the rounded sum was read from a
    labelled (total or rounding) row.
    """
    rounding = _rounding_after(lines, total_line)
    if rounding is None:
        return None
    adj = rounding.amounts[-1].value
    for target in (value + adj, value - adj):
        for ln in lines[rounding.index + 1 : rounding.index + 3]:
            own = _own_label(ln, target)
            if own in ("total", "total_strong") or (
                    ln.label in (None, "total", "total_strong", "rounding") and any(a.value == target for a in ln.amounts)):
                return target, ln, ln.label is not None or own is not None
    return None


def _rounding_after(lines: list[Line], total_line: Line) -> Line | None:
    """The cash-rounding row (with a non-zero adjustment) within three rows below the total."""
    after = lines[total_line.index + 1 : total_line.index + 4]
    rounding = next((ln for ln in after if ln.label == "rounding" and ln.amounts), None)
    return rounding if rounding is not None and rounding.amounts[-1].value != 0 else None


def _cash_rounded(lines: list[Line], total_line: Line, value: Decimal, tendered: Decimal) -> bool:
    """Cash minus change is the total moved by the rounding row below it: the cash paid was
    rounded, and the printed total stands (the rounded sum printed nowhere is not the total;
    SROIE's keys take the printed one, and a card is charged it)."""
    rounding = _rounding_after(lines, total_line)
    return rounding is not None and tendered in (value + rounding.amounts[-1].value, value - rounding.amounts[-1].value)


def _own_label(ln: Line, value: Decimal) -> str | None:
    """The label printed just before ``value`` on a row holding two label-amount pairs
    (``TOTAL SAVING 0.00 TOTAL 41.50``: the row is a count, its last amount a total)."""
    for before, amount in zip(ln.amounts, ln.amounts[1:]):
        if amount.value == value:
            return line_label(ln.text[before.end : amount.start].strip())
    return None
