"""A Ray worker that dies under a document (a crash, the OOM killer) is never that
document's answer: it is retried, and past the attempt budget fails retryably."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from docbatch import RunConfig
from docbatch.engines.base import Engine, EngineSettings, ImageSpec
from docbatch.response import make_detection
from docbatch.runner import run_batch
from docbatch.state import Journal

from ..conftest import text_png

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'docbatch[ray]')")
pytestmark = pytest.mark.slow  # starts a local Ray instance and kills its workers

ROOT = Path(__file__).resolve().parents[2]


class DiesOn(Engine):
    """Reads one LINE per image, except that its worker process dies on the document
    ``victim``: on the first attempt only, or on every attempt when ``always``."""

    name = "dies-on"
    parallelism = "processes"
    image_spec = ImageSpec(formats=frozenset({"PNG", "JPEG"}), max_bytes=None)

    def __init__(self, victim: str, marker: Path, *, always: bool = False) -> None:
        super().__init__(EngineSettings())
        self.victim, self.marker, self.always = victim, marker, always

    def detect_text(self, image: Any, document: Any, region: Any = None) -> dict[str, Any]:
        if document.doc_id == self.victim and (self.always or not self.marker.exists()):
            self.marker.write_text("died once")
            os._exit(1)
        line = make_detection(id=0, type="LINE", text=document.doc_id.upper(), confidence=99.0,
                              polygon=[(0.1, 0.1), (0.9, 0.1), (0.9, 0.2), (0.1, 0.2)])
        return {"TextDetections": [line], "TextModelVersion": "dies-on-1"}


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    # The workers import this module to unpickle the engine: they need the project root on their path.
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    yield
    ray.shutdown()


def _manifest(tmp_path: Path) -> Path:
    rows = []
    for name in ("alpha", "bravo", "charlie", "delta"):
        (tmp_path / f"{name}.png").write_bytes(text_png(name))
        rows.append({"source": f"{name}.png", "doc_id": name, "doc_type": "receipt"})
    path = tmp_path / "manifest.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _run(tmp_path: Path, engine: Engine, **kw: Any):
    config = RunConfig(manifest=str(_manifest(tmp_path)), out=str(tmp_path / "out"), executor="ray",
                       use_cache=False, concurrency=2, **kw)
    return run_batch(config, engine=engine)


def test_a_document_whose_worker_died_once_is_retried_and_answered(tmp_path):
    summary = _run(tmp_path, DiesOn("bravo", tmp_path / "died"))
    assert (tmp_path / "died").exists()  # the worker really died under it
    assert summary.ok == 4 and summary.failed == 0
    lines = pd.read_parquet(tmp_path / "out" / "detections").set_index("doc_id")["text"]
    assert lines.to_dict() == {"alpha": "ALPHA", "bravo": "BRAVO", "charlie": "CHARLIE", "delta": "DELTA"}


def test_a_document_that_kills_every_worker_fails_alone_and_a_rerun_retries_it(tmp_path):
    summary = _run(tmp_path, DiesOn("charlie", tmp_path / "died", always=True), max_attempts=2)
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("doc_id")
    assert summary.failed == 1 and docs.loc["charlie", "error_code"] == "retries_exhausted:worker_lost"
    assert (docs.drop(index="charlie")["status"] == "ok").all()
    journal = Journal(tmp_path / "out" / "state.sqlite")
    try:
        status, may_retry, _ = journal.status_of("charlie")
    finally:
        journal.close()
    assert status == "failed" and may_retry  # the next run sends it again without --retry-failed
