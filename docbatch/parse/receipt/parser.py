"""Receipt fields from a DetectText response (Textract AnalyzeExpense names, lower-cased).

Reading order comes from geometry (:mod:`.receipt_lines`), never from LINE order.  Each
field's confidence (0..100) is the lowest OCR confidence of the words it was read from,
times how sure the rule that picked it is; a value read from a guess never carries a high
confidence.  Input that is not a receipt (no text, no amounts) yields null fields with
``needs_review`` and a reason, never an exception.

The total (:mod:`.total_pick`) is the amount of the strongest total label (``GRAND TOTAL``, ``AMOUNT DUE``, ``NETT``,
``TOTAL (INCL GST)``, rounded totals; then plain ``TOTAL``), later rows winning ties, cross-checked
against cash minus change (or a card row: :mod:`.payments`), the items, subtotal and tax; a card
slip's tipped total replaces the sum due when due + tip adds up (:mod:`.tips`).  Cash, change,
counts and tax-summary tables are never the total.  Its confidence falls below review level when
cash minus change disagrees with it, and drops when both sides of a rounding row are printed as totals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from ..catalog import RECEIPT_FIELDS, REVIEW_LEVEL
from ..country import country_currency
from ..dates import DateCandidate, find_dates, find_time, plausible
from .labels import has_word
from ..money import currency_in, money, preferred_decimal_separator
from .aliases import find_aliases
from .header_checks import (PLAIN_LATIN_CURRENCIES, checked_header_text, code_in_doubt, repair_address,
                            repair_slips, twin_in_address, vendor_disagrees)
from .address import address_missed, find_address
from .header import Found, find_phone, find_receipt_number, find_vendor, header_end, word_readings
from .items import SUMMARY, extract_items
from .payments import find_payment, first_amount
from .taxes import receipt_tax, tax_rows, unlabelled_subtotal
from .tips import tip_paid, tipped_total
from .total_pick import pick_total, summary_start
from .total_checks import sum_before_rounding, total_doubts
from .lines import Line, build_lines
from .words import repair_words

#: Fields at or below the catalogue's review level make the receipt need review (for the key fields).
REVIEW_BELOW = REVIEW_LEVEL
_KEY_FIELDS = ("vendor_name", "receipt_date", "total")
#: A total at or above this confidence (a total label, or confirmed by cash/change) is trusted:
#: items that fail to add up then do not ask for review (items are read heuristically, and on
#: SROIE almost every such receipt's labelled total was right).
TRUSTED_TOTAL = 75.0
#: Certainty of a total read without a total label but confirmed by two other rows (see _corroborated).
CORROBORATED = 0.8
#: Certainty of a subtotal read from an unlabelled row that the tax makes the total (.taxes.unlabelled_subtotal).
UNLABELLED_SUBTOTAL = 0.75


@dataclass(frozen=True)
class ReceiptHints:
    """Job-level options for a batch from one place."""

    date_order: str | None = None  # "DMY" | "MDY" | "YMD" | None (infer)
    decimal_separator: str | None = None  # "." | "," | None (infer per amount)
    default_currency: str | None = None  # ISO 4217, used only when the receipt shows none
    run_date: dt.date | None = None  # for date_plausible (not future, not > ~10 years old)


@dataclass(frozen=True)
class ParsedReceipt:
    fields: dict[str, object]
    items: list[dict[str, object]] = field(default_factory=list)


def _empty_fields() -> dict[str, object]:
    out: dict[str, object] = {}
    for f in RECEIPT_FIELDS:
        out[f.name] = None
        out[f"{f.name}_confidence"] = None
    out.update(vendor_aliases=None, totals_consistent=None, date_plausible=None, date_ambiguous=None,
               needs_review=True, review_reason=None)
    return out


def _conf(ocr: float, certainty: float) -> float:
    return round(max(0.0, min(100.0, ocr * certainty)), 1)


def _set(fields: dict[str, object], name: str, value: object, confidence: float | None) -> None:
    fields[name] = value
    fields[f"{name}_confidence"] = confidence if value is not None else None


def _pick_date(lines: list[Line], hints: ReceiptHints, run_date: dt.date, currency: str | None, *,
               lost_separator: bool = False) -> tuple[dt.date, Line, DateCandidate, bool] | None:
    best: tuple[float, Line, DateCandidate] | None = None
    orders_seen: set[str] = set()
    for ln in lines:
        labelled = has_word(ln.text, "DATE", "TARIKH", "DATED", "FECHA", "DATUM", "DT")
        for cand in find_dates(ln.text, pivot_year=run_date.year, compact=labelled, lost_separator=lost_separator):
            if len(cand.readings) == 1:
                orders_seen.update(cand.readings)
            score = 1.0 - 0.01 * ln.index
            if labelled:
                score += 2.0
            if find_time(ln.text):
                score += 1.0
            if has_word(ln.text, "EXPIRY", "EXP", "VALID", "DUE", "BEFORE", "UNTIL", "BIRTH", "DOB"):
                score -= 2.5
            if any(plausible(d, run_date) for d in cand.readings.values()):
                score += 1.0
            if best is None or score > best[0]:
                best = (score, ln, cand)
    if best is None:
        return None
    _, ln, cand = best
    order, guessed = hints.date_order, False
    if order is None:
        plausible_orders = [o for o, d in cand.readings.items() if plausible(d, run_date)]
        if len(plausible_orders) == 1:
            order = plausible_orders[0]
        elif len(orders_seen & {"DMY", "MDY"}) == 1:
            order = next(iter(orders_seen & {"DMY", "MDY"}))
        else:
            # Nothing on the receipt decides: US dollars suggest month first, else day first.
            order, guessed = ("MDY" if currency == "USD" else "DMY"), True
    date, _ = cand.pick(order)
    return date, ln, cand, guessed and cand.ambiguous


def _consistency(total: Decimal | None, subtotal: Decimal | None, parts: Decimal, rounding: Decimal,
                 items: list[dict[str, object]]) -> bool | None:
    """Items (or subtotal) plus tax, service and tip, less discounts, equal the total?"""
    if total is None or (subtotal is None and not items):
        return None
    tolerance = Decimal("0.05") + abs(rounding)
    bases = []
    if subtotal is not None:
        bases.append(subtotal)
    if items:
        bases.append(sum((Decimal(str(i["price"])) for i in items), Decimal(0)))
    for base in bases:
        for extra in (parts, Decimal(0)):
            if abs(base + extra - total) <= tolerance:
                return True
    return False


def parse_receipt(response: Mapping[str, Any], *, hints: ReceiptHints = ReceiptHints()) -> ParsedReceipt:
    """Parse one receipt; never raises on bad input (see the module docstring)."""
    try:
        lines = build_lines(response, decimal_separator=hints.decimal_separator)
    except (KeyError, TypeError, ValueError, AttributeError):
        # A response not in the DetectText shape (missing geometry keys, non-numeric values).
        return _unparsed("unreadable_response")
    if not lines:
        return _unparsed("no_text")
    money_labels = {"total", "total_strong", "subtotal", "tax", "paid", "change"}
    n_amounts = sum(len(ln.amounts) for ln in lines)
    if n_amounts == 0 or (n_amounts < 2 and not any(ln.label in money_labels for ln in lines if ln.amounts)):
        return _unparsed("not_a_receipt:no_amounts")
    return _parse(lines, hints)


def _unparsed(reason: str) -> ParsedReceipt:
    fields = _empty_fields()
    fields["review_reason"] = reason
    return ParsedReceipt(fields, [])


def _parse(lines: list[Line], hints: ReceiptHints) -> ParsedReceipt:
    """Read every field from the receipt's lines, then decide whether it needs review."""
    fields = _empty_fields()
    run_date = hints.run_date or dt.date.today()
    reasons: list[str] = []
    end = header_end(lines)
    vendor = _read_header(fields, lines, end)
    if fields["vendor_address"] is None and address_missed(lines, vendor, end):  # a null, not silent
        reasons.append("address_missing")
    fields["vendor_aliases"] = "; ".join(find_aliases(lines, end, vendor)) or None
    currency = _read_currency(fields, lines, hints, end, reasons)
    # Marks are folded away (a recogniser's slip) on a receipt of a language without them; one printing
    # no currency is taken for one unless its cents follow a comma (continental Europe, Latin America:
    # Bäckerei, München, Café are printed so).
    plain = fields["currency"] in PLAIN_LATIN_CURRENCIES or fields["currency"] is None and (
        hints.decimal_separator or preferred_decimal_separator(ln.text for ln in lines)) != ","
    for name in ("vendor_name", "vendor_address"):
        if isinstance(fields[name], str):
            # A misread the text itself shows (see .header_checks) is at review level whatever OCR said.
            fields[name], doubted = checked_header_text(fields[name], vendor=name == "vendor_name", plain=plain)
            if doubted:
                fields[f"{name}_confidence"] = min(float(fields[f"{name}_confidence"]), REVIEW_BELOW)
    items_start = end
    items = extract_items(lines, items_start)
    total, total_line, doubted = _read_total(fields, lines, items, reasons)
    consistent = _read_amounts(fields, lines, items, items_start=items_start, total=total, total_line=total_line,
                               currency=currency)
    if doubted:  # after the arithmetic's boost: a doubted total stays at review level
        fields["total_confidence"] = min(float(fields["total_confidence"] or 0), REVIEW_BELOW)
    _read_date(fields, lines, hints, run_date, currency, reasons)
    _review(fields, reasons, vendor_found=bool(vendor), consistent=consistent)
    return ParsedReceipt(fields, items)


