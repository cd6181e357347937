"""An engine from outside docbatch, through the real plug-in paths.

A toy distribution is built in a temporary folder (a module with an :class:`Engine`
subclass, and a ``*.dist-info`` whose ``entry_points.txt`` declares it in the
``docbatch.engines`` group) and put on ``PYTHONPATH``; ``python -m docbatch run --engine
toy`` must then find it, run it and parse its text like any engine's (and so must
``run_batch`` in this process, the fast check).  And an engine object handed to
:func:`run_batch` is the one used, registered or not.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import io
import json
import os
import subprocess
import sys
import textwrap
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import pytest
from PIL import Image

from docbatch import RunConfig, run_batch
from docbatch.engines import base as engines_base
from docbatch.engines.base import Engine, EngineSettings, engine_names
from docbatch.records import Document, ImageInput
from docbatch.response import make_detection

#: The toy module: its answer is a receipt whose total is derived from the image size.
TOY_ENGINE = '''
    """A toy docbatch engine, installed through the docbatch.engines entry point."""

    from __future__ import annotations

    import io

    from docbatch.engines.base import Engine
    from docbatch.errors import InvalidRequest
    from docbatch.response import make_detection


    def answer(width: int, height: int) -> dict:
        rows = [["TOY", "MART"], ["25/12/2025"], ["TOTAL", f"{width // 10}.{height % 100:02d}"]]
        lines, words = [], []
        for i, row in enumerate(rows):
            y = 0.1 + 0.1 * i
            lines.append(make_detection(id=i, type="LINE", text=" ".join(row), confidence=99.0,
                                        polygon=[(0.1, y), (0.9, y), (0.9, y + 0.05), (0.1, y + 0.05)]))
            for j, word in enumerate(row):
                x = 0.1 + 0.4 * j
                words.append(make_detection(id=len(rows) + len(words), type="WORD", text=word, confidence=98.0,
                                            polygon=[(x, y), (x + 0.3, y), (x + 0.3, y + 0.05), (x, y + 0.05)],
                                            parent_id=i))
        return {"TextDetections": lines + words, "TextModelVersion": "toy-1"}


    class ToyEngine(Engine):
        name = "toy"
        parallelism = "threads"

        @property
        def model_version(self) -> str:
            return "toy-1"

        def detect_text(self, image, document):
            if image is None or image.data is None:
                raise InvalidRequest("the toy engine reads image bytes")
            width, height = image.width, image.height
            if width is None or height is None:
                from PIL import Image

                with Image.open(io.BytesIO(image.data)) as img:
                    width, height = img.size
            return answer(width, height)


    def load() -> type[Engine]:
        return ToyEngine
'''
SIZES = {"small": (320, 140), "wide": (480, 175)}


def png(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, format="PNG")
    return buf.getvalue()


def toy_distribution(root: Path) -> Path:
    """A folder holding the toy module and its dist-info, as pip would install it."""
    site = root / "site"
    dist = site / "toy_engine-0.1.dist-info"
    dist.mkdir(parents=True)
    (site / "toy_engine.py").write_text(textwrap.dedent(TOY_ENGINE))
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-engine\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[docbatch.engines]\ntoy = toy_engine:load\n")
    return site


def receipts_manifest(root: Path) -> Path:
    for name, size in SIZES.items():
        (root / f"{name}.png").write_bytes(png(size))
    manifest = root / "m.csv"
    manifest.write_text("source,doc_type\n" + "".join(f"{name}.png,receipt\n" for name in SIZES))
    return manifest


def check_toy_run(out: Path) -> None:
    """The run folder of a toy run: every document ok by "toy", receipts read from its text."""
    docs = pd.read_parquet(out / "documents")
    assert sorted(docs["doc_id"]) == sorted(SIZES)
    assert set(docs["status"]) == {"ok"} and set(docs["engine"]) == {"toy"}
    assert set(docs["text_model_version"]) == {"toy-1"}
    assert json.loads((out / "run.json").read_text())["engine"] == "toy"
    receipts = pd.read_parquet(out / "receipts").set_index("doc_id")
    for name, (width, height) in SIZES.items():
        assert receipts.loc[name, "total"] == Decimal(f"{width // 10}.{height % 100:02d}")
        assert receipts.loc[name, "receipt_date"] == dt.date(2025, 12, 25)


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The engine registry as it is now, restored after the test (an entry point loaded
    here must not stay registered for the rest of the session), and no toy module left."""
    monkeypatch.setattr(engines_base, "_REGISTRY", dict(engines_base._REGISTRY))
    yield
    sys.modules.pop("toy_engine", None)


