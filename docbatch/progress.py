"""Progress as events, with two subscribers' ways of showing it: a bar on a terminal, log lines otherwise.

The runner calls ``on_start``/``on_result``/``on_skip``/``on_end`` from its main thread; a
subscriber must be quick.  On a terminal the progress is a tqdm bar (done/total, ETA) with
the paced engine's call figures beside it (achieved calls/s, throttled calls, retries,
p50/p95 latency); nightly jobs log to files, so when stderr is not a terminal it is a
plain log line every ``interval`` seconds instead.  No recognised text or field value
ever appears here.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import time
from typing import TYPE_CHECKING, Any, Callable, TextIO

if TYPE_CHECKING:
    from .records import Document, DocumentResult, RunSummary

log = logging.getLogger("docbatch")

#: Seconds between redraws of the terminal bar.
REDRAW_EVERY = 0.2
#: The bar's width on a terminal that does not say its own.
FALLBACK_COLUMNS = 120


class Subscriber:
    """Base subscriber: override what you need."""

    def on_start(self, summary: RunSummary) -> None:
        """The run begins (its id and folder in ``summary``), before any document is sent."""

    def on_skip(self, document: Document) -> None:
        """``document`` was done by an earlier run for the same source: nothing is called for it."""

    def on_result(self, result: DocumentResult, summary: RunSummary) -> None:
        """``result`` is one document's outcome, already journaled and counted in ``summary``."""

    def on_end(self, summary: RunSummary) -> None:
        """The run ended (completed, aborted, interrupted or stopped): ``summary`` is final, run.json written."""


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return 0


def describe_live_calls(figures: dict[str, Any] | None) -> str:
    """The call figures of a run so far, in a few words ("" before the first call)."""
    if not figures or not figures.get("calls"):
        return ""
    lat = figures["latency_ms"]
    rate = figures.get("calls_per_s")
    p50, p95 = ("?" if v is None else f"{v:g}" for v in (lat["p50"], lat["p95"]))
    return (f"{'?' if rate is None else f'{rate:.1f}'} calls/s, {figures['throttled']} throttled, "
            f"{figures['retries']} retries, latency p50 {p50} ms p95 {p95} ms")


def _line(summary: RunSummary, elapsed: float) -> str:
    done = summary.processed + summary.resumed
    rate = summary.processed / elapsed if elapsed > 0 else 0.0
    remaining = max(summary.total - done, 0)
    eta = f"{remaining / rate:,.0f}s" if rate > 0 else "?"
    calls = describe_live_calls(summary.live_calls() if summary.live_calls else None)
    return (f"{done}/{summary.total} done ({summary.ok} ok, {summary.failed} failed, {summary.resumed} resumed) "
            f"{rate:.2f} docs/s, ETA {eta}" + (f"; {calls}" if calls else ""))


class ProgressReporter(Subscriber):
    """A tqdm bar on a terminal; a log line every ``interval`` seconds otherwise."""

    def __init__(self, *, stream: TextIO = sys.stderr, interval: float = 10.0, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.interval = interval
        self.tty = stream.isatty() if tty is None else tty
        self._clock = clock
        self._start = clock()
        self._last = float("-inf")
        self._bar: Any = None

    def on_start(self, summary: RunSummary) -> None:
        self._start = self._clock()
        log.info("run %s: %d manifest rows", summary.run_id, summary.total)
        if self.tty:
            from tqdm import tqdm

            sized = _columns(self.stream) > 0  # a pseudo-terminal may report no size: tqdm draws nothing then
            self._bar = tqdm(total=summary.total, file=self.stream, unit="doc", dynamic_ncols=sized,
                             ncols=None if sized else FALLBACK_COLUMNS, mininterval=REDRAW_EVERY, smoothing=0.1,
                             desc="docbatch")

    def on_skip(self, document: Document) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def on_result(self, result: Any, summary: RunSummary) -> None:
        if self._bar is not None:
            self._bar.update(1)
        now = self._clock()
        if now - self._last < (REDRAW_EVERY if self.tty else self.interval):
            return
        self._last = now
        if self._bar is not None:
            self._bar.set_postfix_str(self._postfix(summary))  # and redrawn now
        else:
            log.info("progress: %s", _line(summary, now - self._start))

    @staticmethod
    def _postfix(summary: RunSummary) -> str:
        calls = describe_live_calls(summary.live_calls() if summary.live_calls else None)
        return f"{summary.ok} ok, {summary.failed} failed" + (f", {calls}" if calls else "")

    def on_end(self, summary: RunSummary) -> None:
        if self._bar is not None:
            self._bar.n = summary.processed + summary.resumed
            self._bar.set_postfix_str(self._postfix(summary), refresh=False)
            self._bar.close()
            self._bar = None
