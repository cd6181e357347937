"""Amounts and dates as bank exports write them.

Exports differ from receipts: a column holds one convention for every row, so a date
column's day/month order is decided for the whole column (a ``13/02`` anywhere settles
it), never row by row, and an order that stays open is refused rather than guessed.
Amounts come as ``-12.30``, ``(12.30)``, ``12.30-``, ``12.30 CR``, ``RM1,234.50`` or
``1.234,50``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Sequence

from ..errors import TransactionFileError

_MONTHS = {m: i for i, m in enumerate(
    "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}
_MONTHS.update({"MAC": 3, "MEI": 5, "OGO": 8, "DIS": 12, "SEPT": 9})
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?"
                  r"(?:\s?(?:Z|[+-]\d\d:?\d\d))?(?:\s?UTC)?)?$")  # Monzo: 2018-03-30 17:32:57 +0000
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\d{6}(?:\.\d+)?)?(?:\[[^\]]*\])?$")  # OFX: 20181225120000[-5:EST]
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-'](\d{2,4})(?:\s+\d{1,2}:\d\d(?::\d\d)?(?:\s?[AP]M)?)?$", re.I)
_NAMED = re.compile(r"^(\d{1,2})[\s\-/]?([A-Z]{3,4})[A-Z]*\.?[\s\-/,]*(\d{2,4})$")
_NAMED_US = re.compile(r"^([A-Z]{3,4})[A-Z]*\.?\s+(\d{1,2}),?\s+(\d{4})$")

_CODES = re.compile(r"\b(?:[A-Z]{3})\b")
_SIGNS = re.compile(r"(?:US\$|S\$|A\$|C\$|RM|\$|€|£|¥)")


def _year(y: str) -> int:
    n = int(y)
    return n + 2000 if n < 70 else n + 1900 if n < 100 else n


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _fixed(text: str) -> dt.date | None:
    """Dates whose reading does not depend on a day/month order."""
    up = text.strip().upper()
    if m := _ISO.match(up):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT.match(up):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if (m := _NAMED.match(up)) and (mon := _MONTHS.get(m[2][:4]) or _MONTHS.get(m[2][:3])):
        return _make(_year(m[3]), mon, int(m[1]))
    if (m := _NAMED_US.match(up)) and (mon := _MONTHS.get(m[1][:4]) or _MONTHS.get(m[1][:3])):
        return _make(int(m[3]), mon, int(m[2]))
    return None


def _numeric(text: str, order: str) -> dt.date | None:
    m = _NUMERIC.match(text.strip())
    if not m:
        return None
    a, b, c = m[1], m[2], m[3]
    if len(a) == 4:
        return _make(int(a), int(b), int(c))
    if order == "DMY":
        return _make(_year(c), int(b), int(a))
    if order == "MDY":
        return _make(_year(c), int(a), int(b))
    return None


def date_cell_problem(value: object, order: str | None) -> str | None:
    """Why one cell is no date under any day/month order it may have (``order`` when given), else None.

    Lets a statement line with an impossible date (``31.02.2025``) or text in its date column
    be set aside on its own, before the column's order is decided from the other lines.
    """
    if value is None or isinstance(value, (dt.date, float)) or str(value).strip() == "":
        return None  # empty, typed, or NaN: the column reader decides
    text = str(value).strip()
    if _fixed(text) is not None:
        return None
    if not _NUMERIC.match(text):
        return f"cannot read {text[:20]!r} as a date"
    orders = (order,) if order in ("DMY", "MDY") else ("DMY", "MDY")
    if any(_numeric(text, o) for o in orders):
        return None
    return f"{text[:20]!r} is not a valid date" + (f" ({order})" if len(orders) == 1 else "")


def parse_date_column(values: Sequence[object], *, order: str | None, column: str,
                      layout_order: str | None = None) -> list[dt.date | None]:
    """Each value as a date (None for empty cells), one day/month order for the whole column.

    ``order`` (DMY/MDY) wins when given; otherwise the order under which every numeric
    value is a valid date is used, and a column that both orders read (every day and
    month at most 12) takes ``layout_order`` (the order the export's layout is known to
    write), else is refused with a message naming the option to set.
    """
    out: list[dt.date | None] = [None] * len(values)
    numeric: list[int] = []
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and v != v) or str(v).strip() == "":
            continue
        if isinstance(v, dt.datetime):
            out[i] = v.date()
            continue
        if isinstance(v, dt.date):
            out[i] = v
            continue
        text = str(v).strip()
        fixed = _fixed(text)
        if fixed is not None:
            out[i] = fixed
        elif _NUMERIC.match(text):
            numeric.append(i)
        else:
            raise TransactionFileError(f"column {column!r}: cannot read {text[:20]!r} as a date")
    if not numeric:
        return out
    texts = [str(values[i]) for i in numeric]
    if order not in ("DMY", "MDY"):
        fits = [o for o in ("DMY", "MDY") if all(_numeric(t, o) for t in texts)]
        if not fits:
            raise TransactionFileError(f"column {column!r}: dates fit neither day/month order")
        if len(fits) == 2 and layout_order in fits:
            fits = [layout_order]
        if len(fits) == 2 and any(_numeric(t, "DMY") != _numeric(t, "MDY") for t in texts):
            raise TransactionFileError(
                f"column {column!r}: every date reads as both day/month and month/day; "
                "set the order (--date-order DMY or MDY)")
        order = fits[0]
    for i, t in zip(numeric, texts):
        d = _numeric(t, order)
        if d is None:
            raise TransactionFileError(f"column {column!r}: {t[:20]!r} is not a {order} date")
        out[i] = d
    return out


def parse_amount(value: object, *, decimal_separator: str | None = None) -> tuple[Decimal | None, str | None]:
    """(value with the sign as written, marker) where marker is ``"CR"``, ``"DR"`` or None.

    ``None`` for an empty cell; :class:`TransactionFileError` for text that is no amount.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None, None
    if isinstance(value, Decimal):
        return value, None
    if isinstance(value, (int, float)):
        return Decimal(str(value)), None
    # U+2212 is the minus sign typeset (Nordic banks, spreadsheets); thin and narrow no-break
    # spaces group thousands in French and other locales' formatting.
    text = str(value).strip().upper().replace("\u2212", "-").replace("\u202f", " ").replace("\u2009", " ")
    if not text:
        return None, None
    marker = None
    if m := re.search(r"\s*\b(CR|DR|CREDIT|DEBIT)\.?$", text):
        marker = "CR" if m[1].startswith("C") else "DR"
        text = text[: m.start()].strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.endswith("-"):
        negative, text = True, text[:-1].strip()
    if text.startswith("+"):
        text = text[1:].strip()
    if text.startswith("-"):
        negative, text = not negative, text[1:].strip()
    text = _CODES.sub("", _SIGNS.sub("", text)).replace(" ", "").replace("\u00a0", "")
    if text.startswith("-"):
        negative, text = not negative, text[1:]
    number = _number(text, decimal_separator)
    if number is None:
        raise TransactionFileError(f"cannot read {str(value)[:20]!r} as an amount")
    return (-number if negative else number), marker


