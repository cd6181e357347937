"""A run folder's own files (run.json, runs/, the marker, report.html) honour the umask like its
tables; saved answers, which hold what the documents say, stay owner-only whatever the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from docbatch.runfolder import RunFolder


@pytest.fixture()
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def mode(path: str | Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_run_json_the_run_summaries_and_the_report_follow_the_umask(tmp_path: Path, umask_027) -> None:
    folder = RunFolder(tmp_path / "out")
    folder.claim()
    folder.write_run_json({"run_id": "20261203T000000Z-aaaaaa", "status": "completed"})
    folder.write_own("report.html", b"<html></html>")
    written = ["run.json", "runs/20261203T000000Z-aaaaaa.json", ".docbatch-run.json", "report.html"]
    assert {name: oct(mode(tmp_path / "out" / name)) for name in written} == dict.fromkeys(written, "0o640")
    folder.write_run_json({"run_id": "20261203T000000Z-bbbbbb", "status": "completed"})  # over the old one
    assert mode(tmp_path / "out" / "run.json") == 0o640


def test_an_answer_saved_as_a_file_of_its_own_stays_owner_only(tmp_path: Path, umask_027) -> None:
    folder = RunFolder(tmp_path)
    assert folder.write_raw("d1", {"TextDetections": []}) is None  # no pack open: a file of its own
    assert mode(folder.raw_path("d1")) == 0o600
