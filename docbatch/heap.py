"""Keeping the C library's heap from holding freed memory a run no longer needs.

glibc gives each thread that allocates an arena of its own (up to 8 per core) and returns
only the free top of an arena on its own.  A run's request threads and the parse pool's
threads allocate and free every document's answer, error and result in their own arenas,
and what stays alive in between pins those arenas' pages: a 200,000-row run held 24-40 MB of
free but resident heap (``mallinfo2``), more the longer the run, under the tables' peak.
:func:`limit_arenas` caps the arenas at two (as ``MALLOC_ARENA_MAX=2`` would; the threads
take turns under Python's lock anyway), :func:`release_memory` hands back every arena's free
pages (``malloc_trim(0)``, a few milliseconds).  Elsewhere (musl, macOS) all three do nothing.

glibc also serves a large allocation from the heap, not from pages mapped for it alone, once a
freed mapped block has raised its threshold (dynamically, up to 32 MB): the embedded engine's
detector, run on a picture of a new size, allocates its activations one by one (onnxruntime
plans them as one block only for sizes it has seen), and in the heap what they leave is
fragmented and stays resident (a benchmark worker: 340-370 MB over the run's input, 240 MB with
the plan, and the next strip started on top of it).  :func:`mapped_apart` holds the threshold
low while such a step runs, so each large buffer is mapped and unmapped on its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from contextlib import contextmanager
from typing import Callable, Iterator


#: glibc's ``M_ARENA_MAX`` (malloc.h), and the arenas a run's process keeps.
_M_ARENA_MAX = -8
ARENAS = 2
#: glibc's ``M_MMAP_THRESHOLD`` (malloc.h), and the ceiling its dynamic threshold climbs to on
#: 64-bit (``DEFAULT_MMAP_THRESHOLD_MAX``): what a long-running process's threshold becomes.
_M_MMAP_THRESHOLD = -3
_HEAP_THRESHOLD = 32 * 1024 * 1024
#: Buffers from this size up are mapped on their own inside :func:`mapped_apart`.
MAPPED_APART = 1024 * 1024


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


@contextmanager
def mapped_apart(threshold: int = MAPPED_APART) -> Iterator[None]:
    """Within the block, allocations of ``threshold`` bytes or more get pages of their own,
    handed back when freed; after it, glibc's threshold is its dynamic ceiling (32 MB: what the
    process's heap served anyway), fixed from then on, as any threshold set by ``mallopt`` is."""
    if _MALLOPT is None or "MALLOC_MMAP_THRESHOLD_" in os.environ:  # the user's choice stands
        yield
        return
    _MALLOPT(_M_MMAP_THRESHOLD, threshold)
    try:
        yield
    finally:
        _MALLOPT(_M_MMAP_THRESHOLD, _HEAP_THRESHOLD)
