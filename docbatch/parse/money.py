"""Money amounts and currencies as printed on receipts.

Hand-written rather than ``price-parser``: that library guesses the decimal separator per
string and knows nothing of a batch-level hint, of the separator the rest of the receipt
uses, of OCR confusions (``1O.5O``), of trailing tax codes (``2.50SR``, ``5.00-``) or of a minus
after the currency sign (``RM-0.20``, a discount).  The
rules here are few and explicit:

* ``100,00`` is one hundred: a separator followed by exactly one or two digits is always
  the decimal separator (thousands groups have three digits).
* With both ``.`` and ``,`` the last one is the decimal separator.
* One separator followed by three digits (``1.000``/``9,000``) is decided by the job hint,
  else by the separator the receipt uses for its two-decimal amounts, else ``,`` means
  thousands and ``.`` means decimals (three-decimal unit prices are common on receipts).
* A bare integer is an amount only next to a currency sign (``$15``, ``RM 15``).

Currencies are never guessed: a code or an unambiguous sign must be on the receipt, else the
job's default, else ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable

CENT = Decimal("0.01")

#: Signs and codes that name one currency; "$" alone is handled apart (many dollars).
_SIGNS: dict[str, str] = {
    "RM": "MYR", "€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₱": "PHP", "฿": "THB",
    "S$": "SGD", "US$": "USD", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD",
    "NZ$": "NZD", "HK$": "HKD", "R$": "BRL", "¥": "JPY", "₫": "VND", "₺": "TRY",
}
_CODES = frozenset(
    "MYR USD EUR GBP SGD AUD CAD NZD HKD JPY CNY INR IDR THB PHP VND KRW CHF SEK NOK DKK PLN "
    "CZK HUF BRL MXN ZAR AED SAR TRY RUB ILS TWD".split()
)
_DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"})

_SIGN_RE = r"(?:US\$|AU\$|CA\$|NZ\$|HK\$|S\$|A\$|C\$|R\$|RM|\$|€|£|₹|¥|₩|₱|฿|₫|₺)"
#: A number as printed, OCR letters allowed inside (validated later).
_NUM = r"(?:[0-9OoSIl](?:[0-9OoSIl]|[.,](?=[0-9OoSIl])|\s(?=\d{3}\b))*[0-9Oo]|\d|\.\d\d(?!\d))"
AMOUNT_RE = re.compile(
    rf"(?<![\w.,/:-])(?P<neg>-\s?)?(?:(?P<sign>{_SIGN_RE}|\b(?:{'|'.join(sorted(_CODES))})\b)(?P<signed>-)?)?\s?"
    rf"(?P<num>{_NUM})(?P<trail>-)?(?![\w.,/:]*\d)(?=[A-Za-z]{{0,3}}\b|\W|$)"
)
#: Letters OCR reads in place of digits inside numbers (amounts here, dates in dates.py).
OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "S": "5", "I": "1", "l": "1"})


@dataclass(frozen=True)
class Amount:
    """One amount found in a text: value, where it was, how sure the reading is."""

    value: Decimal
    start: int
    end: int
    currency: str | None
    certainty: float  # 0..1: lowered by OCR repairs and separator guesses
    decimals: int


def money(value: Decimal) -> Decimal:
    """Quantise to cents, as the output schema stores money."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def preferred_decimal_separator(texts: Iterable[str]) -> str | None:
    """The separator the receipt uses before two-digit cents, when it uses one clearly."""
    dot = comma = 0
    for text in texts:
        dot += len(re.findall(r"\d\.\d\d(?!\d)", text))
        comma += len(re.findall(r"\d,\d\d(?!\d)", text))
    if dot > 2 * comma:
        return "."
    if comma > 2 * dot:
        return ","
    return None


