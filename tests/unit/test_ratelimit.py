"""The token bucket paces requests and adapts to throttling, on a fake clock."""

from docbatch.ratelimit import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_burst_is_served_without_waiting_then_paced_at_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(5, capacity=5, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        assert bucket.acquire() == 0.0
    for _ in range(10):
        bucket.acquire()
    assert abs(clock.now - 2.0) < 1e-6  # 10 more tokens at 5/s


def test_long_run_rate_never_exceeds_configured_tps():
    clock = FakeClock()
    bucket = TokenBucket(10, capacity=1, clock=clock, sleep=clock.sleep)
    for _ in range(101):
        bucket.acquire()
    assert clock.now >= 10.0 - 1e-6


def test_throttling_halves_the_rate_and_success_restores_it():
    clock = FakeClock()
    bucket = TokenBucket(8, clock=clock, sleep=clock.sleep)
    bucket.on_throttled()
    assert bucket.rate == 4
    bucket.on_throttled()
    assert bucket.rate == 2
    for _ in range(200):
        bucket.on_success()
    assert bucket.rate == 8


def test_rate_never_drops_below_the_floor():
    bucket = TokenBucket(1, min_rate=0.25)
    for _ in range(20):
        bucket.on_throttled()
    assert bucket.rate == 0.25
