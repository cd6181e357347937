"""Evidence against a picked total: the receipt's own arithmetic and rows that disagree with it.

A total read from the strongest label is usually right, but a few layouts make another
figure just as defensible, or show that the labelled amount is not what was charged.
Each check here names one such sign; the parser flags the total (reason
``total_doubt:<sign>``, confidence at review level) rather than guess between figures:

* ``rounding_unprinted``: a cash-rounding row, and the rounded figure taken from an
  unlabelled row while the receipt's labelled total is the unrounded sum (a rounded sum
  printed nowhere, only cash minus change, is never taken: the printed total stands);
* ``subtotal_unexplained``: the items add up to the subtotal but the total differs from it
  with no tax, discount, service, tip or rounding row between them;
* ``subtotal_above_total``: the subtotal exceeds the total by more than a rounding row
  between them, no discount is printed and no negative row between them (returns) makes
  up the difference;
* ``large_discount``: a discount of a fifth or more of the subtotal between subtotal and
  total (the sum before and after it are both "the total" to someone), unless a tax or
  service charge follows the discount before the total (it is levied on the discounted sum)
  or a payment row with no change pays exactly the total (what was handed over or charged
  settles which sum was owed);
* ``negative_total``: a total label carries a negative amount (a credit or return note);
* ``total_is_tendered``: a change row (not zero) with no payment row, and the total minus the change
  equals another total or the items (the "total" is the cash handed over; printed just above the
  change, where a cash row stands, it is read as that row instead: :mod:`.total_pick`);
* ``paid_below_total``: a payment row with no change row pays less than the total;
* ``tip_unreconciled``: a tip with a value printed below the total, its tipped total printed
  nowhere (see :mod:`.tips`);
* ``digit_misread``: the items add up, or cash minus change comes, or a subtotal plus the tax
  after it comes, to a sum one digit from the total (``60.31`` for ``20.31``): one glyph of the
  total was misread, however sure the engine was of it (SROIE image 001 at 60% resolution read
  the 6 as a 2 at 91%; the sum of items that disagree for other reasons, an item missed or a
  discount, seldom differs in one digit alone);
* ``point_lost``: the total printed without cents on a receipt whose other amounts print them
  (``$820`` for ``$8.20``).

These are properties of receipts in general (arithmetic, labels), not of particular vendors.

:func:`sum_before_rounding` keeps the other side of a cash-rounding row: rounding to 5 sen
applies to cash only, so a card paying the same bill is charged the sum before it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from .lines import Line
from .tips import tip_unreconciled

_TOTALS = ("total", "total_strong")
_EXPLAINS = ("tax", "discount", "service", "rounding", "tip")
#: A discount at least this share of the subtotal makes both sums defensible totals.
LARGE_DISCOUNT = Decimal("0.2")


def _last(ln: Line) -> Decimal:
    return ln.amounts[-1].value


def _labelled(lines: Sequence[Line], *labels: str, before: int | None = None) -> list[Line]:
    return [ln for ln in lines if ln.label in labels and ln.amounts and (before is None or ln.index < before)]


def total_doubts(lines: Sequence[Line], total: Decimal, total_line: Line, *, rounded_from_label: bool | None,
                 items_sum: Decimal | None, table: int) -> list[str]:
    """The signs (see the module docstring) that the picked ``total`` may not be the receipt's total.

    ``rounded_from_label``: None when no rounding was applied, else whether the rounded
    figure was read from a total or rounding row.  ``table``: where a tax-summary table starts.
    """
    doubts: list[str] = []
    if rounded_from_label is False:
        doubts.append("rounding_unprinted")
    subtotals = _labelled(lines, "subtotal", before=table)
    sub = subtotals[0] if subtotals else None
    discounts = _labelled(lines, "discount")
    if sub is not None and _last(sub) != total:
        between = [ln for ln in lines[sub.index + 1 : total_line.index] if ln.amounts]
        if items_sum == _last(sub) and not any(ln.label in _EXPLAINS for ln in between):
            doubts.append("subtotal_unexplained")
        rounding = sum((abs(_last(ln)) for ln in between if ln.label == "rounding"), Decimal(0))
        if _last(sub) - total > rounding and not discounts and not _credited(_last(sub), total, between, rounding):
            doubts.append("subtotal_above_total")
        off = sum((abs(_last(ln)) for ln in between if ln.label == "discount"), Decimal(0))
        if (off and off >= LARGE_DISCOUNT * abs(_last(sub)) and not _charged_after_discount(between)
                and not _paid_exactly(lines, total)):
            doubts.append("large_discount")
    if any(_last(ln) < 0 for ln in _labelled(lines, "total_strong", before=table)):
        doubts.append("negative_total")
    doubts += _payment_doubts(lines, total, total_line, items_sum)
    if tip_unreconciled(lines, total, total_line):
        doubts.append("tip_unreconciled")
    if any(_one_digit_apart(total, other) for other in _other_sums(lines, total_line, items_sum)):
        doubts.append("digit_misread")
    if _point_lost(lines, total, total_line):
        doubts.append("point_lost")
    return doubts


def _point_lost(lines: Sequence[Line], total: Decimal, total_line: Line) -> bool:
    """Is the total printed without cents (``$820``) on a receipt whose other amounts print
    theirs?  Its point was lost, or it is a whole figure nothing shows is (SROIE image 058 at 60%
    resolution: ``Total Amount: $820`` for ``$8.20``, read as 820.00)."""
    shown = [a for a in total_line.amounts if a.value == total]
    others = [a for ln in lines for a in ln.amounts if ln is not total_line]
    with_cents = sum(a.decimals == 2 for a in others)
    return bool(shown) and shown[-1].decimals == 0 and with_cents >= 2 and with_cents * 3 >= len(others) * 2


def _other_sums(lines: Sequence[Line], total_line: Line, items_sum: Decimal | None) -> list[Decimal]:
    """What else the receipt says was owed: the items' sum, cash minus change (cash printed
    negative on some tills, ``CASH -40.10``, is still what was handed over), and a subtotal or
    count row's sum plus the tax printed between it and the total (SROIE image 020 at 60%
    resolution: ``Total Qty: 7 51.42`` and ``Total GST 3.08`` over ``64.50`` for 54.50, its
    subtotal row's point lost)."""
    out = [items_sum] if items_sum is not None else []
    paid, changes = _labelled(lines, "paid"), _labelled(lines, "change")
    if len(paid) == 1 and len(changes) == 1 and _last(changes[0]) > 0:
        out.append(abs(_last(paid[0])) - _last(changes[0]))
    for sub in _labelled(lines, "subtotal", "count", before=total_line.index):
        between = lines[sub.index + 1 : total_line.index]
        taxes = sum((_last(ln) for ln in between if ln.label == "tax" and ln.amounts and _last(ln) > 0), Decimal(0))
        if taxes:
            out.append(_last(sub) + taxes)
    return out


