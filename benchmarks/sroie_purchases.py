"""The purchases a reconciliation benchmark statement bills, from the SROIE answer keys.

One purchase per distinct key (company, date, total): SROIE holds some receipts scanned twice.
Each purchase carries what its receipt prints about the payment (a card brand, a masked card
number) and what a card is charged for it (:func:`benchmarks.card_tender.charged_total`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from evals.receipts import truth_date, truth_money, normalise_text
from evals.sroie_labels import box_rows

from .card_tender import charged_total
from .statements import Purchase


def key_total(text: str) -> Decimal | None:
    """An answer key's total with its sign: SROIE 347's key is ``-1.73``, a credit note (supplies less
    returns), where ``evals.receipts`` compares the magnitude the parser reads and drops the minus."""
    value = truth_money(text)
    return -value if value is not None and text.strip().startswith("-") else value


def purchases(sroie: Path, stems: list[str]) -> tuple[list[Purchase], set[str]]:
    """One purchase per distinct key (a receipt scanned twice is one purchase); stems without date or a
    positive total apart (a credit note is kept as a receipt, with no transaction)."""
    groups: dict[tuple[str, dt.date, Any], list[str]] = defaultdict(list)
    keys: dict[str, dict[str, str]] = {}
    unusable = set()
    for stem in stems:
        key = json.loads((sroie / "key" / f"{stem}.json").read_text(encoding="utf-8", errors="replace"))
        date, total = truth_date(key.get("date", "")), key_total(key.get("total", "") or "")
        if date is None or total is None or total <= 0:  # a credit note (SROIE 347) is no card charge
            unusable.add(stem)
            continue
        keys[stem] = key
        groups[(normalise_text(key.get("company")), date, total)].append(stem)
    out = [Purchase(frozenset(members), keys[members[0]].get("company", ""), keys[members[0]].get("address", ""),
                    date, total, _printed_card(sroie, members[0]), _prints_card_payment(sroie, members[0]),
                    charged_total(box_rows(sroie / "box" / f"{members[0]}.csv"), total))
           for (_, date, total), members in groups.items()]
    return sorted(out, key=lambda p: min(p.doc_ids)), unusable


_CARD_PAYMENT = re.compile(r"\b(?:VISA|MASTER\s?CARD|MASTER|AMEX|CREDIT CARD|DEBIT CARD|CARD NO)\b|[X*]{4,}\s?\d{4}\b")


def _prints_card_payment(sroie: Path, stem: str) -> bool:
    """The receipt's transcribed lines name a card payment (a card brand, a masked card number)."""
    return bool(_CARD_PAYMENT.search((sroie / "box" / f"{stem}.csv").read_text(encoding="utf-8", errors="replace")
                                     .upper()))


def _printed_card(sroie: Path, stem: str) -> str | None:
    """The last 4 digits of a masked card number in the receipt's transcribed lines (the card that paid)."""
    text = (sroie / "box" / f"{stem}.csv").read_text(encoding="utf-8", errors="replace")
    m = re.search(r"[X*]{4,}\s?(\d{4})\b", text)
    return m.group(1) if m else None
