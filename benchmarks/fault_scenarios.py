"""Fault-matrix scenarios of a nightly run's folder and inputs (issue #11): someone else's
folder as ``--out``, an image replaced under the same name, garbage 200 answers, a FIFO
among the sources, two runs into one folder, a corrupt journal, credentials refused
mid-run.

Each runs docbatch as a user would (``docbatch run`` in a child process where exit codes,
locks or hangs matter, :func:`~docbatch.run_batch` elsewhere) against the fake Rekognition
server and moto's S3, and must show no lost row, no wrong row (a row holding another
image's fields) and no foreign file deleted or changed.  The disk and S3 scenarios are in
:mod:`benchmarks.fault_storage`.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import sqlite3
import time
from pathlib import Path

from docbatch.runfolder import LOCK
from docbatch.runner import run_batch
from docbatch.testing.faults import Fault
from tests.support.bench import (
    CONCURRENCY,
    Bench,
    Calls,
    broken_parquet,
    count_calls,
    table_differences,
    text_image,
    write_manifest,
)

from .fault_core import (
    Foreign,
    ScenarioResult,
    baseline,
    finish,
    observe,
    one_clear_line,
    settled_log_length,
    timed,
    wait_until_done,
    wait_until_exists,
    watched,
)

GARBAGE = ("html200", "truncated200", "notext200")


def manifest_of_receipts(work: Path, n: int, label: str) -> Path:
    """``n`` distinct receipts under ``work/img`` and a manifest of them (relative paths)."""
    (work / "img").mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        (work / "img" / f"r{i:03d}.png").write_bytes(text_image(f"{label} {i}"))
        rows.append({"source": f"img/r{i:03d}.png", "doc_type": "receipt", "cost_center": f"{i:04d}"})
    return write_manifest(work / "manifest.csv", rows)


def calls_across(runs: list[Calls]) -> tuple[Calls, int]:
    """The calls of consecutive runs as one, and how many images a later run answered again."""
    seen: frozenset[str] = frozenset()
    redone = 0
    for run in runs:
        redone += len(run.ok_keys & seen)
        seen |= run.ok_keys
    total = Calls(sum(r.requests for r in runs), sum(r.answered for r in runs), sum(r.repeated for r in runs),
                  sum(r.late for r in runs), seen)
    return total, redone


@watched
def foreign_folder(bench: Bench, *, lookalike: bool = False) -> ScenarioResult:
    """``--out`` is someone's folder holding names docbatch writes (``documents/``,
    ``run.json``, ``failed.csv``, ``.staging-*``): refused with exit 2 and one line, before
    any call; a new folder inside it then runs, and not one of their files changes.

    ``lookalike``: their folder also holds a ``state.sqlite`` (another tool's SQLite
    database) beside its ``run.json``, the two names by which docbatch adopts a run folder
    of a docbatch older than the marker."""
    result, t0 = timed("foreign folder + their run.json, state.sqlite" if lookalike else "foreign folder as --out",
                       bench)
    work = bench.folder("foreign-lookalike" if lookalike else "foreign")
    theirs = work / "theirs"
    planted = {"documents/report.parquet": b"PAR1 theirs", "receipts/notes.txt": b"theirs",
               "run.json": b'{"pipeline": "theirs"}', "failed.csv": b"theirs\n", ".staging-old/keep.txt": b"theirs",
               ".trash-x/keep.txt": b"theirs", "raw/r000.json.gz": b"theirs"}
    for rel, data in planted.items():
        (theirs / rel).parent.mkdir(parents=True, exist_ok=True)
        (theirs / rel).write_bytes(data)
    if lookalike:
        db = sqlite3.connect(theirs / "state.sqlite")
        with contextlib.closing(db):
            db.execute("CREATE TABLE events (at TEXT, what TEXT)")
            db.execute("INSERT INTO events VALUES ('2026-11-30', 'their nightly export')")
            db.commit()
        planted["state.sqlite"] = b""
    guard = Foreign(theirs)
    inside = theirs / "docbatch-run"
    with bench.server() as server:
        err = finish(bench.cli(bench.manifest(), theirs, server, "--no-cache"), result, "the refused run")
        refused_calls = len(server.request_log)
        finish(bench.cli(bench.manifest(), inside, server, "--no-cache"), result, "the run into a new folder")
        calls = count_calls(server.request_log[refused_calls:])
    result.expect(result.exit_codes == (2, 0), f"exit codes {result.exit_codes}, want (2, 0)")
    line = one_clear_line(result, err, "the refused run", "--out", "not a docbatch run folder")
    result.expect(refused_calls == 0, f"the refused run made {refused_calls} calls")
    top = sorted(p.name for p in theirs.iterdir())
    want = sorted({rel.split("/")[0] for rel in planted} | {inside.name})
    result.expect(top == want, f"their folder now holds {top}, want {want}")
    observe(result, inside, calls, s3_endpoint_url=bench.moto_url)
    result.requests += refused_calls
    result.expect(result.ok == bench.docs, f"{result.ok} ok of {bench.docs}")
    guard.check(result)
    result.notes.append(f"refused with {refused_calls} calls: {line[17:100]}..." if line else
                        f"not refused: exit {result.exit_codes[0]} after {refused_calls} calls into their folder")
    result.seconds = time.monotonic() - t0
    return result


@watched
def renamed_images(bench: Bench) -> ScenarioResult:
    """Between two runs into one folder, images change under their names: two are swapped
    by renaming, one is rewritten in place (its old mtime put back), one row now names its
    namesake in another folder (``B/r003.png`` for ``img/r003.png``, the same doc_id).  Each
    is read again (from the cache when its bytes were answered before), the rest resume;
    every row holds its own image's fields.  (The source identity is size + mtime: a file
    replaced by one of the same size *and* the same mtime would not be noticed.)"""
    result, t0 = timed("image replaced under its name", bench)
    work = bench.folder("renamed")
    manifest = manifest_of_receipts(work, bench.docs, "before")
    img, other = work / "img", work / "B"
    kw = {"use_cache": True, "cache_dir": str(work / "cache")}
    with bench.server() as server:
        first = run_batch(bench.config(manifest, work / "out", server, **kw))
        mark = len(server.request_log)
        os.rename(img / "r000.png", img / "swap.tmp")  # r000 <-> r001, by renaming
        os.rename(img / "r001.png", img / "r000.png")
        os.rename(img / "swap.tmp", img / "r001.png")
        st = os.stat(img / "r002.png")
        (img / "r002.png").write_bytes(text_image("after, rewritten in place"))
        os.utime(img / "r002.png", ns=(st.st_atime_ns, st.st_mtime_ns))
        other.mkdir()
        (other / "r003.png").write_bytes(text_image("after, from folder B"))
        rows = [{"source": f"img/r{i:03d}.png", "doc_type": "receipt", "cost_center": f"{i:04d}"}
                for i in range(bench.docs)]
        rows[3]["source"] = "B/r003.png"
        write_manifest(manifest, rows)
        second = run_batch(bench.config(manifest, work / "out", server, **kw))
        log = server.request_log
        runs = [count_calls(log[:mark]), count_calls(log[mark:])]
    result.exit_codes = (int(first.exit_code), int(second.exit_code))
    calls, again = calls_across(runs)
    result.expect(result.exit_codes == (0, 0), f"exit codes {result.exit_codes}, want (0, 0)")
    result.expect((second.changed, second.resumed) == (4, bench.docs - 4),
                  f"second run: {second.changed} changed, {second.resumed} resumed; want 4, {bench.docs - 4}")
    result.expect(runs[1].requests == 2, f"second run made {runs[1].requests} calls, want 2 (the new bytes)")
    docs = observe(result, work / "out", Calls(calls.requests, calls.answered, calls.repeated + again, 0,
                                               calls.ok_keys), s3_endpoint_url=bench.moto_url)
    sources = dict(zip(docs["doc_id"], docs["source"]))
    result.expect(str(sources.get("r003", "")).endswith("B/r003.png"), f"r003's source is {sources.get('r003')}")
    result.expect(result.ok == bench.docs, f"{result.ok} ok of {bench.docs}")
    result.notes.append(f"second run: {second.changed} changed, {second.resumed} resumed, "
                        f"{runs[1].requests} calls ({second.cache_hits} from the cache)")
    result.seconds = time.monotonic() - t0
    return result


@watched
def garbage_answers(bench: Bench) -> ScenarioResult:
    """Every image is first answered with a 200 that is HTML, then cut-off JSON, then JSON
    without ``TextDetections``: each is asked again, none is kept or cached, and tomorrow's
    run from the same cache calls nothing and writes the clean run's tables.

    Per image, not every n-th request: with 60% of all requests garbage, an image now and
    then drew garbage on all its attempts (1 run in 3 under load) and rightly failed."""
    reference = baseline(bench)
    result, t0 = timed("garbage 200 answers", bench)
    work = bench.folder("garbage")
    cache = work / "cache"
    kw = {"use_cache": True, "cache_dir": str(cache), "max_attempts": 8}
    faults = [Fault("html200", first=1), Fault("truncated200", first=2), Fault("notext200", first=3)]
    with bench.server(faults=faults) as server:
        summary = run_batch(bench.config(bench.manifest(), work / "out", server, **kw))
        log = server.request_log
        port = server.port  # the same endpoint tomorrow: answers are cached per endpoint
    with bench.server(port=port) as server:
        tomorrow = run_batch(bench.config(bench.manifest(), work / "tomorrow", server, **kw))
        tomorrow_calls = len(server.request_log)
    garbage = sum(1 for r in log if r.fault in GARBAGE)
    result.exit_codes = (int(summary.exit_code), int(tomorrow.exit_code))
    result.expect(result.exit_codes == (0, 0), f"exit codes {result.exit_codes}, want (0, 0)")
    result.expect(garbage > 0, "no garbage answer was sent: the scenario tested nothing")
    calls = count_calls([r for r in log if r.fault not in GARBAGE])
    observe(result, work / "out", calls, s3_endpoint_url=bench.moto_url)
    result.requests += garbage
    result.expect(result.ok == bench.docs, f"{result.ok} ok of {bench.docs}")
    result.problems += table_differences(work / "out", reference)
    entries = sorted(cache.rglob("*.json.gz"))
    bad = [p.name for p in entries if not json.loads(gzip.decompress(p.read_bytes())).get("TextDetections")]
    result.expect(len(entries) == bench.docs and not bad, f"{len(entries)} cache entries, {len(bad)} without text")
    result.expect(tomorrow_calls == 0, f"tomorrow's run from the same cache made {tomorrow_calls} calls")
    result.problems += [f"tomorrow: {p}" for p in table_differences(work / "tomorrow", reference,
                                                                    ignore=("n_calls",))]  # 0: all cached
    result.notes.append(f"{garbage} garbage 200s asked again; tomorrow from the cache: {tomorrow_calls} calls")
    result.seconds = time.monotonic() - t0
    return result


@watched
def fifo_source(bench: Bench) -> ScenarioResult:
    """A FIFO nobody writes to, a symlink to it and ``/dev/zero`` among the images: each
    fails its own row as ``not_a_regular_file`` at once, the run finishes (exit 3)."""
    result, t0 = timed("FIFO among the sources", bench)
    work = bench.folder("fifo")
    manifest = manifest_of_receipts(work, bench.docs - 3, "fifo")
    os.mkfifo(work / "img" / "pipe.png")
    os.symlink("pipe.png", work / "img" / "link.png")
    rows = [{"source": f"img/r{i:03d}.png", "doc_type": "receipt"} for i in range(bench.docs - 3)]
    special = {"pipe": "img/pipe.png", "link": "img/link.png", "zero": "/dev/zero"}
    rows[1:1] = [{"source": s, "doc_type": "receipt", "doc_id": d} for d, s in special.items()]
    write_manifest(manifest, rows)
    with bench.server() as server:
        finish(bench.cli(manifest, work / "out", server, "--no-cache"), result, "the run", timeout=60)
        calls = count_calls(server.request_log)
    result.expect(result.exit_codes == (3,), f"exit {result.exit_codes}, want 3")
    docs = observe(result, work / "out", calls, s3_endpoint_url=bench.moto_url).set_index("doc_id")
    for doc_id in special:
        got = docs["error_code"].get(doc_id)
        result.expect(got == "not_a_regular_file", f"{doc_id}: {got}, want not_a_regular_file")
    result.expect(result.ok == bench.docs - 3, f"{result.ok} ok of {bench.docs - 3} images")
    result.expect(calls.requests == bench.docs - 3, f"{calls.requests} calls for {bench.docs - 3} images")
    result.seconds = time.monotonic() - t0
    return result


def _holder_named(result: ScenarioResult, stderr: str, holder_pid: int, what: str) -> str:
    return one_clear_line(result, stderr, what, "in use by run", f"pid {holder_pid} on")


@watched
def concurrent_runs(bench: Bench) -> ScenarioResult:
    """A second ``docbatch run`` into a folder a first one is working in exits 2 naming
    it (pid and host) and calls nothing; two started at the same instant into a new folder:
    one runs, the other exits 2 naming it.  No image is paid twice; a later run finds
    nothing to do."""
    result, t0 = timed("two runs, one --out", bench)
    work = bench.folder("concurrent")
    out, fresh = work / "out", work / "fresh"
    # Slow answers from the start keep the first run busy (24 images, 4 in flight: 12 s) until
    # the second has been turned away; waiting for a done document instead raced the journal,
    # which commits every half second: a whole fast run could end before one showed.
    with bench.server(latency=2.0) as server:
        first = bench.cli(bench.manifest(), out, server, "--no-cache")
        wait_until_exists(out / LOCK, first)
        second = bench.cli(bench.manifest(), out, server, "--no-cache")
        err = finish(second, result, "the second run", timeout=60)
        first_still_running = first.poll() is None
        server.latency = 0.05
        finish(first, result, "the first run")
        finish(bench.cli(bench.manifest(), out, server, "--no-cache"), result, "the later run")
        calls = count_calls(server.request_log)
    with bench.server(latency=1.0) as server:  # the winner works >= 6 s: the loser, however late it starts, finds it there
        pair = [bench.cli(bench.manifest(), fresh, server, "--no-cache") for _ in range(2)]
        errs = [finish(p, result, f"simultaneous run {i + 1}") for i, p in enumerate(pair)]
        pair_calls = count_calls(server.request_log)
    result.expect(result.exit_codes[:3] == (2, 0, 0), f"exit codes {result.exit_codes[:3]}, want (2, 0, 0)")
    result.expect(first_still_running, "the first run had ended before the second one was refused")
    line = _holder_named(result, err, first.pid, "the second run")
    observe(result, out, calls, s3_endpoint_url=bench.moto_url)
    result.expect(result.ok == bench.docs, f"{result.ok} ok of {bench.docs}")
    result.expect(calls.requests == bench.docs, f"{calls.requests} calls for {bench.docs} images in {out.name}/")
    codes = sorted(result.exit_codes[3:])
    result.expect(codes == [0, 2], f"two simultaneous runs exited {result.exit_codes[3:]}, want one 0 and one 2")
    if codes == [0, 2]:
        loser = result.exit_codes[3:].index(2)
        _holder_named(result, errs[loser], pair[1 - loser].pid, "the simultaneous loser")
    result.expect((pair_calls.requests, pair_calls.repeated) == (bench.docs, 0),
                  f"simultaneous runs: {pair_calls.requests} calls, {pair_calls.repeated} repeated")
    result.requests += pair_calls.requests
    result.notes.append(f"refused while the first ran: {line[17:110]}...")
    result.seconds = time.monotonic() - t0
    return result


@watched
def corrupt_journal(bench: Bench) -> ScenarioResult:
    """A run is SIGKILLed halfway and its journal then found corrupt: the next run exits 5
    with one line saying to move it aside, calling nothing and touching nothing; once moved
    aside the same command finishes, reusing the saved answers (redone: at most what was
    in flight at the kill)."""
    reference = baseline(bench)
    result, t0 = timed("corrupt journal, moved aside", bench)
    out = bench.folder("corrupt") / "out"
    journal = out / "state.sqlite"
    with bench.server(latency=0.05) as server:
        proc = bench.cli(bench.manifest(), out, server, "--no-cache")
        wait_until_done(journal, proc, bench.docs // 2)
        proc.send_signal(signal.SIGKILL)
        finish(proc, result, "the killed run")
        mark = settled_log_length(server)  # the killed run's in-flight calls are its own
        journal.write_bytes(b"this is not a database" * 100)
        for extra in ("state.sqlite-wal", "state.sqlite-shm"):
            (out / extra).unlink(missing_ok=True)
        guard = Foreign(out, skip=(out / LOCK,))  # the killed run's lock is docbatch's to take over
        err = finish(bench.cli(bench.manifest(), out, server, "--no-cache"), result, "the run on a corrupt journal")
        refused = len(server.request_log) - mark
        guard.check(result)
        journal.rename(out / "state.sqlite.corrupt")  # what the message tells the user to do
        finish(bench.cli(bench.manifest(), out, server, "--no-cache"), result, "the resumed run")
        log = server.request_log
    want = (-signal.SIGKILL, 5, 0)
    result.expect(result.exit_codes == want, f"exit codes {result.exit_codes}, want {want}")
    one_clear_line(result, err, "the run on a corrupt journal", "run journal", "move it aside")
    result.expect(refused == 0, f"the run on a corrupt journal made {refused} calls")
    calls, result.redone = calls_across([count_calls(log[:mark]), count_calls(log[mark:])])
    result.expect(result.redone <= CONCURRENCY, f"{result.redone} documents redone, more than {CONCURRENCY}")
    result.expect(not broken_parquet(out), "unloadable Parquet")
    observe(result, out, calls, s3_endpoint_url=bench.moto_url)
    result.problems += table_differences(out, reference)
    result.notes.append(f"killed with {count_calls(log[:mark]).answered} answered; resumed with "
                        f"{count_calls(log[mark:]).requests} calls, {result.redone} redone")
    result.seconds = time.monotonic() - t0
    return result


@watched
def lost_credentials(bench: Bench) -> ScenarioResult:
    """The session token expires a third of the way in: the run stops at once (exit 2,
    one line naming the credentials), marks no document failed; with credentials back the
    same command finishes, paying for nothing already answered."""
    reference = baseline(bench)
    result, t0 = timed("credentials refused mid-run", bench)
    out = bench.folder("credentials") / "out"
    with bench.server(faults=[Fault("expired", every=max(2, bench.docs // 3))]) as server:
        err = finish(bench.cli(bench.manifest(), out, server, "--no-cache"), result, "the run losing credentials")
        dead = count_calls(server.request_log)
    with bench.server() as server:
        finish(bench.cli(bench.manifest(), out, server, "--no-cache"), result, "the run with credentials back")
        back = count_calls(server.request_log)
    run_json = json.loads((out / "run.json").read_text())
    result.expect(result.exit_codes == (2, 0), f"exit codes {result.exit_codes}, want (2, 0)")
    line = one_clear_line(result, err, "the run losing credentials", "credentials", "re-run the same command",
                   prefix="stopped:")
    history = sorted((out / "runs").glob("*.json"))
    stopped = json.loads(history[0].read_text()) if history else {}
    failed = stopped.get("counts", {}).get("failed")
    result.expect(failed == 0, f"the stopped run marked {failed} documents failed")
    calls, result.redone = calls_across([dead, back])
    result.expect(result.redone == 0, f"{result.redone} images answered before the stop were paid again")
    observe(result, out, calls, s3_endpoint_url=bench.moto_url)
    result.expect(run_json.get("exit_code") == 0, f"run.json exit_code {run_json.get('exit_code')}")
    result.problems += table_differences(out, reference)
    result.notes.append(f"stopped after {dead.answered} answers ({line[9:90]}...); "
                        f"{back.requests} calls to finish")
    result.seconds = time.monotonic() - t0
    return result

