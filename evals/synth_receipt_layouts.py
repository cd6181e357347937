"""Receipt text of other countries' layouts, as an engine's lines, with the truth drawn.

SROIE is Malaysian; users' receipts are not.  Each layout family below writes down how one
kind of receipt is printed where it comes from.  Sources are general, public knowledge of
point-of-sale printouts, not any one document, and were kept apart from the parser's rules:

* **us_grocery** (US supermarkets, big-box and drug stores): store name, street, ``CITY, ST
  ZIP``, ``(217) 555-0142``; a store/register row (``ST# 1234 OP# 00 TE# 12 TR# 04567``);
  items with a UPC or PLU and a tax flag (``N``/``F``/``T``), ``2 @ 1.29``; ``SUBTOTAL``,
  ``TAX 1 8.250 %`` / ``SALES TAX``; ``TOTAL`` / ``BALANCE DUE``; tender (``VISA TEND``,
  ``DEBIT``, ``CASH``) and ``CHANGE DUE``; a card block (``VISA ************1234``,
  ``APPROVAL #``, ``REF #``, ``AID A0000000031010``), ``# ITEMS SOLD``, ``YOU SAVED``; the
  date and time often at the bottom (``03/12/26 14:05:33``).  The shared data's Costco
  answer (``**** TOTAL``, ``AMOUNT: 1,218.13``, tender and change rows) shows the same pieces.
* **us_restaurant** (US restaurants, card-terminal checks): ``Server``, ``Table``, ``Guests``,
  ``Chk``; date ``Dec 3, 2026 7:42 PM`` or ``12/03/2026``; ``Subtotal``, ``Tax``, ``Total``;
  a tip guide (``18% = 11.52``); the signed slip (``Amount``, ``Tip``, ``Total``: the total
  printed twice, before and after the tip) or the check before tipping (``Balance Due``).
  The shared California Tortilla answer (``Chk 215``, a name split over two rows) is such a one.
* **uk_shop** (UK shops and pubs): ``£``, ``14 High Street`` / town / ``AB1 2CD``, ``Tel: 020
  7946 0321``, ``VAT Reg No: GB 123 4567 89``; prices include VAT, so ``TOTAL`` or ``BALANCE
  DUE`` and then ``VAT 20% ...`` or a VAT table (``A 20.00% NET VAT``); ``Card``/``Contactless``,
  ``CHANGE``; loyalty points; ``dd/mm/yyyy`` dates, sometimes ``3 Dec 26``.
* **de_shop** (German shops and cafés): decimal commas, ``Lindenstraße 12`` / ``10115
  Berlin``, ``Tel. 030 5550 1234``, ``St.-Nr.`` / ``USt-IdNr. DE...``; item tax codes
  ``A``/``B``; ``Summe EUR``, ``SUMME``, ``Zu zahlen``; ``Gegeben BAR``, ``Rückgeld``,
  ``EC-Karte``; a VAT table (``MwSt% Netto MwSt Brutto``, 19 % and 7 %); ``dd.mm.yyyy``; the
  fiscal TSE block with ISO timestamps.
* **eu_south** (France, Italy, Spain): decimal commas, ``€`` before or after; FR ``TOTAL
  TTC``, ``TVA 20%`` / ``10%``, ``Total HT``, ``CB``, ``Rendu``, ``SIRET``, ``12 rue de la
  Paix`` / ``75002 PARIS``; IT ``TOTALE COMPLESSIVO``, ``di cui IVA``, ``P.IVA``, ``CONTANTI``,
  ``RESTO``, ``Via Roma 12`` / ``00184 Roma RM``; ES ``TOTAL``, ``IVA 21%``, ``Base imponible``,
  ``Efectivo``, ``Cambio``, ``NIF``, ``C/ Mayor 12`` / ``28013 Madrid``; ``dd/mm/yyyy`` or
  ``dd-mm-yyyy``.
* **au_cafe** (Australia): ``TAX INVOICE``, ``ABN 12 345 678 901``, ``Shop 4, 120 George St``
  / ``Sydney NSW 2000``, ``Ph (02) 9876 5432``; prices include GST: ``TOTAL``, ``GST
  included``/``Includes GST of``; ``EFTPOS``, card surcharges; ``dd/mm/yyyy`` or ``3 Dec 2026``.
* **sg_shop** (Singapore): ``GST Reg No``/``UEN``, ``1 Raffles Place #01-23`` / ``Singapore
  048616``, ``Tel: 6123 4567``; ``Subtotal``, ``Svc Chg 10%``, ``GST 9%``, ``Total`` (``S$``),
  ``NETS``/``VISA``; ``dd/mm/yyyy`` or ISO dates.

Variations inside a family (drawn per receipt): label wording, order of blocks, noise rows,
discounts and coupons, several tax rates, tips, totals printed twice, card slips, change,
loyalty rows, names and addresses over one or more rows, phone formats.  The receipt is
laid out in a fixed-pitch grid (receipt printers are fixed-pitch): a label and its amount
far apart on a row are two lines, as engines return them.

Truth: ``vendor_name`` the trading name printed at the top (all its rows), ``vendor_address``
the street and town rows, ``receipt_date``, ``total`` what was paid (the tip included when
one is written on the slip), ``tax`` the sum of every rate's tax, ``subtotal`` only when one
is printed (tax-inclusive receipts often print none), ``currency`` the country's.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

CENT = Decimal("0.01")
#: Characters per row of the receipt grid, and the grid's pitch in pixels.
CHAR_W, ROW_H = 12, 34
#: A printed segment: its column and text; a row is one or more segments.
Segment = tuple[int, str]
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def cents(value: Decimal | float | str) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def pick(rng: random.Random, *options: str) -> str:
    """One of a family's spellings of a printed piece, drawn from the receipt's own generator (so a
    seed redraws the same receipt)."""
    return rng.choice(options)


@dataclass
class Paper:
    """A receipt being printed: rows of segments on a grid ``width`` characters wide."""

    width: int
    comma: bool = False  # decimal comma
    rows: list[list[Segment]] = field(default_factory=list)

    def money(self, value: Decimal, sign: str = "", after: str = "") -> str:
        text = f"{value:,.2f}"
        if self.comma:
            text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
        return f"{sign}{text}{after}"

    def left(self, text: str, col: int = 0) -> None:
        self.rows.append([(col, text)])

    def centre(self, text: str) -> None:
        self.rows.append([(max(0, (self.width - len(text)) // 2), text)])

    def pair(self, label: str, amount: str, *, tight: bool = False) -> None:
        """``label`` left and ``amount`` right-aligned (``tight``: one run, ``TOTAL: 12.34``)."""
        if tight or len(label) + len(amount) + 2 > self.width:
            self.rows.append([(0, f"{label} {amount}")])
        else:
            self.rows.append([(0, label), (self.width - len(amount), amount)])

    def three(self, left: str, middle: str, amount: str) -> None:
        self.rows.append([(0, left), (self.width - len(amount) - len(middle) - 3, middle),
                          (self.width - len(amount), amount)])

    def cash(self, total: Decimal, step: int, *, labels: tuple[str, str] = ("Cash", "Change"), sign: str = "") -> None:
        """Cash tendered (``total`` up to the next multiple of ``step``) and the change given."""
        given = cents(total // step * step + step)
        self.pair(labels[0], self.money(given, sign))
        self.pair(labels[1], self.money(given - total, sign))

    def rule(self, char: str = "-") -> None:
        self.rows.append([(0, char * self.width)])

    def lines(self) -> list[tuple[list[float], str]]:
        """Each segment as an engine's line: its eight corner coordinates (pixels) and text."""
        out: list[tuple[list[float], str]] = []
        for r, row in enumerate(self.rows):
            y0, y1 = 20 + r * ROW_H, 20 + r * ROW_H + ROW_H * 0.7
            for col, text in row:
                text = text.strip()
                if not text:
                    continue
                x0, x1 = 20 + col * CHAR_W, 20 + (col + len(text)) * CHAR_W
                out.append(([x0, y0, x1, y0, x1, y1, x0, y1], text))
        return out


