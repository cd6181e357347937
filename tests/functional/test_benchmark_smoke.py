"""The README's benchmark commands run at their smallest size and print their table.

Importing a benchmark (tests/unit/test_benchmark_scripts.py) does not reach the code it
measures with: ``benchmarks/overhead.py`` imported fine and crashed with a TypeError in its
first round.  Each command here runs as a user types it, in a child process from the
project root, on a few documents: seconds, not a measurement.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import SHARED

pytestmark = pytest.mark.slow  # child processes, loopback servers, up to half a minute each

ROOT = Path(__file__).resolve().parents[2]

#: (command after ``python``, a line of what it prints)
SMALLEST = [
    (["benchmarks/quota.py", "--docs", "20"], "Q = 50 TPS, 120 ms, 20 docs, --tps 50: share of Q"),
    (["benchmarks/stage_cpu.py", "--docs", "20"], "20 documents; CPU ms per document"),
    (["benchmarks/profile_overhead.py", "--docs", "20", "--top", "3"], "top 3 functions by own CPU:"),
    (["benchmarks/client_config.py", "--calls", "5", "--rounds", "1"], "docbatch's engines' (aws.make_client"),
]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull}
    env.pop("AWS_PROFILE", None)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("args, printed", SMALLEST, ids=[a[0] for a, _ in SMALLEST])
def test_a_benchmark_at_its_smallest_size_prints_its_table(args: list[str], printed: str) -> None:
    done = _run(args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert printed in done.stdout


@pytest.mark.skipif(not (SHARED / "sroie-train" / "box").is_dir(), reason="needs the shared SROIE data")
def test_calls_per_receipt_prints_the_price_table() -> None:
    done = _run(["-m", "benchmarks.calls_per_receipt", "--data", str(SHARED)])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| Textract DetectDocumentText | 1.00 | 1,000 | $1.50 |" in done.stdout


def test_the_fault_matrix_help_gives_its_whole_first_sentence() -> None:
    """Its description was the docstring's first line, a sentence cut at "nothing"."""
    done = _run(["-m", "benchmarks.fault_matrix", "--help"])
    assert done.returncode == 0
    assert "nothing of anyone else's touched" in " ".join(done.stdout.split())