def _read_header(fields: dict[str, object], lines: list[Line], end: int) -> Found | None:
    """Vendor, address, phone, receipt number and payment; returns the vendor as found (or None)."""
    vendor = find_vendor(lines, end)
    if vendor:
        name = repair_words(repair_slips(vendor.value))[0]
        doubt = vendor_disagrees(name, word_readings(lines, vendor.lines))
        ocr = vendor.unknown_word_confidence(word_readings(lines, vendor.lines))
        _set(fields, "vendor_name", name, _conf(ocr, vendor.certainty * (0.5 if doubt else 1)))
    address = find_address(lines, vendor, end)
    if address:
        text = repair_address(address.value)
        confidence = _conf(address.unknown_word_confidence(word_readings(lines, address.lines)), address.certainty)
        doubted = twin_in_address(text) or code_in_doubt(address.lines)
        _set(fields, "vendor_address", text, min(confidence, REVIEW_BELOW) if doubted else confidence)
    for name, found in (("vendor_phone", find_phone(lines)), ("receipt_number", find_receipt_number(lines))):
        if found:
            _set(fields, name, found.value, _conf(found.ocr_confidence, found.certainty))
    method, card = find_payment(lines)
    for name, found in (("payment_method", method), ("card_last4", card)):
        if found:
            _set(fields, name, found.value, _conf(found.ocr_confidence, found.certainty))
    return vendor


