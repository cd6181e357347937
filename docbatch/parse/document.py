"""From a DetectText response to a document's rows: classify, then the right parser.

This is the only place that knows which parser serves which doc_type; the projection
calls :func:`parse_document` and writes whatever rows it returns, keyed by the
catalogue's table names (so a new table needs no change outside the catalogue and its
parser).  A parser bug on one document yields a row flagged ``needs_review`` (reason
``parser_error``), never a failed batch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..config import ParseSettings
from .classify import classify
from .identity.parser import parse_identity
from .receipt.parser import ReceiptHints, parse_receipt

log = logging.getLogger("docbatch")


@dataclass(frozen=True)
class ParsedDocument:
    """What parsing found: the type it read the document as, and rows per catalogue table."""

    detected_type: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def is_identity(self) -> bool:
        """Read as an identity document (its words are personal data)."""
        return "ids" in self.rows


def _failed(kind: str, exc: Exception) -> dict[str, Any]:
    log.error("%s parser failed: %s", kind, type(exc).__name__)
    return {"needs_review": True, "review_reason": f"parser_error:{type(exc).__name__}"}


def receipt_hints(settings: ParseSettings) -> ReceiptHints:
    """The receipt parser's hints from the run's parse settings: the parser takes its own small
    record, so it can be called (evaluations, tests) without a run's settings."""
    return ReceiptHints(date_order=settings.date_order, decimal_separator=settings.decimal_separator,
                        default_currency=settings.default_currency, run_date=settings.run_date)


#: The review reason of a document whose words may be missing past its engine's word cap.
WORD_CAP_REASON = "word_cap"


def parse_document(doc_type: str, response: Mapping[str, Any], settings: ParseSettings,
                   *, barcode: str | None = None, word_cap_hit: bool = False) -> ParsedDocument:
    """Parse ``response`` as ``doc_type`` (``auto`` classifies first).

    ``word_cap_hit`` is the documents row's fact (words may still be missing past the
    engine's word cap, after tiling or with it off): the row then needs review, with the
    reason ``word_cap`` (a total at the bottom of a long receipt may be the one lost).
    """
    parsed = _parse(doc_type, response, settings, barcode=barcode)
    if word_cap_hit:
        for table in ("receipts", "ids"):
            for row in parsed.rows.get(table, []):
                reasons = [r for r in str(row.get("review_reason") or "").split(";") if r.strip()]
                row["needs_review"] = True
                row["review_reason"] = ";".join([*reasons, WORD_CAP_REASON]) if table == "receipts" \
                    else "; ".join([*(r.strip() for r in reasons), WORD_CAP_REASON])
    return parsed


def _parse(doc_type: str, response: Mapping[str, Any], settings: ParseSettings,
           *, barcode: str | None = None) -> ParsedDocument:
    kind = classify(response) if doc_type == "auto" else doc_type
    if kind == "receipt":
        try:
            parsed = parse_receipt(response, hints=receipt_hints(settings))
        except Exception as exc:  # noqa: BLE001 - one document's parser bug must not stop the batch
            return ParsedDocument(kind, {"receipts": [_failed("receipt", exc)]})
        return ParsedDocument(kind, {"receipts": [dict(parsed.fields)], "receipt_items": list(parsed.items)})
    try:
        ident = dict(parse_identity(response, barcode=barcode, run_date=settings.run_date).fields)
    except Exception as exc:  # noqa: BLE001 - as above
        return ParsedDocument(kind, {"ids": [_failed("identity", exc)]})
    return ParsedDocument(kind, {"ids": [ident]})