def _number(text: str, sep: str | None) -> Decimal | None:
    if not re.fullmatch(r"\d[\d.,']*|[.,]\d+", text):
        return None
    text = text.replace("'", "")
    if sep is None:
        last = max(text.rfind("."), text.rfind(","))
        tail = len(text) - last - 1
        # The last separator is the decimal one unless 3 digits follow a comma (``1,234``) or a
        # repeated separator (``1.234.567``): a lone ``1.234`` reads as decimals, as on receipts.
        if last >= 0 and (tail != 3 or text.count(text[last]) == 1 and text[last] == "." and "," not in text):
            sep = text[last]
        else:
            sep = "."
            if last >= 0 and text[last] == ".":
                text = text.replace(".", "")  # 1.234 with thousands dots (and no decimals)
    thousands = "," if sep == "." else "."
    body = text.replace(thousands, "")
    if body.count(sep) > 1:
        return None
    try:
        return Decimal(body.replace(sep, "."))
    except InvalidOperation:
        return None


def last4(value: object) -> str | None:
    """The last 4 digits of a card or account cell (``XXXX-XXXX-XXXX-1234``, ``*1234``), else None."""
    if value is None:
        return None
    digits = re.sub(r"\D", "", str(value))
    return digits[-4:] if len(digits) >= 4 else None


def card_digits(value: object) -> str | None:
    """The last 4 digits of an account cell that shows a card (masked, ``XXXX-1234``, or only its last
    5 digits or fewer, ``-71002``), else None: a number printed whole is a bank account's."""
    if value is None:
        return None
    text = str(value)
    if re.search(r"[Xx*\u2022]", text) or 4 <= len(re.sub(r"\D", "", text)) <= 5:
        return last4(text)
    return None


def currency_code(value: object) -> str | None:
    """An ISO 4217 code from a cell (``myr``, ``RM``, ``US$``), else None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().upper()
    if text in ("NAN", "NUL", "NIL", "N/A"):
        return None
    signs = {"RM": "MYR", "US$": "USD", "S$": "SGD", "A$": "AUD", "C$": "CAD", "€": "EUR", "£": "GBP", "¥": "JPY"}
    if text in signs:
        return signs[text]
    return text if re.fullmatch(r"[A-Z]{3}", text) else None
