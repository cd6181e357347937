"""From a DetectText response to a document's fields: classify, then the right parser.

This is the only place that knows which parser serves which doc_type; the outputs
builder calls :func:`parse_document` and writes whatever it returns.  A parser bug on one
document yields a row flagged ``needs_review`` (reason ``parser_error``), never a failed
batch.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from .classify import classify
from .identity.parser import parse_identity, redact
from .receipt.parser import ReceiptHints, parse_receipt

log = logging.getLogger("docbatch")


@dataclass(frozen=True)
class ParseOptions:
    receipt_hints: ReceiptHints = field(default_factory=ReceiptHints)
    run_date: dt.date = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).date())
    redact: bool = False
    #: HMAC key for redacted hashes (``DOCBATCH_REDACT_KEY``); without one, common names
    #: could be guessed back from a plain hash.
    redact_key: bytes | None = field(default_factory=lambda: (os.environ.get("DOCBATCH_REDACT_KEY") or "").encode()
                                     or None, repr=False)


def parse_options(config: Mapping[str, Any]) -> ParseOptions:
    """The parsing options of a run, from its config (a ``RunConfig.public_dict()`` or run.json's)."""
    return ParseOptions(
        receipt_hints=ReceiptHints(date_order=config.get("date_order"),
                                   decimal_separator=config.get("decimal_separator"),
                                   default_currency=config.get("default_currency"),
                                   run_date=dt.datetime.now(dt.timezone.utc).date()),
        redact=bool(config.get("redact", False)),
    )


@dataclass(frozen=True)
class ParsedDocument:
    detected_type: str
    receipt: dict[str, Any] | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    identity: dict[str, Any] | None = None


def _failed(kind: str, exc: Exception) -> dict[str, Any]:
    log.error("%s parser failed: %s", kind, type(exc).__name__)
    return {"needs_review": True, "review_reason": f"parser_error:{type(exc).__name__}"}


def parse_document(doc_type: str, response: Mapping[str, Any], options: ParseOptions,
                   *, barcode: str | None = None) -> ParsedDocument:
    """Parse ``response`` as ``doc_type`` (``auto`` classifies first)."""
    kind = classify(response) if doc_type == "auto" else doc_type
    if kind == "receipt":
        try:
            parsed = parse_receipt(response, hints=options.receipt_hints)
        except Exception as exc:  # noqa: BLE001 - one document's parser bug must not stop the batch
            return ParsedDocument(kind, receipt=_failed("receipt", exc))
        return ParsedDocument(kind, receipt=dict(parsed.fields), items=list(parsed.items))
    try:
        ident = dict(parse_identity(response, barcode=barcode, run_date=options.run_date).fields)
    except Exception as exc:  # noqa: BLE001 - as above
        return ParsedDocument(kind, identity=_failed("identity", exc))
    return ParsedDocument(kind, identity=redact(ident, key=options.redact_key) if options.redact else ident)
