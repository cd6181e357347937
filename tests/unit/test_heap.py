"""docbatch.heap: the free pages a thread's arena keeps are handed back to the system."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from docbatch import heap

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                                reason="glibc's malloc_trim and /proc only")


def _rss_anon_kib() -> int:
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("RssAnon:"))
    return int(line.split()[1])


def test_release_memory_hands_back_a_threads_freed_pages() -> None:
    """As in a run's request threads: 32 MB of answer-sized buffers allocated in a thread of
    its own, one in 64 kept alive (pinning the arena), the rest freed.  glibc keeps the freed
    pages resident; release_memory returns them."""
    kept: list[bytes] = []

    def churn() -> None:
        bufs = [bytes(2048) for _ in range(16_000)]  # above pymalloc's 512 bytes: glibc's, this thread's arena
        kept.extend(bufs[::64])
        del bufs

    before_churn = _rss_anon_kib()
    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()
    resident = _rss_anon_kib()
    heap.release_memory()
    released = _rss_anon_kib()
    assert len(kept) == 250
    assert resident - released > 8 * 1024, (before_churn, resident, released)


_ARENAS_OF_12_THREADS = """
import ctypes, sys, threading
from docbatch import heap
if sys.argv[1] == "limit":
    heap.limit_arenas()
barrier, held = threading.Barrier(12), []
def work():
    held.append(bytes(4096))  # glibc's malloc, while all 12 threads are alive
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(12)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ctypes.CDLL(None).malloc_stats()  # one "Arena N:" block per arena, on stderr
"""


@pytest.mark.parametrize("limit, few", [("limit", True), ("none", False)])
def test_limit_arenas_keeps_threads_to_two_arenas(limit: str, few: bool) -> None:
    """A fresh process's 12 allocating threads share heap.ARENAS arenas after limit_arenas
    (glibc's default would give most of them one each)."""
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run([sys.executable, "-c", _ARENAS_OF_12_THREADS, limit], env=env, capture_output=True,
                          text=True, check=True)
    arenas = sum(line.startswith("Arena ") for line in done.stderr.splitlines())
    assert (arenas <= heap.ARENAS) == few, done.stderr


_FREED_INSIDE = """
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("heap", sys.argv[2])  # the module alone: a fresh heap, a quick start
heap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(heap)

def rss_anon_mib():
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("RssAnon:"))
    return int(line.split()[1]) // 1024

big = b"\\x01" * (24 << 20)  # a freed 24 MB mapping raises glibc's threshold past the buffers below
del big
def churn():
    kept, bufs = [], []
    for _ in range(32):  # 64 MB of 2 MB buffers, each followed by a small one that outlives it
        bufs.append(b"\\x02" * (2 << 20))
        kept.append(b"\\x03" * 4096)
    before = rss_anon_mib()
    del bufs
    return kept, before - rss_anon_mib()
if sys.argv[1] == "apart":
    with heap.mapped_apart():
        kept, handed_back = churn()
else:
    kept, handed_back = churn()
print(handed_back)
"""


@pytest.mark.parametrize("mode, handed_back", [("apart", True), ("heap", False)])
def test_large_buffers_freed_inside_mapped_apart_leave_nothing_resident(mode: str, handed_back: bool) -> None:
    """As the detector's activations on a picture of a new size: 2 MB buffers, each pinned in
    place by a small allocation after it.  In the heap, freeing them leaves their pages resident;
    inside mapped_apart each had pages of its own, handed back when it is freed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    done = subprocess.run([sys.executable, "-c", _FREED_INSIDE, mode, heap.__file__], env=env, capture_output=True, text=True,
                          check=True)
    assert (int(done.stdout) >= 48) == handed_back, done.stdout
