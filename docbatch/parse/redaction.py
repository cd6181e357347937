"""``--redact``: the catalogue's redaction policy applied to a document's rows, in one place.

Which field is personal, and how it is written when redacted, is declared on the field in
:mod:`docbatch.parse.catalog`; this module only carries the policies out.  Names, address
and place of birth become ``sha256:<16 hex>`` of the case-folded value (an HMAC when a
key is given: without one, common names can be guessed back, so a key is recommended),
so equal values still join.  The document number keeps its last 4 characters, the ZIP code
its first 3; date of birth and the raw MRZ (which holds all of them) are dropped.  An
identity document's recognised words are blanked in ``detections`` (whatever type the
manifest gave it: the caller says what the text reads as); on other documents, card
numbers in the text keep only their last 4 digits.  Confidences and sources stay.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any, Mapping

from .catalog import TABLES, Redaction


def _hash(value: str, key: bytes | None) -> str:
    data = value.strip().casefold().encode("utf-8")
    digest = hmac.new(key, data, hashlib.sha256).hexdigest() if key else hashlib.sha256(data).hexdigest()
    return "sha256:" + digest[:16]


#: 13-19 digits, optionally grouped by spaces or dashes, as card numbers are printed.
_CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def mask_card_numbers(text: str) -> str:
    """Card numbers (Luhn-valid 13-19 digits) with all but their last 4 digits masked."""

    def mask(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        if not _luhn(digits):
            return m.group(0)
        return "*" * (len(digits) - 4) + digits[-4:]

    return _CARD.sub(mask, text)


def _apply(how: Redaction, value: Any, key: bytes | None, *, identity: bool) -> Any:
    text = str(value)
    if how == "hash":
        return _hash(text, key)
    if how == "last4":
        return "*" * max(len(text) - 4, 0) + text[-4:] if len(text) > 4 else "*" * len(text)
    if how == "first3":
        return text[:3] + "*" * max(len(text) - 3, 0)
    if how == "text":
        return None if identity else mask_card_numbers(text)
    return None  # drop


def redact_row(table: str, row: Mapping[str, Any], *, key: bytes | None, identity: bool) -> dict[str, Any]:
    """A copy of one ``table`` row safe to share; ``identity`` says the document is an ID."""
    out = dict(row)
    for f in TABLES[table].fields:
        if f.redact is not None and out.get(f.name) is not None:
            out[f.name] = _apply(f.redact, out[f.name], key, identity=identity)
    return out


def redact_tables(rows: Mapping[str, list[dict[str, Any]]], *, key: bytes | None,
                  identity: bool) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows of one document, redacted."""
    return {table: [redact_row(table, r, key=key, identity=identity) for r in table_rows]
            for table, table_rows in rows.items()}
