"""Wise's "transaction history" export (``transaction-history.csv``), a layout apart from its
balance statements: one line per movement of the whole account, unsigned amounts with a
``Direction`` (``OUT`` money leaving, ``IN`` arriving, ``NEUTRAL`` a conversion between the
account's own balances), both sides of each movement (``Source ...`` and ``Target ...``, the
amounts after fees, the fee apart) and a ``Status``.

The lines are rewritten into the canonical columns :func:`.transactions.from_rows` reads:
the account's side is the charge (the source of money leaving, fee added when charged in the
same currency; the target of money arriving), the other side the amount before conversion,
``Target name`` (or ``Source name`` for money arriving) the descriptor, ``Created on`` the
transaction date and ``Finished on`` the posting.  A ``NEUTRAL`` line goes to the kind column
(set aside as a conversion), a ``CANCELLED`` or ``REFUNDED`` one (a charge reversed whole,
with no credit line of its own) to the status column (set aside: no money moved).
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from ..errors import TransactionFileError
from .values import parse_amount

#: The columns that tell the layout (the export has more: Batch, Created by, Category, Note...).
_SIGNATURE = ("id", "status", "direction", "createdon", "sourceamountafterfees", "sourcecurrency",
              "targetamountafterfees", "targetcurrency")
#: Statuses of this layout alone that say a line moved no money: a charge reversed whole, with no
#: credit line of its own (elsewhere, PayPal's for one, a refunded payment has its refund beside it).
HISTORY_NO_MONEY = frozenset({"REFUNDED"})
CANONICAL_HEADER = ["transaction_id", "status", "direction", "kind", "transaction_date", "posted_date", "descriptor",
                    "amount", "currency", "original_amount", "original_currency"]


def _key(header: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def is_history_header(row: Sequence[object]) -> bool:
    """Whether a CSV row is the header of Wise's transaction history."""
    keys = {_key(c) for c in row}
    return all(k in keys for k in _SIGNATURE)


def canonical_rows(header: Sequence[object], rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """The history's lines in :data:`CANONICAL_HEADER`'s columns, one for one and in order."""
    at = {_key(h): i for i, h in enumerate(header)}

    def cell(row: Sequence[Any], name: str) -> Any:
        i = at.get(name)
        return row[i] if i is not None and i < len(row) else None

    out: list[list[Any]] = []
    for row in rows:
        direction = str(cell(row, "direction") or "").strip().upper()
        own, other = ("target", "source") if direction == "IN" else ("source", "target")
        amount = _with_fee(cell(row, f"{own}amountafterfees"), cell(row, f"{own}feeamount"),
                           cell(row, f"{own}feecurrency"), cell(row, f"{own}currency"))
        original, original_currency = cell(row, f"{other}amountafterfees"), cell(row, f"{other}currency")
        if str(original_currency or "").strip().upper() == str(cell(row, f"{own}currency") or "").strip().upper():
            original = original_currency = None  # no conversion: the charge is the spend
        status = str(cell(row, "status") or "").strip()
        out.append([cell(row, "id"), status, direction, direction if direction == "NEUTRAL" else None,
                    cell(row, "createdon"), cell(row, "finishedon"),
                    cell(row, "targetname" if own == "source" else "sourcename"), amount,
                    cell(row, f"{own}currency"), original, original_currency])
    _join_split_payments(out, [(cell(r, "targetamountafterfees"), cell(r, "targetcurrency")) for r in rows])
    return out


def _join_split_payments(out: list[list[Any]], targets: list[tuple[Any, Any]]) -> None:
    """One payment drawn from two balances is one line: the first of its legs, in place.

    Wise writes a line per balance a card payment drew on, under one id (15.70 CAD paying 11.18
    USD and 23.32 USD paying the rest of a 34.50 USD purchase); each leg alone matches no receipt.
    The first leg becomes the whole payment in the merchant's currency (the sum of the legs'
    targets, nothing left to convert), the later legs lines with no amount, which are no
    transaction: the line numbers of the others stay as the export's.
    """
    legs: dict[str, list[int]] = {}
    for i, line in enumerate(out):
        if line[2] == "OUT" and line[0]:
            legs.setdefault(str(line[0]).strip(), []).append(i)
    for group in (g for g in legs.values() if len(g) > 1):
        currencies = {str(targets[i][1] or "").strip().upper() for i in group}
        try:
            amounts = [parse_amount(targets[i][0])[0] for i in group]
        except TransactionFileError:
            continue
        if len(currencies) != 1 or "" in currencies or any(a is None for a in amounts):
            continue
        first = out[group[0]]
        first[7:11] = [sum(abs(a) for a in amounts if a is not None), currencies.pop(), None, None]
        for i in group[1:]:
            out[i][7] = None


def _with_fee(amount: Any, fee: Any, fee_currency: Any, currency: Any) -> Any:
    """The amount after fees plus a fee charged in its currency: what the balance moved by.

    A cell that is no number is passed on as written, for the reader to set its line aside.
    """
    try:
        value, paid = parse_amount(amount)[0], parse_amount(fee)[0]
    except TransactionFileError:
        return amount
    same = str(fee_currency or "").strip().upper() == str(currency or "").strip().upper()
    if value is None or not paid or not same:
        return value
    return abs(value) + abs(paid) if value >= 0 else value - abs(paid)

