"""Client-side request rate control: a token bucket whose rate adapts (AIMD).

The AWS quota is per account and region, shared by every thread (and by other jobs), so
one bucket is shared by all of a run's workers.  Its rate starts at the configured TPS;
each throttling answer halves it (multiplicative decrease) and each success adds back a
small step (additive increase) up to the configured ceiling.  Like s3transfer's
``LeakyBucket`` the clock and the sleep are injected, so tests drive time by hand.
"""

from __future__ import annotations

import threading
import time
from typing import Callable


class TokenBucket:
    """Thread-safe token bucket with AIMD rate adaptation."""

    def __init__(
        self,
        rate: float,
        *,
        capacity: float | None = None,
        min_rate: float | None = None,
        increase_step: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.max_rate = float(rate)
        self.rate = float(rate)
        self.capacity = float(capacity if capacity is not None else max(1.0, rate))
        self.min_rate = float(min_rate if min_rate is not None else max(rate / 32, 0.05))
        self.increase_step = float(increase_step if increase_step is not None else max(rate / 20, 0.05))
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def try_acquire(self) -> float:
        """Take a token if one is there (returns 0.0), else return the seconds to wait."""
        with self._lock:
            self._refill(self._clock())
            # The epsilon absorbs float error: without it a wait of ~1e-16 s can fail to
            # advance the clock and the caller spins forever.
            if self._tokens >= 1.0 - 1e-9:
                self._tokens = max(self._tokens - 1.0, 0.0)
                return 0.0
            return (1.0 - self._tokens) / self.rate

    def acquire(self) -> float:
        """Block (via the injected sleep) until a token is taken; returns seconds waited."""
        waited = 0.0
        while True:
            wait = self.try_acquire()
            if wait == 0.0:
                return waited
            self._sleep(wait)
            waited += wait

    def on_throttled(self) -> None:
        """Multiplicative decrease: the service said we are over quota."""
        with self._lock:
            self._refill(self._clock())
            self.rate = max(self.min_rate, self.rate / 2)
            self._tokens = min(self._tokens, 0.0)

    def on_success(self) -> None:
        """Additive increase back towards the configured ceiling."""
        with self._lock:
            if self.rate < self.max_rate:
                self._refill(self._clock())
                self.rate = min(self.max_rate, self.rate + self.increase_step)
