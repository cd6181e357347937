"""A receipt's payment rows as a card payment prints them: the receipt of a purchase the statement charges.

SROIE's receipts were mostly paid in cash (about 500 of 626 print a ``CASH`` tender, most of
them with ``CHANGE``), while the benchmark's statement charges a card for all but a few
purchases.  A receipt saying it was paid in cash beside a card charge for it is a pair no
statement holds, and it hides what a matcher may rightly read from the receipt (cash
handed over is no card charge).  So the receipt of a purchase the statement charges prints
what a card payment prints: its cash tender row reads ``VISA`` and the amount charged (the
total), and its change row (label and amount) is gone.  A cash tender row is one that starts
with ``CASH``/``TUNAI``, one naming cash as the way paid (``PAY BY: CASH``, ``PAYMENT TYPE:
CASH``, ``TENDERED-CASH``, ``RECEIVED CASH``), or a payment row just above a change row (``PAID
AMOUNT: 100.00`` over ``CHANGE: 20.50``, ``TENDERED 10.00``, ``PAY 20.00`` over ``CHANGE 2.40``:
change is handed back for cash only); its amount may be signed (``CASH -50.00``) or sit lower than its label.  The rest of
the receipt is as transcribed, but for cash rounding: Malaysian 5-sen rounding applies to cash only, so a card
pays the sum before it (:func:`charged_total`, the amount the statement charges) and its
receipt prints no rounding row (``ROUNDING ADJ -0.02``, gone) and that sum where the rounded
total was (``TOTAL ROUNDED 33.90`` reads ``33.92``).

The lines are SROIE ``box/`` lines, ``(8 coordinates, text)``; a row's amount is the line to
the right of its label whose box overlaps the label's height by half or more (SROIE
transcribes label and amount as separate boxes as often as one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

Line = tuple[list[float], str]

#: A cash tender row's label: ``CASH``/``TUNAI`` first on the line (after the currency, ``RM CASH``), not a
#: document title, a cashier or a policy line (``CASH BILL``, ``CASH SALES``, ``CASHIER``, ``NO CASH REFUND``).
_TENDER = re.compile(r"^\W*(?:(?:RM|MYR)\s*)?(?:CASH|TUNAI)\b(?!\s*(?:BILL|SALES?|INV|INVOICE|RECEIPT|REFUND|&|AND\b|CARRY|DRAWER|VOUCHER|CHANGE|ROUND))",
                     re.I)
#: A row naming cash as the way paid, not first on the line (``PAY BY: CASH``, ``TENDERED-CASH``,
#: ``RECEIVED CASH``).
_PAID_IN_CASH = re.compile(r"^\W*(?:PAY(?:MENT)?\s*(?:BY|TYPE|MODE|METHOD)\s*:?\s*|TENDERED\s*-\s*|TTL\s+|RECEIVED\s+)"
                           r"(?:CASH|TUNAI)\b",
                           re.I)
#: A payment row's label (the amount handed over): a cash tender when a change row follows it.
_PAID_LABEL = re.compile(r"^\W*(?:(?:CASH\s*)?TENDER(?:ED)?|(?:TOTAL\s*)?PAID(?:\s*AMOUNT)?|AMOUNT\s*(?:PAID|TENDERED)|"
                         r"(?:TOTAL\s*|CUSTOMER'?S\s*)?PAYMENT|PAY)\b(?!\s*(?:TIME|MODE|TYPE|METHOD|DETAILS))", re.I)
_CHANGE = re.compile(r"^\W*(?:CASH\s*)?(?:CHANGES?|BAKI|KEMBALI(?:AN)?)\b(?!\s*(?:ARE|IS|OF|WITHIN|ALLOWED))", re.I)
#: An amount; a third decimal is a transcription's slip (SROIE 164's ``100.000``), still the row's amount.
_MONEY = re.compile(r"-?\d[\d,]*\.\d{2}\d?-?")
#: A cash-rounding row's label (``ROUNDING ADJ``, ``ROUND ADJ``, ``RND ADJ``; not ``ROUNDED TOTAL``).
_ROUNDING = re.compile(r"^\W*(?:ROUND(?:ING|LNG)?|RND)\b", re.I)
#: The amount ending a line, its sign before or after it (``-RM 0.02``, ``ROUNDING: -RM0.01``, ``0.01-``).
_SIGNED = re.compile(r"(-)?\s*(?:RM)?\s*(\d+\.\d{2})(-)?\W*$", re.I)
#: Cash rounding moves a sum by less than the smallest coin.
_COIN = Decimal("0.05")


def _band(coords: list[float]) -> tuple[float, float, float]:
    ys = coords[1::2]
    return min(ys), max(ys), min(coords[0::2])


def _same_row(label: list[float], other: list[float], share: float = 0.5) -> bool:
    """``other`` lies right of ``label`` on its row (their heights overlap by ``share`` of the shorter one)."""
    a0, a1, ax = _band(label)
    b0, b1, bx = _band(other)
    overlap = min(a1, b1) - max(a0, b0)
    return bx > ax and overlap > 0 and overlap >= share * min(a1 - a0, b1 - b0)


def _amount_lines(lines: list[Line], k: int, *, skewed: bool = False) -> list[int]:
    """Indexes of the lines holding an amount on line ``k``'s row, right of it (``k`` itself first);
    ``skewed``, when none overlaps it by half: the one amount overlapping it at all, if only one does
    (a skewed scan prints the amount lower than its label: SROIE 090's ``CASH`` and ``10.00``; where
    two do, as on a scan whose amounts all sit half a row off, neither is taken)."""
    own = [k] if _MONEY.search(lines[k][1]) else []
    amounts = [i for i, (_, text) in enumerate(lines) if i != k and _MONEY.fullmatch(text.replace("RM", "").strip(" :"))]
    row = [i for i in amounts if _same_row(lines[k][0], lines[i][0])]
    touching = [i for i in amounts if _same_row(lines[k][0], lines[i][0], 0.0)] if skewed and not row else []
    return own + (row or ([] if own else touching if len(touching) == 1 else []))


def _money(text: str) -> Decimal:
    return Decimal(text.strip("-").replace(",", ""))


@dataclass(frozen=True)
class CashRounding:
    """A receipt's cash rounding: the rounded total, the sum before it, the rounding row's lines."""

    rounded: Decimal
    before: Decimal
    rows: list[int]


def cash_rounding(lines: list[Line], total: Decimal) -> CashRounding | None:
    """The receipt's cash rounding onto or from ``total`` (its answer key's, which holds either figure).

    A rounding row moves a sum by less than a coin; the rounded figure is a whole number of
    coins and the sum is not.  Of the two readings of the adjustment's sign, the one whose
    figures are both printed, else the sign as printed (``-0.02`` takes 0.02 off the sum)."""
    printed = {_money(m.group(0)) for _, text in lines for m in _MONEY.finditer(text)}
    for k, (_, text) in enumerate(lines):
        if not _ROUNDING.search(text):
            continue
        row = [i for i in _amount_lines(lines, k) if _SIGNED.search(lines[i][1])]
        row += [i for i, (c, t) in enumerate(lines) if i != k and i not in row and _same_row(lines[k][0], c)
                and _SIGNED.fullmatch(t.replace("RM", "").strip(" :"))]
        if not row:
            continue
        m = _SIGNED.search(lines[row[0]][1])
        adj = -_money(m.group(2)) if m.group(1) or m.group(3) else _money(m.group(2))
        if not 0 < abs(adj) < _COIN:
            continue
        readings = [(r, b) for r, b in ((total, total - adj), (total + adj, total), (total, total + adj),
                                        (total - adj, total)) if not r % _COIN and b % _COIN and b > 0]
        both = [(r, b) for r, b in readings if r in printed and b in printed]
        if both or readings:
            rounded, before = (both or readings)[0]
            return CashRounding(rounded, before, sorted({k, *row}))
    return None


def charged_total(lines: list[Line], total: Decimal) -> Decimal:
    """What a card paying for the receipt is charged: ``total`` as the sum before any cash rounding."""
    rounding = cash_rounding(lines, total)
    return rounding.before if rounding else total


def _without_rounding(lines: list[Line], rounding: CashRounding) -> dict[int, str | None]:
    """Edits printing the receipt without its cash rounding: the rounding row gone, the rounded total,
    wherever printed below it, the sum before rounding."""
    out: dict[int, str | None] = {i: None for i in rounding.rows}
    swap = (lambda m: f"{rounding.before:.2f}" if _money(m.group(0)) == rounding.rounded else m.group(0))
    for i in range(rounding.rows[0] + 1, len(lines)):
        if i not in out:
            text = _MONEY.sub(swap, lines[i][1])
            if text != lines[i][1]:
                out[i] = text
    return out


def _cash_tenders(lines: list[Line]) -> list[int]:
    """Indexes of the receipt's cash tender rows' labels (see the module docstring)."""
    found = {k for k, (_, text) in enumerate(lines) if _TENDER.search(text) or _PAID_IN_CASH.search(text)}
    for k, (_, text) in enumerate(lines):
        above = range(max(0, k - 4), k)
        if _CHANGE.search(text) and not found.intersection(above):
            found.update(i for i in above if _PAID_LABEL.search(lines[i][1]) and _amount_lines(lines, i, skewed=True))
    return sorted(found)


def _as_card(text: str) -> str:
    """A cash tender row's label naming the card: the cash it names, else its payment label, reads ``VISA``."""
    cash = re.search(r"\b(?:CASH|TUNAI)\b", text, re.I)
    if cash:
        return text[:cash.start()] + "VISA" + text[cash.end():]
    return _PAID_LABEL.sub(lambda m: re.sub(r"\w.*\w|\w", "VISA", m.group(0), count=1), text, count=1)


def card_tender(lines: list[Line], total: Decimal) -> list[Line]:
    """The receipt's lines with its cash payment printed as a card payment of ``total`` (see the module
    docstring; ``total`` is the answer key's, before or after cash rounding); lines without a cash
    tender or a cash rounding come back unchanged."""
    tenders = _cash_tenders(lines)
    rounding = cash_rounding(lines, total)
    if not tenders and not rounding:
        return lines
    out: dict[int, str | None] = _without_rounding(lines, rounding) if rounding else {}
    amount = f"{rounding.before if rounding else total:.2f}"
    for k in tenders:
        out[k] = _as_card(lines[k][1])
        for i in _amount_lines(lines, k, skewed=True)[:1]:
            out[i] = _MONEY.sub(amount, out.get(i) or lines[i][1], count=1)
    for k, (_, text) in enumerate(lines):
        if _CHANGE.search(text):
            for i in [k] + _amount_lines(lines, k, skewed=True):
                if i == k or i not in out:  # never a tender's amount, just rewritten
                    out[i] = None
    return [(c, out.get(i, text)) for i, (c, text) in enumerate(lines) if out.get(i, text) is not None]
