"""A document the journal never held is read with one look at its file: its identity (what a
re-run compares to skip it) comes from the descriptor its bytes were read through, the same
string a stat of the path gives; an unreadable one keeps the stat's identity as before."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from docbatch.config import RetrySettings
from docbatch.pipeline import DocumentProcessor, Known
from docbatch.records import Document
from docbatch.sources import source_identity

from .test_document_pages import Recorder


def png(path: Path) -> Path:
    buf = io.BytesIO()
    Image.new("L", (120, 90), 255).save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def process(path: Path, known: Known | None = None):
    doc = Document(doc_id="d1", source=str(path), doc_type="receipt", row_no=1)
    return DocumentProcessor(engine=Recorder(), retry=RetrySettings(max_attempts=1)).process(doc, known)


def test_a_new_documents_identity_is_its_files_as_a_stat_gives_it(tmp_path):
    path = png(tmp_path / "a.png")
    result = process(path)
    assert result.status == "ok"
    assert result.source_identity == source_identity(str(path))


def test_a_new_document_is_not_looked_at_by_a_stat_of_its_path(tmp_path, monkeypatch):
    path = png(tmp_path / "a.png")
    expected = source_identity(str(path))
    real_stat = os.stat

    def no_stat_of_the_source(p, *args, **kwargs):
        if os.fspath(p) == str(path):
            raise PermissionError("the path was looked at twice")
        return real_stat(p, *args, **kwargs)

    monkeypatch.setattr("docbatch.sources.os.stat", no_stat_of_the_source)
    result = process(path)
    assert (result.status, result.source_identity) == ("ok", expected)


def test_an_unreadable_new_document_keeps_the_identity_its_stat_gives(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads a file without read permission")
    path = png(tmp_path / "a.png")
    path.chmod(0)
    result = process(path)
    assert (result.status, result.error_code) == ("failed", "access_denied")
    assert result.source_identity == source_identity(str(path))


def test_a_fifo_as_a_new_document_fails_with_the_identity_its_stat_gives(tmp_path):
    path = tmp_path / "pipe.png"
    os.mkfifo(path)
    result = process(path)
    assert (result.status, result.error_code) == ("failed", "not_a_regular_file")
    assert result.source_identity == source_identity(str(path))


def test_a_known_document_with_the_same_source_is_unchanged_without_a_read(tmp_path):
    path = png(tmp_path / "a.png")
    result = process(path, Known(source_identity(str(path))))
    assert result.unchanged and result.source_identity == source_identity(str(path))