def _read_currency(fields: dict[str, object], lines: list[Line], hints: ReceiptHints, end: int,
                   reasons: list[str]) -> str | None:
    """The currency from the receipt's signs, a bare ``$`` from the vendor's country, else null
    and ``currency_unresolved``; returns what the date order and the tax's rates may lean on (a bare
    ``$`` still hints at month-first dates and US sales tax, which has no national rate, and so does
    a US address on a receipt printing no currency: the field stays null, never guessed from the
    country alone)."""
    header = " ".join([str(fields["vendor_name"] or ""), str(fields["vendor_address"] or ""),
                       *(ln.text for ln in lines[:end])])
    country = country_currency(header)
    currency, cur_certainty, unresolved = currency_in((ln.text for ln in lines), default=hints.default_currency,
                                                      country=country)
    if currency:
        _set(fields, "currency", currency, round(100 * cur_certainty, 1))
    if unresolved:
        reasons.append("currency_unresolved")
        return "USD"
    return currency or country


def _read_total(fields: dict[str, object], lines: list[Line], items: list[dict[str, object]],
                reasons: list[str]) -> tuple[Decimal | None, Line | None, bool]:
    """The total, the line it was read from and whether it is in doubt: (None, None, False) with
    ``total_missing`` when there is none; in doubt (:mod:`.total_checks`) adds ``total_doubt:<signs>``."""
    items_sum = sum((Decimal(str(i["price"])) for i in items), Decimal(0)) if items else None
    picked = pick_total(lines, items_sum)
    if not picked:
        reasons.append("total_missing")
        return None, None, False
    total, tline, certainty, from_label = picked
    if tipped := tipped_total(lines, total, tline):  # a card slip: due + tip, charged to the card (.tips)
        (total, tline), from_label = tipped, None
    doubts = total_doubts(lines, total, tline, rounded_from_label=from_label, items_sum=items_sum,
                          table=summary_start(lines))
    if doubts:
        reasons.append("total_doubt:" + ",".join(doubts))
    total = money(total)
    amount = tline.amounts[-1] if tline.amounts else None
    ocr = tline.confidence(amount.start, amount.end) if amount else tline.confidence()
    _set(fields, "total", total, _conf(ocr, certainty))
    before = sum_before_rounding(lines, total, table=summary_start(lines))
    if before:
        _set(fields, "total_before_rounding", money(before[0]), _conf(before[1].confidence(), 0.85))
    return total, tline, bool(doubts)


