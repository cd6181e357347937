"""A reader that stops early (`docbatch manifest DIR | head`) ends docbatch quietly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # a child process
def test_a_closed_stdout_is_no_error():
    proc = subprocess.Popen([sys.executable, "-m", "docbatch", "manifest", str(ROOT / "sample_data")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()  # as `| head -1` does once it has its line
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "error" not in err and "Traceback" not in err, err
    assert proc.returncode == 141  # 128 + SIGPIPE, as a shell tool killed by it
