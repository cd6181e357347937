"""The receipt's tax: one tax row's amount, the sum of the rows of each rate, or a VAT table's tax
column; and whether it reconciles with the total.

Receipts charging two rates print one row a rate (US state and local sales tax, ``TAX 1
6.250 %`` and ``TAX 2 2.250 %``; Canadian GST and PST; German ``MwSt 19%`` and ``MwSt 7%``),
and the tax charged is their sum.  Rows naming the same rate (or none) are as often one tax printed
twice (``GST 6%`` then ``TOTAL GST``) as two taxes (``TAX 3.68`` / ``TAX 1.32``): the arithmetic
decides, the total less the subtotal and the other charges being the tax.  A tax is also
reconciled by being the total's share at its printed rate, or, printing none, at a rate of the
vendor's country (:mod:`.tax_rates`: ``GST included $3.05`` under ``$33.55`` in Sydney; a
Malaysian subtotal that already includes its GST).  A tax that reconciles with nothing (no
subtotal, no rate that yields it, a VAT table that does not add up) is kept at review level: a
flag, not a guess.  The same arithmetic names a subtotal printed under a label no vocabulary
holds (:func:`unlabelled_subtotal`).
"""

from __future__ import annotations

from decimal import Decimal

from ..money import CENT
from .lines import Line
from .payments import first_amount
from .tax_rates import country_rates, included_share
from .vat_table import rate_of, vat_table

#: Certainty of a tax that reconciles with the total, and of one that does not (at review level).
RECONCILED, UNRECONCILED = 0.85, 0.5


def _rate(line: Line) -> str | None:
    """The printed rate as text to compare rows by (``6.250`` and ``6.25`` are one rate)."""
    rate = rate_of(line)
    return None if rate is None else str(rate.normalize())


def tax_rows(lines: list[Line], *, before: int) -> list[Line]:
    """The first tax row with an amount and the tax rows with amounts right under it: what
    :func:`receipt_tax` and :func:`unlabelled_subtotal` both read, found once per receipt."""
    first = first_amount(lines, "tax", before=before)
    if first is None:
        return []
    rows: list[Line] = []
    for ln in lines[first[1].index : before]:
        if ln.label != "tax" or not ln.amounts:
            break
        rows.append(ln)
    return rows


def _tax_amount(rows: list[Line]) -> tuple[Decimal, Line] | None:
    """The first tax row's amount, or the sum over consecutive tax rows (:func:`tax_rows`) of
    distinct rates (each with its amount after the rate), with the first of them."""
    if not rows:
        return None
    rates = [_rate(ln) for ln in rows]
    if len(rows) < 2 or None in rates or len(set(rates)) != len(rates):
        return rows[0].amounts[-1].value, rows[0]
    return sum((ln.amounts[-1].value for ln in rows), Decimal(0)), rows[0]


def _bases_add_up(rows: list[Line], total: Decimal) -> bool:
    """Do the rows' taxes at their printed rates come from the total (``VAT 20% 6.03`` under 36.20;
    ``MwSt 19% 2.94`` and ``MwSt 7% 0.84`` under 31.28)?  Each rate's tax is its gross base times
    ``rate / (100 + rate)``, so the bases it implies add up to the total, within the cents each
    tax was rounded to."""
    base, slack = Decimal(0), CENT
    for ln in rows:
        rate = rate_of(ln) or Decimal(0)
        if rate <= 0:
            return False
        base += ln.amounts[-1].value * (100 + rate) / rate
        slack += CENT / 2 * (100 + rate) / rate
    return abs(base - total) <= slack


def _a_share_of_the_total(rows: list[Line], tax: Decimal, total: Decimal | None, currency: str | None) -> bool:
    """Is the tax the total's share at the rows' printed rates, or at a rate of the vendor's country
    (``currency``'s) when they print none?  Either holds for a tax included in the total as for one
    added on top."""
    if total is None:
        return False
    if all(rate_of(ln) is not None for ln in rows):
        return _bases_add_up(rows, total)
    return included_share(tax, total, country_rates(currency)) is not None


def receipt_tax(lines: list[Line], rows: list[Line], *, total: Decimal | None, subtotal: Decimal | None,
                others: Decimal, currency: str | None = None) -> tuple[Decimal, Line, float] | None:
    """The tax, the row it was read from and how sure it is (see the module docstring).

    ``rows`` are the receipt's :func:`tax_rows`; ``lines`` are read for a VAT table when there are none.

    ``others`` are the charges besides the tax between the subtotal and the total (tip, service,
    rounding, less discounts below the subtotal): with a subtotal the tax is ``total - subtotal -
    others``.  Without one (prices include tax) a row's tax is checked against its printed rate, a
    VAT table (read when no tax row is printed above it) by its own sums.  Either way a tax that is
    the total's share at a rate (printed, else of ``currency``'s country) reconciles.
    """
    picked = _tax_amount(rows)
    due = total - subtotal - others if total is not None and subtotal is not None else None
    if picked is not None:
        every_row = sum((ln.amounts[-1].value for ln in rows), Decimal(0))
        if due is not None and abs(picked[0] - due) > CENT and abs(every_row - due) <= CENT:
            return every_row, rows[0], RECONCILED
        summed = rows if len(rows) > 1 and picked[0] == every_row else rows[:1]
        reconciled = (due is not None and abs(picked[0] - due) <= CENT
                      or _a_share_of_the_total(summed, picked[0], total, currency))
        return picked[0], picked[1], RECONCILED if reconciled else UNRECONCILED
    table = vat_table(lines, total=total)
    if table is None:
        return None
    reconciled = table.reconciled and (due is None or abs(table.tax - due) <= CENT)
    return table.tax, table.rows[0], RECONCILED if reconciled else UNRECONCILED


def unlabelled_subtotal(lines: list[Line], rows: list[Line], *, total: Decimal | None,
                        others: Decimal) -> tuple[Decimal, Line] | None:
    """The sum before tax printed under a label no vocabulary holds (``Food & Bev 77.92`` over ``Sales
    Tax 5.45``, total 83.37): the row just above the first tax row, one amount and no label, that the
    tax and the other charges (``others``) make the total.  The arithmetic, not the wording, names it.
    ``rows`` are the receipt's :func:`tax_rows`."""
    picked = _tax_amount(rows)
    if picked is None or total is None or picked[1].index == 0:
        return None
    above = lines[picked[1].index - 1]
    if above.label is not None or len(above.amounts) != 1:
        return None
    value = above.amounts[-1].value
    return (value, above) if value > 0 and abs(value + picked[0] + others - total) <= CENT else None
