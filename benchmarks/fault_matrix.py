"""The fault matrix: evidence for "nothing lost, nothing wrong, nothing paid twice, nothing
of anyone else's touched" (issues #6 and #11).

Each scenario drives docbatch's real code (manifest, sources, prep, Rekognition engine,
limiter, retry, journal, outputs; the CLI in a subprocess where a process must die or its
exit code and stderr matter) against the fake Rekognition server and moto's S3 on
127.0.0.1, then reads only what a user can see: the output tables, the exit codes, stderr,
and the server's request log.  Per scenario it reports how many DetectText calls answered
200 more than once for the same image in one run ("repeated", paid twice), how many were
answered again by a later run after a kill, a full disk or a stop ("redone", at most the
documents in flight), how many manifest rows are missing from ``documents`` ("lost"), how
many rows hold another image's fields ("wrong": a receipt's total that is not what the far
side reads on that row's own source bytes), and how many files docbatch did not write were
deleted or overwritten ("foreign": the inputs, other run folders, someone's folder given as
``--out``).  Lost, wrong and foreign must be 0 everywhere; tables of every fault run must
equal the clean run's, ignoring the per-run timing columns.

The network and signal scenarios are here; the nightly run's folder, inputs and environment
(foreign folder, replaced image, garbage 200s, FIFO, two runs, corrupt journal, lost
credentials) in :mod:`.fault_scenarios`; read-only and full disks (a real tmpfs, root
needed, else ``skip``) and S3 output with SIGKILL in :mod:`.fault_storage`.

    python -m benchmarks.fault_matrix [--docs N] [--keep DIR]     # from the project root

exits non-zero when any scenario breaks its promise.  The far side is a tiny
deterministic engine (no OCR model), so the whole matrix takes two to three minutes.
The scenario functions are also what the functional tests call.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from docbatch.reparse import reparse_run
from docbatch.runner import run_batch
from docbatch.testing.faults import Fault
from tests.support.bench import (
    CONCURRENCY,
    Bench,
    Calls,
    aws_sandbox,
    broken_parquet,
    count_calls,
    sent_forms,
    table_differences,
    text_image,
    write_manifest,
)
from tests.support.hostile_inputs import build_hostile_case

from . import fault_scenarios, fault_storage
from .fault_core import (  # ScenarioResult, clean, log_leaks: this module's API too
    ScenarioResult,
    baseline,
    clean,
    log_leaks,
    observe,
    settled_log_length,
    timed,
    wait_until_done,
    watched,
)


def _faulty(bench: Bench, name: str, server_kw: Mapping[str, Any], config_kw: Mapping[str, Any],
            check: Callable[[ScenarioResult, Calls], None] = lambda r, c: None) -> ScenarioResult:
    """One run against a faulty server: all ok in the end, no image paid twice, same tables."""
    reference = baseline(bench)
    result, t0 = timed(name, bench)
    out = bench.folder(name) / "out"
    with bench.server(**server_kw) as server:
        summary = run_batch(bench.config(bench.manifest(), out, server, **config_kw))
        calls = count_calls(server.request_log)
    result.exit_codes = (summary.exit_code,)
    observe(result, out, calls, s3_endpoint_url=bench.moto_url)
    result.expect(summary.exit_code == 0, f"exit {summary.exit_code}, want 0")
    result.expect(result.ok == bench.docs, f"{result.ok} ok of {bench.docs}")
    result.problems += table_differences(out, reference)
    check(result, calls)
    result.seconds = time.monotonic() - t0
    return result


@watched
def throttling_storm(bench: Bench) -> ScenarioResult:
    """The quota is a tenth of the client's rate: the limiter backs off, nothing fails."""

    def check(result: ScenarioResult, calls: Calls) -> None:
        throttled = calls.requests - calls.answered
        result.notes.append(f"{throttled} throttled")
        result.expect(throttled > 0, "the quota never throttled: the scenario tested nothing")

    return _faulty(bench, "throttling storm", {"tps": 8, "burst": 2},
                   {"tps": 80, "concurrency": 8, "max_attempts": 30, "backoff_max": 0.5}, check)


