"""The pacer of paid calls, on a fake clock: even spacing, one line for every caller, AIMD
against a simulated quota, Little's-law sizing and the run's call figures.  Nothing waits."""

from __future__ import annotations

import heapq
import itertools
import threading
from collections import Counter

import pytest

from docbatch.errors import EnvironmentFailure, ServiceError, ThrottledError
from docbatch.ratelimit import RateLimiter, TokenBucket, describe_calls


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(rate: float, clock: FakeClock, **kw) -> RateLimiter:
    return RateLimiter(rate, clock=clock, sleep=clock.sleep, **kw)


def most_in_one_second(times: list[float]) -> int:
    """The most calls inside any half-open one-second window [t, t + 1)."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0 + 1e-9:
            j += 1
        best = max(best, i - j + 1)
    return best


# -- pacing ---------------------------------------------------------------------------------
def test_calls_leave_one_interval_apart_from_the_first_on():
    clock = FakeClock()
    lim = limiter(50, clock)
    left = [lim.acquire().left for _ in range(101)]
    assert left[0] == 0.0
    assert left[-1] == pytest.approx(2.0)  # 100 intervals of 20 ms
    assert all(b - a == pytest.approx(0.02) for a, b in zip(left, left[1:]))


def test_no_burst_above_the_rate_at_start_up_or_after_a_pause():
    clock = FakeClock()
    lim = limiter(50, clock)
    left = [lim.acquire().left for _ in range(120)]
    clock.now += 30.0  # idle: a token bucket would have saved up a burst here
    left += [lim.acquire().left for _ in range(120)]
    assert most_in_one_second(left) == 50


def test_slots_are_handed_out_in_order_to_every_thread():
    """Reservations from 8 threads at one instant: 400 distinct slots, exactly 1/rate apart."""
    clock = FakeClock()
    lim = limiter(100, clock)
    slots: list[float] = []
    guard = threading.Lock()

    def take() -> None:
        mine = [lim.reserve().at for _ in range(50)]
        with guard:
            slots.extend(mine)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slots.sort()
    assert len(slots) == 400
    assert all(b - a == pytest.approx(0.01) for a, b in zip(slots, slots[1:]))


def test_once_a_call_is_answered_with_what_stops_the_run_no_queued_call_leaves():
    clock = FakeClock()
    lim = limiter(2.0, clock)
    with pytest.raises(EnvironmentFailure):
        with lim.call():
            raise EnvironmentFailure("the security token included in the request is expired")
    with pytest.raises(EnvironmentFailure, match="expired"):
        lim.acquire()  # waits its slot, half a second on, then is refused instead of leaving
    assert clock.now == 0.5 and lim.stats.calls == 1 and lim.stats.failed == 1


def test_a_call_waiting_for_its_slot_when_the_run_is_stopped_never_leaves():
    from docbatch.errors import Interrupted

    clock, stop = FakeClock(), threading.Event()

    def signalled_while_waiting(seconds: float) -> None:  # SIGTERM arrives during the wait
        clock.sleep(seconds)
        stop.set()

    lim = RateLimiter(2.0, clock=clock, sleep=signalled_while_waiting, stop=stop)
    lim.acquire()  # the first slot is now: no wait, the call leaves
    with pytest.raises(Interrupted):
        lim.acquire()
    assert lim.stats.calls == 1


def test_the_runs_stop_ends_a_real_wait_for_a_slot_at_once():
    """A rate cut to its floor spaces slots seconds apart and every queued call waited its
    slot out before it was refused: a SIGTERM took a slot's spacing per queued call (--tps
    0.02: 145 s), past AWS Batch's 30 s before SIGKILL.  Here the slot is days away."""
    from docbatch.errors import Interrupted

    stop = threading.Event()
    lim = RateLimiter(1e-6, stop=stop)  # real time: the second slot is 11 days after the first
    lim.acquire()
    refused: list[BaseException] = []

    def second_call() -> None:
        try:
            lim.acquire()
        except Interrupted as exc:
            refused.append(exc)

    waiting = threading.Thread(target=second_call, daemon=True)
    waiting.start()
    stop.set()
    waiting.join(timeout=60)  # not a measure: before, this thread waited the 11 days
    assert not waiting.is_alive() and len(refused) == 1 and lim.stats.calls == 1


