"""What every fault-matrix scenario shares: its result row, what it observes of a run
folder, the clean baseline run, and the watch on files docbatch did not write.

Split out of :mod:`benchmarks.fault_matrix` (the command and the network and signal
scenarios) so the nightly-safety scenarios (:mod:`benchmarks.fault_scenarios`,
:mod:`benchmarks.fault_storage`) can share it without importing the command.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence, TypeVar

import pandas as pd

from docbatch.runner import run_batch
from docbatch.testing.fake_rekognition import FakeRekognitionServer, RequestRecord
from tests.support.bench import (
    DUMMY_ENV,
    RECOGNISED_WORDS,
    Bench,
    Calls,
    count_calls,
    harmed,
    load_table,
    snapshot,
    wrong_rows,
)

T = TypeVar("T")


@dataclass
class ScenarioResult:
    """One row of the matrix; ``problems`` lists every broken expectation.

    ``wrong`` counts rows holding another image's fields (a receipt's total that is not
    what the far side reads on that row's own source); ``foreign`` counts files docbatch
    did not write (inputs, someone's folder, other run folders) that were deleted or
    changed; ``skipped`` says why a scenario could not run here (e.g. no tmpfs mount).
    """

    name: str
    documents: int
    ok: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    repeated: int = 0
    redone: int = 0
    lost: int = 0
    wrong: int = 0
    foreign: int = 0
    seconds: float = 0.0
    exit_codes: tuple[int, ...] = ()
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def verdict(self) -> str:
        return "FAIL" if self.problems else "skip" if self.skipped else "ok"

    def expect(self, condition: bool, problem: str) -> None:
        if not condition:
            self.problems.append(problem)


def observe(result: ScenarioResult, out: Path | str, calls: Calls, *,
            s3_endpoint_url: str | None = None) -> pd.DataFrame:
    """Fill counts from ``out``'s documents and receipts tables (a local folder or
    ``s3://``) and the calls; returns the documents table."""
    docs = load_table(out, "documents", s3_endpoint_url=s3_endpoint_url)
    if docs is None:
        docs = pd.DataFrame({"doc_id": [], "row_no": [], "source": [], "status": [], "error_code": []})
    result.ok = int((docs["status"] == "ok").sum())
    result.failed = dict(Counter(docs.loc[docs["status"] != "ok", "error_code"].fillna("?")))
    rows = Counter(docs["row_no"].astype(int))
    result.lost = sum(1 for n in range(1, result.documents + 1) if n not in rows)
    result.expect(result.lost == 0, f"{result.lost} manifest rows missing from documents")
    twice = sum(1 for n in Counter(docs["doc_id"]).values() if n > 1)  # a row's pages have doc_ids of their own
    result.expect(twice == 0, f"{twice} documents appear more than once in documents")
    wrong = wrong_rows(load_table(out, "receipts", s3_endpoint_url=s3_endpoint_url), s3_endpoint_url=s3_endpoint_url)
    result.wrong = len(wrong)
    result.expect(not wrong, f"{len(wrong)} rows hold another image's fields: {wrong[:5]}")
    result.requests += calls.requests
    result.repeated += calls.repeated
    result.expect(result.repeated == 0, f"{result.repeated} images answered (paid) more than once")
    return docs


class Foreign:
    """Files docbatch did not write, hashed now; :meth:`check` counts those deleted or changed."""

    def __init__(self, root: Path, *, skip: tuple[Path, ...] = ()) -> None:
        self.root = Path(root)
        self.before = snapshot(self.root, skip=skip)

    def check(self, result: ScenarioResult) -> None:
        hurt = harmed(self.before, self.root)
        result.foreign += len(hurt)
        result.expect(not hurt, f"foreign files harmed: {hurt[:8]}")


def watched(scenario: Callable[[Bench], ScenarioResult]) -> Callable[..., ScenarioResult]:
    """Every file under the bench before the scenario (the inputs, the other scenarios'
    run folders) must be there, unchanged, after it."""

    @functools.wraps(scenario)
    def run(bench: Bench, *args: object, **kwargs: object) -> ScenarioResult:
        guard = Foreign(bench.root)
        result = scenario(bench, *args, **kwargs)
        guard.check(result)
        return result

    return run


def timed(name: str, bench: Bench) -> tuple[ScenarioResult, float]:
    """A scenario's empty result over the bench's documents and its start on the monotonic clock
    (the scenario sets ``seconds`` from it when it ends)."""
    return ScenarioResult(name, bench.docs), time.monotonic()


def baseline(bench: Bench) -> Path:
    """The out folder of the bench's clean run (made on first use)."""
    if bench.baseline is None:
        clean(bench)
    assert bench.baseline is not None
    return bench.baseline


@watched
def clean(bench: Bench) -> ScenarioResult:
    """No faults: every document ok, one call each; also the baseline for the others."""
    result, t0 = timed("clean", bench)
    out = bench.folder("clean") / "out"
    with bench.server() as server:
        summary = run_batch(bench.config(bench.manifest(), out, server))
        calls = count_calls(server.request_log)
    result.exit_codes = (summary.exit_code,)
    observe(result, out, calls, s3_endpoint_url=bench.moto_url)
    result.expect(summary.exit_code == 0, f"exit {summary.exit_code}, want 0")
    result.expect(result.ok == bench.docs, f"{result.ok} ok of {bench.docs}")
    result.expect(calls.requests == bench.docs, f"{calls.requests} requests for {bench.docs} images")
    bench.baseline = out
    result.seconds = time.monotonic() - t0
    return result


def settled_log_length(server: FakeRekognitionServer, quiet: float = 0.3, timeout: float = 60) -> int:
    """The server's request count once every client connection is closed and no request has
    been logged for ``quiet`` seconds.

    A killed client's requests still in flight are answered (and logged) after it is gone:
    a mark taken at once would count them in the next run's share of the log.  Its
    connections stay open on the server's side until each handler has logged what it was
    answering, so waiting for them (not only for a quiet spell, which a server thread
    starved of CPU can outlast) pins the mark.
    """
    deadline = time.monotonic() + timeout
    seen, since = len(server.request_log), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.02)
        now = len(server.request_log)
        if now != seen:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet and server.open_connections == 0:
            break
    return seen


