"""Client-side pacing of paid calls: evenly spaced, adaptive (AIMD), sized by Little's law.

Why a pacer and not a token bucket: the account's quota is itself a bucket (the local
server models it with :class:`TokenBucket`: ``tps`` a second, ``burst`` deep).  A client
bucket as deep as the server's starts full, so it sends a full bucket plus a second of
refill in the first second (84-98 calls against a quota of 50, measured with the server's
per-second log), and again after every pause.  That burst empties the server's bucket
while the client's is empty too, and from then on the two refill in lockstep with nothing
to absorb jitter: every call that arrives a little early is throttled.  Each throttled
answer then halved the rate (four at once: a sixteenth) and every success added a
twentieth back, so the rate was back at the ceiling within a fraction of a second.

:class:`RateLimiter` instead gives every call its own slot, ``1 / rate`` after the previous
one (GCRA: no tokens saved up, so no burst above the rate in any one-second window, at
start-up or after a pause).  Slots are handed out in order under one lock, so every
thread, every tile of a document and every retry waits in the same line.

When the quota is lower than asked (shared with other jobs, or ``--tps`` too high) the
rate adapts: one throttling *episode* cuts it by ``decrease`` (calls that left before the
cut are answers about the old rate and do not cut again), and while callers queue for
slots the rate grows back by ``probe`` calls/s per second, up to ``ceiling``.

:meth:`RateLimiter.in_flight_target` is Little's law: calls in flight = rate x latency,
from the latency observed, plus headroom, under a ceiling; the runner keeps that many
documents in flight instead of a fixed thread count.

Like s3transfer's ``LeakyBucket``, the clock and the sleep are injected: tests drive time.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Callable

from .callseries import CallSeries, latency_buckets
from .errors import Interrupted, RunStopped, ThrottledError
from .retry import interruptible

__all__ = ["CallStats", "RateLimiter", "Ticket", "TokenBucket", "describe_calls"]


class TokenBucket:
    """A token bucket that refuses rather than waits: the quota model of the local server.

    ``rate`` tokens a second, at most ``capacity`` saved (the burst); starts full.
    """

    def __init__(self, rate: float, *, capacity: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.capacity = float(capacity if capacity is not None else max(1.0, rate))
        self._clock = clock
        self._tokens = self.capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def try_acquire(self) -> float:
        """Take a token if one is there (returns 0.0), else return the seconds until one is."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            # The epsilon absorbs float error (a wait of ~1e-16 s would never come).
            if self._tokens >= 1.0 - 1e-9:
                self._tokens = max(self._tokens - 1.0, 0.0)
                return 0.0
            return (1.0 - self._tokens) / self.rate


@dataclass
class Ticket:
    """One call's place in line: ``at`` its slot, ``left`` when it actually left."""

    at: float
    epoch: int
    retry: bool = False
    left: float | None = None


class _Histogram:
    """Latencies in 2%-wide logarithmic bins: percentiles within 2%, memory flat on any run."""

    _STEP = math.log(1.02)

    def __init__(self) -> None:
        self._bins: dict[int, int] = {}
        self.count = 0

    def add(self, seconds: float) -> None:
        b = int(math.floor(math.log(max(seconds, 1e-6)) / self._STEP))
        self._bins[b] = self._bins.get(b, 0) + 1
        self.count += 1

    def quantile(self, q: float) -> float | None:
        if not self.count:
            return None
        rank, seen = q * self.count, 0
        for b in sorted(self._bins):
            seen += self._bins[b]
            if seen >= rank:
                return math.exp((b + 0.5) * self._STEP)
        return None  # pragma: no cover - the loop always reaches the rank

    def buckets(self) -> dict[str, Any]:
        """The histogram as ~10%-wide buckets (run.json ``latency_histogram``, for plots)."""
        return latency_buckets(self._bins, self._STEP)


class CallStats:
    """What the limiter saw of a run's paid calls (its lock guards every field)."""

    def __init__(self) -> None:
        self.calls = 0
        self.ok = 0
        self.throttled = 0
        self.failed = 0
        self.retries = 0
        self.cuts = 0
        self.waited_s = 0.0
        self.first_left: float | None = None
        self.last_done: float | None = None
        self.peak_in_flight = 0
        self.latency = _Histogram()
        #: answered calls per interval (run.json ``per_interval``)
        self.series = CallSeries()


