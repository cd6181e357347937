"""A local run folder finds a document's saved answer in its packs, and as a file of its own
(older docbatch versions' layout, or a doc_id too long for a record) only where raw/ holds any."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from docbatch.answerpack import MAX_KEY
from docbatch.runfolder import RunFolder


def _answer(doc_id: str) -> dict:
    return {"TextDetections": [], "Docbatch": {"doc_id": doc_id, "source_identity": f"/in/{doc_id}|1|1"}}


def test_an_answer_saved_as_a_file_by_an_older_version_is_found(tmp_path: Path) -> None:
    folder = RunFolder(tmp_path)
    (tmp_path / "raw").mkdir()
    Path(folder.raw_path("old")).write_bytes(gzip.compress(json.dumps(_answer("old")).encode()))
    folder.open_answers("20261202T000000Z-aaaaaa")
    assert folder.has_raw("old") and not folder.has_raw("new")
    assert folder.read_raw("old") == _answer("old")
    folder.close_answers()


def test_answers_saved_in_this_run_are_found_in_its_pack_and_as_files(tmp_path: Path) -> None:
    folder = RunFolder(tmp_path)
    folder.open_answers("20261202T000000Z-aaaaaa")  # raw/ holds no file yet
    long_id = "x" * (MAX_KEY + 1)  # too long for a pack record: a file of its own
    assert not folder.has_raw("short") and not folder.has_raw(long_id)
    assert folder.write_raw("short", _answer("short")) is not None
    assert folder.write_raw(long_id, _answer(long_id)) is None
    assert folder.has_raw(long_id) and folder.read_raw(long_id) == _answer(long_id)
    folder.close_answers()
