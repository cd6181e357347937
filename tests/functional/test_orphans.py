"""Worker processes exit when the run that started them is SIGKILLed, also when it died before
they started; and live while it does, also when it is pid 1 (a container's entry point)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PARENT = textwrap.dedent("""
    import concurrent.futures as cf, multiprocessing, os, sys, time
    from docbatch.workers import die_with_parent

    if __name__ == "__main__":
        pool = cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"), initializer=die_with_parent,
                                      initargs=(os.getpid(),))
        futures = [pool.submit(time.sleep, 600) for _ in range(2)]
        time.sleep(1.5)
        print(" ".join(str(p) for p in pool._processes), flush=True)
        time.sleep(600)
""")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie waiting for init to reap it is gone too
        return fh.read().split()[2] != "Z"


@pytest.mark.slow  # a real parent process with a worker pool, SIGKILLed
def test_workers_exit_when_their_parent_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    workers = [int(p) for p in parent.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(p) for p in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers)



# The run is gone before its worker has started, and the worker has been adopted by a
# subreaper (a container's init, systemd, a CI runner) rather than by pid 1.
ADOPTED = textwrap.dedent("""
    import ctypes, os, sys, time
    from docbatch.workers import die_with_parent

    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans below come to us
    run = os.fork()
    if run == 0:  # the run: starts its worker and dies at once
        parent = os.getpid()
        if os.fork() == 0:  # the worker, slow to start: its run is gone when it gets going
            deadline = time.monotonic() + 60
            while os.getppid() == parent and time.monotonic() < deadline:
                time.sleep(0.01)
            die_with_parent(parent)
            os._exit(0)  # still running: it did not notice
        os._exit(0)
    os.waitpid(run, 0)
    print(os.waitstatus_to_exitcode(os.waitpid(-1, 0)[1]), flush=True)  # the adopted worker's exit
""")

# A run that is pid 1 (``docker run`` of the image: its entry point is docbatch) and its worker.
PID_1 = textwrap.dedent("""
    import concurrent.futures as cf, multiprocessing, os
    from docbatch.workers import die_with_parent

    if __name__ == "__main__":
        assert os.getpid() == 1
        with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            print(pool.submit(os.getppid).result(timeout=120), flush=True)
""")


@pytest.mark.slow  # child processes
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="subreapers are Linux's (prctl)")
def test_a_worker_whose_run_died_before_it_started_exits_though_a_subreaper_adopted_it(tmp_path):
    script = tmp_path / "adopted.py"
    script.write_text(ADOPTED)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1"]  # die_with_parent's exit, not 0 from running on


@pytest.mark.slow  # a child process in a PID namespace of its own, with a worker pool
def test_the_workers_of_a_run_that_is_pid_1_keep_running(tmp_path):
    script = tmp_path / "pid1.py"
    script.write_text(PID_1)
    unshare = ["unshare", "--pid", "--fork", "--mount-proc"]
    try:
        probe = subprocess.run([*unshare, "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        probe = None
    if probe is None or probe.returncode != 0:
        pytest.skip("cannot make a PID namespace here (needs unshare and CAP_SYS_ADMIN)")
    done = subprocess.run([*unshare, sys.executable, str(script)], capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["1"]  # the worker answered, its parent pid 1
