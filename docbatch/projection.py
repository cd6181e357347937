"""One journal row to its rows in every output table.

This is the per-document half of building outputs: load the saved response from the run
folder, parse it, and shape the rows of every catalogue table plus ``failed.csv``.  It is
a pure function of its inputs (it writes nothing), so the outputs builder can run it in
worker processes (parsing is the CPU cost of a 100k-document finalisation) while keeping
manifest order.  ``--redact`` is applied here, once, to all of a document's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Mapping

from .config import ParseSettings
from .engines.base import engine_class
from .errors import ConfigError, InvalidResponse
from .parse.catalog import TABLES
from .parse.classify import classify
from .parse.document import ParsedDocument, parse_document
from .parse.redaction import redact_tables
from .response import detections, summarize, validate
from .runfolder import RunFolder
from .state import RAW_INVALID, RAW_MISSING, RAW_MISSING_MESSAGE, JournalRow

@dataclass
class DocumentRows:
    """Everything one document contributes to the outputs: rows per table, and its failed.csv row."""

    tables: dict[str, list[dict[str, Any]]]
    failed: dict[str, Any] | None = None
    #: True when the journal said ok but the saved response is unusable (the run marks it for redo).
    unusable: bool = False

    @property
    def document(self) -> dict[str, Any]:
        return self.tables["documents"][0]


@dataclass(frozen=True)
class Projector:
    """Picklable settings of the projection (sent once to each worker process)."""

    folder: RunFolder
    settings: ParseSettings
    passthrough: Mapping[str, str] = field(default_factory=dict)  # manifest column -> output column
    run_id: str | None = None

    def __call__(self, j: JournalRow) -> DocumentRows:
        response = None
        unusable = False
        if j.status == "ok":
            try:
                # Checked as a fresh answer is: one saved before a check existed (an Id past
                # int32) would otherwise stop every table of the run, on every build.
                response = validate(self.folder.read_raw(j.document.doc_id, j.raw_at))
            except InvalidResponse as exc:
                unusable = True
                j = replace(j, status="failed", error_code=RAW_INVALID,
                            error_message=f"the saved response is not a valid answer: {exc.message}; "
                                          "re-run to ask again")
            except (OSError, ValueError):
                unusable = True
                j = replace(j, status="failed", error_code=RAW_MISSING, error_message=RAW_MISSING_MESSAGE)
        parsed = (parse_document(j.document.doc_type, response, self.settings, barcode=j.barcode,
                                 word_cap_hit=bool(_word_cap_hit(j, response)))
                  if response is not None else None)
        pt = {self.passthrough[k]: (None if v is None else str(v)) for k, v in j.document.passthrough.items()
              if k in self.passthrough}
        tables: dict[str, list[dict[str, Any]]] = {
            "documents": [{**_document_row(j, response, parsed.detected_type if parsed else None), **pt}]}
        if response is not None:
            tables["detections"] = _detection_rows(j.document.doc_id, response)
        if parsed is not None:
            tables.update(_parsed_rows(j, parsed, pt))
            if self.settings.redact:
                # Redaction follows what the text is, not the manifest's label: an ID filed as a
                # receipt still holds its holder's name and number.
                identity = parsed.is_identity or classify(response) == "id"
                tables = redact_tables(tables, key=self.settings.redact_key, identity=identity)
        for table_rows in tables.values():
            for r in table_rows:
                r["run_id"] = self.run_id
        out = DocumentRows(tables=tables, unusable=unusable)
        if j.status != "ok":
            row = {_manifest_column(k): ("" if v is None else v) for k, v in j.manifest_row.items()}
            # A failed page lists its source once, under the source's id: failed.csv is a manifest.
            out.failed = {**row, "source": j.document.source, "doc_id": j.parent_id or j.document.doc_id,
                          "error_code": j.error_code or "", "error_message": j.error_message or ""}
        return out


def _parsed_rows(j: JournalRow, parsed: ParsedDocument, pt: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The parser's rows with their keys: every row gets doc_id; document-level rows also
    the source and the manifest's passthrough columns (item rows do not repeat them)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for table, rows in parsed.rows.items():
        names = TABLES[table].names
        key: dict[str, Any] = {"doc_id": j.document.doc_id}
        if "source" in names:
            key["source"] = j.document.source
        extra = pt if TABLES[table].passthrough else {}
        out[table] = [{**key, **r, **extra} for r in rows]
    return out


def _manifest_column(name: str) -> str:
    """A manifest's own spelling of source/doc_type/doc_id (e.g. "Source") as failed.csv writes it."""
    role = name.strip().lower()
    return role if role in ("source", "doc_type", "doc_id") else name


def _document_row(j: JournalRow, response: Mapping[str, Any] | None, detected: str | None) -> dict[str, Any]:
    s = summarize(response, word_cap=_word_cap(j.engine)) if response is not None else None
    return {
        "doc_id": j.document.doc_id,
        "row_no": j.document.row_no,
        "source": j.document.source,
        "page": j.page,
        "page_count": j.page_count,
        "doc_type": j.document.doc_type,
        "detected_type": detected,
        "status": j.status,
        "error_code": j.error_code,
        "error_message": j.error_message,
        "engine": j.engine,
        "text_model_version": s.text_model_version if s else None,
        "n_lines": s.n_lines if s else None,
        "n_words": s.n_words if s else None,
        "word_cap_hit": _word_cap_hit(j, response),
        "mean_confidence": s.mean_confidence if s else None,
        "image_width": j.image_width,
        "image_height": j.image_height,
        "prep": j.prep,
        "attempts": j.attempts,
        "n_calls": j.n_calls,
        "tiles": j.tiles,
        "latency_ms": j.latency_ms,
        "processed_at": j.processed_at,
    }


def _word_cap_hit(j: JournalRow, response: Mapping[str, Any] | None) -> bool | None:
    """Whether words may be missing past the engine's cap: as the processor recorded it
    (after tiling), or, for documents journaled before it did, judged from the answer."""
    if j.word_cap_hit is not None or response is None:
        return j.word_cap_hit if response is not None else None
    return summarize(response, word_cap=_word_cap(j.engine)).word_cap_hit


@lru_cache(maxsize=None)
def _word_cap(engine: str) -> int | None:
    """The cap a document's answer may have hit: its engine's own (Textract and the local
    OCR have none), or DetectText's for engines answering from saved responses and for
    names no longer registered (the answer may come from a capped service)."""
    detect_text_cap = engine_class("rekognition").word_cap
    try:
        cls = engine_class(engine)
    except ConfigError:
        return detect_text_cap
    return cls.word_cap if cls.needs_image else detect_text_cap


def _detection_rows(doc_id: str, response: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for d in detections(response):
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
