"""A document is done only for the same source content: a changed or different image is read again."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from docbatch import run_batch

from ..support.bench import Bench, text_image, write_manifest


def _run(bench, tmp_path, folder, server):
    manifest = write_manifest(tmp_path / "m.csv", [{"source": str(folder / "receipt.png"),
                                                                   "doc_type": "receipt"}])
    return run_batch(bench.config(manifest, tmp_path / "out", server))


@pytest.mark.slow  # a whole batch through servers: over a second
def test_same_name_from_another_folder_is_not_taken_for_done(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url)
    a, b = tmp_path / "A", tmp_path / "B"
    a.mkdir(), b.mkdir()
    (a / "receipt.png").write_bytes(text_image("shop A"))
    (b / "receipt.png").write_bytes(text_image("shop B, another receipt"))
    with bench.server() as server:
        first = _run(bench, tmp_path, a, server)
        total_a = pd.read_parquet(tmp_path / "out" / "receipts")["total"].iloc[0]
        second = _run(bench, tmp_path, b, server)
        calls = len(server.request_log)
    receipts = pd.read_parquet(tmp_path / "out" / "receipts")
    assert (first.ok, second.ok, second.resumed, second.changed) == (1, 1, 0, 1)
    assert calls == 2
    assert receipts["source"].iloc[0] == str(b / "receipt.png")
    assert receipts["total"].iloc[0] != total_a


@pytest.mark.slow  # a whole batch through servers: over a second
def test_an_image_rewritten_in_place_is_read_again_and_an_untouched_one_is_not(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "receipt.png").write_bytes(text_image("before"))
    with bench.server() as server:
        _run(bench, tmp_path, folder, server)
        again = _run(bench, tmp_path, folder, server)
        assert (again.resumed, again.changed, len(server.request_log)) == (1, 0, 1)
        (folder / "receipt.png").write_bytes(text_image("after, a different receipt"))
        os.utime(folder / "receipt.png", ns=(1, 1))  # even with an old mtime: the size differs
        changed = _run(bench, tmp_path, folder, server)
        assert (changed.resumed, changed.changed, len(server.request_log)) == (0, 1, 2)


@pytest.mark.slow  # a whole batch through servers: over a second
def test_a_done_document_whose_source_was_deleted_keeps_its_answer(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "receipt.png").write_bytes(text_image("gone tomorrow"))
    with bench.server() as server:
        _run(bench, tmp_path, folder, server)
        (folder / "receipt.png").unlink()
        again = _run(bench, tmp_path, folder, server)
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert (again.resumed, again.failed) == (1, 0) and docs["status"].tolist() == ["ok"]