def _one_digit_apart(a: Decimal, b: Decimal) -> bool:
    """Are ``a`` and ``b`` of two whole digits or more written alike but for the first
    (``20.31``, ``60.31``)?  A sum off by a missed item, a discount or a rounding differs in its
    cents or units as well (on SROIE's tuned box files, perfect lines, a difference in any one
    digit matched 23 right totals, in the first one none)."""
    x, y = f"{abs(a):.2f}", f"{abs(b):.2f}"
    return len(x) == len(y) >= 5 and x[0] != y[0] and x[1:] == y[1:]


#: Cash rounding moves a sum by less than the smallest coin (5 sen, 5 cents).
_COIN = Decimal("0.05")


def sum_before_rounding(lines: Sequence[Line], total: Decimal, *, table: int) -> tuple[Decimal, Line] | None:
    """(the sum before cash rounding, its row) when ``total`` is the rounded figure.

    That is: a rounding row (before the tax-summary table) moves some sum by less than a
    coin onto ``total``, the total is a whole number of coins and the sum is not, and the sum
    is printed on a total row (``TOTAL: 72.93``, ``RND ADJ 0.02``, ``72.95``).
    """
    if total % _COIN:
        return None
    for rounding in _labelled(lines, "rounding", before=table):
        adj = abs(_last(rounding))
        if not 0 < adj < _COIN:
            continue
        for ln in _labelled(lines, *_TOTALS, before=table):
            for a in ln.amounts:
                if a.value in (total + adj, total - adj):
                    return a.value, ln
    return None


def _credited(subtotal: Decimal, total: Decimal, between: Sequence[Line], rounding: Decimal) -> bool:
    """The subtotal plus the taxes and the negative rows printed between it and the total (a
    returns section: ``TOTAL 0% SUPPLIES: -7.43``) lands on the total: the receipt's own sum."""
    taxes = sum((_last(ln) for ln in between if ln.label in ("tax", "service") and _last(ln) > 0), Decimal(0))
    credits = sum((_last(ln) for ln in between if ln.label != "rounding" and _last(ln) < 0), Decimal(0))
    return credits < 0 and abs(subtotal + taxes + credits - total) <= rounding + Decimal("0.005")


def _charged_after_discount(between: Sequence[Line]) -> bool:
    """A tax or service charge printed after the discount row and before the total: it is
    levied on the discounted sum, so the discount lowered the price (the sum before it was
    never owed) rather than paying part of it like a coupon."""
    last = max((k for k, ln in enumerate(between) if ln.label == "discount"), default=None)
    return last is not None and any(ln.label in ("tax", "service") and _last(ln) > 0 for ln in between[last + 1:])


def _paid_exactly(lines: Sequence[Line], total: Decimal) -> bool:
    """A payment row pays exactly ``total`` and no change is handed back: the amount handed over
    (a card slip's charge, exact cash) is the sum owed, so the receipt itself says which of two
    defensible sums was paid.  Cash minus change is not taken for it: the sum a coupon
    receipt's annotators call its total is the one before the coupon as often as after."""
    changes = [_last(ln) for ln in _labelled(lines, "change")]
    return not any(changes) and any(_last(ln) == total for ln in _labelled(lines, "paid"))


def _payment_doubts(lines: Sequence[Line], total: Decimal, total_line: Line, items_sum: Decimal | None) -> list[str]:
    """Signs from the payment and change rows (see the module docstring)."""
    changes = _labelled(lines, "change")
    paid = [_last(ln) for ln in _labelled(lines, "paid")]
    out: list[str] = []
    if changes and not paid:
        others = {a.value for ln in _labelled(lines, *_TOTALS) if ln is not total_line for a in ln.amounts}
        if items_sum is not None:
            others.add(items_sum)
        if any(_last(ch) > 0 and total - _last(ch) in others for ch in changes):
            out.append("total_is_tendered")
    if paid and not changes and all(0 < p < total for p in paid):
        out.append("paid_below_total")
    return out
