"""National VAT/GST rates, and whether a tax is a total's share at one of its country's rates.

Receipts whose prices include tax print the tax as a share of the total (``GST included $3.05``
under ``TOTAL $33.55``; ``incl. VAT``, ``MwSt. enthalten``, ``TVA incluse``, ``IVA incluida``),
often with no rate and no subtotal to check it against.  A tax at rate ``r`` included in a total
is ``total x r / (100 + r)``, to the cent the till rounded it to; the same holds for a tax added
on top of a net (``net x r`` under ``net x (1 + r)``).  So a tax that is the total's share at a
rate the vendor's country charges reconciles; a rate of another country does not.

The rates are the standard and main reduced rates in force in 2015-2026 (a receipt's date may be
misread, so every one of the decade counts), from the tax authorities' published tables:

* Australia: GST 10% (A New Tax System (Goods and Services Tax) Act 1999, s 9-70; ATO).
* New Zealand: GST 15% since 1 October 2010 (Goods and Services Tax Act 1985, s 8; IRD).
* Singapore: GST 7% to 2022, 8% in 2023, 9% from 1 January 2024 (IRAS).
* Malaysia: GST 6% from 1 April 2015 to 31 May 2018 (0% June to August 2018), then SST's service
  tax 6%, 8% from 1 March 2024 (Royal Malaysian Customs, RMCD).  Sales tax (5%, 10%) is charged
  at manufacture, not printed on retail receipts, so it is left out.
* United Kingdom: VAT 20% standard, 5% reduced (HMRC VAT Notice 700).
* Euro area (European Commission, "VAT rates applied in the Member States"): Germany 19%, 7%;
  France 20%, 10%, 5.5%; Italy 22%, 10%; Spain 21%, 10%; the Netherlands 21%, 9%; Austria 20%,
  10%; Belgium 21%, 12%, 6%; Ireland 23%, 13.5%; Portugal 23%, 13%, 6%.
* Switzerland: MWST 7.7% to 2023, 8.1% from 2024; 2.5%, 2.6% reduced (ESTV).
* Japan: consumption tax 10%, 8% on food (NTA).
* Canada: GST 5%; HST 13% (Ontario), 15% (the Atlantic provinces) (CRA).

The United States has no national rate: sales tax is set by states and towns and added on top,
so a receipt in dollars of a US vendor is checked against its subtotal only; Hong Kong charges
no VAT.
"""

from __future__ import annotations

from decimal import Decimal

from ..money import CENT


def _rates(*text: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(t) for t in text)


#: Standard and main reduced rates (percent) by currency, the union over the countries using it.
RATES_BY_CURRENCY: dict[str, tuple[Decimal, ...]] = {
    "AUD": _rates("10"),
    "NZD": _rates("15"),
    "SGD": _rates("7", "8", "9"),
    "MYR": _rates("6", "8"),
    "GBP": _rates("20", "5"),
    "EUR": _rates("19", "7", "20", "10", "5.5", "22", "21", "9", "12", "6", "23", "13.5", "13"),
    "CHF": _rates("7.7", "8.1", "2.5", "2.6"),
    "JPY": _rates("10", "8"),
    "CAD": _rates("5", "13", "15"),
    "USD": (),
    "HKD": (),
}
#: Every rate of the table: what a tax of a vendor whose country is unknown is checked against.
EVERY_RATE: tuple[Decimal, ...] = tuple(sorted({r for rates in RATES_BY_CURRENCY.values() for r in rates}))


def country_rates(currency: str | None) -> tuple[Decimal, ...]:
    """The rates of the countries paying in ``currency``; every rate when it is unknown (None) or not
    in the table."""
    if currency is None:
        return EVERY_RATE
    return RATES_BY_CURRENCY.get(currency, EVERY_RATE)


def included_share(tax: Decimal, total: Decimal, rates: tuple[Decimal, ...]) -> Decimal | None:
    """The first of ``rates`` at which ``tax`` is ``total``'s share (``total x r / (100 + r)``, within
    a cent), or None.  A zero tax or total is no share of anything."""
    if tax <= 0 or total <= 0:
        return None
    return next((r for r in rates if abs(total * r / (100 + r) - tax) <= CENT), None)
