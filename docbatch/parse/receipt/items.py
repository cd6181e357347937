"""Line items: the priced rows between the header and the totals.

A priced row is a row ending in an amount whose label is not a summary word (total, tax,
cash, ...).  Rows without an amount are names waiting for their price: a name printed above
its quantity/price row (``KF MODELLING CLAY`` / ``1 PC * 9.000 9.00``) or a name that wraps
onto the next row.  A waiting row joins the next priced row when that row has no name of its
own, else it is the wrapped tail of the item before it.  The raw text of every row used is
kept.  A saving printed among the items with a negative amount is an item too (a
discount), not the end of the block.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..dates import find_dates, find_time
from ..money import money
from .labels import has_word
from .lines import Line

#: Label classes that end the item block.
SUMMARY = frozenset({"subtotal", "total", "total_strong", "tax", "paid", "change", "rounding", "tip", "service",
                     "count", "summary"})
_QTY = re.compile(r"(?<![\d.,])(\d{1,4}(?:[.,]\d{1,3})?)\s*(?:X|@|\*|PCS?|UNITS?|NOS|EA|KG|QTY)(?![A-Z])", re.I)
_QTY_AFTER = re.compile(r"(?:\bQTY|\bX)\s*:?\s*(\d{1,4})\b", re.I)
_HEADING = re.compile(r"\b(QTY|DESCRIPTION|DESC|ITEM|PRICE|AMOUNT|AMT|UNIT|DISC|CODE)\b")


def column_heading(text: str) -> bool:
    """A row naming the item columns (``ITEM QTY U/P AMOUNT``), even run into the first item's row:
    two heading words or more.  Its ``AMOUNT`` heads a column; it labels no figure."""
    return len(_HEADING.findall(text.upper())) >= 2


def _name_of(line: Line) -> str:
    """Words that name the item: label text without quantities, codes and stray symbols."""
    text = _QTY.sub(" ", line.label_text)
    text = re.sub(r"(?<!\S)[\d\-/.*@xX:%#]+(?!\S)", " ", text)
    text = re.sub(r"(?<!\S)(?:[A-Z]{1,2}|RM|PCS?)(?!\S)", " ", text) if len(text.split()) <= 2 else text
    return re.sub(r"\s+", " ", text).strip(" *:-")


def _quantity(line: Line, price: Decimal, unit: Decimal | None) -> Decimal | None:
    for pattern in (_QTY, _QTY_AFTER):
        m = pattern.search(line.label_text)
        if m:
            try:
                return Decimal(m.group(1).replace(",", "."))
            except InvalidOperation:
                continue
    if unit and unit != 0:
        q = price / unit
        if q == q.to_integral_value() and 0 < q < 1000:
            return q.quantize(Decimal(1))
    return None


def _unit_price(line: Line, price: Decimal) -> Decimal | None:
    """The amount before the price that times a whole quantity gives the price (else the one before)."""
    before = [money(a.value) for a in line.amounts[:-1]]
    for unit in before:
        if unit > 0 and (price / unit) == (price / unit).to_integral_value():
            return unit
    return before[-1] if before and before[-1] > 0 else None


def _is_skippable(line: Line) -> bool:
    up = line.text.upper()
    words = re.findall(r"[A-Z$]+", up)
    return (column_heading(up) or all(_HEADING.fullmatch(w) or w in ("RM", "$", "X") for w in words) or bool(find_dates(line.text, pivot_year=2100))
            or find_time(line.text) is not None or bool(re.match(r"^[A-Z ]{2,12}\s?:", up))
            or line.letters < 2)


def _item_saving(line: Line) -> bool:
    """A saving taken off among the items (``STAT-GREAT SAVING -6.40``): a negative price, not
    the savings count a till prints under its total (``TOTAL SAVINGS``, ``YOU SAVED``)."""
    return (line.label == "count" and bool(line.amounts) and line.amounts[-1].value < 0
            and has_word(line.label_text, "SAVING", "SAVINGS") and not has_word(line.label_text, "TOTAL"))


def extract_items(lines: list[Line], start: int) -> list[dict[str, object]]:
    """Items from ``lines[start:]`` up to the first summary row; see the module docstring."""
    block: list[Line] = []
    for ln in lines[start:]:
        heading = column_heading(ln.text)
        if _item_saving(ln):
            block.append(ln)
            continue
        if ln.label in SUMMARY and (ln.amounts or (ln.label in ("subtotal", "total", "total_strong", "summary")
                                                   and not heading)):
            break
        block.append(ln)
    items: list[dict[str, object]] = []
    pending: list[Line] = []
    for ln in block:
        if not ln.amounts:
            if _is_skippable(ln):
                pending = []
            else:
                pending.append(ln)
            continue
        price = money(ln.amounts[-1].value)
        unit = _unit_price(ln, price)
        name = _name_of(ln)
        used = [ln]
        if pending:
            if len(re.sub(r"[^A-Za-z]", "", name)) >= 3 and items:
                # The waiting rows are the wrapped tail of the previous item.
                prev = items[-1]
                prev["item"] = f"{prev['item']} {' '.join(p.text.strip() for p in pending)}".strip()
                prev["raw_text"] = "\n".join([str(prev["raw_text"])] + [p.text for p in pending])
                prev["confidence"] = min([float(prev["confidence"])] + [p.confidence() for p in pending])
            else:
                name = " ".join([p.text.strip() for p in pending] + ([name] if name else []))
                used = pending + used
            pending = []
        if ln.label == "discount" and price > 0:
            price = -price
        if not name and ln.label != "discount" and not _item_saving(ln):
            continue
        items.append({
            "line_no": len(items) + 1,
            "item": name or ln.label_text,
            "quantity": _quantity(ln, price, unit),
            "unit_price": unit,
            "price": price,
            "raw_text": "\n".join(u.text for u in used),
            "confidence": round(min(u.confidence() for u in used), 1),
        })
    return items