@watched
def server_errors(bench: Bench) -> ScenarioResult:
    """Every image first meets two 503s and then a 500, then its answer.

    Per image (``first=``), not every n-th request: with a 500 on every fifth request
    counted over all images, one image could draw it on all its attempts after its two
    503s, and rightly fail (1 run in 14 at load ~10 with 6 attempts)."""

    def check(result: ScenarioResult, calls: Calls) -> None:
        result.expect(calls.requests == 4 * bench.docs,
                      f"{calls.requests} requests for {bench.docs} images, want 4 each (503, 503, 500, 200)")

    faults = [Fault("http503", first=2), Fault("http500", first=3)]  # the first fault that fires wins
    return _faulty(bench, "5xx burst", {"faults": faults}, {"max_attempts": 6}, check)


@watched
def connection_resets(bench: Bench) -> ScenarioResult:
    """Every image's first request has its connection reset (RST) instead of answered; the
    second is answered.  Per image, not every n-th request: a periodic reset counted over
    all images can fall on all of one image's attempts, however many it has."""

    def check(result: ScenarioResult, calls: Calls) -> None:
        result.expect(calls.requests == 2 * bench.docs,
                      f"{calls.requests} requests for {bench.docs} images, want 2 each (reset, 200)")

    return _faulty(bench, "connection resets", {"faults": [Fault("reset", first=1)]}, {"max_attempts": 4}, check)


@watched
def slow_responses(bench: Bench) -> ScenarioResult:
    """Every image's first answer stalls 2 s, past a 1 s read timeout: the request is sent
    again and answered.  Per image, not every fourth request overall: that could stall one
    image on all its attempts (1 image in 256 with 4 attempts).

    Those late 200s are the one repeat a client cannot avoid (it never saw the answer);
    they are reported as notes, not as "repeated".
    """

    def check(result: ScenarioResult, calls: Calls) -> None:
        result.notes.append(f"{calls.late} answered after the client timed out (re-sent)")
        result.expect(calls.late == bench.docs, f"{calls.late} requests stalled past the read timeout, "
                                                f"want {bench.docs} (one per image)")
        result.expect(calls.requests == 2 * bench.docs, f"{calls.requests} requests for {bench.docs} images, "
                                                        "want 2 each (stalled, then answered)")

    return _faulty(bench, "slow > read_timeout", {"faults": [Fault("slow", first=1, seconds=2.0)]},
                   {"read_timeout": 1.0, "max_attempts": 4}, check)


@watched
def failure_rate_abort(bench: Bench) -> ScenarioResult:
    """Every call fails: the run aborts early (exit 4) and a re-run resumes to full success."""
    reference = baseline(bench)
    result, t0 = timed("abort, then resume", bench)
    out = bench.folder("abort") / "out"
    with bench.server(faults=[Fault("http503", every=1)]) as server:
        first = run_batch(bench.config(bench.manifest(), out, server, max_attempts=2, max_failure_rate=0.5,
                                       min_docs_for_failure_rate=4, concurrency=2))
        dead = count_calls(server.request_log)
    with bench.server() as server:
        second = run_batch(bench.config(bench.manifest(), out, server))
        calls = count_calls(server.request_log)
    result.exit_codes = (first.exit_code, second.exit_code)
    result.expect(first.exit_code == 4, f"first run exit {first.exit_code}, want 4 (aborted)")
    bound = 4 + 2 * 2  # min_docs_for_failure_rate + what may be in flight (2 x concurrency)
    result.expect(first.processed <= bound, f"the abort came only after {first.processed} documents, not <= {bound}")
    # Two calls each for the documents failed; the abort stops the run, so a document still
    # retrying then is left un-done after its first call (the re-run asks it again).
    cut = dead.requests - 2 * first.processed
    result.expect(0 <= cut <= 2 * 2, f"{dead.requests} calls for {first.processed} documents")
    result.expect(second.exit_code == 0, f"resumed run exit {second.exit_code}, want 0")
    result.notes.append(f"aborted after {first.processed} docs, {dead.requests} failed calls")
    observe(result, out, calls, s3_endpoint_url=bench.moto_url)
    result.requests += dead.requests
    result.problems += table_differences(out, reference)
    result.seconds = time.monotonic() - t0
    return result


