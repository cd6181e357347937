"""Where a document's CPU goes in the real 32-thread overhead round, without a profiler: each
stage's function is wrapped to add up its thread's CPU time (``time.thread_time``, ~1 us a
call), so call-heavy code is not inflated as under ``cProfile`` (profile_overhead.py).

    python benchmarks/stage_cpu.py [--docs 3000]

One naive round (the 32-thread boto3 pool, for the host's state) and one docbatch round
against the zero-latency server of :mod:`benchmarks.overhead`; then CPU ms per document of
each stage, inclusive (a stage holding another counts it too), largest first.  Rows are
read against each other in one run: a shared host moves them all together.
"""

from __future__ import annotations

import argparse
import collections
import importlib
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.overhead import ServerProcess, docbatch_round, naive_round  # noqa: E402
from benchmarks.quota import make_images  # noqa: E402

#: stage -> (module, attribute path) of the function whose calls the stage is.
STAGES = {
    "request: a document's way (process)": ("docbatch.pipeline", "DocumentProcessor.process"),
    "request:   read and identify a new local source": ("docbatch.pipeline", "DocumentProcessor._read_new_local"),
    "request:   read a source (_read: every one before 402623b, known ones since)": ("docbatch.pipeline", "DocumentProcessor._read"),
    "request:   identify a known source (stat)": ("docbatch.pipeline", "DocumentProcessor.identify"),
    "request:     image header checks (open_pages)": ("docbatch.pipeline", "open_pages"),
    "request:   the engine's call (direct; the boto3 client before 18)": ("docbatch.engines.rekognition", "RekognitionEngine.detect_text"),
    "request:   answer validation": ("docbatch.pipeline", "validate"),
    "request:   the result (_ok)": ("docbatch.pipeline", "DocumentProcessor._ok"),
    "request: saving the answer": ("docbatch.runner", "save_answers"),
    "request:   its record (JSON, gzip member)": ("docbatch.answerpack", "record"),
    "request:   appending it (its record, lock, pwrite)": ("docbatch.answerpack", "PackWriter.append"),
    "main: the run's loop": ("docbatch.runner", "_drive"),
    "main:   journal.see": ("docbatch.state", "Journal.see"),
    "main:   journal.record": ("docbatch.state", "Journal.record"),
    "main: building the tables": ("docbatch.runner", "_build_tables"),
    "main:   a document's rows (projection)": ("docbatch.projection", "Projector.__call__"),
    "main:     parsing": ("docbatch.projection", "parse_document"),
    "main:     reading its answer back": ("docbatch.projection", "RunFolder.read_raw"),
}


class StageClock:
    """Wraps each stage's function to add up the CPU time of its calls, every thread's."""

    def __init__(self) -> None:
        self.spent: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def wrap(self, stage: str, module: str, path: str) -> None:
        owner: Any = importlib.import_module(module)
        *parents, name = path.split(".")
        for part in parents:
            owner = getattr(owner, part)
        fn = getattr(owner, name, None)
        if fn is None:  # a stage this version of docbatch does not have
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.thread_time() - started
                with self._lock:
                    self.spent[stage] += spent

        setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3000)
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    clock = StageClock()
    for stage, (module, path) in STAGES.items():
        clock.wrap(stage, module, path)
    n = args.docs
    with tempfile.TemporaryDirectory() as tmp:
        manifest, paths = make_images(Path(tmp) / "images", n)
        with ServerProcess() as endpoint:
            naive_round(paths[:200], endpoint)  # warm imports and connections
            naive = naive_round(paths, endpoint)
            clock.spent.clear()
            ours = docbatch_round(manifest, Path(tmp) / "out", endpoint, n)
    print(f"{n:,} documents; CPU ms per document")
    print(f"  naive pool: all threads {naive.cpu_ms:.3f}, its request threads {naive.pool_ms:.3f}")
    print(f"  docbatch:   all threads {ours.cpu_ms:.3f}, request threads {ours.pool_ms:.3f}, "
          f"main thread {ours.main_ms:.3f}")
    for stage in STAGES:
        if stage in clock.spent:
            print(f"  {stage:<78} {clock.spent[stage] * 1000 / n:7.3f}")


if __name__ == "__main__":
    main()
