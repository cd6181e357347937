"""One journal row to its rows in every output table.

This is the per-document half of building outputs: load the saved response, parse it,
and shape the rows of ``documents``, ``detections``, ``receipts``, ``receipt_items``,
``ids`` and ``failed.csv``.  It is a pure function of its inputs and imports no table
library, so the outputs builder can run it in worker processes (parsing is the CPU cost
of a 100k-document finalisation) while keeping manifest order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from .cache import read_json_gz, sha256_hex
from .parse.document import ParseOptions, parse_document
from .response import summarize
from .state import JournalRow

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,120}$")
#: error_code of a document whose saved response is gone or unreadable (redone next run).
RAW_MISSING = "raw_response_missing"


def raw_name(doc_id: str) -> str:
    """A file name for a doc_id: the id itself when safe, else a sanitised form plus a hash."""
    if _SAFE.match(doc_id) and not doc_id.startswith("."):
        return f"{doc_id}.json.gz"
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id)[:80].lstrip(".")
    return f"{clean}-{sha256_hex(doc_id.encode())[:12]}.json.gz"


@dataclass
class DocumentRows:
    """Everything one document contributes to the outputs."""

    documents: dict[str, Any]
    detections: list[dict[str, Any]] = field(default_factory=list)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    receipt_items: list[dict[str, Any]] = field(default_factory=list)
    ids: list[dict[str, Any]] = field(default_factory=list)
    failed: dict[str, Any] | None = None


@dataclass(frozen=True)
class Projector:
    """Picklable settings of the projection (sent once to each worker process)."""

    raw_dir: Path
    options: ParseOptions
    passthrough: Mapping[str, str]  # manifest column -> output column

    def __call__(self, j: JournalRow) -> DocumentRows:
        response = None
        if j.status == "ok":
            try:
                response = read_json_gz(self.raw_dir / raw_name(j.document.doc_id))
            except (OSError, ValueError):
                j = replace(j, status="failed", error_code=RAW_MISSING,
                            error_message="the saved response is missing or corrupt; re-run to fetch it again")
        parsed = (parse_document(j.document.doc_type, response, self.options, barcode=j.barcode)
                  if response is not None else None)
        pt = {self.passthrough[k]: (None if v is None else str(v)) for k, v in j.document.passthrough.items()
              if k in self.passthrough}
        out = DocumentRows(documents={**_document_row(j, response, parsed.detected_type if parsed else None), **pt})
        if response is not None:
            out.detections = _detection_rows(j.document.doc_id, response)
            if self.options.redact and parsed is not None and parsed.identity is not None:
                # An ID's words are its holder's name, number and birth date.
                out.detections = [{**r, "text": None} for r in out.detections]
        if parsed is not None:
            key = {"doc_id": j.document.doc_id, "source": j.document.source}
            if parsed.receipt is not None:
                out.receipts = [{**key, **parsed.receipt, **pt}]
                out.receipt_items = [{"doc_id": j.document.doc_id, **it} for it in parsed.items]
            if parsed.identity is not None:
                out.ids = [{**key, **parsed.identity, **pt}]
        if j.status != "ok":
            row = {_manifest_column(k): ("" if v is None else v) for k, v in j.manifest_row.items()}
            out.failed = {**row, "source": j.document.source, "doc_id": j.document.doc_id,
                          "error_code": j.error_code or "", "error_message": j.error_message or ""}
        return out


def _manifest_column(name: str) -> str:
    """A manifest's own spelling of source/doc_type/doc_id (e.g. "Source") as failed.csv writes it."""
    role = name.strip().lower()
    return role if role in ("source", "doc_type", "doc_id") else name


def _document_row(j: JournalRow, response: Mapping[str, Any] | None, detected: str | None) -> dict[str, Any]:
    s = summarize(response) if response is not None else None
    return {
        "doc_id": j.document.doc_id,
        "row_no": j.document.row_no,
        "source": j.document.source,
        "doc_type": j.document.doc_type,
        "detected_type": detected,
        "status": j.status,
        "error_code": j.error_code,
        "error_message": j.error_message,
        "engine": j.engine,
        "text_model_version": s.text_model_version if s else None,
        "n_lines": s.n_lines if s else None,
        "n_words": s.n_words if s else None,
        "word_cap_hit": s.word_cap_hit if s else None,
        "mean_confidence": s.mean_confidence if s else None,
        "image_width": j.image_width,
        "image_height": j.image_height,
        "attempts": j.attempts,
        "latency_ms": j.latency_ms,
        "processed_at": j.processed_at,
    }


def _detection_rows(doc_id: str, response: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for d in response.get("TextDetections") or []:
        geo = d.get("Geometry") or {}
        bb = geo.get("BoundingBox") or {}
        poly = geo.get("Polygon")
        rows.append({
            "doc_id": doc_id,
            "id": d.get("Id"),
            "parent_id": d.get("ParentId"),
            "type": d.get("Type"),
            "text": d.get("DetectedText"),
            "confidence": d.get("Confidence"),
            "left": bb.get("Left"),
            "top": bb.get("Top"),
            "width": bb.get("Width"),
            "height": bb.get("Height"),
            "polygon": [{"x": p["X"], "y": p["Y"]} for p in poly] if poly else None,
        })
    return rows
