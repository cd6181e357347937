"""Progress on a terminal is a redrawn bar with the run's call figures and its ETA; in a log
it is a plain line every interval.  The terminal is a real pseudo-terminal."""

from __future__ import annotations

import io
import logging
import fcntl
import os
import pty
import re
import struct
import termios
import threading

import pytest

from docbatch.errors import ThrottledError
from docbatch.progress import ProgressReporter
from docbatch.ratelimit import RateLimiter
from docbatch.records import Document, DocumentResult, RunSummary


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _paced_run(clock: Clock) -> RunSummary:
    """A run of 10 documents whose limiter has seen 3 calls of 50 ms: one throttled, then retried."""
    limiter = RateLimiter(10, clock=clock, sleep=clock.sleep)
    with limiter.call():
        clock.now += 0.05
    with pytest.raises(ThrottledError):
        with limiter.call():
            clock.now += 0.05
            raise ThrottledError("Rate exceeded")
    with limiter.call(retry=True):
        clock.now += 0.05
    summary = RunSummary(run_id="r1", out_dir="out", total=10)
    summary.live_calls = limiter.figures
    return summary


def _latencies(text: str) -> tuple[float, float]:
    found = re.search(r"latency p50 ([\d.]+) ms p95 ([\d.]+) ms", text)
    assert found, text
    return float(found[1]), float(found[2])


def _feed(reporter: ProgressReporter, summary: RunSummary, clock: Clock, n: int) -> None:
    reporter.on_start(summary)
    for i in range(n):
        clock.now += 1.0
        doc = Document(doc_id=f"d{i}", source=f"/in/d{i}.png", doc_type="receipt", row_no=i)
        summary.processed += 1
        summary.ok += 1
        reporter.on_result(DocumentResult(document=doc, status="ok", engine="rekognition"), summary)


def _on_a_terminal(columns: int, feed: int) -> str:
    """What a run of ``feed`` documents drew on a real pseudo-terminal of ``columns`` columns."""
    clock = Clock()
    summary = _paced_run(clock)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the terminal's other side is closed and read out
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with os.fdopen(slave, "w", encoding="utf-8") as terminal:
        reporter = ProgressReporter(stream=terminal, clock=clock)
        assert reporter.tty  # found out from the stream itself
        _feed(reporter, summary, clock, feed)
        reporter.on_end(summary)
    reader.join(timeout=5)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def _last_drawn(screen: str) -> str:
    assert "\r" in screen  # redrawn in place
    return [line for line in re.split(r"[\r\n]", screen) if line.strip()][-1]


def test_on_a_terminal_a_bar_shows_done_of_total_the_call_figures_and_the_eta() -> None:
    last = _last_drawn(_on_a_terminal(200, 4))
    assert "4/10" in last
    assert "calls/s" in last and "1 throttled" in last and "1 retries" in last
    assert _latencies(last) == pytest.approx((50, 50), abs=1)
    assert "<" in last  # tqdm's [elapsed<remaining]: the ETA


def test_a_terminal_that_reports_no_width_still_gets_the_bar() -> None:
    last = _last_drawn(_on_a_terminal(0, 3))
    assert "3/10" in last and "calls/s" in last


def test_in_a_log_a_plain_line_comes_every_interval_with_the_call_figures(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    summary = _paced_run(clock)
    reporter = ProgressReporter(stream=io.StringIO(), interval=2.0, tty=False, clock=clock)
    with caplog.at_level(logging.INFO, logger="docbatch"):
        _feed(reporter, summary, clock, 5)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("progress:")]
    assert len(lines) == 3  # after the 1st, 3rd and 5th document: every 2 s
    assert lines[-1].startswith("progress: 5/10 done (5 ok, 0 failed, 0 resumed)")
    assert "ETA 5s" in lines[-1] and "calls/s, 1 throttled, 1 retries" in lines[-1]
    assert _latencies(lines[-1]) == pytest.approx((50, 50), abs=1)
    assert "\r" not in "".join(lines)
