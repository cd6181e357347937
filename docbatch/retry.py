"""The one retry layer: tenacity, transient errors only, full-jitter exponential backoff.

botocore's own retries are switched off where clients are built (``max_attempts=1``), so
attempts never multiply.  Permanent errors pass straight through; a transient error that
outlives the budget becomes :class:`~docbatch.errors.RetriesExhausted`, which is permanent
for that document (a resumed run with ``--retry-failed`` tries it again), except an endpoint
no attempt could connect to: that is the environment's fault, not the document's, so the run
stops (:class:`~docbatch.errors.EnvironmentFailure`) and marks nothing.

The run's stop (SIGINT/SIGTERM) ends a retry chain at once: a wait between attempts is cut
short and no further attempt is made (:class:`~docbatch.errors.Interrupted`, the document
stays un-done).  Without it a stop waited out every in-flight document's whole chain (up
to 8 attempts or 300 s), past the 30 s AWS Batch allows between SIGTERM and SIGKILL.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from .config import RetrySettings
from .errors import (EndpointUnreachable, EnvironmentFailure, Interrupted, RetriesExhausted, ThrottledError,
                     TransientError)

T = TypeVar("T")


class AttemptCounter:
    """Counts the calls made for one document, whatever the outcome.

    A document's row reports its attempts even when it fails permanently after some
    transient errors, so the count lives with the caller rather than on the exception.
    """

    def __init__(self) -> None:
        self.count = 0


def call_with_retry(
    fn: Callable[[], T],
    policy: RetrySettings,
    *,
    on_throttled: Callable[[], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    counter: AttemptCounter | None = None,
    stop: threading.Event | None = None,
) -> tuple[T, int]:
    """Call ``fn`` until it succeeds or the budget runs out; returns (value, attempts).

    Every call is also added to ``counter`` when one is given (it survives a raise).  Once
    ``stop`` is set no attempt starts (:class:`~docbatch.errors.Interrupted` is raised) and
    a wait between attempts ends (see :func:`interruptible`).
    """

    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ThrottledError) and on_throttled is not None:
            on_throttled()

    started = time.monotonic()
    attempts = 0

    def counted() -> T:
        nonlocal attempts
        if stop is not None and stop.is_set():
            raise Interrupted(f"the run is stopping: no further call made after {attempts} attempts "
                              "(re-run to resume)")
        attempts += 1
        if counter is not None:
            counter.count += 1
        return fn()

    # The first attempt is made here, tenacity's machinery only once it failed for a reason
    # worth a retry: nearly every call succeeds at once, and that machinery cost a paid call
    # as much CPU as the rest of the retry layer.  Tenacity then sees the first failure as
    # its own first attempt (its clock less the time that attempt took), so the waits, the
    # stops and the count are the same.
    try:
        return counted(), attempts
    except TransientError as exc:
        first: list[TransientError] = [exc]

    def again() -> T:
        if first:
            raise first.pop()
        return counted()

    retrying = Retrying(
        retry=retry_if_exception_type(TransientError),
        stop=stop_after_attempt(policy.max_attempts)
        | stop_after_delay(max(0.0, policy.max_seconds - (time.monotonic() - started))),
        wait=wait_random_exponential(multiplier=policy.backoff_base, max=policy.backoff_max),
        sleep=interruptible(sleep, stop),
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return retrying(again), attempts
    except TransientError as exc:
        if isinstance(exc, ThrottledError) and on_throttled is not None:
            on_throttled()
        if isinstance(exc, EndpointUnreachable):
            raise EnvironmentFailure(f"{exc.message}: no connection in {attempts} attempts; check the network "
                                     "and the endpoint, then re-run to resume", error_code=exc.error_code) from exc
        raise RetriesExhausted(exc, attempts) from exc


def interruptible(sleep: Callable[[float], None], stop: threading.Event | None) -> Callable[[float], None]:
    """The wait between attempts: a real one (``time.sleep``) is made on ``stop``, so the
    stop ends it at once; an injected one (a test's virtual time) is called as given, and
    the stop is looked at when it returns, before the next attempt."""
    if stop is None or sleep is not time.sleep:
        return sleep

    def wait(seconds: float) -> None:
        stop.wait(seconds)

    return wait
