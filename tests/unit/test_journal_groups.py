"""The journal commits outcomes in groups (a commit per document cost more than the rest of a
document's way through the main thread), bounded by a count and by seconds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from docbatch import state
from docbatch.records import Document, DocumentResult
from docbatch.state import Journal


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _ok(journal: Journal, n: int) -> None:
    doc = Document(doc_id=f"d{n}", source=f"/in/d{n}.png", doc_type="receipt", row_no=n)
    journal.see(doc, {"source": doc.source}, "run-1")
    journal.record(DocumentResult(document=doc, status="ok", engine="replay"))


def _done_as_another_reader_sees_it(path: Path) -> int:
    with sqlite3.connect(path) as other:
        return other.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()[0]


def test_outcomes_become_durable_together_once_the_group_holds_commit_docs_documents(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    journal = Journal(path, commit_docs=6, commit_seconds=60, clock=Clock())  # see + record: 2 writes a document
    _ok(journal, 1)
    _ok(journal, 2)
    assert _done_as_another_reader_sees_it(path) == 0
    _ok(journal, 3)
    assert _done_as_another_reader_sees_it(path) == 3
    journal.close()


def test_an_open_group_is_committed_once_it_is_commit_seconds_old(tmp_path: Path) -> None:
    path, clock = tmp_path / "state.sqlite", Clock()
    journal = Journal(path, commit_docs=1000, commit_seconds=0.5, clock=clock)
    _ok(journal, 1)
    assert _done_as_another_reader_sees_it(path) == 0
    clock.now = 0.6
    _ok(journal, 2)  # its noting commits the old group; its outcome opens the next one
    assert _done_as_another_reader_sees_it(path) == 1
    journal.close()


def test_closing_the_journal_commits_the_open_group(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    journal = Journal(path, commit_docs=1000, commit_seconds=60, clock=Clock())
    _ok(journal, 1)
    journal.close()
    assert _done_as_another_reader_sees_it(path) == 1


@pytest.mark.parametrize("returning", [True, False], ids=["sqlite-returning", "sqlite-before-3.35"])
def test_noting_a_document_gives_its_earlier_outcome_as_status_of_does(tmp_path: Path, monkeypatch,
                                                                      returning: bool) -> None:
    monkeypatch.setattr(state, "RETURNING", returning and state.RETURNING)
    journal = Journal(tmp_path / "state.sqlite", clock=Clock())
    doc = Document(doc_id="d1", source="/in/d1.png", doc_type="receipt", row_no=1)
    assert journal.see(doc, {"source": doc.source}, "run-1") == (None, False, None, None)
    journal.record(DocumentResult(document=doc, status="failed", engine="replay", source_identity="/in/d1.png|1|2",
                                  raw_at=None, error_code="retries_exhausted:throttled"), retryable=True)
    earlier = journal.status_of("d1")
    assert journal.see(doc, {"source": doc.source}, "run-2") == earlier == ("failed", True, "/in/d1.png|1|2", None)
    journal.close()