def _read_amounts(fields: dict[str, object], lines: list[Line], items: list[dict[str, object]], *,
                  items_start: int, total: Decimal | None, total_line: Line | None,
                  currency: str | None) -> bool | None:
    """Subtotal, tax, tip and amount paid; returns whether they, the items and the total add up.

    ``currency`` (printed, else the vendor's country's) names the tax rates a tax may be a share at.

    A total that adds up gains confidence.
    """
    before = total_line.index + 1 if total_line is not None else None
    table = summary_start(lines)
    values: dict[str, Decimal] = {}
    subtotal_line = None
    for name, label in (("subtotal", "subtotal"), ("tip", "tip"), ("amount_paid", "paid")):
        found = (tip_paid(lines[:table]) if label == "tip"
                 else first_amount(lines, label, before=table if label != "paid" else None))
        if found:
            value, ln = found
            values[name] = money(value)
            subtotal_line = ln if name == "subtotal" else subtotal_line
            _set(fields, name, money(value), _conf(ln.confidence(), 0.85))
    rounding = first_amount(lines, "rounding", before=before)
    service = first_amount(lines, "service", before=before)
    # Discounts among the items are already negative item prices; these are the ones below.
    below_items = next((ln.index for ln in lines[items_start:] if ln.label in SUMMARY and ln.amounts), len(lines))
    discounts = sum((abs(ln.amounts[-1].value) for ln in lines[below_items:before or len(lines)]
                     if ln.label == "discount" and ln.amounts), Decimal(0))
    others = values.get("tip", Decimal(0)) + (service[0] if service else 0) - discounts
    charges = others + (rounding[0] if rounding else 0)
    taxed = tax_rows(lines, before=table)
    if "subtotal" not in values and (unlabelled := unlabelled_subtotal(lines, taxed, total=total, others=charges)):
        values["subtotal"], subtotal_line = money(unlabelled[0]), unlabelled[1]
        _set(fields, "subtotal", values["subtotal"], _conf(subtotal_line.confidence(), UNLABELLED_SUBTOTAL))
    if tax := receipt_tax(lines, taxed, total=total, subtotal=values.get("subtotal"), others=charges,
                          currency=currency):
        values["tax"] = money(tax[0])
        _set(fields, "tax", values["tax"], _conf(tax[1].confidence(), tax[2]))
    parts = values.get("tax", Decimal(0)) + others
    consistent = _consistency(total, values.get("subtotal"), parts, rounding[0] if rounding else Decimal(0), items)
    fields["totals_consistent"] = consistent
    if total is not None and total_line is not None and _corroborated(
            total, total_line, consistent, values.get("subtotal"), subtotal_line, parts):
        confirmed = _conf(total_line.confidence(), CORROBORATED)
        fields["total_confidence"] = max(float(fields["total_confidence"] or 0), confirmed)
    if consistent and fields["total_confidence"] is not None:
        fields["total_confidence"] = min(99.0, round(float(fields["total_confidence"]) * 1.1, 1))
    return consistent


