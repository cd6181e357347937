"""Shared fixtures: real loopback servers (moto S3, the fake Rekognition server) and images."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from evals import shared_data

ROOT = Path(__file__).resolve().parents[1]
#: The shared data set: ``$DOCBATCH_SHARED_DATA``, else ``<project root>/../shared/data``.
SHARED = shared_data()


def _marked_slow_throughout(source: str) -> bool:
    """Whether a test module's source gives every test in it the ``slow`` mark: a module-level
    ``pytestmark = pytest.mark.slow`` (alone or in a list)."""
    if "pytest.mark.slow" not in source:
        return False
    marks = None
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            marks = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
    return any(ast.unparse(mark) == "pytest.mark.slow" for mark in marks or ())


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under ``-m "not slow"`` a module whose every test is slow is not imported at all: none of
    its tests would run, and importing it (duckdb, Ray, moto's server, benchmarks) cost about a
    third of the fast subset's collection. Any other mark expression collects every module."""
    if (config.option.markexpr or "").split() != ["not", "slow"]:
        return None
    if not (collection_path.name.startswith("test_") and collection_path.suffix == ".py"):
        return None
    return True if _marked_slow_throughout(collection_path.read_text(encoding="utf-8")) else None


def shared(*parts: str) -> Path:
    """A path under the shared data folder, or skip the test when that data is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path


def text_png(text: str, *, size: tuple[int, int] = (400, 120)) -> bytes:
    """A real PNG with ``text`` drawn on it (distinct texts give distinct bytes)."""
    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).text((10, 30), text, fill="black", font=ImageFont.load_default(size=32))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials and region: nothing here may reach real AWS."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture(scope="session")
def moto_url():
    """moto's S3 in server mode: real HTTP on 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