def _poll_child(proc: subprocess.Popen[str], probe: Callable[[], T | None], timeout: float, what: str) -> T:
    """Poll ``probe`` while the child runs until it returns a value; the child ending or the
    timeout first is an error naming ``what`` never happened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        seen = probe()
        if seen is not None:
            return seen
        time.sleep(0.01)
    raise RuntimeError(f"the child run never {what} (exit {proc.poll()})")


def wait_until_exists(path: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Poll until the child has created ``path`` (its run folder's lock, say)."""
    _poll_child(proc, lambda: True if Path(path).exists() else None, timeout, f"created {Path(path).name}")


def _done_count(journal: Path) -> int | None:
    """Documents with a status in the child's journal, or None while it cannot be read."""
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(f"{Path(journal).resolve().as_uri()}?mode=ro", uri=True, timeout=0.1)
        try:
            return db.execute("SELECT count(*) FROM documents WHERE status IS NOT NULL").fetchone()[0]
        finally:
            db.close()
    return None


def wait_until_done(journal: Path, proc: subprocess.Popen[str], at_least: int, timeout: float = 60) -> int:
    """Poll the child's journal until ``at_least`` documents are done; returns the count seen."""
    def probe() -> int | None:
        done = _done_count(journal)
        return done if done is not None and done >= at_least else None
    return _poll_child(proc, probe, timeout, f"reached {at_least} done documents")


def log_leaks(text: str) -> list[str]:
    """Credentials or recognised text found in log output (there must be none)."""
    secrets = [DUMMY_ENV["AWS_SECRET_ACCESS_KEY"], DUMMY_ENV["AWS_ACCESS_KEY_ID"], *RECOGNISED_WORDS]
    return [f"log output contains {s[:6]}..." for s in secrets if s in text]


def finish(proc: subprocess.Popen[str], result: ScenarioResult, what: str, timeout: float = 120) -> str:
    """Wait for a ``docbatch run`` child; a hang or a traceback is a problem (a hung child is
    killed).  Records the exit code and returns stderr."""
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        result.problems.append(f"{what} hung for {timeout:.0f} s and was killed")
    result.exit_codes += (proc.returncode,)
    if "Traceback" in err:
        result.problems.append(f"{what}: a traceback on stderr, ending {last_line(err)[:200]!r}")
    return err


def last_line(stderr: str) -> str:
    """The last line a child wrote to stderr: where docbatch's one-line error stands."""
    lines = stderr.strip().splitlines()
    return lines[-1] if lines else ""


def one_clear_line(result: ScenarioResult, stderr: str, what: str, *words: str,
                   prefix: str = "docbatch: error:") -> str:
    """stderr holds docbatch's one line (starting ``prefix``) naming ``words`` (:func:`finish`
    has already reported a traceback); returns it."""
    lines = [line for line in stderr.splitlines() if line.startswith(prefix)]
    line = lines[-1] if lines else ""
    result.expect(len(lines) == 1 and all(w in line for w in words),
                  f"{what}: {len(lines)} lines starting {prefix!r}, the last {line[:160]!r}, not naming {words}")
    return line


def repeats(log: Sequence[RequestRecord], what: str) -> list[str]:
    """One problem line per image answered more than once in ``log`` (one run's requests),
    with when each answer came (seconds after the run's first request) and what it was."""
    answered = Counter(r.image_key for r in log if r.outcome == "ok" and r.fault != "slow")
    start = log[0].time if log else 0.0
    return [f"{what}: image {key[:10]} answered {n} times: " + ", ".join(
        f"{r.time - start:.2f}s {r.status} {r.outcome}" for r in log if r.image_key == key)
        for key, n in answered.items() if n > 1]