def _number(raw: str, hint: str | None) -> tuple[Decimal, int, float] | None:
    """Parse one printed number: (value, decimals shown, certainty) or None."""
    certainty = 1.0
    digits = raw.replace(" ", "")
    repaired = digits.translate(OCR_DIGITS)
    if repaired != digits:
        # Letters read for digits: accept only when digits dominate the token.
        if sum(c.isdigit() for c in digits) < 2 or digits[0] in "SIl":
            return None
        certainty = 0.7
    digits = repaired
    seps = [i for i, c in enumerate(digits) if c in ".,"]
    if not seps:
        return Decimal(digits), 0, certainty
    last = seps[-1]
    tail = len(digits) - last - 1
    kinds = {digits[i] for i in seps}
    if len(kinds) == 2:
        decimal_sep = digits[last]
    elif len(seps) > 1:
        decimal_sep = digits[last] if tail != 3 else None
    elif tail in (1, 2):
        decimal_sep = digits[last]
    elif tail == 3:
        sep = digits[last]
        if hint is not None:
            decimal_sep = sep if sep == hint else None
        else:
            decimal_sep = sep if sep == "." else None
            certainty *= 0.8
    else:
        return None
    if decimal_sep is None:
        body, frac = digits, ""
    else:
        body, frac = digits[:last], digits[last + 1 :]
    body = re.sub(r"[.,]", "", body)
    # Thousands groups, when present, must be groups of three.
    if decimal_sep is not None and any(c in ".," for c in digits[:last]):
        groups = re.split(r"[.,]", digits[:last])
        if any(len(g) != 3 for g in groups[1:]):
            return None
    try:
        value = Decimal(f"{body or '0'}.{frac}" if frac else body)
    except InvalidOperation:
        return None
    return value, len(frac), certainty


def _currency_of(sign: str | None) -> str | None:
    if not sign:
        return None
    sign = sign.upper()
    if sign == "$":
        return "$"
    return _SIGNS.get(sign) or (sign if sign in _CODES else None)


def find_amounts(text: str, *, decimal_separator: str | None = None) -> list[Amount]:
    """Every money amount in ``text``, left to right.

    An amount needs two or three decimals shown, thousands groups or a currency sign; dates, times, phone numbers and
    long codes are not amounts.
    """
    out: list[Amount] = []
    # "PAID BY:RM111.90": a sign glued to a colon still opens an amount (same-length edit).
    text = re.sub(rf"[:*=](?={_SIGN_RE}\s?\d)", " ", text)
    for m in AMOUNT_RE.finditer(text):
        num = m.group("num").strip()
        parsed = _number(num, decimal_separator)
        if parsed is None:
            continue
        value, decimals, certainty = parsed
        sign = m.group("sign")
        grouped = decimals == 0 and any(c in ".," for c in num)
        if decimals in (0, 1) and not sign and not grouped:
            continue  # "1.5L", "x2": sizes and counts, not prices
        if decimals == 0 and len(num.replace(" ", "")) > 7:
            continue
        if len(re.sub(r"\D", "", num)) > 10:
            continue
        if m.group("neg") or m.group("signed") or m.group("trail"):
            value = -value
        out.append(Amount(value, m.start(), m.end(), _currency_of(sign), certainty, decimals))
    return out


def currency_in(texts: Iterable[str], *, default: str | None = None,
                country: str | None = None) -> tuple[str | None, float, bool]:
    """The receipt's currency, a 0..1 certainty, and whether a bare ``$`` was left unresolved; never a guess.

    A code (``MYR``), a one-currency sign (``RM``, ``€``) or a qualified dollar (``S$``)
    names it.  A bare ``$`` names a dollar only with evidence: the job default when that
    is a dollar currency, else ``country`` (the currency of the vendor's country, read from
    its name, address and tax ids: a Malaysian shop's ``$`` is ringgit); without either it
    stays None and the third value says so (the receipt is flagged, never a silent USD).
    Nothing on the receipt: the job default, else None.
    """
    found: dict[str, int] = {}
    bare_dollar = False
    for text in texts:
        up = text.upper()
        for m in re.finditer(r"(?<![A-Z])(?:US|AU|CA|NZ|HK|S|A|C|R)?\$", up):
            code = _SIGNS.get(m.group(0))
            if code:
                found[code] = found.get(code, 0) + 1
            else:
                bare_dollar = True
        for sym in "€£₹₩₱฿₫₺¥":
            if sym in text:
                found[_SIGNS[sym]] = found.get(_SIGNS[sym], 0) + up.count(sym)
        for m in re.finditer(r"(?<![A-Z])(RM)(?=\s?\d|\s*\)|\s*$|\s*:)|\b([A-Z]{3})\b(?=\s?\d|\s*\)|\s*$)", up):
            code = "MYR" if m.group(1) else m.group(2)
            if code in _CODES or code == "MYR":
                found[code] = found.get(code, 0) + 1
    if found:
        return max(found, key=lambda c: found[c]), 0.95, False
    if bare_dollar:
        if default in _DOLLARS:
            return default, 0.9, False
        if country:
            return country, 0.7, False
        return None, 0.0, True
    if default:
        return default, 0.5, False
    return None, 0.0, False
