"""write_atomic: a file is whole under its name or not there, owner-only unless not private, on either
way of writing it.

Linux writes an unnamed file and names it (``O_TMPFILE``); elsewhere, or where a file system
refuses unnamed files, a temporary file is renamed.  Both ways must keep the same promises.
"""

from __future__ import annotations

import os
import stat

import pytest

from docbatch import cache
from docbatch.cache import write_atomic


@pytest.fixture(params=["unnamed", "renamed"])
def way(request, monkeypatch):
    """Each test runs with unnamed files (where the platform has them) and without."""
    if request.param == "unnamed" and getattr(os, "O_TMPFILE", None) is None:
        pytest.skip("no O_TMPFILE on this platform")
    if request.param == "renamed":
        monkeypatch.setattr(cache, "_UNNAMED", None)
    return request.param


def test_a_new_file_holds_the_bytes_and_only_its_owner_may_read_it(tmp_path, way):
    target = tmp_path / "raw" / "d1.json.gz"  # its folder made when missing
    write_atomic(target, b"answer")
    assert target.read_bytes() == b"answer"
    assert stat.S_IMODE(target.stat().st_mode) & 0o077 == 0
    assert os.listdir(tmp_path / "raw") == ["d1.json.gz"]


def test_a_file_not_private_is_made_as_the_umask_allows(tmp_path, way):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "run.json", b"{}", private=False)
        write_atomic(tmp_path / "run.json", b"{}", private=False)  # over an existing file, too
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "run.json").stat().st_mode) == 0o640


def test_an_existing_file_is_replaced_whole_and_no_temporary_name_is_left(tmp_path, way):
    target = tmp_path / "d1.json.gz"
    target.write_bytes(b"the old answer, longer than the new one")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["d1.json.gz"]


def test_a_file_system_refusing_unnamed_files_falls_back_to_renaming(tmp_path, monkeypatch):
    """An O_TMPFILE the kernel or file system refuses (EOPNOTSUPP, EISDIR) is not an error:
    the file is written the portable way."""
    if getattr(os, "O_TMPFILE", None) is None:
        pytest.skip("no O_TMPFILE on this platform")
    monkeypatch.setattr(cache, "_UNNAMED", os.O_TMPFILE | os.O_CREAT | os.O_EXCL)  # EINVAL: a flag mix Linux refuses
    write_atomic(tmp_path / "d1.json.gz", b"answer")
    assert (tmp_path / "d1.json.gz").read_bytes() == b"answer"
    assert cache._UNNAMED is None  # not asked again in this process
