"""The run journal: durable per-document state in SQLite (WAL) beside the outputs.

It is what makes a re-run resume.  A document is *done* once its row here says so, and
that is written only after its raw response is safely on disk.  Writes are grouped: one
transaction holds up to ``commit_docs`` documents or ``commit_seconds`` of them (a commit
per document cost more than the rest of a document's way through the main thread).  A
SIGKILL loses at most the outcomes of the open group, never marks a document done without
its answer, and costs no call: the answers of the lost group are on disk with their source
identity, and the next run adopts them (see :mod:`docbatch.answers`); only the documents in
flight (and failures of the open group) are asked again.  The output tables are a
projection of this journal (see :mod:`docbatch.outputs`), so they always agree with it.
Only the main thread writes.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from .records import Document, DocumentResult

#: error_code of a document whose saved response is gone or unreadable (redone next run).
RAW_MISSING = "raw_response_missing"
RAW_MISSING_MESSAGE = "the saved response is missing or corrupt; re-run to fetch it again"
#: error_code of a document whose saved response is whole but no valid answer (saved by a
#: docbatch that did not yet check what it now refuses at call time; redone next run).
RAW_INVALID = "raw_response_invalid"

#: Added by migration (new journals too): calls, tiles and the word cap of each document.
_TILING_COLUMNS = ("n_calls", "tiles", "word_cap_hit")
#: Added by migration: a page of a multi-page source (its own row, ``<doc_id>#p<N>``).
_PAGE_COLUMNS = {"parent_id": "TEXT", "page": "INTEGER", "page_count": "INTEGER", "prep": "TEXT"}
#: Added by migration: where the answer is in the run's answer pack (NULL: a file of its own).
_RAW_AT = "raw_at"
#: The status of a multi-page source's own row: its pages hold the outcome (and the tables' rows).
PAGED = "paged"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    row_no INTEGER NOT NULL,
    source TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    passthrough TEXT NOT NULL,
    manifest_row TEXT NOT NULL,
    status TEXT,
    retryable INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    engine TEXT,
    attempts INTEGER,
    latency_ms INTEGER,
    processed_at TEXT,
    image_width INTEGER,
    image_height INTEGER,
    cached INTEGER NOT NULL DEFAULT 0,
    barcode TEXT,
    seen_run TEXT NOT NULL,
    source_identity TEXT
);
CREATE INDEX IF NOT EXISTS documents_seen ON documents (seen_run, row_no);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT,
    config TEXT NOT NULL
);
"""


#: ``INSERT ... RETURNING`` came with SQLite 3.35 (2021); an older library (Debian 11, Ubuntu
#: 20.04, RHEL 8) asks for a document's earlier outcome in a statement of its own.
RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)
_NOTE = """INSERT INTO documents (doc_id, row_no, source, doc_type, passthrough, manifest_row, seen_run)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(doc_id) DO UPDATE SET row_no = excluded.row_no, source = excluded.source,
             doc_type = excluded.doc_type, passthrough = excluded.passthrough,
             manifest_row = excluded.manifest_row, seen_run = excluded.seen_run"""


@dataclass(frozen=True)
class JournalRow:
    """A document as the journal holds it (what the output tables are built from)."""

    document: Document
    status: str | None
    error_code: str | None
    error_message: str | None
    engine: str | None
    attempts: int | None
    latency_ms: int | None
    processed_at: dt.datetime | None
    image_width: int | None
    image_height: int | None
    manifest_row: Mapping[str, Any]
    barcode: str | None = None
    #: Engine calls answered in the run that processed it, answers merged (tiles), and
    #: whether words may still be missing past the engine's word cap (None: unknown).
    n_calls: int | None = None
    tiles: int | None = None
    word_cap_hit: bool | None = None
    #: A page of a multi-page source: the source's doc_id, the page and the count.
    parent_id: str | None = None
    page: int | None = None
    page_count: int | None = None
    #: What preparation did to the image sent ("; "-joined steps).
    prep: str | None = None
    #: Where the answer is in an answer pack (None: a file of its own, or none).
    raw_at: str | None = None


