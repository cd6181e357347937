"""This machine's pool: processes for CPU-bound engines, threads for network-bound ones.

A ``"processes"`` engine gets one spawned process per core, each building its own
processor (its engine loaded once per process); a ``"threads"`` engine shares one
processor among threads (its clients are built here, in the main thread, before any
worker starts), with the processor's limiter if its engine is paced (up to its
max_in_flight threads), and the run's stop, which ends their retries.  Processes get no stop
(an event does not cross them): their CPU-bound engines call no service to retry.

A process that dies (a crash in native code, the OOM killer) breaks the whole process pool:
every document in flight fails with ``BrokenProcessPool``.  The pool is replaced, and those
documents are sent again one at a time to a pool of one process (:mod:`.suspects`).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import threading
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..config import AUTO_TPS, RateSettings, Stages
from ..engines.base import Engine
from ..pipeline import DocumentProcessor, Known, build_processor
from ..ratelimit import RateLimiter
from ..records import Document, DocumentResult
from ..workers import die_with_parent
from .base import Executor
from .suspects import Suspects, copy_outcome, outcome_error

# -- worker-process side (CPU-bound engines) ---------------------------------------------------
_WORKER: DocumentProcessor | None = None


def _init_worker(stages: Stages, engine: Engine | str, parent: int) -> None:
    global _WORKER
    die_with_parent(parent)
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
        self._lock = threading.Lock()
        self._alone: cf.ProcessPoolExecutor | None = None
        self._suspects = Suspects(self._run_alone, died=lambda error: isinstance(error, BrokenProcessPool),
                                  deliver=copy_outcome, after_death=self._drop_alone,
                                  attempts=self.stages.retry.max_attempts, engine_name=self.engine_class.name,
                                  detail="a worker process exited")
        if self.engine_class.parallelism == "processes":
            self._pool: cf.Executor = self._processes()
        else:
            self._processor = build_processor(self.stages, self.engine, sleep=self.sleep, clock=self.clock,
                                              stop=self.stop)
            limiter = self._processor.limiter
            threads = limiter.max_in_flight if limiter is not None else self._concurrency
            self._pool = cf.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="docbatch")

    def _processes(self, workers: int | None = None) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(max_workers=workers or self._concurrency,
                                      mp_context=multiprocessing.get_context("spawn"),
                                      initializer=_init_worker, initargs=(self.stages, self.engine, os.getpid()))

    def submit(self, doc: Document, known: Known | None) -> cf.Future:
        if self._processor is not None:
            return self._pool.submit(self._processor.process, doc, known)
        out: cf.Future = cf.Future()
        self._send(doc, known, out)
        return out

    def _send(self, doc: Document, known: Known | None, out: cf.Future) -> None:
        with self._lock:
            pool = self._pool
        future = _submit(pool, doc, known, out)
        if future is not None:
            future.add_done_callback(lambda done: self._finish(done, pool, doc, known, out))

    def _finish(self, done: cf.Future, pool: cf.Executor, doc: Document, known: Known | None,
                out: cf.Future) -> None:
        if not isinstance(outcome_error(done), BrokenProcessPool):
            copy_outcome(done, out)
            return
        with self._lock:
            if self._pool is pool:  # the first document to see the break replaces the pool
                self._pool = self._processes()
                pool.shutdown(wait=False, cancel_futures=True)
        self._suspects.add(doc, known, out)

    def _run_alone(self, doc: Document, known: Known | None, out: cf.Future) -> cf.Future | None:
        with self._lock:
            if self._alone is None:
                self._alone = self._processes(1)
            alone = self._alone
        return _submit(alone, doc, known, out)

    def _drop_alone(self) -> None:
        """The lone process died under its suspect: the next suspect gets a new one."""
        with self._lock:
            alone, self._alone = self._alone, None
        if alone is not None:
            alone.shutdown(wait=False, cancel_futures=True)

    @property
    def limiter(self) -> RateLimiter | None:
        return self._processor.limiter if self._processor is not None else None

    def in_flight_target(self) -> int:
        limiter = self.limiter
        return limiter.in_flight_target() if limiter is not None else self._concurrency * 2

    def close(self) -> None:
        try:
            with self._lock:
                pools = [p for p in (self._pool, self._alone) if p is not None]
            for pool in pools:
                pool.shutdown(wait=True, cancel_futures=True)
        finally:
            if self._processor is not None:
                self._processor.close()


def _submit(pool: cf.Executor, doc: Document, known: Known | None, out: cf.Future) -> cf.Future | None:
    """``pool.submit`` of one document; a pool that broke meanwhile gives a broken future."""
    try:
        return pool.submit(_process_in_worker, doc, known)
    except BrokenProcessPool as exc:
        broken: cf.Future = cf.Future()
        broken.set_exception(exc)
        return broken
    except RuntimeError as exc:  # shut down: the run is ending
        out.set_exception(exc)
        return None
