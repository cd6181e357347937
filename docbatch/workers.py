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


def die_with_parent(parent: int, poll_seconds: float = 1.0) -> None:
    """Make this (worker) process exit when its parent process is gone.

    ``parent`` is the pid of the process that started this one, as that process knew it
    (``initargs=(os.getpid(),)``), not this process's parent now: a worker slow to start
    may find its parent dead already and itself adopted, by init or by a subreaper (a
    container's init, systemd, a CI runner) whose pid it would take for its parent's and
    keep running for; and a run that is itself pid 1 (``docker run`` of the image, whose
    entry point is ``docbatch``) has workers whose parent rightly is 1."""
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

    if os.getppid() != parent:  # gone before the kernel could be told (the race the watch covers)
        os._exit(1)
    threading.Thread(target=watch, name="docbatch-orphan-watch", daemon=True).start()
