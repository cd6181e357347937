"""Keeping the C library's heap from holding freed memory a run no longer needs.

glibc gives each thread that allocates an arena of its own (up to 8 per core) and returns
only the free top of an arena on its own.  A run's request threads and the parse pool's
threads allocate and free every document's answer, error and result in their own arenas,
and what stays alive in between pins those arenas' pages: a 200,000-row run held 24-40 MB of
free but resident heap (``mallinfo2``), more the longer the run, under the tables' peak.
:func:`limit_arenas` caps the arenas at two (as ``MALLOC_ARENA_MAX=2`` would; the threads
take turns under Python's lock anyway), :func:`release_memory` hands back every arena's free
pages (``malloc_trim(0)``, a few milliseconds).  Elsewhere (musl, macOS) both do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Callable


#: glibc's ``M_ARENA_MAX`` (malloc.h), and the arenas a run's process keeps.
_M_ARENA_MAX = -8
ARENAS = 2


def _glibc(name: str) -> Callable[..., int] | None:
    lib = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(lib), name) if lib else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to hand back this way
        return None


_TRIM = _glibc("malloc_trim")
_MALLOPT = _glibc("mallopt")


def limit_arenas() -> None:
    """Cap the heap's arenas at :data:`ARENAS` for threads started from now on, unless the
    user chose a number (``MALLOC_ARENA_MAX``).  glibc fixes its limit when it first needs
    one, so this must run before a process's first threads past the eighth allocate."""
    if _MALLOPT is not None and "MALLOC_ARENA_MAX" not in os.environ:
        _MALLOPT(_M_ARENA_MAX, ARENAS)


def release_memory() -> None:
    """Hand the free pages of every heap arena back to the system (glibc ``malloc_trim``; elsewhere nothing)."""
    if _TRIM is not None:
        _TRIM(0)
