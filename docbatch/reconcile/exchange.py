"""Lines of multi-currency accounts (Wise's balance statements): the amount spent before
conversion when the export gives only the rate, and conversions between the account's own
balances, which are no purchase.

Wise states a rate as "one unit of ``Exchange From`` is ``Exchange Rate`` units of ``Exchange
To``", applied to the money converted, that is the charge less the fees Wise took
(``Total fees``, already in the charge).  A spend leaves the balance in ``Exchange From``; money
arriving in the balance (a conversion's other side, money added from another currency) is in
``Exchange To``, and its original amount is found by dividing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

#: What a line's kind column says of a conversion: Wise's ``Transaction Details Type`` (balance
#: statements), its ``Direction`` (transaction history, :mod:`.wise_history`), Revolut's and PayPal's ``Type``.
CONVERSION_KINDS = frozenset({"CONVERSION", "NEUTRAL", "EXCHANGE", "GENERAL CURRENCY CONVERSION",
                              "CURRENCY CONVERSION"})
#: Wise's id of a line moving money between its own balances (``BALANCE-2511676791``).
_BALANCE_ID = "BALANCE-"
_CENT = Decimal("0.01")


def original_from_rate(charged: Decimal, currency: str | None, rate: Decimal | None, source: str | None,
                       target: str | None, fees: Decimal | None) -> tuple[Decimal, str] | None:
    """(amount, currency) before conversion of a line charged ``charged`` (unsigned) in ``currency``,
    converted from ``source`` to ``target`` at ``rate``; None when the line names no conversion
    or ``currency`` is neither side of it."""
    if rate is None or rate <= 0 or not source or not target or source == target:
        return None
    try:
        if currency == source:
            converted = charged - fees if fees is not None and 0 <= fees < charged else charged
            return (converted * rate).quantize(_CENT), target
        if currency == target:
            return (charged / rate).quantize(_CENT), source
    except InvalidOperation:
        return None
    return None


def conversion_problem(kind: Any, transaction_id: Any, source: Any, target: Any) -> str | None:
    """Why a line is a conversion between the account's own balances (set aside, never matched), else None.

    Said by a kind column (``CONVERSION``), or, in exports without one, by Wise's ``BALANCE-`` id on
    a line naming two currencies.
    """
    text = str(kind or "").strip()
    if text.upper() in CONVERSION_KINDS:
        return f"kind: {text!r}: a conversion between the account's own balances, not a purchase"
    names = {str(c or "").strip().upper() for c in (source, target)} - {""}
    if not text and str(transaction_id or "").strip().upper().startswith(_BALANCE_ID) and len(names) == 2:
        return (f"id {str(transaction_id).strip()!r} converts {' to '.join(str(c).strip() for c in (source, target))}: "
                "a conversion between the account's own balances, not a purchase")
    return None
