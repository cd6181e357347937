"""The Dockerfile builds an image that runs the bundled sample with no network, as a non-root
user.  Runs only where a container runtime answers (``docker info``); skips elsewhere."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds an image and runs the embedded OCR engine in it

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "docbatch-test:latest"


def _runtime() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    try:
        ok = subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return None
    return docker if ok else None


@pytest.fixture(scope="module")
def image():
    docker = _runtime()
    if docker is None:
        pytest.skip("no container runtime reachable (docker info fails): the image is not built here")
    build = subprocess.run([docker, "build", "-t", IMAGE, str(ROOT)], capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stderr[-3000:]
    yield docker
    subprocess.run([docker, "image", "rm", "-f", IMAGE], capture_output=True, timeout=120)


def test_the_image_runs_the_sample_without_a_network(image):
    proc = subprocess.run([image, "run", "--rm", "--network", "none", IMAGE, "run", "jobs/sample.toml",
                           "--out", "/tmp/out"], capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "10 ok, 0 failed of 10" in proc.stderr


def test_the_image_runs_docbatch_as_a_user_other_than_root(image):
    proc = subprocess.run([image, "run", "--rm", "--entrypoint", "id", IMAGE, "-u"], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() not in ("", "0")
