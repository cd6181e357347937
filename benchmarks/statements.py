"""Card statements generated from receipt answer keys, with the mess real statements have.

Given purchases (a key: merchant, address, date, total), :func:`make_statement` writes the
card statement a cardholder would export, seeded and deterministic:

* settlement lag: the statement's transaction date is the purchase day (a day later for
  10%), posted 0–5 days after;
* tips: 8% are charged the total plus a tip (10%, 15%, rounded up to a whole amount, +2.00);
* FX rounding: 5% are charged within 1.5% of the total (dynamic conversion, rounding), and
  3% are billed in another currency with the original amount in its own column;
* the name billed (``descriptors="derived"``, the default): card networks want the name a
  cardholder knows the merchant by, and a Malaysian tax invoice prints the registered
  company, so it is the merchant the answer key names (the company row, or the brand where
  the annotators wrote that); a share (``unprinted``, default 4%) bills under a name printed
  nowhere on the receipt and resembling no merchant of the batch (a payment aggregator
  billing without the sub-merchant, a holding company: :data:`_UNPRINTED_NAMES`).
  ``descriptors="legacy"`` is the first generator: the same 4% drawn from a fixed list of
  well-known brands whatever the receipt (:data:`_TRADING_NAMES`: a bookshop's purchase
  billed as ``KFC``), several of them other receipts' merchants (``GUARDIAN``, ``AEON BIG``);
* descriptor noise: upper case, punctuation dropped, legal forms shortened or dropped
  (``SDN BHD`` -> ``S/B``, ``SDN B``...), spaces squashed, processor prefixes (``SQ *``,
  ``IPAY88*``...), store numbers, truncation to 22 characters, city and country appended;
* duplicate amounts on the same day: 15% of purchases (cash ones too) get a second,
  unrelated merchant's transaction of the same amount on the same day;
* missing receipts: 8% of the purchases' receipts are not given to the matcher; 6% of
  receipts were paid in cash (no transaction; with ``tender="paid"``, never one printing a card
  payment, and the benchmark shows every other receipt with its cash tender printed as the card's);
* extra transactions: unrelated purchases (12%), monthly card payments, refunds (2%).

The export looks like a bank's: account lines above the header, ``Transaction Date,Posted
Date,Description,Amount,Currency,...`` with charges negative.  Truth is returned beside it:
which receipts (a set: SROIE holds the same receipt scanned twice) each transaction is for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal

CENT = Decimal("0.01")
HEADER = ["Transaction Date", "Posted Date", "Description", "Amount", "Currency", "Card No.",
          "Original Amount", "Original Currency", "Reference"]
CARD = "XXXX-XXXX-XXXX-4821"
_PREFIXES = ["SQ *", "TST* ", "PAYPAL *", "IPAY88*", "GRAB*", "SP *", "POS ", "BOOST*"]
_TRADING_NAMES = ["MCDONALDS", "KFC", "STARBUCKS", "TESCO", "AEON BIG", "GIANT HYPERMARKET", "GUARDIAN",
                  "WATSONS", "FAMILYMART", "MYNEWS", "SHELL", "PETRONAS", "BURGER KING", "SUBWAY"]
_EXTRA_MERCHANTS = ["GRAB* RIDE", "SHOPEE MALAYSIA", "LAZADA MY", "NETFLIX.COM", "SPOTIFY P0A1B2C3",
                    "TNG EWALLET RELOAD", "PETRONAS SG BESI", "SHELL KL SENTRAL", "AIRASIA BERHAD", "UNIFI TM",
                    "CELCOM AXIATA", "GUARDIAN MID VALLEY", "PARKSON KLCC", "UNIQLO PAVILION", "TGV CINEMAS",
                    "BOOK XCESS", "MR DIY MID VALLEY", "HARVEY NORMAN", "KLOOK TRAVEL", "AGODA.COM"]
#: Names a card may bill under that no receipt prints: payment aggregators billing without the
#: sub-merchant, and holding or operating companies (names resembling no SROIE merchant).
_UNPRINTED_NAMES = ["IPAY88 MALAYSIA", "MOLPAY SDN BHD", "GHL EPAYMENTS", "REVENUE MONSTER", "KIPLE PAY",
                    "SENANGPAY", "EGHL SERVICES", "BERJAYA FOOD BERHAD", "KUMPULAN WANGSA HOLDINGS",
                    "SERI PINANG VENTURES", "ORIENTAL KOPI GROUP", "ZENITH LIFESTYLE OPERATIONS"]
DESCRIPTOR_MODES = ("derived", "legacy")
#: ``paid``: a receipt printing a card payment is never a cash purchase, and the benchmark shows the
#: matcher each charged purchase's receipt with its cash tender printed as the card payment
#: (:mod:`benchmarks.card_tender`); ``printed``: the first generator, receipts as transcribed whatever was charged.
TENDER_MODES = ("paid", "printed")
_CITIES = ["JOHOR BAHRU", "KUALA LUMPUR", "PETALING JAYA", "SHAH ALAM", "SKUDAI", "PUCHONG", "KLANG", "SELANGOR",
           "JOHOR", "MASAI", "KULAI", "SETIA ALAM", "SEREMBAN", "CHERAS"]


@dataclass(frozen=True)
class Purchase:
    """One purchase to put on the statement: the receipts (doc_ids) that record it, and its key fields."""

    doc_ids: frozenset[str]
    merchant: str
    address: str
    date: dt.date
    total: Decimal
    #: last 4 digits of the card that paid, when the receipt prints it (else the cardholder's main card)
    card_last4: str | None = None
    #: the receipt prints a card payment (VISA, MASTERCARD, a card slip): never a cash purchase
    prints_card: bool = False
    #: what a card paying for it is charged when not ``total``: the sum before cash rounding (rounding
    #: to 5 sen applies to cash only; with ``tender="paid"`` its receipt prints that sum, no rounding)
    card_total: Decimal | None = None


@dataclass
class Statement:
    csv_text: str
    #: transaction id -> the doc_ids of its receipts (empty for transactions no receipt records)
    truth: dict[str, frozenset[str]]
    #: doc_ids given to the matcher (missing receipts removed)
    receipts: set[str]
    #: the statement's rows as typed values (what a naive join reads)
    rows: list[dict[str, object]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: transaction id -> the kind of name its descriptor was derived from: legal, unprinted (legacy: unrelated)
    billed_as: dict[str, str] = field(default_factory=dict)


def _billed_name(p: Purchase, rng: random.Random, mode: str, unprinted: float) -> tuple[str, str]:
    """(the name the card bills under, which kind it is: legal, unprinted or, legacy, unrelated)."""
    roll = rng.random()
    if mode == "legacy":
        return (rng.choice(_TRADING_NAMES), "unrelated") if roll < 0.04 else (p.merchant, "legal")
    return (rng.choice(_UNPRINTED_NAMES), "unprinted") if roll < unprinted else (p.merchant, "legal")


def descriptor(p: Purchase, rng: random.Random, *, mode: str = "derived", unprinted: float = 0.04) -> tuple[str, str]:
    """(a card descriptor for purchase ``p`` with the noise of a real one, the kind of name billed);
    see the module docstring."""
    name, kind = _billed_name(p, rng, mode, unprinted)
    if kind != "unrelated":
        name = name.upper()
        if rng.random() < 0.7:
            name = re.sub(r"[^\w\s&]", " " if rng.random() < 0.5 else "", name)
        name = re.sub(r"\bSDN\.?\s*BHD\.?", lambda _: rng.choice(["SDN BHD", "S/B", "SB", "", "SDN B", "SDN BHD"]),
                      name)
        name = re.sub(r"\bENTERPRISE\b", lambda _: rng.choice(["ENTERPRISE", "ENT", "ENTERPRIS", ""]), name)
        if rng.random() < 0.2:
            words = name.split()
            k = rng.randrange(len(words)) if len(words) > 1 else 0
            name = "".join(words) if rng.random() < 0.3 else " ".join(words[:k] + ["".join(words[k:k + 2])]
                                                                         + words[k + 2:])
    name = re.sub(r"\s+", " ", name).strip()
    if rng.random() < 0.15:
        name = rng.choice(_PREFIXES) + name
    if rng.random() < 0.3:
        name += rng.choice([f" #{rng.randint(1, 9999):04d}", f" {rng.randint(100, 999)}",
                            f" STORE {rng.randint(1, 99)}"])
    name = name[:22].rstrip()
    if rng.random() < 0.4:
        city = next((c for c in _CITIES if c in p.address.upper()), rng.choice(_CITIES))
        name = f"{name} {city[:13]} {rng.choice(['MY', 'MYS', 'MY'])}"
    return name, kind


def _charged(total: Decimal, rng: random.Random) -> tuple[Decimal, str, Decimal | None, str | None]:
    """(amount charged, how, original amount, original currency)."""
    roll = rng.random()
    if roll < 0.08:
        tip = rng.choice([total * Decimal("0.10"), total * Decimal("0.15"),
                          total.to_integral_value(ROUND_CEILING) - total or Decimal(1), Decimal(2)])
        return (total + tip).quantize(CENT), "tip", None, None
    if roll < 0.13:
        return (total * Decimal(str(1 + rng.uniform(-0.015, 0.015)))).quantize(CENT), "fx_rounding", None, None
    if roll < 0.16:
        return (total / Decimal("3.07")).quantize(CENT), "foreign_billing", total, "MYR"
    return total, "exact", None, None


def make_statement(purchases: list[Purchase], extra_doc_ids: set[str], *, seed: int, descriptors: str = "derived",
                   unprinted: float = 0.04, tender: str = "paid") -> Statement:
    """The statement for ``purchases``; ``extra_doc_ids`` are receipts with no usable key (kept, no transaction).

    ``descriptors`` and ``unprinted``: how the name billed is chosen (see the module docstring);
    ``tender``: whether a receipt printing a card payment may be a cash purchase (:data:`TENDER_MODES`)."""
    if descriptors not in DESCRIPTOR_MODES:
        raise ValueError(f"descriptors must be one of {DESCRIPTOR_MODES}, not {descriptors!r}")
    if tender not in TENDER_MODES:
        raise ValueError(f"tender must be one of {TENDER_MODES}, not {tender!r}")
    rng = random.Random(seed)
    billed_as: dict[str, str] = {}

    def named(p: Purchase) -> tuple[str, str]:
        return descriptor(p, rng, mode=descriptors, unprinted=unprinted)

    rows: list[dict[str, object]] = []
    truth: dict[str, frozenset[str]] = {}
    receipts = set(extra_doc_ids)
    counts = {"purchases": len(purchases), "cash": 0, "missing_receipt": 0, "tip": 0, "fx_rounding": 0,
              "foreign_billing": 0, "same_day_decoy": 0, "extra": 0, "refund": 0, "payment": 0}
    n = 0

    def add(date: dt.date, lag: int, desc: str, amount: Decimal, *, currency: str = "MYR",
            original: Decimal | None = None, original_currency: str | None = None,
            doc_ids: frozenset[str] = frozenset(), txn_lag: int = 0, card: str = CARD) -> None:
        nonlocal n
        n += 1
        tid = f"T{n:05d}"
        truth[tid] = doc_ids
        rows.append({"transaction_id": tid, "transaction_date": date + dt.timedelta(days=txn_lag),
                     "posted_date": date + dt.timedelta(days=txn_lag + lag), "descriptor": desc,
                     "amount": amount, "currency": currency, "original_amount": original,
                     "original_currency": original_currency, "card": card})

    lags = [0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5]

    def decoy(p: Purchase, amount: Decimal) -> None:
        counts["same_day_decoy"] += 1
        other = rng.choice(purchases)
        seller = other if other.merchant != p.merchant else replace(other, merchant=rng.choice(_EXTRA_MERCHANTS))
        add(p.date, rng.choice(lags), named(seller)[0], amount)

    for p in purchases:
        if rng.random() < 0.06 and not (tender == "paid" and p.prints_card):
            counts["cash"] += 1
            receipts |= p.doc_ids
            if rng.random() < 0.15:
                decoy(p, p.total)  # someone else's purchase of the same amount that day: a trap
            continue
        if rng.random() < 0.08:
            counts["missing_receipt"] += 1
        else:
            receipts |= p.doc_ids
        amount, how, original, orig_cur = _charged(p.card_total or p.total if tender == "paid" else p.total, rng)
        counts[how] = counts.get(how, 0) + 1
        txn_lag = 1 if rng.random() < 0.10 else 0
        lag = rng.choice(lags)
        desc, billed_as[f"T{n + 1:05d}"] = named(p)
        add(p.date, lag, desc, amount,
            currency="SGD" if how == "foreign_billing" else "MYR", original=original, original_currency=orig_cur,
            doc_ids=p.doc_ids, txn_lag=txn_lag, card=CARD[:-4] + p.card_last4 if p.card_last4 else CARD)
        if rng.random() < 0.15:
            decoy(p, amount)
        if rng.random() < 0.02:
            counts["refund"] += 1
            add(p.date + dt.timedelta(days=rng.randint(3, 20)), 1, "REFUND " + named(p)[0],
                -amount)
    dates = [p.date for p in purchases] or [dt.date(2018, 1, 1)]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)
    for _ in range(int(0.12 * len(purchases))):
        counts["extra"] += 1
        amount = Decimal(str(round(rng.lognormvariate(3.3, 0.9), 2))).quantize(CENT)
        add(first + dt.timedelta(days=rng.randrange(span)), rng.choice(lags), rng.choice(_EXTRA_MERCHANTS), amount)
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        counts["payment"] += 1
        add(month + dt.timedelta(days=24), 0, "PAYMENT - THANK YOU", -Decimal(rng.randint(200, 3000)))
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    rows.sort(key=lambda r: (r["posted_date"], r["transaction_id"]))
    return Statement(_export(rows, first, last), truth, receipts, rows, counts, billed_as)


def _export(rows: list[dict[str, object]], first: dt.date, last: dt.date) -> str:
    """The CSV a bank's site exports: account lines, a blank line, the header, charges negative."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Account Name:", "CARDHOLDER"])
    w.writerow(["Card Number:", CARD])
    w.writerow(["Statement Period:", f"{first:%d/%m/%Y} - {last:%d/%m/%Y}"])
    w.writerow([])
    w.writerow(HEADER)
    for r in rows:
        w.writerow([f"{r['transaction_date']:%d/%m/%Y}", f"{r['posted_date']:%d/%m/%Y}", r["descriptor"],
                    f"{-r['amount']:.2f}", r["currency"], r["card"],
                    f"{r['original_amount']:.2f}" if r["original_amount"] is not None else "",
                    r["original_currency"] or "", r["transaction_id"]])
    return buf.getvalue()
