"""A worker that dies under a document (a crash in native code, the OOM killer) is never that
document's answer, in the local process pool as on Ray: the document is sent again, and past
the attempt budget it fails retryably; the other documents are answered."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from docbatch import RunConfig
from docbatch.engines.base import Engine
from docbatch.runner import run_batch
from docbatch.state import Journal

from ..support.dying import NAMES, DiesOn, four_receipts

pytestmark = pytest.mark.slow  # worker processes (and a local Ray instance) that really die

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'docbatch[ray]')")
    # The workers import tests.support.dying to unpickle the engine: the project root on their path.
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    yield
    ray.shutdown()


@pytest.fixture(params=["local", "ray"])
def executor(request):
    if request.param == "ray":
        request.getfixturevalue("local_ray")
    return request.param


def _run(tmp_path: Path, executor: str, engine: Engine, concurrency: int = 2, **kw):
    config = RunConfig(manifest=str(four_receipts(tmp_path)), out=str(tmp_path / "out"), executor=executor,
                       use_cache=False, concurrency=concurrency, **kw)
    return run_batch(config, engine=engine)


def test_a_document_whose_worker_died_once_is_sent_again_and_answered(tmp_path, executor):
    summary = _run(tmp_path, executor, DiesOn("bravo", tmp_path / "died"))
    assert (tmp_path / "died").exists()  # the worker really died under it
    assert summary.ok == 4 and summary.failed == 0
    lines = pd.read_parquet(tmp_path / "out" / "detections").set_index("doc_id")["text"]
    assert lines.to_dict() == {name: name.upper() for name in NAMES}


def test_a_document_that_kills_every_worker_fails_alone_and_a_rerun_retries_it(tmp_path, executor):
    summary = _run(tmp_path, executor, DiesOn("charlie", tmp_path / "died", always=True), max_attempts=2)
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert summary.failed == 1 and docs.loc["charlie", "error_code"] == "retries_exhausted:worker_lost"
    assert (docs.drop(index="charlie")["status"] == "ok").all()
    journal = Journal(tmp_path / "out" / "state.sqlite")
    try:
        status, may_retry, *_ = journal.status_of("charlie")
    finally:
        journal.close()
    assert status == "failed" and may_retry  # the next run sends it again without --retry-failed


def test_a_document_waiting_behind_one_that_kills_its_worker_is_answered(tmp_path, executor):
    # One worker, and charlie dies a second in: delta waits on the worker charlie kills; one attempt each.
    summary = _run(tmp_path, executor, DiesOn("charlie", tmp_path / "died", always=True, after=1.0),
                   concurrency=1, max_attempts=1)
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert docs["status"].to_dict() == {"alpha": "ok", "bravo": "ok", "charlie": "failed", "delta": "ok"}
    assert summary.failed == 1