@watched
def interrupted_resume(bench: Bench, sig: int = signal.SIGKILL, at: Sequence[float] = (1 / 3,)) -> ScenarioResult:
    """``docbatch run`` is signalled mid-run, once per fraction in ``at`` (each time when the
    journal shows that share done), then the same command runs to the end.

    SIGKILL may lose only what was in flight (redone: at most the concurrency per kill);
    SIGTERM/SIGINT finish what is in flight, exit 130 and say how to resume, so nothing is
    redone.  Either way the final tables equal the uninterrupted run's, no visible Parquet
    file is ever truncated, and stderr holds no credentials or recognised text.
    """
    reference = baseline(bench)
    name = f"{signal.Signals(sig).name} x{len(at)} + resume"
    result, t0 = timed(name, bench)
    out = bench.folder(signal.Signals(sig).name.lower()) / "out"
    marks, stderr, broken = [0], [], []
    with bench.server(latency=0.08) as server:
        for fraction in at:
            proc = bench.cli(bench.manifest(), out, server, "--no-cache")
            try:
                seen = wait_until_done(out / "state.sqlite", proc, max(1, round(bench.docs * fraction)))
                proc.send_signal(sig)
                stderr.append(proc.communicate(timeout=60)[1])
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
            result.exit_codes += (proc.returncode,)
            result.notes.append(f"signalled at {seen} done")
            marks.append(settled_log_length(server))  # the signalled run's in-flight calls are its own
            broken += broken_parquet(out)
        rerun = bench.cli(bench.manifest(), out, server, "--no-cache")
        stderr.append(rerun.communicate(timeout=120)[1])
        result.exit_codes += (rerun.returncode,)
        log = server.request_log
    runs = [count_calls(log[m:n]) for m, n in zip(marks, [*marks[1:], len(log)])]
    want = -signal.SIGKILL if sig == signal.SIGKILL else 130
    result.expect(result.exit_codes == (*[want] * len(at), 0), f"exit codes {result.exit_codes}, want {want}s then 0")
    if sig != signal.SIGKILL:
        result.expect(all("re-run the same command to resume" in e.lower() for e in stderr[:-1]),
                      "no resume hint on stderr")
    result.expect(not broken, f"unloadable Parquet after a signal: {broken}")
    result.problems += log_leaks("".join(stderr))
    result.redone = sum(len(run.ok_keys & frozenset().union(*(r.ok_keys for r in runs[:i])))
                        for i, run in enumerate(runs) if i)
    limit = CONCURRENCY * len(at) if sig == signal.SIGKILL else 0
    result.expect(result.redone <= limit, f"{result.redone} documents redone, more than {limit}")
    answered = sum(run.answered for run in runs)
    cut = Counter(r.outcome for r in log if r.outcome != "ok")
    if cut:
        result.notes.append(f"requests cut off by the signal, never answered: {dict(cut)}")
    observe(result, out, Calls(sum(r.requests for r in runs), answered, sum(r.repeated for r in runs), 0,
                               frozenset().union(*(r.ok_keys for r in runs))), s3_endpoint_url=bench.moto_url)
    result.expect(answered - result.redone == bench.docs,
                  f"{answered} answers for {bench.docs} images with {result.redone} redone")
    result.problems += table_differences(out, reference)
    result.seconds = time.monotonic() - t0
    return result


@watched
def kill_during_build(bench: Bench) -> ScenarioResult:
    """A finished run is re-run (nothing to send) and SIGKILLed while it rebuilds the
    tables (one row per Parquet part, so the build takes a while): the old tables must
    still load whole, the next run must rebuild them, and no hidden half-built copy of
    the tables may stay behind."""
    reference = baseline(bench)
    result, t0 = timed("SIGKILL in output build", bench)
    work = bench.folder("build-kill")
    out = work / "out"
    job = work / "job.toml"
    job.write_text("[job]\npart_rows = 1\n")
    with bench.server() as server:
        first = run_batch(bench.config(bench.manifest(), out, server, part_rows=1))
        proc = bench.cli(bench.manifest(), out, server, "--no-cache", str(job))
        try:
            while proc.poll() is None and not any(out.glob(".staging-*/*/part-*")):
                time.sleep(0.002)
            killed_in_build = proc.poll() is None
            proc.kill()
            proc.communicate()
        finally:
            if proc.poll() is None:
                proc.kill()
        broken = broken_parquet(out)
        after_kill = table_differences(out, reference)
        rerun = bench.cli(bench.manifest(), out, server, "--no-cache", str(job))
        rerun.communicate(timeout=120)
        calls = count_calls(server.request_log)
    result.exit_codes = (first.exit_code, proc.returncode, rerun.returncode)
    result.expect(killed_in_build, "the run ended before its output build could be killed")
    result.expect(result.exit_codes == (0, -signal.SIGKILL, 0), f"exit codes {result.exit_codes}")
    result.expect(not broken, f"unloadable Parquet after the kill: {broken}")
    result.expect(not after_kill, f"tables after the kill: {after_kill}")
    observe(result, out, calls, s3_endpoint_url=bench.moto_url)
    result.expect(calls.requests == bench.docs, f"{calls.requests} calls, want {bench.docs} (first run only)")
    leftovers = sorted(p.name for p in out.iterdir() if p.name.startswith((".staging-", ".trash-")))
    result.expect(not leftovers, f"hidden copies left behind: {leftovers}")
    result.problems += table_differences(out, reference)
    result.seconds = time.monotonic() - t0
    return result


