"""Render docbatch's bundled sample data: receipts and ID documents with exact ground truth.

The project ships its own sample documents so the first command in the README works with
no downloads and no real person's data.  Every image is drawn here from a spec whose
numbers are computed (item prices, tax, totals, change; ICAO 9303 check digits), so
``truth.json`` is right by construction and the parsers can be measured against it.

    python scripts/make_sample_data.py [--out sample_data]

Deterministic: a fixed seed drives every random choice and nothing reads the clock, so a
rerun on the same Pillow and fonts reproduces the same bytes.  Needs only Pillow and the
standard library; DejaVu fonts are used when found (system fonts or matplotlib's copy)
and Pillow's bundled TrueType font otherwise.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import importlib.util
import json
import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Callable

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SEED = 9303
CENT = Decimal("0.01")
INK = 24
PAPER = 251

_FONT_FILES = {
    "mono": "DejaVuSansMono.ttf",
    "mono_bold": "DejaVuSansMono-Bold.ttf",
    "sans": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
}


@functools.cache
def font(kind: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A DejaVu face (system, then matplotlib's copy), else Pillow's bundled font.

    Pillow resolves a bare file name against the system font folders itself.
    """
    name = _FONT_FILES[kind]
    candidates: list[str | Path] = [name]
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.origin:
        candidates.append(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / name)
    for candidate in candidates:
        try:
            return ImageFont.truetype(str(candidate), size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


# ---------------------------------------------------------------- receipts


@dataclass(frozen=True)
class Item:
    name: str
    qty: int
    unit: Decimal

    @property
    def price(self) -> Decimal:
        return (self.unit * self.qty).quantize(CENT)


@dataclass(frozen=True)
class ReceiptSpec:
    """What one receipt says; amounts are derived, never typed in."""

    slug: str
    vendor: str
    address: tuple[str, ...]
    phone: str
    when: dt.datetime
    date_format: str
    time_format: str
    currency: str
    symbol: str
    tax_label: str
    tax_rate: Decimal
    items: tuple[Item, ...]
    total_label: str
    item_style: str  # "at": qty line under the name; "columns": QTY/PRICE/AMOUNT columns
    width: int
    extra_header: tuple[str, ...] = ()
    tip_rate: Decimal | None = None
    card: tuple[str, str] | None = None  # (scheme, last 4 digits); None means cash
    decimal_comma: bool = False
    symbol_after: bool = False
    effect: str | None = None  # "rotate" | "noise"
    labelled_date: bool = True  # "Date: ..." vs a bare date and time, as many tills print

    @property
    def subtotal(self) -> Decimal:
        return sum((i.price for i in self.items), Decimal("0"))

    @property
    def tax(self) -> Decimal:
        return (self.subtotal * self.tax_rate).quantize(CENT, ROUND_HALF_UP)

    @property
    def tip(self) -> Decimal | None:
        if self.tip_rate is None:
            return None
        return (self.subtotal * self.tip_rate).quantize(Decimal("1"), ROUND_HALF_UP).quantize(CENT)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax + (self.tip or Decimal("0"))

    @property
    def cash(self) -> Decimal | None:
        """The smallest round note above the total whose change differs from the total."""
        if self.card:
            return None
        for note in (5, 10, 20, 50, 100, 200):
            paid = Decimal(note).quantize(CENT)
            if paid > self.total and paid - self.total != self.total:
                return paid
        raise ValueError(f"{self.slug}: total too large for the notes")


def D(text: str) -> Decimal:
    """Short for the spec table below: prices are written as strings, never floats."""
    return Decimal(text)


RECEIPTS: tuple[ReceiptSpec, ...] = (
    ReceiptSpec(
        slug="r01-greenleaf-market", vendor="GREENLEAF MARKET",
        address=("1200 HARBOR BLVD", "SPRINGFIELD, IL 62704"), phone="(217) 555-0142",
        when=dt.datetime(2025, 3, 14, 18, 42), date_format="%m-%d-%y", time_format="%I:%M %p",
        currency="USD", symbol="$", tax_label="TAX 7.25%", tax_rate=D("0.0725"),
        items=(
            Item("BANANAS ORGANIC", 3, D("0.69")),
            Item("WHOLE MILK 1 GAL", 1, D("4.29")),
            Item("ORGANIC FREE RANGE LARGE BROWN EGGS 12 COUNT", 1, D("6.49")),
            Item("SOURDOUGH BREAD", 1, D("5.99")),
            Item("GREEK YOGURT PLAIN 32OZ", 2, D("5.49")),
        ),
        total_label="TOTAL", item_style="at", width=640,
    ),
    ReceiptSpec(
        slug="r02-kedai-maju-jaya", vendor="KEDAI RUNCIT MAJU JAYA SDN BHD",
        address=("NO 12, JALAN MAWAR 3, TAMAN SRI MUDA", "40400 SHAH ALAM, SELANGOR"),
        phone="03-5566 1020", extra_header=("(CO. REG: 1234567-X)", "GST REG NO: 001234567890"),
        when=dt.datetime(2025, 12, 25, 14, 5, 33), date_format="%d/%m/%Y", time_format="%H:%M:%S",
        currency="MYR", symbol="RM", tax_label="GST 6%", tax_rate=D("0.06"),
        items=(
            Item("SUSU PEKAT MANIS 500G", 2, D("3.90")),
            Item("ROTI PUTIH KLASIK 600G", 1, D("4.20")),
            Item("TELUR AYAM GRED A 10 BIJI", 1, D("5.60")),
            Item("BERAS WANGI TEMPATAN SUPER SPECIAL 5KG", 1, D("18.90")),
            Item("MINYAK MASAK SAWIT 2KG", 1, D("12.50")),
            Item("TEH UNCANG 100S", 1, D("7.35")),
        ),
        total_label="TOTAL", item_style="columns", width=760,
    ),
    ReceiptSpec(
        slug="r03-cafe-lindenhof", vendor="Café Lindenhof",
        address=("Lindenstraße 12", "10115 Berlin"), phone="030 5550 1234",
        when=dt.datetime(2025, 3, 19, 9, 41), date_format="%d.%m.%Y", time_format="%H:%M",
        currency="EUR", symbol="€", tax_label="VAT 19%", tax_rate=D("0.19"),
        items=(
            Item("Cappuccino", 2, D("3.80")),
            Item("Croissant", 2, D("2.50")),
            Item("Apfelstrudel mit Vanillesauce und Sahne", 1, D("5.90")),
            Item("Mineralwasser 0,5l", 1, D("2.90")),
        ),
        total_label="TOTAL", item_style="columns", width=620, decimal_comma=True, symbol_after=True,
    ),
    ReceiptSpec(
        slug="r04-harbor-grill", vendor="THE HARBOR GRILL",
        address=("88 WATERFRONT DR", "PORTLAND, ME 04101"), phone="(207) 555-0187",
        when=dt.datetime(2025, 4, 18, 20, 17), date_format="%Y-%m-%d", time_format="%H:%M",
        currency="USD", symbol="$", tax_label="SALES TAX", tax_rate=D("0.055"),
        items=(
            Item("CLAM CHOWDER BOWL", 2, D("8.50")),
            Item("GRILLED SALMON W/ SEASONAL VEGETABLES AND LEMON BUTTER", 1, D("24.00")),
            Item("FISH TACOS", 1, D("16.50")),
            Item("ICED TEA", 2, D("3.25")),
        ),
        total_label="TOTAL", item_style="at", width=700, tip_rate=D("0.18"), card=("VISA", "1234"),
        effect="rotate", labelled_date=False,
    ),
    ReceiptSpec(
        slug="r05-crown-and-anchor", vendor="THE CROWN & ANCHOR",
        address=("14 High Street", "Anytown AB1 2CD"), phone="020 7946 0321",
        extra_header=("VAT No: GB 123 4567 89",),
        when=dt.datetime(2025, 2, 7, 21, 3), date_format="%d %b %Y", time_format="%H:%M",
        currency="GBP", symbol="£", tax_label="VAT 20%", tax_rate=D("0.20"),
        items=(
            Item("Pint Best Bitter", 3, D("4.60")),
            Item("Fish & Chips", 1, D("14.95")),
            Item("Ploughman's Lunch with Mature Cheddar", 1, D("11.50")),
            Item("Lemonade", 1, D("2.80")),
        ),
        total_label="GRAND TOTAL", item_style="columns", width=680, effect="noise",
    ),
    ReceiptSpec(
        slug="r06-cornerstone-pharmacy", vendor="CORNERSTONE PHARMACY",
        address=("455 ELM STREET SUITE 2", "DAYTON, OH 45402"), phone="937-555-0119",
        when=dt.datetime(2025, 1, 21, 11, 8), date_format="%m/%d/%Y", time_format="%I:%M %p",
        currency="USD", symbol="$", tax_label="TAX", tax_rate=D("0.0725"),
        items=(
            Item("IBUPROFEN 200MG TABLETS 100CT", 1, D("8.99")),
            Item("VITAMIN D3 2000IU SOFTGELS", 1, D("11.49")),
            Item("BANDAGES ASSORTED", 2, D("4.29")),
            Item("HAND SANITIZER 8OZ", 1, D("3.79")),
        ),
        total_label="AMOUNT DUE", item_style="at", width=600, card=("MASTERCARD", "7730"),
        labelled_date=False,
    ),
)


def money(amount: Decimal, spec: ReceiptSpec, *, symbol: bool = False) -> str:
    text = f"{amount:.2f}"
    if spec.decimal_comma:
        text = text.replace(".", ",")
    if not symbol:
        return text
    return f"{text} {spec.symbol}" if spec.symbol_after else f"{spec.symbol}{text}"


def wrap(text: str, face: Any, width: float) -> list[str]:
    """Greedy word wrap: what a till does with a long item name."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


class Paper:
    """A till roll: rows drawn top to bottom, cropped to what was printed."""

    def __init__(self, width: int, *, margin: int = 36) -> None:
        self.width, self.margin, self.y = width, margin, 40
        self.image = Image.new("L", (width, 4000), PAPER)
        self.draw = ImageDraw.Draw(self.image)

    def text(self, x: float, text: str, face: Any, *, anchor: str = "la") -> None:
        self.draw.text((x, self.y), text, font=face, fill=INK, anchor=anchor)

    def row(self, left: str, right: str = "", *, face: Any, center: bool = False) -> None:
        if center:
            self.text(self.width / 2, left, face, anchor="ma")
        else:
            self.text(self.margin, left, face)
        if right:
            self.text(self.width - self.margin, right, face, anchor="ra")
        self.y += round(face.size * 1.45)

    def rule(self) -> None:
        y = self.y + 6
        for x in range(self.margin, self.width - self.margin, 14):
            self.draw.line([(x, y), (x + 8, y)], fill=INK + 60, width=2)
        self.y += 22

    def finish(self) -> Image.Image:
        return self.image.crop((0, 0, self.width, self.y + 50))


def draw_items(paper: Paper, spec: ReceiptSpec, body: Any) -> None:
    right = paper.width - paper.margin
    if spec.item_style == "at":
        for item in spec.items:
            names = wrap(item.name, body, right - paper.margin - body.getlength("0000.00  "))
            paper.row(names[0], money(item.price, spec), face=body)
            for more in names[1:]:
                paper.row(f"  {more}", face=body)
            if item.qty > 1:
                paper.row(f"  {item.qty} @ {money(item.unit, spec)}", face=body)
        return
    qty_x = right - body.getlength("00000.00  000.00   ")
    unit_x = right - body.getlength("00000.00  ")
    header = ("ITEM", "QTY", "PRICE", "AMOUNT")
    for text, x, anchor in zip(header, (paper.margin, qty_x, unit_x, right), ("la", "ra", "ra", "ra")):
        paper.text(x, text, body, anchor=anchor)
    paper.y += round(body.size * 1.45)
    paper.rule()
    for item in spec.items:
        names = wrap(item.name, body, qty_x - paper.margin - body.getlength("0000"))
        paper.text(qty_x, str(item.qty), body, anchor="ra")
        paper.text(unit_x, money(item.unit, spec), body, anchor="ra")
        paper.row(names[0], money(item.price, spec), face=body)
        for more in names[1:]:
            paper.row(f"  {more}", face=body)


def render_receipt(spec: ReceiptSpec, number: str, rng: random.Random) -> Image.Image:
    body = font("mono", 21 if spec.width < 700 else 22)
    paper = Paper(spec.width)
    paper.row(spec.vendor, face=font("bold", 32 if len(spec.vendor) < 22 else 26), center=True)
    for line in (*spec.extra_header, *spec.address, f"Tel: {spec.phone}"):
        paper.row(line, face=body, center=True)
    paper.y += 14
    date_text = spec.when.strftime(spec.date_format).upper()
    time_text = spec.when.strftime(spec.time_format)
    if spec.labelled_date:
        paper.row(f"Date: {date_text}", f"Time: {time_text}", face=body)
        paper.row(f"Receipt: {number}", f"Cashier: {rng.randint(1, 40):02d}", face=body)
    else:
        paper.row(f"{date_text}  {time_text}", f"#{number}", face=body)
    paper.rule()
    draw_items(paper, spec, body)
    paper.rule()
    paper.row("SUBTOTAL", money(spec.subtotal, spec), face=body)
    paper.row(spec.tax_label, money(spec.tax, spec), face=body)
    if spec.tip is not None:
        paper.row("TIP", money(spec.tip, spec), face=body)
    paper.row(spec.total_label, money(spec.total, spec, symbol=True), face=font("mono_bold", body.size + 5))
    paper.y += 6
    if spec.card:
        paper.row(f"{spec.card[0]} ****{spec.card[1]}", money(spec.total, spec), face=body)
        paper.row(f"AUTH CODE: {rng.randint(100000, 999999)}", "APPROVED", face=body)
    else:
        assert spec.cash is not None
        paper.row("CASH", money(spec.cash, spec), face=body)
        paper.row("CHANGE", money(spec.cash - spec.total, spec), face=body)
    paper.rule()
    paper.row("THANK YOU - PLEASE COME AGAIN", face=body, center=True)
    return apply_effect(paper.finish(), spec.effect, rng)


def apply_effect(image: Image.Image, effect: str | None, rng: random.Random) -> Image.Image:
    """Make OCR work for it: a photo slightly askew, or a grainy soft scan."""
    if effect == "rotate":
        desk = Image.new("L", (image.width + 120, image.height + 120), 150)
        desk.paste(image, (60, 60))
        return desk.rotate(2.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=150)
    if effect == "noise":
        grain = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
        return Image.blend(image, grain, 0.18).filter(ImageFilter.GaussianBlur(1.2))
    return image


def receipt_truth(spec: ReceiptSpec, number: str) -> dict[str, Any]:
    return {
        "doc_type": "receipt",
        "receipt_number": number,
        "vendor_name": spec.vendor,
        "vendor_address": ", ".join(spec.address),
        "vendor_phone": spec.phone,
        "receipt_date": spec.when.date().isoformat(),
        "receipt_time": spec.when.time().isoformat(),
        "currency": spec.currency,
        "subtotal": str(spec.subtotal),
        "tax": str(spec.tax),
        "tip": None if spec.tip is None else str(spec.tip),
        "total": str(spec.total),
        "amount_paid": str(spec.cash if spec.cash is not None else spec.total),
        "change": None if spec.cash is None else str(spec.cash - spec.total),
        "payment_method": "card" if spec.card else "cash",
        "card_last4": spec.card[1] if spec.card else None,
        "items": [
            {"item": i.name, "quantity": str(i.qty), "unit_price": str(i.unit), "price": str(i.price)}
            for i in spec.items
        ],
    }


# ---------------------------------------------------------------- ICAO 9303 MRZ


def check_digit(field: str) -> str:
    """ICAO 9303 check digit: weights 7,3,1; '<' = 0, digits as is, A-Z = 10..35."""
    total = 0
    for i, ch in enumerate(field):
        value = 0 if ch == "<" else int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10
        total += value * (7, 3, 1)[i % 3]
    return str(total % 10)


def _with_cd(field: str) -> str:
    return field + check_digit(field)


def mrz_names(last: str, given: str, width: int) -> str:
    text = last.replace(" ", "<").replace("-", "<") + "<<" + given.replace(" ", "<")
    return text[:width].ljust(width, "<")


def mrz_td3(p: dict[str, Any]) -> list[str]:
    """Passport (TD3): 2 lines of 44."""
    line1 = f"P<{p['issuing_country']}{mrz_names(p['last'], p['given'], 39)}"
    number = _with_cd(p["document_number"].ljust(9, "<"))
    dob = _with_cd(p["dob"].strftime("%y%m%d"))
    exp = _with_cd(p["expiry"].strftime("%y%m%d"))
    personal = _with_cd(p["personal"].ljust(14, "<"))
    line2 = number + p["nationality"] + dob + p["sex"] + exp + personal
    return [line1, line2 + check_digit(number + dob + exp + personal)]


def mrz_td1(p: dict[str, Any]) -> list[str]:
    """ID card (TD1): 3 lines of 30; the composite digit covers both upper lines."""
    line1 = f"I<{p['issuing_country']}{_with_cd(p['document_number'].ljust(9, '<'))}".ljust(30, "<")
    dob = _with_cd(p["dob"].strftime("%y%m%d"))
    exp = _with_cd(p["expiry"].strftime("%y%m%d"))
    line2 = (dob + p["sex"] + exp + p["nationality"]).ljust(29, "<")
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return [line1, line2, mrz_names(p["last"], p["given"], 30)]


# ---------------------------------------------------------------- ID documents

PASSPORT = {
    "slug": "id01-passport-td3", "issuing_country": "UTO", "nationality": "UTO",
    "last": "HARTMANN", "given": "ELENA", "document_number": "X4K7P2Q19",
    "dob": dt.date(1988, 8, 23), "expiry": dt.date(2033, 5, 16), "issue": dt.date(2023, 5, 17),
    "sex": "F", "personal": "PN7730115", "place_of_birth": "ZENITH CITY",
}
ID_CARD = {
    "slug": "id02-id-card-td1", "issuing_country": "UTO", "nationality": "UTO",
    "last": "DE LA CRUZ", "given": "MAREK JAN", "document_number": "IDU0K8R21",
    "dob": dt.date(1979, 11, 30), "expiry": dt.date(2031, 2, 28), "issue": dt.date(2021, 3, 1),
    "sex": "M", "place_of_birth": "NORTH HAVEN",
}
LICENCES = (
    {
        "slug": "id03-driver-licence", "style": "state", "state_name": "COLORADO", "state": "CO",
        "last": "RIVERA", "given": "JORDAN ALEX", "document_number": "S55501234",
        "street": "2570 MAPLE AVENUE APT 4", "city": "DENVER", "zip": "80205",
        "dob": dt.date(1991, 6, 17), "expiry": dt.date(2030, 6, 17), "issue": dt.date(2022, 6, 21),
        "sex": "M", "class": "C", "restrictions": "NONE", "endorsements": "NONE",
    },
    {
        "slug": "id04-driver-licence-aamva", "style": "aamva", "state_name": "VERMONT", "state": "VT",
        "last": "NAKAMURA", "given": "KEIKO ANN", "document_number": "55501987",
        "street": "100 MARKET STREET", "city": "BURLINGTON", "zip": "05401",
        "dob": dt.date(1985, 1, 29), "expiry": dt.date(2029, 1, 29), "issue": dt.date(2025, 1, 14),
        "sex": "F", "class": "D", "restrictions": "B", "endorsements": "NONE",
    },
)


def viz_date(d: dt.date) -> str:
    return d.strftime("%d %b %Y").upper()


def us_date(d: dt.date) -> str:
    return d.strftime("%m/%d/%Y")


def card_base(size: tuple[int, int], tint: tuple[int, int, int], rng: random.Random) -> Image.Image:
    """A pale security-print background (faint guilloche waves) that OCR should ignore."""
    image = Image.new("RGB", size, tint)
    draw = ImageDraw.Draw(image)
    line = tuple(max(0, c - 18) for c in tint)
    for k in range(14):
        phase, amp, y0 = rng.uniform(0, 6.3), rng.uniform(12, 40), k * size[1] / 14
        points = [(x, y0 + amp * math.sin(x / 55 + phase)) for x in range(0, size[0] + 8, 8)]
        draw.line(points, fill=line, width=1)
    return image


def portrait(image: Image.Image, box: tuple[int, int, int, int]) -> None:
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = box
    draw.rectangle(box, fill=(206, 210, 214), outline=(150, 150, 150))
    cx, w, h = (x0 + x1) / 2, x1 - x0, y1 - y0
    draw.ellipse((cx - w * 0.22, y0 + h * 0.14, cx + w * 0.22, y0 + h * 0.52), fill=(120, 126, 134))
    draw.pieslice((x0 + w * 0.1, y0 + h * 0.56, x1 - w * 0.1, y1 + h * 0.4), 180, 360, fill=(120, 126, 134))


def labelled(draw: ImageDraw.ImageDraw, xy: tuple[int, int], label: str, value: str, *, size: int = 26) -> None:
    """ICAO visual-zone style: small caption above, value below."""
    draw.text(xy, label, font=font("sans", 15), fill=(70, 80, 110))
    draw.text((xy[0], xy[1] + 19), value, font=font("bold", size), fill=(20, 20, 30))


def draw_mrz(image: Image.Image, lines: list[str], *, top: int, size: int) -> None:
    draw = ImageDraw.Draw(image)
    face = font("mono", size)
    width = max(face.getlength(line) for line in lines)
    draw.rectangle((0, top - 14, image.width, image.height), fill=(246, 246, 244))
    for i, line in enumerate(lines):
        draw.text(((image.width - width) / 2, top + i * size * 1.45), line, font=face, fill=(10, 10, 10))


def specimen_stamp(draw: ImageDraw.ImageDraw, xy: tuple[int, int]) -> None:
    draw.text(xy, "SPECIMEN", font=font("bold", 20), fill=(190, 60, 60))


def render_passport(p: dict[str, Any], rng: random.Random) -> Image.Image:
    image = card_base((1120, 790), (232, 238, 246), rng)
    draw = ImageDraw.Draw(image)
    draw.text((40, 26), "UTOPIA", font=font("bold", 30), fill=(30, 50, 110))
    draw.text((560, 30), "PASSPORT / PASSEPORT", font=font("bold", 26), fill=(30, 50, 110))
    specimen_stamp(draw, (950, 80))
    portrait(image, (40, 110, 300, 450))
    col1, col2, col3 = 340, 560, 800
    labelled(draw, (col1, 100), "Type", "P")
    labelled(draw, (col2, 100), "Code of issuing State", p["issuing_country"])
    labelled(draw, (col3, 100), "Passport No.", p["document_number"])
    labelled(draw, (col1, 160), "Surname", p["last"])
    labelled(draw, (col1, 220), "Given names", p["given"])
    labelled(draw, (col1, 280), "Nationality", "UTOPIAN")
    labelled(draw, (col1, 340), "Date of birth", viz_date(p["dob"]))
    labelled(draw, (col3, 340), "Sex", p["sex"])
    labelled(draw, (col1, 400), "Place of birth", p["place_of_birth"])
    labelled(draw, (col1, 460), "Date of issue", viz_date(p["issue"]))
    labelled(draw, (col3, 460), "Authority", "MFA UTOPIA")
    labelled(draw, (col1, 520), "Date of expiry", viz_date(p["expiry"]))
    draw_mrz(image, p["mrz"], top=640, size=34)
    return image


def render_id_card(p: dict[str, Any], rng: random.Random) -> Image.Image:
    image = card_base((1000, 660), (238, 242, 232), rng)
    draw = ImageDraw.Draw(image)
    draw.text((34, 22), "REPUBLIC OF UTOPIA", font=font("bold", 26), fill=(40, 80, 40))
    draw.text((34, 56), "IDENTITY CARD / CARTE D'IDENTITÉ", font=font("sans", 20), fill=(40, 80, 40))
    specimen_stamp(draw, (840, 26))
    portrait(image, (34, 100, 254, 380))
    x, x2 = 290, 640
    labelled(draw, (x, 96), "Surname", p["last"])
    labelled(draw, (x, 152), "Given names", p["given"])
    labelled(draw, (x2, 152), "Date of issue", viz_date(p["issue"]))
    labelled(draw, (x, 208), "Date of birth", viz_date(p["dob"]))
    labelled(draw, (x2, 208), "Sex", p["sex"])
    labelled(draw, (x, 264), "Nationality", p["nationality"])
    labelled(draw, (x2, 264), "Document No.", p["document_number"])
    labelled(draw, (x, 320), "Date of expiry", viz_date(p["expiry"]))
    labelled(draw, (x2, 320), "Place of birth", p["place_of_birth"])
    draw_mrz(image, p["mrz"], top=452, size=40)
    return image


def render_licence(p: dict[str, Any], rng: random.Random) -> Image.Image:
    image = card_base((1000, 630), (240, 236, 226), rng)
    draw = ImageDraw.Draw(image)
    blue, red, ink = (30, 60, 130), (170, 30, 30), (20, 20, 20)
    draw.text((34, 20), p["state_name"], font=font("bold", 46), fill=blue)
    draw.text((560, 30), "DRIVER LICENSE", font=font("bold", 32), fill=blue)
    specimen_stamp(draw, (830, 80))
    portrait(image, (34, 110, 284, 430))
    label_face, value_face, big = font("bold", 20), font("bold", 26), font("bold", 32)

    def field(x: int, y: int, label: str, value: str, *, face: Any = value_face, fill: Any = ink) -> None:
        draw.text((x, y + 6), label, font=label_face, fill=blue)
        draw.text((x + label_face.getlength(label) + 10, y), value, font=face, fill=fill)

    city_line = f"{p['city']}, {p['state']} {p['zip']}"
    if p["style"] == "state":
        field(320, 110, "DL", p["document_number"], face=big, fill=red)
        field(320, 160, "EXP", us_date(p["expiry"]), face=big, fill=red)
        field(320, 215, "LN", p["last"])
        field(320, 252, "FN", p["given"])
        draw.text((320, 292), p["street"], font=font("bold", 22), fill=ink)
        draw.text((320, 322), city_line, font=font("bold", 22), fill=ink)
        field(320, 362, "DOB", us_date(p["dob"]), face=big, fill=red)
        field(320, 410, "RSTR", p["restrictions"])
        field(720, 160, "CLASS", p["class"])
        field(720, 215, "END", p["endorsements"])
        field(320, 470, "SEX", p["sex"])
        field(470, 470, "HGT", "5'-09\"")
        field(650, 470, "EYES", "BRN")
        field(720, 530, "ISS", us_date(p["issue"]))
    else:
        field(320, 110, "4d DLN", p["document_number"], face=big, fill=red)
        field(320, 160, "3 DOB", us_date(p["dob"]), fill=red)
        field(640, 160, "4b EXP", us_date(p["expiry"]), fill=red)
        field(320, 205, "1", p["last"], face=big)
        field(320, 250, "2", p["given"], face=big)
        field(320, 300, "8", p["street"], face=font("bold", 22))
        draw.text((347, 330), city_line, font=font("bold", 22), fill=ink)
        field(320, 375, "9 CLASS", p["class"])
        field(530, 375, "12 RSTR", p["restrictions"])
        field(760, 375, "9a END", p["endorsements"])
        field(320, 420, "15 SEX", p["sex"])
        field(480, 420, "16 HGT", "5'-04\"")
        field(700, 420, "18 EYES", "BLU")
        field(320, 470, "4a ISS", us_date(p["issue"]))
        field(640, 470, "5 DD", f"{rng.randint(10**9, 10**10 - 1)}")
    signature = [(40 + t * 2.4, 565 - 18 * math.sin(t / 9) * math.cos(t / 23)) for t in range(0, 100)]
    draw.line(signature, fill=(40, 40, 90), width=3, joint="curve")
    return image


def id_truth(p: dict[str, Any], id_type: str) -> dict[str, Any]:
    first, _, middle = p["given"].partition(" ")
    truth: dict[str, Any] = {
        "doc_type": "id",
        "id_type": id_type,
        "first_name": first,
        "middle_name": middle or None,
        "last_name": p["last"],
        "date_of_birth": p["dob"].isoformat(),
        "date_of_issue": p["issue"].isoformat(),
        "expiration_date": p["expiry"].isoformat(),
        "document_number": p["document_number"],
        "sex": p["sex"],
    }
    if "mrz" in p:
        truth |= {"nationality": p["nationality"], "issuing_country": p["issuing_country"],
                  "place_of_birth": p["place_of_birth"], "mrz_code": "\n".join(p["mrz"])}
    else:
        truth |= {"state_name": p["state_name"], "state_in_address": p["state"],
                  "address": f"{p['street']}, {p['city']}, {p['state']} {p['zip']}",
                  "city_in_address": p["city"], "zip_code_in_address": p["zip"],
                  "class": p["class"], "restrictions": p["restrictions"],
                  "endorsements": p["endorsements"]}
    return truth


# ---------------------------------------------------------------- output


def save(image: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {"quality": 88} if path.suffix == ".jpg" else {}
    image.save(path, optimize=True, **options)


#: manifest rows: (doc_type as the manifest states it, batch, cost_center); one is "auto".
_MANIFEST_EXTRA = {
    "r01-greenleaf-market": ("receipt", "2025-Q1", "0420"),
    "r02-kedai-maju-jaya": ("receipt", "2025-Q4", "0420"),
    "r03-cafe-lindenhof": ("receipt", "2025-Q1", "0815"),
    "r04-harbor-grill": ("receipt", "2025-Q2", "0815"),
    "r05-crown-and-anchor": ("receipt", "2025-Q1", "0815"),
    "r06-cornerstone-pharmacy": ("auto", "2025-Q1", "0420"),
    "id01-passport-td3": ("id", "kyc-01", "HR-7"),
    "id02-id-card-td1": ("id", "kyc-01", "HR-7"),
    "id03-driver-licence": ("id", "kyc-02", "HR-7"),
    "id04-driver-licence-aamva": ("id", "kyc-02", "HR-7"),
}


def generate(out: Path, *, seed: int = SEED) -> dict[str, dict[str, Any]]:
    """Write every image, ``truth.json`` and ``manifest.csv`` under ``out``; return the truth."""
    rng = random.Random(seed)
    truth: dict[str, dict[str, Any]] = {}
    for spec in RECEIPTS:
        source = f"receipts/{spec.slug}.{'jpg' if spec.effect == 'noise' else 'png'}"
        number = str(rng.randint(10000, 99999))
        save(render_receipt(spec, number, rng), out / source)
        truth[source] = {"doc_id": spec.slug, **receipt_truth(spec, number)}
    ids: list[tuple[dict[str, Any], Callable[..., Image.Image], str]] = [
        ({**PASSPORT, "mrz": mrz_td3(PASSPORT)}, render_passport, "PASSPORT"),
        ({**ID_CARD, "mrz": mrz_td1(ID_CARD)}, render_id_card, "NATIONAL ID"),
        *((lic, render_licence, "DRIVER LICENSE FRONT") for lic in LICENCES),
    ]
    for person, render, id_type in ids:
        source = f"ids/{person['slug']}.png"
        save(render(person, rng), out / source)
        truth[source] = {"doc_id": person["slug"], **id_truth(person, id_type)}
    (out / "truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with (out / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["source", "doc_type", "doc_id", "batch", "cost_center"])
        for source, record in truth.items():
            doc_type, batch, cost_center = _MANIFEST_EXTRA[record["doc_id"]]
            writer.writerow([source, doc_type, record["doc_id"], batch, cost_center])
    return truth


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "sample_data")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    truth = generate(args.out, seed=args.seed)
    print(f"wrote {len(truth)} documents, truth.json and manifest.csv to {args.out}")


if __name__ == "__main__":
    main()