def _corroborated(total: Decimal, total_line: Line, consistent: bool | None, subtotal: Decimal | None,
                  subtotal_line: Line | None, parts: Decimal) -> bool:
    """A total read without a total label that two other readings land on.

    Read from the payment rows (cash minus change, or a payment with no change), it is
    confirmed when the items or the subtotal add up to it; read as the largest unlabelled
    amount, when the subtotal on another row plus a printed tax or charge equals it.  Either
    way two rows of the receipt agree on the figure, which is stronger than any one label.
    """
    if total_line.label in ("total", "total_strong"):
        return False
    if total_line.label == "paid":
        return bool(consistent)
    return (subtotal is not None and subtotal_line is not total_line and parts != 0
            and abs(subtotal + parts - total) <= Decimal("0.01"))


def _read_date(fields: dict[str, object], lines: list[Line], hints: ReceiptHints, run_date: dt.date,
               currency: str | None, reasons: list[str]) -> None:
    """The receipt date (with its plausibility and ambiguity) and the time, nearest the date first."""
    picked_date = _pick_date(lines, hints, run_date, currency)
    if not picked_date:
        # Only a receipt with no date read otherwise puts back separators OCR lost, and keeps the
        # result only when it is plausible (at half certainty it is flagged either way).
        restored = _pick_date(lines, hints, run_date, currency, lost_separator=True)
        picked_date = restored if restored and plausible(restored[0], run_date) else None
    if not picked_date:
        reasons.append("date_missing")
        return
    date, dline, cand, ambiguous = picked_date
    certainty = cand.certainty * (0.6 if ambiguous else 0.95)
    _set(fields, "receipt_date", date, _conf(dline.confidence(cand.start, cand.end), certainty))
    fields["date_ambiguous"] = ambiguous
    fields["date_plausible"] = plausible(date, run_date)
    if not fields["date_plausible"]:
        reasons.append("date_implausible")
    for ln in [dline] + lines:
        t = find_time(ln.text)
        if t:
            _set(fields, "receipt_time", t[0].isoformat("seconds"), _conf(ln.confidence(t[1], t[2]), 0.85 if ln is dline else 0.6))
            break


def _review(fields: dict[str, object], reasons: list[str], *, vendor_found: bool, consistent: bool | None) -> None:
    """``needs_review`` and ``review_reason`` from the reasons so far and the key fields."""
    if not vendor_found:
        reasons.append("vendor_missing")
    for name in _KEY_FIELDS:
        conf = fields[f"{name}_confidence"]
        if conf is not None and conf <= REVIEW_BELOW:
            reasons.append(f"{name}_low_confidence")
    # Real receipts disagree with themselves (zero-rated lines, unprinted charges) and items
    # are read heuristically: disagreement asks for review only for an unconfirmed total.
    if consistent is False and float(fields["total_confidence"] or 0) < TRUSTED_TOTAL:
        reasons.append("totals_inconsistent")
    fields["needs_review"] = bool(reasons)
    fields["review_reason"] = ";".join(reasons) or None
