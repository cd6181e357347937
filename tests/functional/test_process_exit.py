"""The docbatch command ends with the exit code it chose, its output whole, whatever the
native libraries it loaded do while the process is torn down.

pyarrow's thread pools are destroyed after Python has finished, and now and then one is
destroyed with a worker still joinable: ``terminate called without an active exception``,
SIGABRT, exit -6 after a run that succeeded (apache/arrow#34314; seen here on ``docbatch
merge`` under load, about 1 exit in 160).  A scheduler reads that as a failed nightly job.
The race itself cannot be made to happen on demand, so these tests register the same kind of
native exit hook, one that aborts, in the process before docbatch runs.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from docbatch.cli import console_main

ROOT = Path(__file__).resolve().parents[2]

_ABORTING_TEARDOWN = """
import ctypes, runpy, sys
libc = ctypes.CDLL(None)
libc.__cxa_atexit.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
libc.__cxa_atexit(ctypes.cast(libc.abort, ctypes.c_void_p), None, None)  # a native teardown that aborts, as pyarrow's may
sys.argv = ["docbatch", *sys.argv[1:]]
runpy.run_module("docbatch", run_name="__main__")
"""


def _docbatch_with_aborting_teardown(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _ABORTING_TEARDOWN, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


@pytest.mark.slow  # a child process
def test_a_command_that_succeeded_exits_0_with_all_its_output_though_native_teardown_aborts():
    done = _docbatch_with_aborting_teardown("manifest", str(ROOT / "sample_data"))
    listed = sorted(p.name for p in (ROOT / "sample_data").rglob("*") if p.suffix.lower() in {".png", ".jpg"})
    assert done.returncode == 0, done.stderr
    assert all(name in done.stdout for name in listed) and done.stdout.endswith("\n")


@pytest.mark.slow  # a child process
def test_a_command_that_refused_keeps_its_exit_code_and_message_though_native_teardown_aborts(tmp_path):
    done = _docbatch_with_aborting_teardown("run", "--manifest", str(tmp_path / "absent.csv"),
                                            "--out", str(tmp_path / "out"), "--engine", "local")
    assert done.returncode == 2, done.stderr
    assert "absent.csv" in done.stderr and "docbatch: error:" in done.stderr


def test_the_installed_docbatch_script_and_python_m_docbatch_run_the_same_entry():
    script = next(e for e in entry_points(group="console_scripts") if e.name == "docbatch")
    assert script.load() is console_main
