"""``docbatch.reconcile``: a run's receipts against a card statement, in one call.

Reads only a run's outputs (its ``receipts`` table) and the statement; writes nothing
unless ``out`` is given.  The CLI's ``docbatch reconcile`` is this function.  The matcher
(scipy, pyarrow) is imported when the function runs, so ``import docbatch`` stays cheap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from .settings import ReconcileSettings

if TYPE_CHECKING:
    import pyarrow as pa

    from ..config import SourceSettings


@dataclass(frozen=True)
class ReconcileResult:
    """The four tables (Arrow, catalogue schemas) and the summary that ``summary.json`` holds."""

    tables: dict[str, "pa.Table"]
    summary: dict[str, Any]

    @property
    def matches(self) -> pa.Table:
        return self.tables["matches"]

    @property
    def needs_review(self) -> pa.Table:
        return self.tables["needs_review"]

    @property
    def unmatched_receipts(self) -> pa.Table:
        return self.tables["unmatched_receipts"]

    @property
    def unmatched_transactions(self) -> pa.Table:
        return self.tables["unmatched_transactions"]


def _describe(source: Any) -> str:
    """An input as summary.json names it: a local path made absolute (the summary outlives the shell
    it was typed in), a URI as given, an in-memory table by its type."""
    if not isinstance(source, (str, Path)):
        return type(source).__name__
    return source if isinstance(source, str) and "://" in source else str(Path(source).resolve())


def reconcile(receipts: Any, transactions: Any, *, out: str | Path | None = None,
              settings: ReconcileSettings | None = None, sources: SourceSettings | None = None) -> ReconcileResult:
    """Match receipts to card transactions one-to-one, globally; return (and with ``out``, write) the tables.

    ``receipts``: a run folder (or an ``s3://`` one, reached per ``sources``), its ``receipts/`` folder, a Parquet file, a DataFrame or an
    Arrow table.  ``transactions``: a CSV/TSV, Parquet, OFX/QFX or QIF file, a DataFrame or
    an Arrow table.  ``out``: a folder for ``matches``, ``needs_review``,
    ``unmatched_receipts``, ``unmatched_transactions`` (Parquet, and CSV under ``csv/``) and
    ``summary.json``.  Raises :class:`~docbatch.errors.ConfigError` subclasses for inputs it
    cannot read.
    """
    from .matching import match
    from .output import ReconFolder, stamp_run_ids, summarise, tables_of
    from .receipts import prepare, read_receipt_rows
    from .transactions import read_transactions

    settings = settings or ReconcileSettings()
    rows = read_receipt_rows(receipts, sources=sources)
    prepared = prepare(rows, settings=settings.match, job_currency=settings.currency)
    statement = read_transactions(transactions, options=settings.transactions)
    outcome = match(prepared, statement, settings)
    stamp_run_ids(outcome.tables, rows)
    summary = summarise(outcome.tables, n_receipts=len(prepared), n_transactions=len(statement),
                        n_credits=sum(t.amount < 0 for t in statement), charged=outcome.charged)
    summary = {"docbatch_version": __version__, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
               "inputs": {"receipts": _describe(receipts), "transactions": _describe(transactions)},
               **summary, "settings": dataclasses.asdict(settings)}
    summary["transactions"]["rejected"] = [dataclasses.asdict(r) for r in statement.rejected]
    summary["transactions"]["repeated_ids"] = [dataclasses.asdict(r) for r in statement.repeated]
    result = ReconcileResult(tables_of(outcome.tables), summary)
    if out is not None:
        ReconFolder(out).write(result.tables, summary, settings.formats)
    return result