def test_a_retry_waits_behind_the_calls_already_in_line():
    clock = FakeClock()
    lim = limiter(10, clock)
    queued = [lim.reserve() for _ in range(5)]
    retry = lim.reserve(retry=True)
    assert retry.at == pytest.approx(queued[-1].at + 0.1)


def test_burst_option_lets_that_many_leave_back_to_back_after_idle_time():
    clock = FakeClock()
    lim = limiter(10, clock, burst=3)
    assert [lim.reserve().at for _ in range(4)] == pytest.approx([0.0, 0.0, 0.0, 0.1])


# -- adaptive rate -------------------------------------------------------------------------
def test_one_throttling_episode_cuts_once_however_many_answers_say_so():
    clock = FakeClock()
    lim = limiter(50, clock, decrease=0.8)
    tickets = [lim.acquire() for _ in range(5)]
    for t in tickets:  # five answers about the same rate
        lim.on_throttled(t)
    assert lim.rate == pytest.approx(40)
    later = lim.acquire()  # left after the cut: news about the new rate
    lim.on_throttled(later)
    assert lim.rate == pytest.approx(32)
    assert lim.stats.cuts == 2 and lim.stats.throttled == 6


def test_the_first_call_after_a_cut_keeps_the_new_spacing():
    clock = FakeClock()
    lim = limiter(50, clock, decrease=0.5)
    first = lim.acquire()
    lim.on_throttled(first)
    assert lim.reserve().at - first.at == pytest.approx(1 / 25)


def test_the_rate_probes_back_only_while_callers_queue():
    clock = FakeClock()
    lim = limiter(10, clock, ceiling=20, probe=1.0)
    lim.on_throttled(lim.acquire())  # 8/s; knee at 9.5
    clock.now += 5.0  # idle: nothing says a higher rate is usable
    lim.reserve()
    assert lim.rate == pytest.approx(8)
    began = clock.now
    while clock.now - began < 3.0:  # callers queue for 3 s
        lim.acquire()
    # quickly to the knee (10/s per second: 0.15 s), then slowly past it (1/s per second)
    assert lim.rate == pytest.approx(9.5 + (clock.now - began - 0.15), abs=0.2)


def test_rate_stays_between_floor_and_ceiling():
    clock = FakeClock()
    lim = limiter(4, clock, floor=1.0)
    for _ in range(20):
        lim.on_throttled(lim.acquire())
    assert lim.rate == 1.0
    lim = limiter(4, clock)
    for _ in range(1000):
        lim.on_success(lim.acquire())
    assert lim.rate == 4.0


def simulate(quota: float, seconds: float, *, start: float, ceiling: float | None = None, callers: int = 20,
             latency: float = 0.12, transit: float = 0.004) -> tuple[Counter, RateLimiter]:
    """Callers that always have work, a server quota (a token bucket ``quota`` deep, as the
    local server's), all on one fake clock: events in time order, no thread, no wait."""
    clock = FakeClock()
    server = TokenBucket(quota, capacity=quota, clock=clock)
    lim = RateLimiter(start, ceiling=ceiling, clock=clock, sleep=lambda s: pytest.fail("the simulation never sleeps"))
    events: list = []
    seq = itertools.count()
    per_second: Counter = Counter()  # (second, admitted?) -> calls

    def at(time: float, kind: str, ticket=None, ok=None) -> None:
        heapq.heappush(events, (time, next(seq), kind, ticket, ok))

    for _ in range(callers):
        at(0.0, "reserve")
    while events:
        time, _, kind, ticket, ok = heapq.heappop(events)
        if time >= seconds:
            break
        clock.now = time
        if kind == "reserve":
            ticket = lim.reserve()
            at(ticket.at, "leave", ticket)
        elif kind == "leave":
            ticket.left = time
            at(time + transit, "arrive", ticket)
        elif kind == "arrive":
            ok = server.try_acquire() == 0.0
            per_second[(int(time), ok)] += 1
            at(ticket.left + latency, "answer", ticket, ok)
        else:
            (lim.on_success if ok else lim.on_throttled)(ticket)
            at(time, "reserve")
    return per_second, lim


