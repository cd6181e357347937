"""One retry layer: transient errors are retried with backoff, permanent ones are not."""

import threading
import time

import pytest

from docbatch.errors import BadImageError, Interrupted, RetriesExhausted, ServiceError, ThrottledError
from docbatch.config import RetrySettings
from docbatch.retry import AttemptCounter, call_with_retry, interruptible


def flaky(failures):
    calls = {"n": 0}

    def fn():
        calls["n"] += 1
        if failures:
            raise failures.pop(0)
        return "ok"

    return fn, calls


def test_transient_errors_are_retried_until_success():
    fn, calls = flaky([ServiceError("500"), ThrottledError("slow down")])
    slept = []
    value, attempts = call_with_retry(fn, RetrySettings(max_attempts=5), sleep=slept.append)
    assert (value, attempts, calls["n"]) == ("ok", 3, 3)
    assert len(slept) == 2 and all(0 <= s <= 20 for s in slept)


def test_permanent_error_is_raised_at_once_and_its_attempts_are_still_counted():
    fn, calls = flaky([ServiceError("500"), BadImageError("bad")])
    counter = AttemptCounter()
    with pytest.raises(BadImageError):
        call_with_retry(fn, RetrySettings(max_attempts=5), sleep=lambda s: None, counter=counter)
    assert calls["n"] == 2 and counter.count == 2


def test_exhausted_budget_becomes_a_permanent_error_naming_the_cause():
    fn, calls = flaky([ServiceError("500", error_code="service_error:500")] * 10)
    with pytest.raises(RetriesExhausted) as info:
        call_with_retry(fn, RetrySettings(max_attempts=3), sleep=lambda s: None)
    assert calls["n"] == 3
    assert info.value.error_code == "retries_exhausted:service_error:500"


def test_throttling_is_reported_to_the_rate_limiter():
    fn, _ = flaky([ThrottledError("t"), ThrottledError("t")])
    seen = []
    call_with_retry(fn, RetrySettings(max_attempts=5), on_throttled=lambda: seen.append(1), sleep=lambda s: None)
    assert len(seen) == 2


def test_an_endpoint_no_attempt_could_connect_to_stops_the_run_instead_of_failing_the_document():
    from docbatch.errors import EndpointUnreachable, EnvironmentFailure

    fn, calls = flaky([EndpointUnreachable("Rekognition DetectText: EndpointConnectionError")] * 3)
    with pytest.raises(EnvironmentFailure, match="no connection in 3 attempts"):
        call_with_retry(fn, RetrySettings(max_attempts=3), sleep=lambda s: None)
    assert calls["n"] == 3


def test_refused_and_connect_timeouts_are_unreachable_endpoints_but_a_reset_is_not():
    from botocore.exceptions import ConnectionClosedError, ConnectTimeoutError, EndpointConnectionError

    from docbatch.aws import translate
    from docbatch.errors import EndpointUnreachable

    for exc in (EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
                ConnectTimeoutError(endpoint_url="http://127.0.0.1:9")):
        err = translate(exc, "S3 GetObject")
        assert isinstance(err, EndpointUnreachable) and "127.0.0.1:9" in err.message
    assert not isinstance(translate(ConnectionClosedError(endpoint_url="http://x"), "x"), EndpointUnreachable)


def test_the_seconds_budget_counts_the_first_attempt_s_own_time():
    def slow_failure():
        calls["n"] += 1
        time.sleep(0.1)
        raise ServiceError("500", error_code="service_error:500")

    calls = {"n": 0}
    slept = []
    with pytest.raises(RetriesExhausted):
        call_with_retry(slow_failure, RetrySettings(max_attempts=5, max_seconds=0.05), sleep=slept.append)
    assert calls["n"] == 1 and slept == []


def test_the_run_s_stop_during_a_wait_between_attempts_ends_the_chain_without_another_call():
    """SIGTERM during a 5xx storm: the document's retry chain (8 attempts, 300 s) is not
    waited out; it ends at the stop, so the run ends before AWS Batch's SIGKILL."""
    fn, calls = flaky([ServiceError("500", error_code="service_error:500")] * 10)
    stop = threading.Event()
    slept = []

    def signalled_while_waiting(seconds):
        slept.append(seconds)
        if len(slept) == 2:
            stop.set()

    counter = AttemptCounter()
    with pytest.raises(Interrupted):
        call_with_retry(fn, RetrySettings(max_attempts=8), sleep=signalled_while_waiting, counter=counter, stop=stop)
    assert calls["n"] == 2 and counter.count == 2 and len(slept) == 2  # the stop came in the second wait


def test_no_call_is_made_once_the_run_is_stopping():
    fn, calls = flaky([])
    stop = threading.Event()
    stop.set()
    with pytest.raises(Interrupted):
        call_with_retry(fn, RetrySettings(), sleep=lambda s: pytest.fail("no wait either"), stop=stop)
    assert calls["n"] == 0


def test_a_real_wait_between_attempts_ends_when_the_run_is_stopped():
    stop = threading.Event()
    stop.set()
    started = time.monotonic()
    interruptible(time.sleep, stop)(60.0)
    assert time.monotonic() - started < 5.0