def retryable(result: DocumentResult) -> bool:
    """A failure the next run tries again without --retry-failed: transient errors that
    outlived this run's retry budget."""
    return bool(result.error_code and result.error_code.startswith("retries_exhausted"))


class Journal:
    """The journal of one run folder; ``commit_docs``/``commit_seconds`` bound a group of
    writes (``clock`` measures the seconds)."""

    def __init__(self, path: str | Path, *, commit_docs: int = 500, commit_seconds: float = 0.5,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.path = Path(path)
        self.commit_docs = commit_docs
        self.commit_seconds = commit_seconds
        self._clock = clock
        self._opened = 0.0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._migrate()
        self._pending = 0
        #: The multi-page sources this run noted as ``paged``: the ones whose pages a whole
        #: outcome of their own must drop (see :meth:`record`), so the others ask no statement.
        self._paged: set[str] = set()

    def _migrate(self) -> None:
        """Journals of older versions lack newer columns; add them (NULL = unknown)."""
        have = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        if "source_identity" not in have:
            self._db.execute("ALTER TABLE documents ADD COLUMN source_identity TEXT")
        for column in _TILING_COLUMNS:
            if column not in have:
                self._db.execute(f"ALTER TABLE documents ADD COLUMN {column} INTEGER")
        for column, kind in {**_PAGE_COLUMNS, _RAW_AT: "TEXT"}.items():
            if column not in have:
                self._db.execute(f"ALTER TABLE documents ADD COLUMN {column} {kind}")
        self._db.execute("CREATE INDEX IF NOT EXISTS documents_parent ON documents (parent_id)")

    # -- runs -------------------------------------------------------------------------------
    def start_run(self, run_id: str, config: Mapping[str, Any]) -> None:
        """Record the run's start and settings (a later run reads the manifest it had: :meth:`last_manifest`)."""
        self._db.execute(
            "INSERT INTO runs (run_id, started_at, config) VALUES (?, ?, ?)",
            (run_id, _now(), json.dumps(config, default=str)),
        )

    def finished_runs(self) -> list[str]:
        """The runs that got to their end (every answer they saved is journaled)."""
        return [r for (r,) in self._db.execute("SELECT run_id FROM runs WHERE finished_at IS NOT NULL")]

    def last_manifest(self) -> str | None:
        """The manifest of the latest earlier run that got as far as documents, or None."""
        row = self._db.execute(
            "SELECT config FROM runs WHERE run_id IN (SELECT DISTINCT seen_run FROM documents) "
            "ORDER BY started_at DESC LIMIT 1").fetchone()
        return json.loads(row[0]).get("manifest") if row else None

    def finish_run(self, run_id: str, outcome: str) -> None:
        """Mark the run ended with its outcome, after the pending commits: a finished run's answers are
        all journaled (:meth:`finished_runs`)."""
        self.flush()
        self._db.execute("UPDATE runs SET finished_at = ?, outcome = ? WHERE run_id = ?", (_now(), outcome, run_id))

    # -- documents ------------------------------------------------------------------------------
    def status_of(self, doc_id: str) -> tuple[str | None, bool, str | None, str | None] | None:
        """(status, retryable, source identity, answer's place) of a known document, or None if never seen."""
        row = self._db.execute("SELECT status, retryable, source_identity, raw_at FROM documents WHERE doc_id = ?",
                               (doc_id,)).fetchone()
        return None if row is None else (row[0], bool(row[1]), row[2], row[3])

    def _begin(self) -> None:
        """Open the group's transaction (if none is open) for one document's writes."""
        if self._pending == 0:
            self._db.execute("BEGIN")
            self._opened = self._clock()
        self._pending += 1

    def _maybe_commit(self) -> None:
        """Commit the group once it holds ``commit_docs`` documents or is ``commit_seconds`` old."""
        if self._pending >= self.commit_docs or self._clock() - self._opened >= self.commit_seconds:
            self.flush()

    def flush(self) -> None:
        """Commit the open group now."""
        if self._pending:
            self._db.execute("COMMIT")
            self._pending = 0

    def see(self, doc: Document, manifest_row: Mapping[str, Any],
            run_id: str) -> tuple[str | None, bool, str | None, str | None]:
        """Note that this run's manifest holds ``doc`` (keeps any earlier outcome); returns
        that outcome as :meth:`status_of` gives it (all None and False for a document never
        seen).  One statement does both where SQLite has ``RETURNING``: the main thread's
        journal statements were half of its work per document."""
        self._begin()
        status, may_retry, identity, raw_at = self._note(
            (doc.doc_id, doc.row_no, doc.source, doc.doc_type, json.dumps(dict(doc.passthrough)),
             json.dumps(dict(manifest_row)), run_id))
        if status == PAGED:  # the pages of a multi-page source belong to every run whose manifest holds it
            self._db.execute("UPDATE documents SET seen_run = ? WHERE parent_id = ?", (run_id, doc.doc_id))
            self._paged.add(doc.doc_id)
        self._maybe_commit()
        return status, may_retry, identity, raw_at

    def _note(self, values: tuple[Any, ...]) -> tuple[str | None, bool, str | None, str | None]:
        """The upsert of :meth:`see`, returning the document's earlier outcome."""
        if not RETURNING:
            earlier = self.status_of(values[0])
            self._db.execute(_NOTE, values)
            return earlier or (None, False, None, None)
        (status, may_retry, identity, raw_at), = self._db.execute(
            f"{_NOTE} RETURNING status, retryable, source_identity, raw_at", values).fetchall()
        return status, bool(may_retry), identity, raw_at

    def record(self, result: DocumentResult, *, retryable: bool = False) -> None:
        """Record a document's outcome (durable with its group's commit, see the module docstring).

        A source read whole, or failed whole, drops the pages an earlier, multi-page version of
        its file left: they are answers to a file that no longer exists, and would be table rows
        beside its own (kept beside a failure, they were in its run's tables but not a re-run's,
        whose manifest no longer carries them)."""
        self._begin()
        self._outcome(result, retryable)
        if result.document.doc_id in self._paged:
            self._paged.discard(result.document.doc_id)
            self._db.execute("DELETE FROM documents WHERE parent_id = ?", (result.document.doc_id,))
        self._maybe_commit()

    def _outcome(self, r: DocumentResult, retryable: bool) -> None:
        """One statement: the outcome with its calls, tiles, word cap, page and preparation."""
        self._db.execute(
            """UPDATE documents SET status = ?, retryable = ?, error_code = ?, error_message = ?, engine = ?,
                 attempts = ?, latency_ms = ?, processed_at = ?, image_width = ?, image_height = ?, cached = ?,
                 barcode = ?, source_identity = ?, n_calls = ?, tiles = ?, word_cap_hit = ?, prep = ?, page = ?,
                 page_count = ?, raw_at = ?
               WHERE doc_id = ?""",
            (r.status, int(retryable), r.error_code, r.error_message, r.engine, r.attempts, r.latency_ms,
             r.processed_at.isoformat() if r.processed_at else None, r.image_width, r.image_height,
             int(r.cached), r.barcode, r.source_identity, r.n_calls, r.tiles,
             None if r.word_cap_hit is None else int(r.word_cap_hit), None if r.prep is None else "; ".join(r.prep),
             r.page, r.page_count, r.raw_at, r.document.doc_id),
        )

    def record_pages(self, source: DocumentResult) -> None:
        """Record a multi-page source: one row per page (``<doc_id>#p<N>``, with the source's
        row_no, passthrough and manifest row), then the source's own row as ``paged``.

        The source's row is written last: it is what says the source is done.  Pages of an
        earlier, longer version of the file are dropped.
        """
        parent = source.document.doc_id
        self._paged.discard(parent)
        self._begin()
        self._db.execute("DELETE FROM documents WHERE parent_id = ? AND page > ?", (parent, len(source.pages)))
        for page in source.pages:
            self._db.execute(
                """INSERT INTO documents (doc_id, row_no, source, doc_type, passthrough, manifest_row, seen_run,
                                          parent_id, page, page_count)
                   SELECT ?, row_no, source, doc_type, passthrough, manifest_row, seen_run, doc_id, ?, ?
                   FROM documents WHERE doc_id = ?
                   ON CONFLICT(doc_id) DO UPDATE SET seen_run = excluded.seen_run, parent_id = excluded.parent_id""",
                (page.document.doc_id, page.page, page.page_count, parent))
            self._outcome(page, retryable(page))
        self._db.execute(
            "UPDATE documents SET status = ?, retryable = ?, error_code = ?, source_identity = ?, page_count = ? "
            "WHERE doc_id = ?",
            (PAGED, int(any(retryable(p) for p in source.pages)), source.error_code, source.source_identity,
             len(source.pages), parent))
        self._maybe_commit()

    def pages_done(self, doc_id: str) -> bool:
        """Whether every page of a multi-page source is ok."""
        row = self._db.execute("SELECT count(*), sum(status = 'ok') FROM documents WHERE parent_id = ?",
                               (doc_id,)).fetchone()
        return bool(row[0]) and row[0] == row[1]

    def rows(self, run_id: str) -> Iterator[JournalRow]:
        """This run's documents in manifest order (streamed, not loaded at once)."""
        cur = self._db.execute(
            """SELECT doc_id, row_no, source, doc_type, passthrough, status, error_code, error_message, engine,
                      attempts, latency_ms, processed_at, image_width, image_height, manifest_row, barcode,
                      n_calls, tiles, word_cap_hit, parent_id, page, page_count, prep, raw_at
               FROM documents WHERE seen_run = ? AND coalesce(status, '') != 'paged'
               ORDER BY row_no, coalesce(page, 0)""",
            (run_id,),
        )
        for row in cur:
            doc = Document(doc_id=row[0], row_no=row[1], source=row[2], doc_type=row[3],  # type: ignore[arg-type]
                           passthrough=json.loads(row[4]))
            yield JournalRow(
                document=doc, status=row[5], error_code=row[6], error_message=row[7], engine=row[8],
                attempts=row[9], latency_ms=row[10],
                processed_at=dt.datetime.fromisoformat(row[11]) if row[11] else None,
                image_width=row[12], image_height=row[13], manifest_row=json.loads(row[14]), barcode=row[15],
                n_calls=row[16], tiles=row[17], word_cap_hit=None if row[18] is None else bool(row[18]),
                parent_id=row[19], page=row[20], page_count=row[21], prep=row[22], raw_at=row[23],
            )

    def mark_unusable(self, failures: Iterable[tuple[str, str, str]]) -> None:
        """Mark done documents ``(doc_id, error_code, error_message)`` as failed-retryable
        because their saved response was found unusable (missing, corrupt, invalid), so the
        next run fetches them again (from the response cache when it holds a valid answer)."""
        self.flush()
        self._db.executemany(
            "UPDATE documents SET status = 'failed', retryable = 1, error_code = ?, error_message = ? "
            "WHERE doc_id = ?", [(code, message, d) for d, code, message in failures])

    def counts(self, run_id: str) -> dict[str, int]:
        """This run's documents by status (``pending``: none yet); a multi-page source by its pages."""
        out: dict[str, int] = {}
        for status, n in self._db.execute(
            "SELECT coalesce(status, 'pending'), count(*) FROM documents WHERE seen_run = ? "
            "AND coalesce(status, '') != 'paged' GROUP BY 1", (run_id,)
        ):
            out[status] = n
        return out

    def error_counts(self, run_id: str) -> dict[str, int]:
        """This run's failed documents by error code (run.json's ``errors``)."""
        return dict(self._db.execute(
            "SELECT error_code, count(*) FROM documents WHERE seen_run = ? AND status = 'failed' GROUP BY 1",
            (run_id,),
        ).fetchall())

    def copy_to(self, path: Path) -> None:
        """A consistent copy of the journal at ``path`` (SQLite's online backup)."""
        self.flush()
        target = sqlite3.connect(path)
        try:
            self._db.backup(target)
        finally:
            target.close()

    def close(self) -> None:
        """Commit what is pending and close; on a failing disk, roll back instead, so the
        journal keeps only whole transactions and the original error is what surfaces."""
        try:
            self.flush()
        except sqlite3.Error:
            if self._db.in_transaction:
                self._db.rollback()
        finally:
            self._db.close()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()
