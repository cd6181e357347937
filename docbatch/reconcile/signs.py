"""The sign of statement lines: every reader's amounts made spend-positive.

A line's sign comes from a ``CR``/``DR`` marker in its amount, else from a debit/credit
indicator column (``DR``/``CR``, ``Debit``/``Credit``, Chase's ``Sale``/``Return``, Wise's
``OUT``/``IN``), else from the convention of the whole column: given by
:attr:`TransactionOptions.sign`, or under ``auto`` the one under which most lines are spending and
the lines that read like payments or refunds are the credits.  Debit and credit columns are
unsigned: a debit is spent, a credit comes back.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .settings import TransactionOptions
from .values import parse_amount

_CREDIT_WORDS = re.compile(r"\b(?:PAYMENT|THANK YOU|REFUND|RETURN|REVERSAL|CREDIT|CASHBACK|REBATE)\b", re.I)


def signed_amounts(rows: list[list[Any]], cols: dict[str, int], options: TransactionOptions,
                   descriptors: list[Any]) -> list[Decimal | None]:
    """Spend-positive amounts, one per row (None where the row has no amount)."""
    sep = options.decimal_separator
    if "amount" not in cols:
        out: list[Decimal | None] = []
        for r in rows:
            debit = parse_amount(r[cols["debit"]], decimal_separator=sep)[0] if "debit" in cols else None
            credit = parse_amount(r[cols["credit"]], decimal_separator=sep)[0] if "credit" in cols else None
            if debit is None and credit is None:
                out.append(None)
            else:
                out.append(abs(debit or Decimal(0)) - abs(credit or Decimal(0)))
        return out
    parsed = [parse_amount(r[cols["amount"]], decimal_separator=sep) for r in rows]
    directions = [_direction(r[cols["direction"]]) if "direction" in cols else None for r in rows]
    open_rows = [i for i, (v, marker) in enumerate(parsed) if v is not None and not (marker or directions[i])]
    debit_negative = _debit_negative([parsed[i][0] for i in open_rows], [descriptors[i] for i in open_rows],
                                     options.sign)
    out = []
    for i, (v, marker) in enumerate(parsed):
        if v is None:
            out.append(None)
        elif marker or directions[i]:
            out.append(-abs(v) if (marker or directions[i]) == "CR" else abs(v))
        else:
            out.append(-v if debit_negative else v)
    return out


_DIRECTIONS = {"CR": "CR", "C": "CR", "CREDIT": "CR", "CREDITS": "CR", "RETURN": "CR", "REFUND": "CR",
               "PAYMENT": "CR", "IN": "CR", "DR": "DR", "D": "DR", "DEBIT": "DR", "DEBITS": "DR", "SALE": "DR",
               "PURCHASE": "DR", "OUT": "DR"}


def _direction(value: Any) -> str | None:
    """``CR``/``DR`` from a debit/credit indicator cell (``Credit``, ``DR``, Chase's ``Sale``/``Return``)."""
    return _DIRECTIONS.get(str(value or "").strip().upper().rstrip("."))


def _debit_negative(values: list[Decimal | None], descriptors: list[Any], sign: str) -> bool:
    if sign != "auto":
        return sign == "debit_negative"
    neg = [d for v, d in zip(values, descriptors) if v is not None and v < 0]
    pos = [d for v, d in zip(values, descriptors) if v is not None and v > 0]

    def credit_like(ds: list[Any]) -> float:
        return sum(bool(_CREDIT_WORDS.search(str(d or ""))) for d in ds) / max(len(ds), 1)

    # Payments and refunds are the exception: the side whose lines read like them is the credit side.
    if neg and pos and abs(credit_like(neg) - credit_like(pos)) >= 0.5:
        return credit_like(pos) > credit_like(neg)
    return len(neg) > len(pos)
