"""This machine's pool: processes for CPU-bound engines, threads for network-bound ones.

A ``"processes"`` engine gets one spawned process per core, each building its own
processor (its engine loaded once per process); a ``"threads"`` engine shares one
processor among threads (its clients are built here, in the main thread, before any
worker starts), with the processor's limiter if its engine is paced (up to its
max_in_flight threads).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
from typing import Any

from ..config import AUTO_TPS, RateSettings, Stages
from ..engines.base import Engine
from ..pipeline import DocumentProcessor, Known, build_processor
from ..ratelimit import RateLimiter
from ..records import Document, DocumentResult
from ..workers import die_with_parent
from .base import Executor

# -- worker-process side (CPU-bound engines) ---------------------------------------------------
_WORKER: DocumentProcessor | None = None


def _init_worker(stages: Stages, engine: Engine | str) -> None:
    global _WORKER
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _WORKER = build_processor(stages, engine)


def _process_in_worker(doc: Document, known: Known | None) -> DocumentResult:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.process(doc, known)


def default_concurrency(rate: RateSettings, parallelism: str) -> int:
    """Workers when ``--concurrency`` does not say: one process per core, or threads for twice the rate."""
    if rate.concurrency:
        return rate.concurrency
    if parallelism == "processes":
        return max(1, os.cpu_count() or 1)
    # threads of an unpaced engine; a paced one has up to its limiter's max_in_flight
    return max(2, min(32, int((16 if rate.tps == AUTO_TPS else rate.tps) * 2)))


class LocalPool(Executor):
    """A process or thread pool on this machine, as the engine's ``parallelism`` asks."""

    name = "local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._concurrency = default_concurrency(self.stages.rate, self.engine_class.parallelism)
        self._processor: DocumentProcessor | None = None
        if self.engine_class.parallelism == "processes":
            self._pool: cf.Executor = cf.ProcessPoolExecutor(
                max_workers=self._concurrency, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(self.stages, self.engine))
        else:
            self._processor = build_processor(self.stages, self.engine, sleep=self.sleep)
            limiter = self._processor.limiter
            threads = limiter.max_in_flight if limiter is not None else self._concurrency
            self._pool = cf.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="docbatch")

    def submit(self, doc: Document, known: Known | None) -> cf.Future:
        if self._processor is not None:
            return self._pool.submit(self._processor.process, doc, known)
        return self._pool.submit(_process_in_worker, doc, known)

    @property
    def limiter(self) -> RateLimiter | None:
        return self._processor.limiter if self._processor is not None else None

    def in_flight_target(self) -> int:
        limiter = self.limiter
        return limiter.in_flight_target() if limiter is not None else self._concurrency * 2

    def close(self) -> None:
        try:
            self._pool.shutdown(wait=True, cancel_futures=True)
        finally:
            if self._processor is not None:
                self._processor.close()
