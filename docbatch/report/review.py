"""The documents a person must look at: each with its reasons, flagged fields and their crops.

Rows come from the ``receipts`` and ``ids`` tables (``needs_review``), at most ``limit`` of
them (receipts first, then identity documents, each by doc_id), so a run of thousands
of flagged rows still gives a page that opens.  For each flagged field: its value (never
one of an identity document under ``--redact``), confidence, and a crop of where it was
read, or why there is none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ..parse.catalog import Field
from .crops import Cropper, CropRefused, may_crop
from .figures import FIELDS, flagged_fields, split_reasons
from .locate import locate


@dataclass(frozen=True)
class FlaggedField:
    name: str
    value: str | None
    confidence: float | None
    crop: str | None
    why_no_crop: str | None


@dataclass(frozen=True)
class ReviewEntry:
    doc_id: str
    kind: str
    source: str | None
    reasons: list[str]
    fields: list[FlaggedField] = field(default_factory=list)


def review_rows(tables: Mapping[str, Sequence[Mapping[str, Any]]], *, limit: int) -> tuple[list[tuple[str, Mapping[str, Any]]], int]:
    """The rows shown for review (kind, row) and how many rows need review in all."""
    rows = [(kind, r) for kind in ("receipts", "ids") for r in sorted(tables.get(kind, []), key=lambda r: str(r.get("doc_id")))
            if r.get("needs_review")]
    return rows[:limit], len(rows)


def review_entries(rows: Sequence[tuple[str, Mapping[str, Any]]], documents: Mapping[str, Mapping[str, Any]],
                   lines: Mapping[str, Sequence[Mapping[str, Any]]], cropper: Cropper, *,
                   redact: bool) -> list[ReviewEntry]:
    """One entry per row: reasons and flagged fields, with crops where allowed and found."""
    entries = []
    for kind, row in rows:
        doc_id = str(row.get("doc_id"))
        doc = documents.get(doc_id, {})
        shown = may_crop(kind, redact=redact)
        catalogue = {f.name: f for f in FIELDS[kind]}
        flagged = [_flagged(catalogue[name], row, doc, lines.get(doc_id, ()), cropper, kind=kind, shown=shown)
                   for name in flagged_fields(kind, row)]
        entries.append(ReviewEntry(doc_id=doc_id, kind=kind, source=doc.get("source") or row.get("source"),
                                   reasons=split_reasons(row.get("review_reason")), fields=flagged))
    return entries


def _flagged(f: Field, row: Mapping[str, Any], doc: Mapping[str, Any], lines: Sequence[Mapping[str, Any]],
             cropper: Cropper, *, kind: str, shown: bool) -> FlaggedField:
    value, conf = row.get(f.name), row.get(f"{f.name}_confidence")
    confidence = float(conf) if conf is not None else None
    if not shown:
        return FlaggedField(f.name, None, confidence, None, "identity document under --redact: nothing shown")
    text = None if value in (None, "") else str(value)
    if text is None:
        return FlaggedField(f.name, None, confidence, None, "not read")
    box = locate(f.name, f.kind, value, lines)
    source = doc.get("source") or row.get("source")
    if box is None or not source:
        return FlaggedField(f.name, text, confidence, None, "not located on the page")
    try:
        crop = cropper.crop(str(source), doc.get("page"), box, kind=kind)
    except CropRefused as exc:
        return FlaggedField(f.name, text, confidence, None, str(exc))
    return FlaggedField(f.name, text, confidence, crop, None)
