"""The executor contract: documents in, results back, in workers the executor owns.

The runner alone reads the manifest, journals and saves answers (:mod:`docbatch.answers`); an executor only
turns a :class:`~docbatch.records.Document` into a :class:`~docbatch.records.DocumentResult`
somewhere (threads or processes on this machine, Ray actors on a cluster).  Contract:

* ``submit(doc, known)`` returns at once with a :class:`concurrent.futures.Future` of the
  result, computed by :meth:`docbatch.pipeline.DocumentProcessor.process` in a worker; the
  future raises only :class:`~docbatch.errors.RunStopped` (the run stops, nothing is marked).
* A worker that dies under a document (a crash, the OOM killer) is not that document's
  answer: the executor sends it again, and after the retry budget the result is a failed,
  retryable ``retries_exhausted:worker_lost`` (the next run tries it again).
* ``in_flight_target()`` is how many documents the runner keeps submitted (bounded memory).
* ``limiter`` is the pacer of a paced engine's calls (its figures go to run.json), or None.
* ``close()`` (or leaving the ``with`` block) waits for nothing more and releases workers.
"""

from __future__ import annotations

import abc
import concurrent.futures as cf
import threading
import time
from typing import Any, Callable, ClassVar

from ..config import Stages
from ..engines.base import Engine
from ..errors import RetriesExhausted, WorkerLost
from ..records import Document, DocumentResult
from ..ratelimit import RateLimiter
from ..pipeline import Known


class Executor(abc.ABC):
    """Maps documents to results in workers (see the module's contract)."""

    name: ClassVar[str]

    def __init__(self, *, engine_class: type[Engine], stages: Stages, engine: Engine | str,
                 sleep: Callable[[float], None], clock: Callable[[], float] = time.monotonic,
                 stop: threading.Event | None = None) -> None:
        self.engine_class = engine_class
        self.stages = stages
        self.engine = engine
        self.sleep = sleep
        #: The pacer's clock (with ``sleep``: a test's virtual time); thread workers only.
        self.clock = clock
        #: The run's stop (SIGINT/SIGTERM): thread workers make no call once it is set.
        self.stop = stop

    @abc.abstractmethod
    def submit(self, doc: Document, known: Known | None) -> cf.Future:
        """Start processing ``doc``; the future holds its :class:`DocumentResult`."""

    @abc.abstractmethod
    def in_flight_target(self) -> int:
        """Documents to keep submitted at once."""

    @property
    def limiter(self) -> RateLimiter | None:
        return None

    @abc.abstractmethod
    def close(self) -> None:
        """Stop the workers (documents not finished are not answered)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def worker_lost(doc: Document, engine_name: str, attempts: int, detail: str) -> DocumentResult:
    """The failed, retryable result of a document whose worker died under it ``attempts`` times."""
    import datetime as dt

    error = RetriesExhausted(WorkerLost(f"the worker processing it died ({detail})"), attempts)
    return DocumentResult(document=doc, status="failed", engine=engine_name, error_code=error.error_code,
                          error_message=error.message, attempts=attempts,
                          processed_at=dt.datetime.now(dt.timezone.utc))