def test_an_engine_on_the_path_is_found_by_its_entry_point_and_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    registry: None, aws_env: None) -> None:
    site = toy_distribution(tmp_path)
    manifest = receipts_manifest(tmp_path)
    assert "toy" not in engine_names(), "the toy must come from its entry point, not from this process"
    monkeypatch.syspath_prepend(str(site))
    found = [ep for ep in importlib.metadata.entry_points(group="docbatch.engines") if ep.name == "toy"]
    assert [ep.value for ep in found] == ["toy_engine:load"]
    assert "toy" in engine_names()
    summary = run_batch(RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="toy", use_cache=False))
    assert summary.ok == 2
    check_toy_run(tmp_path / "out")


@pytest.mark.slow  # a real `docbatch run` child process
def test_docbatch_run_finds_an_installed_engine_by_its_entry_point(tmp_path: Path) -> None:
    site = toy_distribution(tmp_path)
    receipts_manifest(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "AWS_ACCESS_KEY_ID": "toy", "AWS_SECRET_ACCESS_KEY": "toy",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
           "AWS_CONFIG_FILE": os.devnull}
    env.pop("AWS_PROFILE", None)
    proc = subprocess.run([sys.executable, "-m", "docbatch", "run", "--manifest", "m.csv", "--engine", "toy",
                           "--out", "out"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    check_toy_run(tmp_path / "out")


class RecordingEngine(Engine):
    """A thread engine, registered nowhere, that records what it is asked."""

    name = "recorder"
    parallelism = "threads"

    def __init__(self) -> None:
        super().__init__(EngineSettings())
        self.calls: list[tuple[str, int | None, int | None]] = []
        self._lock = threading.Lock()
        self.closed = False

    def detect_text(self, image: ImageInput | None, document: Document) -> dict[str, Any]:
        assert image is not None
        with self._lock:
            self.calls.append((document.doc_id, image.width, image.height))
        line = make_detection(id=0, type="LINE", text="TOTAL 9.99", confidence=99.0,
                              polygon=[(0.1, 0.5), (0.9, 0.5), (0.9, 0.55), (0.1, 0.55)])
        words = [make_detection(id=1 + i, type="WORD", text=t, confidence=99.0, parent_id=0,
                                polygon=[(x, 0.5), (x + 0.3, 0.5), (x + 0.3, 0.55), (x, 0.55)])
                 for i, (t, x) in enumerate((("TOTAL", 0.1), ("9.99", 0.5)))]
        return {"TextDetections": [line, *words], "TextModelVersion": "recorder-1"}

    def close(self) -> None:
        self.closed = True


def test_run_batch_uses_the_engine_object_it_is_given(tmp_path: Path, aws_env: None) -> None:
    manifest = receipts_manifest(tmp_path)
    engine = RecordingEngine()
    # By name, "replay" without a replay_dir cannot even be built: only the object can answer.
    config = RunConfig(manifest=str(manifest), out=str(tmp_path / "out"), engine="replay", use_cache=False)
    summary = run_batch(config, engine=engine)
    assert summary.ok == 2 and summary.failed == 0
    assert sorted(engine.calls) == sorted((name, *size) for name, size in SIZES.items())
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert set(docs["engine"]) == {"recorder"} and set(docs["status"]) == {"ok"}
    assert engine.closed
