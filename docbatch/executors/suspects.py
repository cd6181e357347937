"""Documents that were in flight when a worker died, sent again one at a time.

A worker that dies (a crash in native code, the OOM killer) takes every document it held with
it, and nothing says which one killed it: a process pool breaks whole, and a Ray actor fails
every task waiting on it.  Those documents are suspects.  Each is sent again alone, to a worker
that holds nothing else, so a death there is that document's own: it is sent again up to the
run's attempt budget, then fails ``retries_exhausted:worker_lost`` (the next run retries it).
A document that only waited beside the one that killed the worker is answered as usual.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
from collections import deque
from typing import Callable

from ..pipeline import Known
from ..records import Document
from .base import worker_lost

#: Sends one document to the lone worker; None when the executor is closing (``out`` holds why).
RunAlone = Callable[[Document, "Known | None", cf.Future], "cf.Future | None"]


def outcome_error(done: cf.Future) -> BaseException | None:
    """The exception a finished future holds (a cancelled one's is CancelledError), or None."""
    return cf.CancelledError() if done.cancelled() else done.exception()


def copy_outcome(done: cf.Future, out: cf.Future) -> None:
    """Settle ``out`` as ``done`` was settled."""
    error = outcome_error(done)
    if error is None:
        out.set_result(done.result())
    else:
        out.set_exception(error)


class Suspects:
    """The queue of suspects and the one of them running alone (see the module)."""

    def __init__(self, run_alone: RunAlone, *, died: Callable[[BaseException | None], bool],
                 deliver: Callable[[cf.Future, cf.Future], None], after_death: Callable[[], None],
                 attempts: int, engine_name: str, detail: str) -> None:
        self._run_alone, self._died, self._deliver, self._after_death = run_alone, died, deliver, after_death
        self._attempts, self._engine_name, self._detail = max(1, attempts), engine_name, detail
        self._queue: deque[tuple[Document, Known | None, cf.Future, int]] = deque()
        self._busy = False
        self._lock = threading.Lock()

    def add(self, doc: Document, known: Known | None, out: cf.Future) -> None:
        """``doc`` was in flight on a worker that died: send it again alone; ``out`` gets its result."""
        with self._lock:
            self._queue.append((doc, known, out, 0))
        self._next()

    def _next(self) -> None:
        with self._lock:
            if self._busy or not self._queue:
                return
            self._busy = True
            doc, known, out, attempts = self._queue.popleft()
        future = self._run_alone(doc, known, out)
        if future is None:
            with self._lock:
                self._busy = False
            return
        future.add_done_callback(lambda done: self._done(done, doc, known, out, attempts + 1))

    def _done(self, done: cf.Future, doc: Document, known: Known | None, out: cf.Future, attempts: int) -> None:
        if not self._died(outcome_error(done)):
            self._deliver(done, out)
        else:
            self._after_death()
            if attempts < self._attempts:
                with self._lock:
                    self._queue.appendleft((doc, known, out, attempts))
            else:
                out.set_result(worker_lost(doc, self._engine_name, attempts, self._detail))
        with self._lock:
            self._busy = False
        self._next()
