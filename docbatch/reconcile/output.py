"""A reconciliation's folder: its four tables (Parquet, ``csv/``) and ``summary.json``.

Schemas come from the catalogue (:data:`~docbatch.parse.catalog.RECONCILIATION_TABLES`
through :func:`~docbatch.sinks.schema.arrow_schema`), parts are written by docbatch's sinks.
Like a run folder, the folder carries a marker: a non-empty folder docbatch did not write
is refused, and a second reconciliation into the same folder replaces the tables whole
(staged beside them, then swapped in; ``summary.json`` last).
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import uuid
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping

import pyarrow as pa
import pyarrow.fs as pafs

from .. import __version__
from ..errors import ConfigError, ForeignFolder
from ..parse.catalog import RECONCILIATION_TABLES
from ..sinks import SINKS
from ..sinks.schema import arrow_schema

MARKER = ".docbatch-recon.json"
SUMMARY = "summary.json"


def tables_of(rows: Mapping[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    """Each reconciliation table as an Arrow table of its catalogue schema (empty tables included)."""
    return {name: pa.Table.from_pylist(list(rows.get(name, [])), schema=arrow_schema(table))
            for name, table in RECONCILIATION_TABLES.items()}


def stamp_run_ids(rows: Mapping[str, list[dict[str, Any]]], receipts: Iterable[Mapping[str, Any]]) -> None:
    """Give every row the ``run_id`` of the run its receipt came from (in place).

    Rows about a receipt take that receipt's own ``run_id``; rows about a transaction alone
    take the run all the receipts came from, or null when they came from several (or none).
    """
    by_doc = {r.get("doc_id"): r.get("run_id") for r in receipts}
    runs = set(by_doc.values()) - {None}
    single = runs.pop() if len(runs) == 1 else None
    for table in rows.values():
        for row in table:
            row["run_id"] = by_doc.get(row["doc_id"]) if row.get("doc_id") is not None else single


def _amounts(rows: Iterable[Mapping[str, Any]], amount: str, currency: str) -> dict[str, str]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.get(amount) is not None:
            sums[row.get(currency) or "unknown"] += Decimal(str(row[amount]))
    return {k: str(v) for k, v in sorted(sums.items())}


def _reasons(rows: Iterable[Mapping[str, Any]], column: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(r for r in str(row.get(column) or "").split(";") if r)
    return dict(counts.most_common())


def summarise(rows: Mapping[str, list[dict[str, Any]]], *, n_receipts: int, n_transactions: int,
              n_credits: int, charged: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Counts and amounts (per currency, as decimal strings) of each outcome.

    Unmatched transactions' ``amount`` is their purchases' (money spent with no receipt);
    ``amount_by_kind`` gives purchases, refunds and credits apart.

    ``charged`` gives the currency of matched transactions whose export names none (see
    :class:`~docbatch.reconcile.matching.Outcome`).
    """
    m, rv = rows.get("matches", []), rows.get("needs_review", [])
    m = [{**r, "transaction_currency": r.get("transaction_currency") or (charged or {}).get(r["transaction_id"])}
         for r in m]
    ur, ut = rows.get("unmatched_receipts", []), rows.get("unmatched_transactions", [])
    return {
        "receipts": n_receipts,
        "transactions": {"count": n_transactions, "debits": n_transactions - n_credits, "credits": n_credits},
        "matched": {"count": len(m), "amount": _amounts(m, "transaction_amount", "transaction_currency"),
                    "rate": round(len(m) / n_receipts, 4) if n_receipts else None},
        "needs_review": {"count": len(rv), "amount": _amounts(rv, "receipt_amount", "currency"),
                         "by_reason": _reasons(rv, "review_reason")},
        "unmatched_receipts": {"count": len(ur), "amount": _amounts(ur, "receipt_amount", "currency"),
                               "by_reason": _reasons(ur, "reason")},
        "unmatched_transactions": {"count": len(ut),
                                   "amount": _amounts([r for r in ut if r.get("kind") == "purchase"],
                                                      "transaction_amount", "transaction_currency"),
                                   "by_kind": _reasons(ut, "kind"), "amount_by_kind": _amounts_by_kind(ut)},
    }


