"""--executor ray: the bundled sample spread over Ray actors, as a user runs it.

Needs Ray (the ``ray`` extra, also in ``test``); the module skips when it is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..support.bench import TIMING_COLUMNS, table_differences

pytest.importorskip("ray", reason="Ray is not installed (pip install 'docbatch[ray]')")
pytestmark = pytest.mark.slow  # runs the embedded OCR engine twice and starts a local Ray instance

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "jobs" / "sample.toml")


def docbatch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docbatch.cli", "run", *args], capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The sample run by the local process pool and by Ray actors on a new local instance."""
    root = tmp_path_factory.mktemp("ray")
    pool, ray = root / "pool", root / "ray"
    done = {name: docbatch(SAMPLE, "--out", str(out), "--cache-dir", str(root / f"cache-{name}"), *extra)
            for name, out, extra in (("pool", pool, ()), ("ray", ray, ("--executor", "ray", "--ray-address", "local",
                                                                         "--concurrency", "2")))}
    return done, pool, ray


def test_the_ray_executor_writes_the_same_tables_as_the_local_pool(runs):
    done, pool, ray = runs
    assert done["pool"].returncode == 0, done["pool"].stderr[-2000:]
    assert done["ray"].returncode == 0, done["ray"].stderr[-2000:]
    assert table_differences(ray, pool, ignore=TIMING_COLUMNS) == []
    counts = json.loads((ray / "run.json").read_text())["counts"]
    assert counts["ok"] == counts["total"] == 10 and counts["engine_calls"] == 10


def test_the_ray_executor_reports_progress_and_the_closing_line(runs):
    done, _, _ = runs
    assert "10 ok, 0 failed of 10" in done["ray"].stderr


def test_a_folder_the_local_pool_began_resumes_under_ray_without_engine_calls(runs, tmp_path):
    _, pool, _ = runs
    out = tmp_path / "resumed"
    shutil.copytree(pool, out)
    proc = docbatch(SAMPLE, "--out", str(out), "--no-cache", "--executor", "ray", "--ray-address", "local")
    assert proc.returncode == 0, proc.stderr[-2000:]
    counts = json.loads((out / "run.json").read_text())["counts"]
    assert counts["resumed"] == counts["total"] == 10 and counts["engine_calls"] == 0


def test_a_ray_cluster_with_fewer_cpus_than_workers_asked_is_refused_before_any_document(tmp_path):
    out = tmp_path / "out"
    proc = docbatch(SAMPLE, "--out", str(out), "--executor", "ray", "--ray-address", "local", "--concurrency", "64")
    assert proc.returncode == 2
    assert "64 Ray workers asked for" in proc.stderr and "Traceback" not in proc.stderr