class RateLimiter:
    """Thread-safe pacer of one run's paid calls, shared by all its workers; see the module docstring.

    ``rate`` is where it starts, ``ceiling`` the most it probes up to (default: ``rate``),
    ``floor`` the least it cuts down to.  ``burst`` > 1 lets that many calls leave back to
    back after idle time (1, the default, paces strictly).  ``max_in_flight`` caps
    :meth:`in_flight_target`.  ``source`` says where the rate came from (run.json).
    """

    #: Latency assumed before the first answer (seconds), for :meth:`in_flight_target`.
    INITIAL_LATENCY = 0.5
    #: Seconds after a cut before the rate probes up again.
    HOLD = 1.0
    #: How much faster the probe is below the knee (just under the rate last cut).
    FAST = 10.0
    #: The knee, as a share of the rate at the last cut.
    KNEE = 0.95
    #: Seconds without a cut after which the knee is forgotten (the quota may have grown).
    FORGET = 30.0

    def __init__(
        self,
        rate: float,
        *,
        ceiling: float | None = None,
        floor: float | None = None,
        burst: float = 1.0,
        decrease: float = 0.8,
        probe: float | None = None,
        max_in_flight: int = 64,
        source: str = "option",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        stop: threading.Event | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        if not 0 < decrease < 1:
            raise ValueError("decrease is a factor in (0, 1)")
        self.ceiling = float(ceiling if ceiling is not None else rate)
        self.rate = min(float(rate), self.ceiling)
        self.start_rate = self.rate
        self.floor = float(floor if floor is not None else max(self.ceiling / 64, 0.05))
        self.burst = max(1.0, float(burst))
        self.decrease = decrease
        #: calls/s added per second while callers queue past the knee (``FAST`` times that
        #: below it and once no cut came for ``FORGET`` seconds), so overshoot stays small.
        self.probe = float(probe if probe is not None else max(self.ceiling / 400, 0.01))
        self._knee = self.ceiling
        self.max_in_flight = max(1, int(max_in_flight))
        self.source = source
        self._clock = clock
        # a real wait for a slot is made on the run's stop: at a rate cut to its floor, each call
        # queued held a SIGTERM for a slot's spacing (--tps 0.02, 10 documents: 145 s to exit)
        self._sleep = interruptible(sleep, stop)
        self._lock = threading.Lock()
        now = clock()
        self._next = now  # the theoretical time of the next slot (GCRA's TAT)
        self._grown_at = now
        self._cut_at = -math.inf
        self._epoch = 0
        self._in_flight = 0
        self._lat_mean: float | None = None
        self._lat_dev = 0.0
        self._stopped: RunStopped | None = None
        self._run_stop = stop  # the run's stop (SIGINT/SIGTERM): a call waiting for its slot then never leaves
        self.stats = CallStats()

    # -- pacing ---------------------------------------------------------------------------
    def reserve(self, *, retry: bool = False) -> Ticket:
        """Take the next slot without waiting; the caller must not call before ``ticket.at``."""
        with self._lock:
            now = self._clock()
            self._grow(now)
            interval = 1.0 / self.rate
            at = max(now, self._next - (self.burst - 1.0) * interval)
            self._next = max(self._next, at) + interval
            return Ticket(at=at, epoch=self._epoch, retry=retry)

    def _grow(self, now: float) -> None:
        """Additive increase, only while callers queue (else the rate is not what limits):
        quickly back up to just under the rate that was last cut, slowly past it."""
        elapsed, self._grown_at = now - self._grown_at, now
        if self.rate < self.ceiling and self._next > now and now - self._cut_at >= self.HOLD:
            if now - self._cut_at > self.FORGET:
                rate = self.rate + self.FAST * self.probe * elapsed
            elif self.rate < self._knee:
                rate = min(self._knee, self.rate + self.FAST * self.probe * elapsed)
            else:
                rate = self.rate + self.probe * elapsed
            self._set_rate(min(self.ceiling, rate))

    def _set_rate(self, rate: float) -> None:
        """The next slot keeps its distance to the last one at the new rate (a cut must not
        let the first call after it leave at the old spacing)."""
        self._next += 1.0 / rate - 1.0 / self.rate
        self.rate = rate

    def acquire(self, *, retry: bool = False) -> Ticket:
        """Wait (with the injected sleep) for the next slot; the call may leave on return.

        Raises the run's :class:`~docbatch.errors.RunStopped` once :meth:`stop` was called
        or the run's ``stop`` event set, however long the caller waited: a queued call then
        never leaves.
        """
        ticket = self.reserve(retry=retry)
        wait = ticket.at - self._clock()
        if wait > 0:
            self._sleep(wait)
        left = self._clock()
        ticket.left = left
        with self._lock:
            if self._stopped is None and self._run_stop is not None and self._run_stop.is_set():
                self._stopped = Interrupted("the run is stopping: a call waiting for its slot was not made "
                                            "(re-run to resume)")
            if self._stopped is not None:
                raise type(self._stopped)(self._stopped.message, error_code=self._stopped.error_code)
            s = self.stats
            s.calls += 1
            s.retries += retry
            s.waited_s += max(wait, 0.0)
            s.first_left = left if s.first_left is None else s.first_left
            self._in_flight += 1
            s.peak_in_flight = max(s.peak_in_flight, self._in_flight)
        return ticket

    def stop(self, reason: RunStopped) -> None:
        """No call leaves after this one: a call was answered with what stops the run (the
        credentials refused, the account denied), and every call queued behind it would be
        refused the same way, or paid for a run that is ending."""
        with self._lock:
            if self._stopped is None:
                self._stopped = reason

    # -- feedback -------------------------------------------------------------------------
    def on_success(self, ticket: Ticket) -> None:
        self._answered(ticket, "ok")

    def on_throttled(self, ticket: Ticket) -> None:
        """Multiplicative decrease, once per episode: only a call that left after the last
        cut (at the current rate) is news; the others were paced at the rate already cut."""
        self._answered(ticket, "throttled")

    def on_failure(self, ticket: Ticket) -> None:
        """Any other failed call (5xx, reset, timeout, a bad answer): counted, rate unchanged."""
        self._answered(ticket, "failed")

    def _answered(self, ticket: Ticket, outcome: str) -> None:
        with self._lock:
            now = self._clock()
            s = self.stats
            self._in_flight = max(0, self._in_flight - 1)
            s.last_done = now
            s.series.add(now, outcome)
            if outcome == "ok":
                s.ok += 1
            elif outcome == "throttled":
                s.throttled += 1
                if ticket.epoch == self._epoch:
                    self._knee = self.rate * self.KNEE
                    self._set_rate(max(self.floor, self.rate * self.decrease))
                    self._epoch += 1
                    self._cut_at = now
                    s.cuts += 1
            else:
                s.failed += 1
            if ticket.left is not None and outcome != "throttled":
                self._observe(now - ticket.left)

    def _observe(self, latency: float) -> None:
        """Latency mean and mean deviation, smoothed as TCP smooths round trips (RFC 6298)."""
        self.stats.latency.add(latency)
        if self._lat_mean is None:
            self._lat_mean, self._lat_dev = latency, latency / 2
        else:
            self._lat_dev += 0.25 * (abs(latency - self._lat_mean) - self._lat_dev)
            self._lat_mean += 0.125 * (latency - self._lat_mean)

    def call(self, *, retry: bool = False) -> _Call:
        """``with limiter.call(): make_the_call()``: waits for a slot, then reports the outcome
        (a :class:`~docbatch.errors.ThrottledError` is throttling, any other exception a failure)."""
        return _Call(self, retry)

    # -- sizing ---------------------------------------------------------------------------
    def in_flight_target(self) -> int:
        """Calls to keep in flight (Little's law): rate x (latency + 2 deviations), x 1.25
        headroom, plus 2 for calls being prepared; at least 1, at most ``max_in_flight``."""
        with self._lock:
            latency = self.INITIAL_LATENCY if self._lat_mean is None else self._lat_mean + 2 * self._lat_dev
            want = math.ceil(self.rate * latency * 1.25) + 2
        return max(1, min(self.max_in_flight, want))

    @property
    def latency_estimate(self) -> float | None:
        return self._lat_mean

    # -- figures --------------------------------------------------------------------------
    def figures(self) -> dict[str, Any]:
        """The run's call figures (run.json ``calls``): calls/s achieved, throttled, retries,
        latency percentiles, the rate it started at, ended at and why."""
        with self._lock:
            s = self.stats
            span = (s.last_done - s.first_left) if s.first_left is not None and s.last_done is not None else 0.0
            p50, p95 = s.latency.quantile(0.5), s.latency.quantile(0.95)
            return {
                "calls": s.calls,
                "ok": s.ok,
                "throttled": s.throttled,
                "failed": s.failed,
                "retries": s.retries,
                "calls_per_s": round(s.calls / span, 2) if span > 0 else None,
                "latency_ms": {"p50": _ms(p50), "p95": _ms(p95)},
                "latency_histogram": s.latency.buckets(),
                "per_interval": s.series.as_dict(),
                "tps": {"source": self.source, "start": round(self.start_rate, 3), "ceiling": round(self.ceiling, 3),
                        "final": round(self.rate, 3), "cuts": s.cuts},
                "in_flight": {"peak": s.peak_in_flight, "max": self.max_in_flight},
                "waited_s": round(s.waited_s, 3),
            }


def describe_calls(figures: dict[str, Any]) -> str:
    """One line of :meth:`RateLimiter.figures` for the end of a run ("" when no call was made)."""
    if not figures.get("calls"):
        return ""
    lat, tps = figures["latency_ms"], figures["tps"]
    rate = f" at {figures['calls_per_s']:g}/s" if figures.get("calls_per_s") else ""
    p50, p95 = ("?" if v is None else f"{v:g}" for v in (lat["p50"], lat["p95"]))
    return (f"\n  calls: {figures['calls']}{rate}, {figures['throttled']} throttled, {figures['retries']} retries; "
            f"latency p50 {p50} ms, p95 {p95} ms; rate {tps['start']:g} -> {tps['final']:g}/s "
            f"({tps['source']}), at most {figures['in_flight']['peak']} in flight")


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


class _Call:
    """The context of one paced call (see :meth:`RateLimiter.call`)."""

    def __init__(self, limiter: RateLimiter, retry: bool) -> None:
        self._limiter, self._retry = limiter, retry
        self.ticket: Ticket | None = None

    def __enter__(self) -> Ticket:
        self.ticket = self._limiter.acquire(retry=self._retry)
        return self.ticket

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self.ticket is not None
        if exc is None:
            self._limiter.on_success(self.ticket)
        elif isinstance(exc, ThrottledError):
            self._limiter.on_throttled(self.ticket)
        else:
            self._limiter.on_failure(self.ticket)
            if isinstance(exc, RunStopped):
                self._limiter.stop(exc)
