"""Progress as events, with two subscribers: a terminal line and periodic log lines.

The runner calls ``on_start``/``on_result``/``on_skip``/``on_end`` from its main thread; a
subscriber must be quick.  Nightly jobs log to files, so when stderr is not a terminal the
progress is a plain log line every ``interval`` seconds instead of a redrawn bar.  No
recognised text or field value ever appears here.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING, Any, Callable, TextIO

if TYPE_CHECKING:
    from .records import Document, DocumentResult, RunSummary

log = logging.getLogger("docbatch")


class Subscriber:
    """Base subscriber: override what you need."""

    def on_start(self, summary: RunSummary) -> None: ...
    def on_skip(self, document: Document) -> None: ...
    def on_result(self, result: DocumentResult, summary: RunSummary) -> None: ...
    def on_end(self, summary: RunSummary) -> None: ...


def _line(summary: RunSummary, elapsed: float) -> str:
    done = summary.processed + summary.resumed
    rate = summary.processed / elapsed if elapsed > 0 else 0.0
    remaining = max(summary.total - done, 0)
    eta = f"{remaining / rate:,.0f}s" if rate > 0 else "?"
    return (f"{done}/{summary.total} done ({summary.ok} ok, {summary.failed} failed, {summary.resumed} resumed) "
            f"{rate:.2f} docs/s, ETA {eta}")


class ProgressReporter(Subscriber):
    """Redraws one line on a terminal; logs a line every ``interval`` seconds otherwise."""

    def __init__(self, *, stream: TextIO = sys.stderr, interval: float = 10.0, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.interval = interval
        self.tty = stream.isatty() if tty is None else tty
        self._clock = clock
        self._start = clock()
        self._last = float("-inf")

    def on_start(self, summary: RunSummary) -> None:
        self._start = self._clock()
        log.info("run %s: %d manifest rows", summary.run_id, summary.total)

    def on_result(self, result: Any, summary: RunSummary) -> None:
        now = self._clock()
        every = 0.2 if self.tty else self.interval
        if now - self._last < every:
            return
        self._last = now
        text = _line(summary, now - self._start)
        if self.tty:
            self.stream.write("\r\x1b[2K" + text)
            self.stream.flush()
        else:
            log.info("progress: %s", text)

    def on_end(self, summary: RunSummary) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K" + _line(summary, self._clock() - self._start) + "\n")
            self.stream.flush()
