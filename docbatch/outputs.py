"""Building a run's output tables from its journal and raw responses.

The tables are a pure projection of the journal (one ``documents`` row per manifest row
of this run, in manifest order) plus the saved raw responses, so they can be rebuilt at
any time — after a resume, or after a parser improvement (``docbatch reparse``) —
without calling an engine.  Tables are written into a staging folder and each finished
table folder is swapped into place, so readers never see a half-written table.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import pyarrow as pa

from .cache import read_json_gz, sha256_hex
from .parse.document import ParseOptions, parse_document
from .response import summarize
from .sinks import SINKS
from .sinks.base import TableWriter
from .sinks.schema import PASSTHROUGH_TABLES, TABLES
from .state import Journal, JournalRow

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,120}$")


def raw_name(doc_id: str) -> str:
    """A file name for a doc_id: the id itself when safe, else a sanitised form plus a hash."""
    if _SAFE.match(doc_id) and not doc_id.startswith("."):
        return f"{doc_id}.json.gz"
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", doc_id)[:80].lstrip(".")
    return f"{clean}-{sha256_hex(doc_id.encode())[:12]}.json.gz"


def passthrough_names(columns: Iterable[str]) -> dict[str, str]:
    """Manifest column -> output column; a name docbatch owns gets a ``manifest_`` prefix."""
    owned = {name for schema in TABLES.values() for name in schema.names}
    return {c: (f"manifest_{c}" if c in owned else c) for c in columns}


@dataclass(frozen=True)
class TableSet:
    """Writers for every table in every requested format, in a staging folder."""

    writers: dict[str, list[TableWriter]]
    schemas: dict[str, pa.Schema]


def _open_tables(staging: Path, formats: Iterable[str], pt_out: list[str]) -> TableSet:
    schemas: dict[str, pa.Schema] = {}
    writers: dict[str, list[TableWriter]] = defaultdict(list)
    for table, schema in TABLES.items():
        if table in PASSTHROUGH_TABLES:
            schema = pa.schema(list(schema) + [pa.field(c, pa.string()) for c in pt_out])
        schemas[table] = schema
        for fmt in formats:
            sink = SINKS[fmt]()
            writers[table].append(sink.writer(staging / sink.subdir / table, schema))
    return TableSet(dict(writers), schemas)


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


def build_outputs(
    journal: Journal,
    run_id: str,
    *,
    out_dir: Path,
    formats: Iterable[str],
    passthrough_columns: list[str],
    options: ParseOptions,
    part_rows: int = 50_000,
) -> dict[str, int]:
    """Write every table for this run's documents; returns rows written per table."""
    formats = list(formats)
    pt_map = passthrough_names(passthrough_columns)
    staging = out_dir / f".staging-{run_id}"
    for stale in [*out_dir.glob(".staging-*"), *out_dir.glob(".trash-*")]:
        shutil.rmtree(stale, ignore_errors=True)  # a full copy of the tables left by a run killed mid-build
    tables = _open_tables(staging, formats, list(pt_map.values()))
    buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    counts = {t: 0 for t in TABLES}
    raw_dir = out_dir / "raw"
    failed_path = staging / "failed.csv"
    docs_in_buffer = 0

    def flush(final: bool = False) -> None:
        for name, rows in buffers.items():
            if rows or (final and all(w.parts == 0 for w in tables.writers[name])):
                table = pa.Table.from_pylist(rows, schema=tables.schemas[name])
                for w in tables.writers[name]:
                    w.write(table)
                counts[name] += len(rows)
                rows.clear()

    staging.mkdir(parents=True, exist_ok=True)
    with open(failed_path, "w", newline="", encoding="utf-8") as fh:
        # failed.csv is itself a manifest: one fixed header (rows of a JSON Lines manifest
        # differ in keys, a malformed row has none), canonical sources and doc ids, so it
        # runs from any folder and keeps the ids.
        failed_writer = csv.DictWriter(fh, fieldnames=list(dict.fromkeys(
            ["source", "doc_type", "doc_id", *passthrough_columns, "error_code", "error_message"])),
            extrasaction="ignore")
        failed_writer.writeheader()
        for j in journal.rows(run_id):
            response = None
            if j.status == "ok":
                try:
                    response = read_json_gz(raw_dir / raw_name(j.document.doc_id))
                except (OSError, ValueError):
                    j = _lost_response(j)
            parsed = (parse_document(j.document.doc_type, response, options, barcode=j.barcode)
                      if response is not None else None)
            pt = {pt_map[k]: (None if v is None else str(v)) for k, v in j.document.passthrough.items()
                  if k in pt_map}
            buffers["documents"].append({**_document_row(j, response, parsed.detected_type if parsed else None),
                                         **pt})
            if response is not None:
                rows = _detection_rows(j.document.doc_id, response)
                if options.redact and parsed is not None and parsed.identity is not None:
                    # An ID's words are its holder's name, number and birth date.
                    rows = [{**r, "text": None} for r in rows]
                buffers["detections"].extend(rows)
            if parsed is not None:
                key = {"doc_id": j.document.doc_id, "source": j.document.source}
                if parsed.receipt is not None:
                    buffers["receipts"].append({**key, **parsed.receipt, **pt})
                    buffers["receipt_items"].extend({"doc_id": j.document.doc_id, **it} for it in parsed.items)
                if parsed.identity is not None:
                    buffers["ids"].append({**key, **parsed.identity, **pt})
            if j.status != "ok":
                row = {_manifest_column(k): ("" if v is None else v) for k, v in j.manifest_row.items()}
                failed_writer.writerow({**row, "source": j.document.source, "doc_id": j.document.doc_id,
                                        "error_code": j.error_code or "", "error_message": j.error_message or ""})
            docs_in_buffer += 1
            if docs_in_buffer >= part_rows:
                flush()
                docs_in_buffer = 0
    flush(final=True)
    _swap_into_place(staging, out_dir, formats)
    return counts


def _manifest_column(name: str) -> str:
    """A manifest's own spelling of source/doc_type/doc_id (e.g. "Source") as failed.csv writes it."""
    role = name.strip().lower()
    return role if role in ("source", "doc_type", "doc_id") else name


def _lost_response(j: JournalRow) -> JournalRow:
    from dataclasses import replace

    return replace(j, status="failed", error_code="raw_response_missing",
                   error_message="the saved response is missing or corrupt; delete it if present and re-run")


def _swap_into_place(staging: Path, out_dir: Path, formats: list[str]) -> None:
    """Replace each finished table folder (and failed.csv) in one rename each."""
    moves: list[tuple[Path, Path]] = []
    for fmt in formats:
        sub = SINKS[fmt].subdir
        for table in TABLES:
            moves.append((staging / sub / table, out_dir / sub / table))
    moves.append((staging / "failed.csv", out_dir / "failed.csv"))
    trash = out_dir / f".trash-{staging.name}"
    for src, dst in moves:
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():
            old = trash / dst.relative_to(out_dir)
            old.parent.mkdir(parents=True, exist_ok=True)
            os.replace(dst, old)
        os.replace(src, dst)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