@watched
def duplicate_images(bench: Bench) -> ScenarioResult:
    """The same bytes under two paths cost one call; so does tomorrow's run with the same
    cache in another out folder (zero calls); ``use_cache=False`` pays for every row;
    ``reparse`` calls nothing."""
    result, t0 = timed("duplicate images (cache)", bench)
    work = bench.folder("dup")
    cache = work / "cache"
    k = max(2, bench.docs // 2)
    rows = []
    for i in range(k):  # each image twice, adjacent rows: the two copies are in flight together
        data = text_image(f"twin {i}")
        for side in ("a", "b"):
            (work / side).mkdir(exist_ok=True)
            (work / side / f"t{i}.png").write_bytes(data)
            rows.append({"source": f"{side}/t{i}.png", "doc_type": "receipt", "cost_center": side})
    result.documents = 2 * k
    manifest = write_manifest(work / "manifest.csv", rows)
    tomorrow = write_manifest(work / "tomorrow.csv", rows[::2])
    with bench.server() as server:
        today = run_batch(bench.config(manifest, work / "out", server, use_cache=True, cache_dir=str(cache)))
        calls = count_calls(server.request_log)
        mark = len(server.request_log)
        run_batch(bench.config(tomorrow, work / "tomorrow", server, use_cache=True, cache_dir=str(cache)))
        again = len(server.request_log) - mark
        mark += again
        entries = sorted(cache.rglob("*.json.gz"))
        run_batch(bench.config(manifest, work / "nocache", server, use_cache=False, cache_dir=str(cache)))
        uncached = len(server.request_log) - mark
        result.expect(sorted(cache.rglob("*.json.gz")) == entries, "use_cache=False changed the cache")
        mark += uncached
        reparse_run(work / "out")
        reparsed = len(server.request_log) - mark
    result.exit_codes = (today.exit_code,)
    observe(result, work / "out", calls, s3_endpoint_url=bench.moto_url)
    result.expect(result.ok == 2 * k, f"{result.ok} ok of {2 * k}")
    result.expect(calls.requests == k == len(entries), f"{calls.requests} calls, {len(entries)} cache entries "
                                                       f"for {k} distinct images")
    result.expect(today.cache_hits == k, f"{today.cache_hits} cache hits, want {k}")
    result.expect(again == 0, f"tomorrow's run with the same cache made {again} calls")
    result.expect(uncached == 2 * k, f"use_cache=False made {uncached} calls, want {2 * k}")
    result.expect(reparsed == 0, f"reparse made {reparsed} calls")
    result.notes.append(f"{k} distinct: {calls.requests} calls; tomorrow {again}; --no-cache {uncached}; "
                        f"reparse {reparsed}")
    result.seconds = time.monotonic() - t0
    return result


@watched
def hostile_input(bench: Bench) -> ScenarioResult:
    """Every kind of bad input fails its own row with its own code; the rest succeed."""
    result, t0 = timed("hostile input", bench)
    work = bench.folder("hostile")
    case = build_hostile_case(work, bench.moto_url)
    result.documents = len(case.expected)
    out = work / "out"
    with bench.server() as server:
        summary = run_batch(bench.config(case.manifest, out, server))
        calls = count_calls(server.request_log)
        s3_object_calls = server.calls_for(case.same_region_uri)
        other_region = (server.calls_for(case.other_region_uri),  # downloaded, so sent as prepared
                        sum(server.calls_for(form) for form in sent_forms(case.other_region_bytes)))
    result.exit_codes = (summary.exit_code,)
    docs = observe(result, out, calls, s3_endpoint_url=bench.moto_url)
    codes = {n: {None if pd.isna(c) else c for c in rows["error_code"]} for n, rows in docs.groupby("row_no")}
    for row_no, want in case.expected.items():  # every page of a row has the row's code
        got = codes.get(row_no, {"<missing>"})
        result.expect(got == {want}, f"row {row_no} ({case.labels[row_no]}): {sorted(map(str, got))}, want {want}")
    result.expect(summary.exit_code == 3, f"exit {summary.exit_code}, want 3")
    result.expect(s3_object_calls == 1, f"same-region S3 object sent {s3_object_calls} times as S3Object")
    result.expect(other_region == (0, 1), f"other-region object: {other_region} S3Object/Bytes calls, want (0, 1)")
    result.seconds = time.monotonic() - t0
    return result


SCENARIOS: tuple[Callable[[Bench], ScenarioResult], ...] = (
    clean, throttling_storm, server_errors, connection_resets, slow_responses, failure_rate_abort,
    functools.partial(interrupted_resume, sig=signal.SIGKILL, at=(0.25, 0.6)),
    functools.partial(interrupted_resume, sig=signal.SIGTERM),
    kill_during_build, hostile_input, duplicate_images,
    # the nightly run's folder, inputs and environment (issue #11)
    fault_scenarios.foreign_folder, functools.partial(fault_scenarios.foreign_folder, lookalike=True),
    fault_scenarios.renamed_images, fault_scenarios.garbage_answers,
    fault_scenarios.fifo_source, fault_scenarios.concurrent_runs, fault_scenarios.corrupt_journal,
    fault_storage.read_only_folder, fault_storage.full_disk, fault_scenarios.lost_credentials,
    fault_storage.s3_output_sigkill,
)


# -- the command -------------------------------------------------------------------------


def format_table(results: Sequence[ScenarioResult]) -> str:
    """The matrix as text: a row per scenario (a long failed-by-code cell moved under the table so
    the columns stay readable), then each scenario's notes and problems."""
    head = ("scenario", "docs", "ok", "failed by code", "requests", "repeated", "redone", "lost", "wrong", "foreign",
            "secs", "verdict")
    body, details = [], []
    for r in results:
        failed = ", ".join(f"{k}={v}" for k, v in sorted(r.failed.items())) or "-"
        if len(failed) > 40:
            details.append(f"  {r.name}: failed by code: {failed}")
            failed = f"{sum(r.failed.values())} in {len(r.failed)} codes (below)"
        body.append((r.name, str(r.documents), str(r.ok), failed, str(r.requests), str(r.repeated), str(r.redone),
                     str(r.lost), str(r.wrong), str(r.foreign), f"{r.seconds:.1f}", r.verdict))
        if r.skipped:
            details.append(f"  {r.name}: skipped: {r.skipped}")
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [head, *body]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append("  repeated: images answered (paid) twice in one run; redone: answered again after a kill or stop;")
    lines.append("  lost: manifest rows missing; wrong: rows holding another image's fields; foreign: files docbatch")
    lines.append("  did not write (inputs, other folders, someone's files) deleted or overwritten")
    lines += details
    for r in results:
        for note in r.notes:
            lines.append(f"  {r.name}: {note}")
        for problem in r.problems:
            lines.append(f"  {r.name}: PROBLEM: {problem}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    summary = " ".join(__doc__.split("\n\n")[0].split())  # the first paragraph: a sentence spans lines
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fault_matrix", description=summary)
    parser.add_argument("--docs", type=int, default=24, help="documents in the standard manifest (default 24)")
    parser.add_argument("--keep", type=Path, help="keep every run folder under DIR (default: a temp folder, removed)")
    args = parser.parse_args(argv)
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: the folder is not empty (earlier runs there would be resumed)")
    root = args.keep or Path(tempfile.mkdtemp(prefix="docbatch-fault-matrix-"))
    results = []
    try:
        with aws_sandbox() as moto_url:
            bench = Bench(root, moto_url=moto_url, docs=max(6, args.docs))
            for scenario in SCENARIOS:
                results.append(scenario(bench))
                print(f"  {results[-1].name}: {results[-1].verdict}", file=sys.stderr)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(format_table(results))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