def test_paced_at_the_quota_nothing_is_throttled():
    per_second, _ = simulate(50, 60, start=50)
    assert sum(n for (_, ok), n in per_second.items() if not ok) == 0
    assert per_second[(30, True)] == 50


def test_told_twice_the_quota_it_converges_within_seconds_and_stays():
    """The quota is 50/s, the client starts at (and may probe up to) 100/s."""
    per_second, lim = simulate(50, 120, start=100, ceiling=100)
    settled = range(5, 120)
    admitted = sum(per_second[(s, True)] for s in settled)
    throttled = sum(per_second[(s, False)] for s in settled)
    everything = sum(per_second.values())
    assert admitted / (len(settled) * 50) >= 0.95
    assert throttled / (admitted + throttled) <= 0.01
    assert sum(n for (_, ok), n in per_second.items() if not ok) / everything <= 0.02  # start-up included
    assert all(35 <= per_second[(s, True)] <= 60 for s in settled)  # it stays near the quota
    assert 35 <= lim.rate <= 60


# -- Little's law ------------------------------------------------------------------------------
@pytest.mark.parametrize(("latency", "rate", "expected"), [(0.03, 50, 4), (0.12, 50, 10), (1.0, 50, 65)])
def test_calls_in_flight_are_rate_times_latency_plus_headroom(latency, rate, expected):
    clock = FakeClock()
    lim = limiter(rate, clock, max_in_flight=1000)
    assert lim.in_flight_target() == 2 + int(rate * lim.INITIAL_LATENCY * 1.25 + 0.999)  # before any answer
    for _ in range(200):
        ticket = lim.acquire()
        clock.now += latency
        lim.on_success(ticket)
    assert lim.latency_estimate == pytest.approx(latency)
    assert lim.in_flight_target() == expected


def test_calls_in_flight_never_pass_the_ceiling():
    clock = FakeClock()
    lim = limiter(50, clock, max_in_flight=32)
    ticket = lim.acquire()
    clock.now += 2.0
    lim.on_success(ticket)
    assert lim.in_flight_target() == 32


# -- outcomes and figures ------------------------------------------------------------------------
def test_a_call_reports_its_outcome_and_the_exception_goes_on():
    clock = FakeClock()
    lim = limiter(10, clock)
    with lim.call():
        clock.now += 0.1
    with pytest.raises(ThrottledError), lim.call():
        raise ThrottledError("slow down")
    with pytest.raises(ServiceError), lim.call(retry=True):
        raise ServiceError("500")
    s = lim.stats
    assert (s.calls, s.ok, s.throttled, s.failed, s.retries) == (3, 1, 1, 1, 1)


def test_figures_give_rate_latency_percentiles_and_where_the_rate_came_from():
    clock = FakeClock()
    lim = limiter(10, clock, source="service-quotas:L-X")
    for i in range(100):
        with lim.call():
            clock.now += 0.1 if i < 90 else 0.5
    f = lim.figures()
    assert f["calls"] == 100 and f["throttled"] == 0
    assert f["latency_ms"]["p50"] == pytest.approx(100, rel=0.02)
    assert f["latency_ms"]["p95"] == pytest.approx(500, rel=0.02)
    assert f["tps"]["source"] == "service-quotas:L-X" and f["in_flight"]["peak"] == 1
    assert "100 at" in describe_calls(f) and describe_calls({}) == ""