def _amounts_by_kind(rows: list[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """Unmatched transactions' amounts per kind: purchases are kept apart from card payments and refunds,
    which a net figure would hide them under."""
    by_kind: defaultdict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in rows:
        by_kind[str(r.get("kind"))].append(r)
    # most lines first, ties in the order first seen (a stable sort)
    return {kind: _amounts(of_kind, "transaction_amount", "transaction_currency")
            for kind, of_kind in sorted(by_kind.items(), key=lambda item: -len(item[1]))}


class ReconFolder:
    """The folder a reconciliation writes (local)."""

    def __init__(self, root: str | Path) -> None:
        self.local_root = Path(root).resolve()
        self.root = self.local_root.as_posix()
        self.fs = pafs.LocalFileSystem()

    def claim(self) -> None:
        """Create the folder with its marker, or accept one docbatch reconciled into before."""
        if self.local_root.is_file():
            raise ForeignFolder(f"--out {self.root} is a file, not a folder")
        if self.local_root.is_dir() and any(self.local_root.iterdir()):
            if not (self.local_root / MARKER).exists():
                raise ForeignFolder(f"--out {self.root} is not empty and is not a docbatch reconciliation folder "
                                    f"(no {MARKER}); choose a new or empty folder")
            return
        self.local_root.mkdir(parents=True, exist_ok=True)
        (self.local_root / MARKER).write_text(json.dumps(
            {"format": 1, "kind": "reconciliation", "created_by": f"docbatch {__version__}",
             "created_at": dt.datetime.now(dt.timezone.utc).isoformat()}), encoding="utf-8")

    def write(self, tables: Mapping[str, pa.Table], summary: Mapping[str, Any], formats: Iterable[str]) -> None:
        formats = list(formats)
        unknown = [f for f in formats if f not in SINKS]
        if unknown:
            raise ConfigError(f"unknown output format(s) {', '.join(unknown)}; known: {', '.join(SINKS)}")
        self.claim()
        stage = posixpath.join(self.root, f".staging-{uuid.uuid4().hex[:12]}")
        trash = stage.replace(".staging-", ".trash-")
        placed: list[tuple[str, str]] = []
        try:
            for fmt in formats:
                sink = SINKS[fmt]()
                for name, table in tables.items():
                    rel = posixpath.join(sink.subdir, name) if sink.subdir else name
                    writer = sink.writer(self.fs, posixpath.join(stage, rel), table.schema)
                    writer.write(table)
                    placed.append((posixpath.join(stage, rel), posixpath.join(self.root, rel)))
            for src, dst in placed:
                self.fs.create_dir(posixpath.dirname(dst), recursive=True)
                self._set_aside(dst, trash)
                self.fs.move(src, dst)
            # a format this reconciliation does not write keeps no table of the previous one
            for fmt in sorted(set(SINKS) - set(formats)):
                subdir = SINKS[fmt].subdir
                for name in tables:
                    self._set_aside(posixpath.join(self.root, subdir, name), trash)
                folder = self.local_root / subdir
                if subdir and folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
            tmp = self.local_root / f".tmp-{uuid.uuid4().hex}-{SUMMARY}"
            tmp.write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
            tmp.replace(self.local_root / SUMMARY)
        finally:
            for leftover in (stage, trash):
                if self.fs.get_file_info(leftover).type != pafs.FileType.NotFound:
                    self.fs.delete_dir(leftover)

    def _set_aside(self, path: str, trash: str) -> None:
        """Move ``path`` (a previous reconciliation's table) under ``trash``, deleted when the write ends."""
        if self.fs.get_file_info(path).type != pafs.FileType.NotFound:
            old = posixpath.join(trash, posixpath.relpath(path, self.root))
            self.fs.create_dir(posixpath.dirname(old), recursive=True)
            self.fs.move(path, old)
