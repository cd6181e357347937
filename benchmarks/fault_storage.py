"""Fault-matrix scenarios of where a run folder lives (issue #11): a read-only folder, a
disk that fills up mid-run, and ``--out s3://`` with the run SIGKILLed and resumed on a
new machine.

The disk scenarios use a real tmpfs mounted for the scenario (``mount`` needs root, as CI
has); where it cannot be mounted the row says ``skip``.  Like every scenario they must show
no lost row, no wrong row and no foreign file deleted or changed.
"""

from __future__ import annotations

import contextlib
import errno
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator

import boto3

from tests.support.bench import (
    CONCURRENCY,
    Bench,
    broken_parquet,
    count_calls,
    load_table,
    s3_leftovers,
    table_differences,
)

from .fault_core import (
    Foreign,
    ScenarioResult,
    baseline,
    finish,
    observe,
    one_clear_line,
    repeats,
    settled_log_length,
    timed,
    wait_until_done,
    watched,
)
from .fault_scenarios import calls_across, manifest_of_receipts

OUT_BUCKET = "fault-matrix-out"
IN_BUCKET = "fault-matrix-in"


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path | None]:
    """A tmpfs of ``size`` mounted at ``where`` (None when this machine will not mount one)."""
    where.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                      capture_output=True, check=False).returncode != 0:
        yield None
        return
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def _remount(disk: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True, capture_output=True)


def _fill(disk: Path) -> Path:
    """Write a file until the disk is full; returns it (delete it to free the disk)."""
    filler = disk / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return filler


