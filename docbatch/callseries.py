"""A run's paid calls over time and their latencies as buckets: the figures a report plots.

run.json's ``calls`` gives totals and p50/p95; a person looking at a run also asks *when*
calls were throttled (at start-up, after a pause, all night?) and what the latencies look
like beyond two percentiles.  :class:`CallSeries` counts answered calls per interval
(ok, throttled, failed), starting at the first answer; when a run outlasts
:data:`CallSeries.MAX_BINS` intervals, neighbouring intervals are merged and the interval
doubles, so memory and run.json stay small on a run of any length.
:func:`latency_buckets` turns the limiter's fine logarithmic latency bins into ~10%-wide
buckets with their edges in milliseconds.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

__all__ = ["CallSeries", "latency_buckets"]

OUTCOMES = ("ok", "throttled", "failed")


class CallSeries:
    """Answered calls per interval (not thread-safe: the limiter's lock guards it)."""

    #: Most intervals kept; past it the interval doubles.
    MAX_BINS = 300

    def __init__(self, interval: float = 1.0) -> None:
        if interval <= 0:
            raise ValueError("interval must be positive")
        self.interval = float(interval)
        self._origin: float | None = None
        self._bins: list[list[int]] = []

    def add(self, at: float, outcome: str) -> None:
        """Count one call answered at clock time ``at`` as ``outcome`` (ok, throttled, failed)."""
        column = OUTCOMES.index(outcome)
        if self._origin is None:
            self._origin = at
        index = int(max(0.0, at - self._origin) // self.interval)
        while index >= self.MAX_BINS:
            self._halve()
            index //= 2
        while len(self._bins) <= index:
            self._bins.append([0, 0, 0])
        self._bins[index][column] += 1

    def _halve(self) -> None:
        """Merge intervals pairwise: the same counts at half the resolution."""
        merged = [[a + b for a, b in zip(self._bins[i], self._bins[i + 1] if i + 1 < len(self._bins) else [0, 0, 0])]
                  for i in range(0, len(self._bins), 2)]
        self._bins = merged
        self.interval *= 2

    def as_dict(self) -> dict[str, Any]:
        """``interval_s`` and one list per outcome, interval 0 starting at the first answer."""
        return {"interval_s": self.interval,
                **{name: [b[i] for b in self._bins] for i, name in enumerate(OUTCOMES)}}


def latency_buckets(bins: Mapping[int, int], step: float, *, group: int = 5) -> dict[str, Any]:
    """Fine logarithmic bins (bin ``b`` holds latencies in ``[e^(b*step), e^((b+1)*step))``
    seconds) as contiguous buckets of ``group`` bins: ``edges_ms`` (one more than
    ``counts``) and ``counts``; empty lists when nothing was measured."""
    if not bins:
        return {"edges_ms": [], "counts": []}
    first, last = min(bins) // group, max(bins) // group
    counts = [0] * (last - first + 1)
    for b, n in bins.items():
        counts[b // group - first] += n
    edges = [round(math.exp((first + i) * group * step) * 1000, 2) for i in range(len(counts) + 1)]
    return {"edges_ms": edges, "counts": counts}
