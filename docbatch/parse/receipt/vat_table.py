"""A VAT summary table read by its column headings: ``VAT RATE | NET | VAT`` (UK), ``MwSt% | Netto |
MwSt | Brutto`` (Germany), ``TVA | HT | TVA | TTC`` (France), ``IVA | Base | Cuota | Total`` (Spain).

Receipts whose prices include tax print no subtotal and no tax row: the tax is a table under the
total, a heading row naming the columns and one row per rate.  The tax charged is the sum of
the tax column.  A row's amounts are matched to the heading's money columns in order (its rate,
``20.00%``, left out), not by position: tills pad columns by eye, and a heading word sits over
its column's left, centre or right.

A table says whether it adds up: each row's net plus tax is its gross, or its tax is its net
(or gross) at the printed rate, and the rows' gross is the receipt's total.  One that does not
is returned all the same, unreconciled, for the tax to be flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..money import CENT, Amount
from .lines import Line

#: Heading words by column (upper case, accents folded away by the caller's text as printed).
_COLUMNS = {
    "rate": ("RATE", "SATZ", "TAUX", "ALIQUOTA", "TIPO", "%"),
    "net": ("NET", "NETTO", "NETO", "HT", "BASE", "IMPONIBLE", "EXCL", "NETTOBETRAG"),
    "tax": ("VAT", "MWST", "UST", "TVA", "IVA", "GST", "TAX", "STEUER", "CUOTA", "IMPOSTA"),
    "gross": ("GROSS", "BRUTTO", "BRUT", "TTC", "INCL", "TOTAL", "TOTALE", "BRUTTOBETRAG"),
}
_WORD_COLUMN = {word: column for column, words in _COLUMNS.items() for word in words}
_PERCENT = re.compile(r"\s?%")
_RATE = re.compile(r"(\d{1,2}(?:[.,]\d{1,3})?)\s?%")


@dataclass(frozen=True)
class VatTable:
    """The table's tax (the tax column's sum), its heading row and whether it adds up."""

    tax: Decimal
    heading: Line
    rows: tuple[Line, ...]
    reconciled: bool


def _columns(text: str) -> list[str] | None:
    """The heading's columns in order (``rate``, ``net``, ``tax``, ``gross``, ``other``), or None
    when the row is no VAT table heading (one tax column and another money column, a few words)."""
    words = re.findall(r"[A-Z]+%?|%", text.upper())
    if not 2 <= len(words) <= 8:
        return None
    columns: list[str] = []
    for k, word in enumerate(words):
        column = "rate" if word.endswith("%") else _WORD_COLUMN.get(word, "other")
        if column == "rate" and columns[-1:] == ["tax"] and not word.endswith("%"):
            columns[-1] = "rate"  # ``VAT RATE``: one column, the rate
            continue
        if column == "tax" and k + 1 < len(words) and words[k + 1] in ("SUMMARY", "ANALYSIS", "ANALYSE"):
            return None  # a title over a table of its own wording (``GST SUMMARY AMOUNT TAX``)
        columns.append(column)
    money = [c for c in columns if c in ("net", "tax", "gross")]
    return columns if money.count("tax") == 1 and len(money) >= 2 else None


def _money_amounts(line: Line) -> list[Amount]:
    """The row's amounts but its rate (an amount a ``%`` follows)."""
    return [a for a in line.amounts if not _PERCENT.match(line.text, a.end)]


def rate_of(line: Line) -> Decimal | None:
    """The rate printed on a tax row (``A 19%``, ``TAX 1 6.250 %``), or None."""
    found = _RATE.search(line.text)
    return Decimal(found.group(1).replace(",", ".")) if found else None


def _row_adds_up(values: dict[str, Decimal], rate: Decimal | None) -> bool:
    tax, net, gross = values["tax"], values.get("net"), values.get("gross")
    if net is not None and gross is not None:
        return abs(net + tax - gross) <= CENT
    if rate is not None and net is not None:
        return abs(net * rate / 100 - tax) <= CENT
    if rate is not None and gross is not None:
        return abs(gross * rate / (100 + rate) - tax) <= CENT
    return False


def vat_table(lines: list[Line], *, total: Decimal | None) -> VatTable | None:
    """The first VAT table on the receipt (see the module docstring), or None."""
    for heading in lines:
        if heading.amounts or heading.label not in (None, "tax"):
            continue
        columns = _columns(heading.text)
        if columns is None:
            continue
        money = [c for c in columns if c in ("net", "tax", "gross")]
        rows, tax, gross, adds_up = [], Decimal(0), Decimal(0), True
        for ln in lines[heading.index + 1 : heading.index + 7]:
            amounts = _money_amounts(ln)
            if len(amounts) != len(money) or ln.letters > 4:
                break
            values = {c: a.value for c, a in zip(money, amounts)}
            adds_up = adds_up and _row_adds_up(values, rate_of(ln))
            tax += values["tax"]
            gross += values.get("gross", values["tax"] + values.get("net", Decimal("NaN")))
            rows.append(ln)
        if rows:
            reconciled = adds_up and (total is None or (not gross.is_nan() and abs(gross - total) <= CENT))
            return VatTable(tax, heading, tuple(rows), reconciled)
    return None
