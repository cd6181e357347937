"""Worker processes that never outlive the run that started them.

A scheduler that kills a run with SIGKILL (a timeout, an OOM kill) gives it no chance to
stop its worker processes; left alone they would keep their models in memory and their
CPUs busy under init.  Every worker docbatch starts calls :func:`die_with_parent` first:
on Linux the kernel sends it SIGTERM when the parent dies (``PR_SET_PDEATHSIG``), and a
watchdog thread covers the other systems (and the race before the call).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def die_with_parent(poll_seconds: float = 1.0) -> None:
    """Make this (worker) process exit when its parent process is gone."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    # SIGTERM must end the worker even though the runner's workers ignore SIGINT.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(poll_seconds)

    if os.getppid() != parent or parent == 1:
        os._exit(1)
    threading.Thread(target=watch, name="docbatch-orphan-watch", daemon=True).start()
