"""Where docbatch's CPU goes per document: one overhead run (see :mod:`benchmarks.overhead`)
under a CPU-time profiler in every thread, summed up by stage.

    python benchmarks/profile_overhead.py [--docs 3000] [--top 25]

Every thread gets its own ``cProfile`` with ``time.thread_time`` as its clock, so the
figures are CPU time (other work on a shared machine does not inflate them; the profiler's
own cost inflates code making many small calls).  Parse workers are processes of their
own: their CPU is printed as one line.  Stages overlap where one calls another (a row is
inclusive); "all threads" is the sum over every thread.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.overhead import ServerProcess, docbatch_round  # noqa: E402
from benchmarks.quota import make_images  # noqa: E402

#: stage -> (file suffix, function name) whose inclusive CPU the stage is.
STAGES = {
    "reading the manifest (every pass)": ("docbatch/manifest.py", "_validated"),
    "preflight (environment, endpoint)": ("docbatch/preflight.py", "check"),
    "clients and pools (start-up)": ("docbatch/pipeline.py", "build_processor"),
    "main thread: the run's loop": ("docbatch/runner.py", "_drive"),
    "  journal writes (see, record)": ("docbatch/state.py", "see|record|record_pages"),
    "  resume decision (has_raw)": ("docbatch/runner.py", "_resume_decision"),
    "  waiting on futures (cf.wait)": ("concurrent/futures/_base.py", "wait"),
    "  progress subscribers": ("docbatch/progress.py", "on_result|on_skip"),
    "request threads: a document's way": ("docbatch/pipeline.py", "process"),
    "  source read and identity": ("docbatch/pipeline.py", "identify|_read|_read_new_local"),
    "  image checks and preparation": ("docbatch/pipeline.py", "__call__"),
    "  the engine's call (sign, send, parse)": ("docbatch/engines/aws_engine.py", "call"),
    "  limiter": ("docbatch/ratelimit.py", "acquire|on_success"),
    "  answer validation": ("docbatch/response.py", "validate"),
    "  saving the answer (raw/)": ("docbatch/answers.py", "save_answers"),
    "building the tables (main process)": ("docbatch/outputs.py", "build_outputs"),
}


class ThreadProfiles:
    """A CPU-time cProfile in the current thread and in every thread started after."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()

    def _start(self, *_: object) -> None:
        sys.setprofile(None)
        profile = cProfile.Profile(time.thread_time)
        with self._lock:
            self.profiles.append(profile)
        profile.enable()

    def __enter__(self) -> ThreadProfiles:
        threading.setprofile(self._start)
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        threading.setprofile(None)
        self.profiles[0].disable()

    def stats(self) -> pstats.Stats:
        merged = pstats.Stats(self.profiles[0])
        for profile in self.profiles[1:]:
            profile.create_stats()
            merged.add(profile)
        return merged


def summary(stats: pstats.Stats, n: int, workers_cpu: float, top: int) -> list[str]:
    table = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in table.values())
    lines = [f"{n:,} documents; CPU ms per document (share of all threads' CPU)",
             f"  {'all threads of the run process':<40} {total * 1000 / n:7.3f}",
             f"  {'parse workers (processes)':<40} {workers_cpu * 1000 / n:7.3f}"]
    for stage, (suffix, names) in STAGES.items():
        wanted = set(names.split("|"))
        ct = sum(v[3] for (path, _, func), v in table.items() if path.endswith(suffix) and func in wanted)
        lines.append(f"  {stage:<40} {ct * 1000 / n:7.3f}  ({ct / total:5.1%})")
    lines.append(f"top {top} functions by own CPU:")
    own = sorted(table.items(), key=lambda kv: -kv[1][2])[:top]
    for (path, line, func), (_, calls, tt, _, _) in own:
        where = "/".join(Path(path).parts[-2:]) if path != "~" else "builtin"
        lines.append(f"  {tt * 1000 / n:7.3f}  {calls / n:6.1f}/doc  {func} ({where}:{line})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        manifest, _ = make_images(Path(tmp) / "images", args.docs)
        with ServerProcess() as endpoint:
            kids = resource.getrusage(resource.RUSAGE_CHILDREN)
            with ThreadProfiles() as profiles:
                docbatch_round(manifest, Path(tmp) / "out", endpoint, args.docs)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = after.ru_utime + after.ru_stime - kids.ru_utime - kids.ru_stime
    print("\n".join(summary(profiles.stats(), args.docs, workers, args.top)))


if __name__ == "__main__":
    main()
