"""A source that is not a regular file fails its own row at once instead of hanging the run."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from ..support.bench import Bench, text_image, write_manifest


@pytest.mark.slow  # a real `docbatch run` child process
def test_a_fifo_among_images_fails_its_row_and_the_run_finishes(tmp_path, moto_url, aws_env):
    bench = Bench(tmp_path, moto_url=moto_url)
    (tmp_path / "a.png").write_bytes(text_image("first"))
    (tmp_path / "b.png").write_bytes(text_image("second"))
    os.mkfifo(tmp_path / "pipe.png")  # nobody ever writes to it: reading it blocks forever
    manifest = write_manifest(tmp_path / "m.csv", [
        {"source": "a.png", "doc_type": "receipt"}, {"source": "pipe.png", "doc_type": "receipt"},
        {"source": "b.png", "doc_type": "receipt"}])
    with bench.server() as server:
        proc = bench.cli(manifest, tmp_path / "out", server, "--no-cache")
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert docs.loc["pipe", "error_code"] == "not_a_regular_file"
    assert (docs.drop(index="pipe")["status"] == "ok").all()
