"""Servers started as child processes on a port the kernel picks (``--port 0``/``-p 0``).

A port picked in the test (bind, close, hand the number to the child) can be taken by
another process before the child binds it: on a machine shared with other test runs the
child then fails to start, or the test talks to someone else's server.  The child binds
port 0 and prints the URL it listens on; :func:`listening_url` reads that line.
"""

from __future__ import annotations

import re
import subprocess
import threading


def listening_url(child: subprocess.Popen[str], pattern: str = r"(http://\d+\.\d+\.\d+\.\d+:\d+)") -> str:
    """The first URL matching ``pattern`` on the child's stderr (``stderr=PIPE``, text mode).

    The rest of its stderr is drained in a daemon thread, so a child that logs every
    request never blocks on a full pipe."""
    assert child.stderr is not None, "start the child with stderr=subprocess.PIPE, text=True"
    for line in child.stderr:
        found = re.search(pattern, line)
        if found:
            threading.Thread(target=child.stderr.read, name="child-stderr-drain", daemon=True).start()
            return found.group(1)
    raise AssertionError(f"the child ended (exit {child.wait()}) before it said where it listens")