@watched
def read_only_folder(bench: Bench) -> ScenarioResult:
    """Half the manifest is done, then the disk is remounted read-only and the grown
    manifest runs: exit 5 with one line naming the read-only folder, no call, nothing
    changed; writable again, the same command finishes paying only for the new half."""
    result, t0 = timed("read-only, then writable", bench)
    work = bench.folder("read-only")
    with _tmpfs(work / "disk", "16m") as disk:
        if disk is None:
            result.skipped = "cannot mount a tmpfs here (needs root)"
            return result
        out = disk / "out"
        manifest = manifest_of_receipts(work, bench.docs, "read-only")
        full = manifest.read_text()
        manifest.write_text("".join(full.splitlines(keepends=True)[:1 + bench.docs // 2]))
        with bench.server() as server:
            finish(bench.cli(manifest, out, server, "--no-cache"), result, "the first half")
            mark = len(server.request_log)
            manifest.write_text(full)
            _remount(disk, "ro")
            guard = Foreign(out)
            err = finish(bench.cli(manifest, out, server, "--no-cache"), result, "the read-only run")
            refused = len(server.request_log) - mark
            guard.check(result)
            _remount(disk, "rw")
            finish(bench.cli(manifest, out, server, "--no-cache"), result, "the writable run")
            log = server.request_log
        result.expect(result.exit_codes == (0, 5, 0), f"exit codes {result.exit_codes}, want (0, 5, 0)")
        line = one_clear_line(result, err, "the read-only run", "read-only", str(out))
        result.expect(refused == 0, f"the read-only run made {refused} calls")
        calls, result.redone = calls_across([count_calls(log[:mark]), count_calls(log[mark:])])
        result.expect(result.redone == 0, f"{result.redone} images of the first half paid again")
        observe(result, out, calls, s3_endpoint_url=bench.moto_url)
        result.expect(result.ok == bench.docs, f"{result.ok} ok of {bench.docs}")
        result.notes.append(f"refused: {line[17:100]}...")
    result.seconds = time.monotonic() - t0
    return result


@watched
def full_disk(bench: Bench) -> ScenarioResult:
    """The disk fills up while the run is a third of the way in: exit 5 with one line, no
    half-written file kept; once space is freed the same command finishes with the clean
    run's tables (redone: at most the answers in flight when the disk filled)."""
    reference = baseline(bench)
    result, t0 = timed("full disk mid-run, freed", bench)
    work = bench.folder("full-disk")
    with _tmpfs(work / "disk", "16m") as disk:
        if disk is None:
            result.skipped = "cannot mount a tmpfs here (needs root)"
            return result
        out = disk / "out"
        with bench.server(latency=0.1) as server:
            proc = bench.cli(bench.manifest(), out, server, "--no-cache")
            wait_until_done(out / "state.sqlite", proc, max(1, bench.docs // 3))
            filler = _fill(disk)
            err = finish(proc, result, "the run on a full disk")
            mark = len(server.request_log)
            half_written = [str(p.relative_to(out)) for p in out.rglob(".tmp-*")]
            broken = broken_parquet(out)
            filler.unlink()
            finish(bench.cli(bench.manifest(), out, server, "--no-cache"), result, "the run after freeing space")
            log = server.request_log
        result.expect(result.exit_codes == (5, 0), f"exit codes {result.exit_codes}, want (5, 0)")
        line = one_clear_line(result, err, "the run on a full disk", "full")
        result.expect(not half_written, f"half-written files kept: {half_written[:3]}")
        result.expect(not broken, f"unloadable Parquet after the disk filled: {broken}")
        calls, result.redone = calls_across([count_calls(log[:mark]), count_calls(log[mark:])])
        limit = 2 * CONCURRENCY  # the runner keeps 2 x concurrency submitted: queued ones still start
        result.expect(result.redone <= limit, f"{result.redone} documents redone, more than {limit}")
        observe(result, out, calls, s3_endpoint_url=bench.moto_url)
        result.problems += table_differences(out, reference)
        result.notes.append(f"full after {count_calls(log[:mark]).answered} answers: "
                            f"{line[17:100]}...")
    result.seconds = time.monotonic() - t0
    return result


def _bucket(client: object, name: str) -> None:
    with contextlib.suppress(Exception):  # made by an earlier scenario on the same moto server
        client.create_bucket(Bucket=name)  # type: ignore[attr-defined]


@watched
def s3_output_sigkill(bench: Bench) -> ScenarioResult:
    """Sources and ``--out`` on S3; the run is SIGKILLed halfway on one machine and the
    same command resumes on a new one (an empty local cache): every row, once, on S3, no
    visible half-written object, nothing local, redone at most the in-flight calls, and the
    bucket's other objects untouched."""
    result, t0 = timed("S3 out, SIGKILL, new machine", bench)
    work = bench.folder("s3-out")
    s3 = boto3.client("s3", endpoint_url=bench.moto_url, region_name="us-east-1")
    for name in (IN_BUCKET, OUT_BUCKET):
        _bucket(s3, name)
    run = uuid.uuid4().hex[:8]
    rows = []
    manifest = manifest_of_receipts(work, bench.docs, "s3")
    for i, line in enumerate(manifest.read_text().splitlines()[1:]):
        key = f"receipts/{run}/r{i:03d}.png"
        s3.put_object(Bucket=IN_BUCKET, Key=key, Body=(work / "img" / f"r{i:03d}.png").read_bytes())
        rows.append(line.replace(f"img/r{i:03d}.png", f"s3://{IN_BUCKET}/{key}", 1))
    manifest.write_text("source,doc_type,doc_id,cost_center,note\n" + "\n".join(rows) + "\n")
    theirs = {f"reports/{run}/summary.csv": b"theirs", f"nightly/{run}-old/run.json": b"{}"}
    for key, body in theirs.items():
        s3.put_object(Bucket=OUT_BUCKET, Key=key, Body=body)
    out = f"s3://{OUT_BUCKET}/nightly/{run}/"
    with bench.server(latency=0.05) as server:
        proc = bench.cli(manifest, out, server, "--no-cache", env={"XDG_CACHE_HOME": str(work / "machine-1")})
        deadline = time.monotonic() + 60
        while len(server.request_log) < bench.docs // 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        finish(proc, result, "the killed run")
        mark = settled_log_length(server)  # the killed run's in-flight calls are its own
        finish(bench.cli(manifest, out, server, "--no-cache", env={"XDG_CACHE_HOME": str(work / "machine-2")}),
               result, "the run on a new machine")
        log = server.request_log
    result.expect(result.exit_codes == (-signal.SIGKILL, 0), f"exit codes {result.exit_codes}")
    calls, result.redone = calls_across([count_calls(log[:mark]), count_calls(log[mark:])])
    result.problems += repeats(log[:mark], "the killed run") + repeats(log[mark:], "the new machine's run")
    limit = 2 * CONCURRENCY  # in flight at the kill, and answered since the last journal checkpoint
    result.expect(result.redone <= limit, f"{result.redone} documents redone, more than {limit}")
    try:
        observe(result, out, calls, s3_endpoint_url=bench.moto_url)
        for table in ("receipts", "detections"):
            load_table(out, table, s3_endpoint_url=bench.moto_url)
    except Exception as exc:  # noqa: BLE001 - an object that does not load is the finding
        result.problems.append(f"the tables on S3 do not load: {type(exc).__name__}: {exc}")
    prefix = out[len(f"s3://{OUT_BUCKET}/"):]
    leftovers = s3_leftovers(s3, OUT_BUCKET, prefix)
    result.expect(not leftovers, f"left on S3: {leftovers[:3]}")
    for key, body in theirs.items():
        with contextlib.suppress(Exception):
            if s3.get_object(Bucket=OUT_BUCKET, Key=key)["Body"].read() == body:
                continue
        result.foreign += 1
        result.problems.append(f"s3://{OUT_BUCKET}/{key} deleted or overwritten")
    local = [p.name for p in (bench.root, work, Path.cwd()) if (p / "s3:").exists()]
    result.expect(not local, f"a local folder named s3: in {local}")
    result.notes.append(f"killed after {count_calls(log[:mark]).answered} answers; new machine: "
                        f"{count_calls(log[mark:]).requests} calls, {result.redone} redone")
    result.seconds = time.monotonic() - t0
    return result