@dataclass
class Sale:
    """What was bought: items (name, quantity, unit price), discounts, tax rates."""

    items: list[tuple[str, int, Decimal]]
    discounts: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def gross(self) -> Decimal:
        return sum((cents(q * p) for _, q, p in self.items), Decimal(0)) - sum((d for _, d in self.discounts), Decimal(0))


def draw_sale(rng: random.Random, names: tuple[str, ...], lo: float, hi: float, *, discount: float = 0.2,
              discount_words: tuple[str, ...] = ("COUPON",)) -> Sale:
    items = []
    for name in rng.sample(names, rng.randint(2, min(7, len(names)))):
        qty = rng.choice((1, 1, 1, 1, 2, 2, 3))
        items.append((name, qty, cents(rng.uniform(lo, hi))))
    sale = Sale(items)
    if rng.random() < discount:
        sale.discounts.append((rng.choice(discount_words), cents(rng.uniform(0.5, 3.0))))
    return sale


def date_text(d: dt.date, style: str) -> str:
    """``d`` as printed: ``mdy`` 03/12/2026, ``mdy2`` 03/12/26, ``dmy``, ``dmy2``, ``dmy.``
    12.03.2026, ``dmy-`` 12-03-2026, ``iso`` 2026-03-12, ``mon`` Mar 12, 2026, ``dmon`` 12 Mar 26,
    ``dmonyyyy`` 12 Mar 2026."""
    m, day, y = d.month, d.day, d.year
    return {
        "mdy": f"{m:02d}/{day:02d}/{y}", "mdy2": f"{m:02d}/{day:02d}/{y % 100:02d}",
        "dmy": f"{day:02d}/{m:02d}/{y}", "dmy2": f"{day:02d}/{m:02d}/{y % 100:02d}",
        "dmy.": f"{day:02d}.{m:02d}.{y}", "dmy.2": f"{day:02d}.{m:02d}.{y % 100:02d}",
        "dmy-": f"{day:02d}-{m:02d}-{y}", "iso": d.isoformat(),
        "mon": f"{_MONTHS[m - 1]} {day}, {y}", "dmon": f"{day} {_MONTHS[m - 1]} {y % 100:02d}",
        "dmonyyyy": f"{day} {_MONTHS[m - 1]} {y}",
    }[style]


def clock(rng: random.Random, *, twelve: bool = False, seconds: bool = False) -> str:
    h, mi, s = rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59)
    if twelve:
        return f"{(h - 1) % 12 + 1}:{mi:02d} {'PM' if h >= 12 else 'AM'}"
    return f"{h:02d}:{mi:02d}" + (f":{s:02d}" if seconds else "")


@dataclass
class Drawn:
    """One generated receipt: its name (``<family>-NNN``), family, lines and the truth."""

    name: str
    family: str
    lines: list[tuple[list[float], str]]
    truth: dict[str, object]


#: A family's writer: (rng, receipt date) -> (paper, truth).
Writer = Callable[[random.Random, dt.date], tuple[Paper, dict[str, object]]]
