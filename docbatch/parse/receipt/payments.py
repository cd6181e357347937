"""What a receipt says was paid: the method and card, the first amount of a payment label, cash minus
change, a card's row.

The parser reads these to confirm (or doubt) the total it picked: a till computes the change
from the total, and a card is charged the amount due.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterator

from .header import Found
from .labels import has_word
from .lines import Line


#: The payment methods a receipt may name (canonical name, the phrases naming it): the parser's one
#: payment vocabulary (a card row is read with it too).
PAYMENT_METHODS = [
    ("VISA", ("VISA",)), ("MASTERCARD", ("MASTERCARD", "MASTER CARD", "MASTER")), ("AMEX", ("AMEX", "AMERICAN EXPRESS")),
    ("DEBIT", ("DEBIT", "DEBIT CARD", "EFTPOS", "NETS", "INTERAC")), ("CREDIT", ("CREDIT CARD", "CREDIT")),
    ("E-WALLET", ("EWALLET", "E WALLET", "GRABPAY", "BOOST", "TOUCH N GO", "ALIPAY", "WECHAT PAY")),
    ("CASH", ("CASH", "TUNAI")),
]


#: Rows naming cash that say nothing of how this sale was paid: the cashier, a refund policy (``STRICTLY NO
#: CASH REFUND``), a cash & carry store's name, a document title (``CASH BILL``, ``CASH SALES``,
#: ``CASH INV``, ``CASH RECEIPT``): in Malaysian usage a cash sale is one paid at once, as opposed to one
#: on account, by card as well as in notes (Gardenia's card-paid delivery invoices are ``CASH INV``s), and
#: a prize to be won (a survey footer's ``YOU COULD WIN RM500 CASH``).
_NOT_A_PAYMENT = re.compile(r"CASH\s*(?:BILL|SALES?\b|INV(?:OICE)?\b|RECEIPT|REFUND|(?:&|AND)\s*CARRY)|CASHIER|\bWIN\b")


def first_amount(lines: list[Line], label: str, *, before: int | None = None) -> tuple[Decimal, Line] | None:
    """The last amount of the first row labelled ``label`` (above row ``before``), with the row:
    the first such row is the receipt's own (a repeat further down is a copy or a card slip),
    and a row prints its amount last (``TOTAL 2 ITEMS 12.50``)."""
    for ln in lines:
        if before is not None and ln.index >= before:
            break
        if ln.label == label and ln.amounts:
            return ln.amounts[-1].value, ln
    return None


#: Words of a card payment row: every payment method's phrases but cash's (an e-wallet, too, is
#: charged the amount due), and a bare ``CARD``, which names the card only here, on a payment row
#: with its amount (anywhere on a receipt it is as often a member or loyalty card, so the
#: method itself is never read from it).
_CARD_WORDS = ("CARD", *(phrase for name, phrases in PAYMENT_METHODS if name != "CASH" for phrase in phrases))


def amount_tendered(lines: list[Line]) -> tuple[Decimal, Line] | None:
    """Cash minus change (and the payment row), from a change row and the payment row just above it.

    Pairing the two rows (rather than the first of each anywhere) keeps an item that merely
    reads like a payment word (``MISTER POTATO`` ~ ``MASTER``) out of the sum.
    """
    pair = next(_paid_then_change(lines), None)
    if pair is None:
        return None
    paid, change = pair
    # Magnitudes: tills print "CHANGE 6.00-" and "CASH -50.00" for money handed over and back.
    return abs(paid.amounts[-1].value) - abs(change.amounts[-1].value), paid


def _paid_then_change(lines: list[Line]) -> Iterator[tuple[Line, Line]]:
    """Each change row printing its amount, with the payment row among the three just above it."""
    for ln in lines:
        if ln.label != "change" or not ln.amounts:
            continue
        paid = next((p for p in reversed(lines[max(0, ln.index - 3) : ln.index]) if p.label == "paid" and p.amounts),
                    None)
        if paid is not None:
            yield paid, ln


def card_charged(lines: list[Line]) -> Decimal | None:
    """The amount of a card payment row, on a receipt with no change row (a card receipt).

    A card is charged the amount due, so a total equal to it is confirmed as cash minus change
    confirms one.  A card word is required: cash tendered alone (``CASH 50.00``, no change row)
    is no amount due.  A card amount above the total is no evidence against it (a tip written
    on the slip), nor is it one side of cash rounding (a card pays the unrounded sum)."""
    if any(ln.label == "change" and ln.amounts for ln in lines):
        return None
    card = next((ln for ln in lines if ln.label == "paid" and ln.amounts and has_word(ln.text, *_CARD_WORDS)), None)
    return abs(card.amounts[-1].value) if card is not None else None


def _change_given(lines: list[Line]) -> Found | None:
    """Cash, on a receipt naming no method whose payment row is followed by a change row
    (``PAID AMOUNT: 100.00`` over ``CHANGE: 20.50``, or ``CHANGE: 0.00`` for the exact sum): a till
    prints the change of a cash tender only."""
    pair = next(_paid_then_change(lines), None)
    return Found("CASH", pair, 0.6) if pair else None


def find_payment(lines: list[Line]) -> tuple[Found | None, Found | None]:
    """Payment method (canonical upper-case name) and the card's last four digits.

    The payment row printing its amount names the method before any other row naming one."""
    method = None
    for ln in sorted(lines, key=lambda ln: (ln.label != "paid", not ln.amounts, ln.index)):
        for name, phrases in PAYMENT_METHODS:
            if has_word(ln.text, *phrases) and not _NOT_A_PAYMENT.search(ln.text.upper()):
                method = Found(name, (ln,), 0.85 if ln.label == "paid" else 0.6)
                break
        if method:
            break
    if method is None:
        method = _change_given(lines)
    card = None
    for ln in lines:
        m = re.search(r"(?:[X*•#]{2,}[\s\-]?){1,4}(\d{4})\b", ln.text.upper())
        if m:
            card = Found(m.group(1), (ln,), 0.9)
            break
    return method, card
