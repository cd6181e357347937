"""docbatch's own cost: documents a second against a server that costs nothing, and peak memory
by manifest size, beside the pool a user would write instead.

    python benchmarks/overhead.py                          # 3,000 docs x 2 rounds, 200k vs 1M rows
    python benchmarks/overhead.py --docs 1000 --rows 20000,100000   # a quick run

* overhead: a local Rekognition-protocol server (:mod:`docbatch.testing.fake_rekognition`)
  with no quota and no latency, in a process of its own (as a service is: it must not take
  the client's interpreter lock), answering a fixed tiny line; ``--docs`` tiny PNGs.
  docbatch is ``run_batch`` with the Rekognition engine, 32 calls in flight (journal, saved
  answers, tables: the whole run); the naive pool is 32 threads calling boto3
  ``detect_text`` on the same files, nothing kept.  Rounds alternate between the two (the
  machine is shared: the range is printed).  docs/s is wall time; CPU ms/doc is the client
  process's own CPU (all threads; docbatch's parse workers too), which other work on the
  machine does not inflate, split into the round's main thread (``time.thread_time``) and the
  request threads (read from ``/proc/self/task`` while they live: no profiler inflating it).
  docbatch's wall is split by phase (a subscriber's marks at the run's start, at its last
  result and at its end): start-up, the calls, then the tables and run.json, which a
  Python client builds on one core after the calls while the server's core waits (the
  naive pool keeps nothing: it has the calls phase only).
* what the machine can do at all: the server's own CPU per document in both sides'
  rounds (read from /proc), the docs/s both sides could reach if the cores did nothing but
  client and server (cores x 1,000 / their CPU ms per document), and the server alone
  driven by a minimal client (8 keep-alive sockets sending pre-built requests): on 2 cores
  with the server on one, that bounds any client's docs/s; and 1,000 / the client's CPU ms,
  the bound of a client whose work holds one interpreter lock (both sides here).
* memory: a run of a ``--rows`` manifest through the replay engine (every 10th row answered
  by a saved one-line receipt, the others failing as "no saved response"), tables built, in
  a fresh process per size; peak RSS of the run's process and of its largest parse worker.

Prints one table.  For a profile of the per-document path by stage:
``python benchmarks/profile_overhead.py``.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from benchmarks.quota import TinyReceipt, make_images, naive_pool  # noqa: E402
from docbatch import RunConfig, run_batch  # noqa: E402
from docbatch.cache import write_renamed  # noqa: E402
from docbatch.progress import Subscriber  # noqa: E402
from docbatch.testing.fake_rekognition import FakeRekognitionServer  # noqa: E402

THREADS = 32


def _serve(port: Any) -> None:
    """The server's process: serve until terminated."""
    server = FakeRekognitionServer(engine=TinyReceipt()).start()
    port.value = server.port
    while True:
        time.sleep(3600)


class ServerProcess:
    """The unlimited zero-latency server in a child process."""

    def __enter__(self) -> str:
        ctx = multiprocessing.get_context("spawn")
        port = ctx.Value("i", 0)
        self.proc = ctx.Process(target=_serve, args=(port,), daemon=True)
        self.proc.start()
        while port.value == 0:
            if not self.proc.is_alive():
                raise RuntimeError("the server process died")
            time.sleep(0.05)
        return f"http://127.0.0.1:{port.value}"

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.join(5)

    def cpu_s(self) -> float:
        """The server process's CPU seconds so far (all its threads), from /proc."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- what the machine can do at all -------------------------------------------------------------
@dataclass
class Ceiling:
    """The server alone, driven by a minimal client, and what that leaves for any client."""

    req_s: float
    server_ms: float  # server CPU per request
    client_ms: float  # the minimal client's CPU per request


def _minimal_client(endpoint: str, body: bytes, stop_at: float, counts: list[int]) -> None:
    """Pre-built DetectText requests on one keep-alive socket, answers read by Content-Length."""
    host, port = endpoint.rsplit("/", 1)[1].split(":")
    request = (f"POST / HTTP/1.1\r\nHost: {host}:{port}\r\nX-Amz-Target: RekognitionService.DetectText\r\n"
               f"Content-Type: application/x-amz-json-1.1\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    with socket.create_connection((host, int(port))) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buf = b""
        while time.monotonic() < stop_at:
            sock.sendall(request)
            while b"\r\n\r\n" not in buf:
                buf += sock.recv(65536)
            head, _, buf = buf.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(buf) < length:
                buf += sock.recv(65536)
            buf = buf[length:]
            counts[0] += 1


def ceiling(server: ServerProcess, endpoint: str, image: Path, *, seconds: float = 5.0,
            connections: int = 8) -> Ceiling:
    """Requests a second the server answers for a client that costs next to nothing."""
    body = json.dumps({"Image": {"Bytes": base64.b64encode(image.read_bytes()).decode()}}).encode()
    counts = [0]
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=_minimal_client, args=(endpoint, body, stop_at, counts))
               for _ in range(connections)]
    started, cpu, served = time.monotonic(), _cpu(), server.cpu_s()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall, n = time.monotonic() - started, max(1, counts[0])
    return Ceiling(n / wall, (server.cpu_s() - served) * 1000 / n, (_cpu() - cpu) * 1000 / n)


@dataclass
class Round:
    docs_s: float
    cpu_ms: float
    failed: int
    server_ms: float = float("nan")  # the server process's CPU per document
    pack_ms: float = float("nan")  # CPU to append one answer-sized record to a pack beside the run's
    file_ms: float = float("nan")  # CPU to create one answer-sized file in a fresh folder beside the run's
    renamed_ms: float = float("nan")  # the same, the portable way (a temporary file renamed), same moment
    main_ms: float = float("nan")  # CPU per document of the round's main thread (docbatch: manifest, journal, tables)
    pool_ms: float = float("nan")  # CPU per document of the request threads (the pool's)
    #: docbatch's wall seconds by phase: start-up (manifest, preflight, folder, journal) until
    #: the run's start, the calls until the last document's result, then the tables and run.json.
    phases_s: tuple[float, float, float] = (float("nan"),) * 3
    tables_main_ms: float = float("nan")  # main-thread CPU per document of the last phase


def file_cost(folder: Path, n: int, write: Callable[[Path, bytes], None] | None = None) -> float:
    """CPU ms (user + kernel) to save ``n`` answer-sized files as a run saves its answers (or
    with ``write``), in a fresh folder: on a busy disk most of an answer's saving is the kernel's."""
    from docbatch.cache import write_atomic

    write = write or write_atomic
    data = os.urandom(270)  # a one-line answer, gzipped
    started = time.process_time()
    for i in range(n):
        write(folder / f"d{i}.json.gz", data)
    return (time.process_time() - started) * 1000 / n


def _renamed_answer(path: Path, data: bytes) -> None:
    """An answer saved the portable way, owner-only as docbatch saves answers."""
    write_renamed(path, data, 0o600)


def pack_cost(folder: Path, n: int) -> float:
    """CPU ms (user + kernel) to append ``n`` answer-sized records to a fresh pack, as a run does."""
    from docbatch.answerpack import PackWriter

    writer = PackWriter(folder, "answers-bench")
    text = os.urandom(270)
    started = time.process_time()
    for i in range(n):
        writer.append(f"d{i}", text)
    writer.close()
    return (time.process_time() - started) * 1000 / n


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class Poller:
    """A daemon thread calling ``_look`` every ``every_s`` seconds inside a ``with`` block."""

    def __init__(self, every_s: float) -> None:
        self._every = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="overhead-watch", daemon=True)

    def __enter__(self: P) -> P:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(self._every):
            self._look()

    def _look(self) -> None:
        raise NotImplementedError


P = TypeVar("P", bound=Poller)


class ThreadCPU(Poller):
    """CPU seconds of this process's threads whose names start with ``prefix``, read from
    ``/proc/self/task`` every ``every_s`` while they live (no profiler: nothing is inflated).
    A thread's CPU after its last look is missed (at most ``every_s`` of it, at its end)."""

    def __init__(self, prefix: str, every_s: float = 0.05) -> None:
        super().__init__(every_s)
        self.prefix = prefix
        self._seen: dict[int, float] = {}

    @property
    def seconds(self) -> float:
        return sum(self._seen.values())

    def _look(self) -> None:
        for t in threading.enumerate():
            if not t.name.startswith(self.prefix) or t.native_id is None:
                continue
            try:
                fields = Path(f"/proc/self/task/{t.native_id}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self._seen[t.native_id] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _split(round_: Round, main_s: float, pool: ThreadCPU, n: int) -> Round:
    round_.main_ms, round_.pool_ms = main_s * 1000 / n, pool.seconds * 1000 / n
    return round_


class Phases(Subscriber):
    """Wall clock and main-thread CPU at the run's start, at each result (the last one is kept)
    and at its end: where a docbatch round's wall time goes (its subscribers run in the main thread)."""

    def __init__(self) -> None:
        self.marks: dict[str, tuple[float, float]] = {}

    def _mark(self, name: str) -> None:
        self.marks[name] = (time.monotonic(), time.thread_time())

    def on_start(self, summary: Any) -> None:
        self._mark("start")

    def on_result(self, result: Any, summary: Any) -> None:
        self._mark("last_result")

    def on_end(self, summary: Any) -> None:
        self._mark("end")


def docbatch_round(manifest: Path, out: Path, endpoint: str, n: int) -> Round:
    phases = Phases()
    started, cpu, main = time.monotonic(), _cpu(), time.thread_time()
    with ThreadCPU("docbatch_") as pool:  # the executor's request threads (docbatch_0, docbatch_1, ...)
        summary = run_batch(RunConfig(
            manifest=str(manifest), out=str(out), engine="rekognition", region="us-east-1", endpoint_url=endpoint,
            tps=1e6, concurrency=THREADS, use_cache=False, formats=("parquet",)), subscribers=[phases])
    wall, main = time.monotonic() - started, time.thread_time() - main
    done = Round(n / wall, (_cpu() - cpu) * 1000 / n, summary.failed + (n - summary.ok - summary.failed))
    (start, _), (last, last_cpu), (end, end_cpu) = (phases.marks[k] for k in ("start", "last_result", "end"))
    done.phases_s = (start - started, last - start, end - last)
    done.tables_main_ms = (end_cpu - last_cpu) * 1000 / n
    return _split(done, main, pool, n)


def naive_round(paths: list[Path], endpoint: str) -> Round:
    import boto3
    from botocore.config import Config

    client = boto3.client("rekognition", region_name="us-east-1", endpoint_url=endpoint,
                          config=Config(max_pool_connections=THREADS))

    started, cpu, main = time.monotonic(), _cpu(), time.thread_time()
    with ThreadCPU("ThreadPoolExecutor-") as pool:
        failed = naive_pool(client, paths, THREADS)
    wall, main = time.monotonic() - started, time.thread_time() - main
    return _split(Round(len(paths) / wall, (_cpu() - cpu) * 1000 / len(paths), failed), main, pool, len(paths))


def _with_server_cpu(server: ServerProcess, n: int, round_: Callable[[], Round]) -> Round:
    served = server.cpu_s()
    done = round_()
    done.server_ms = (server.cpu_s() - served) * 1000 / n
    return done


def overhead(work: Path, docs: int, rounds: int) -> tuple[list[Round], list[Round], Ceiling]:
    manifest, paths = make_images(work / "images", docs)
    ours: list[Round] = []
    theirs: list[Round] = []
    server = ServerProcess()
    with server as endpoint:
        naive_round(paths[:200], endpoint)  # warm both sides' first connections and imports
        alone = ceiling(server, endpoint, paths[0])
        for i in range(rounds):
            theirs.append(_with_server_cpu(server, docs, lambda: naive_round(paths, endpoint)))
            ours.append(_with_server_cpu(server, docs, lambda: docbatch_round(manifest, work / f"out{i}",
                                                                              endpoint, docs)))
            ours[-1].pack_ms = pack_cost(work / f"pack{i}", docs)
            ours[-1].file_ms = file_cost(work / f"files{i}", docs)
            ours[-1].renamed_ms = file_cost(work / f"renamed{i}", docs, _renamed_answer)
    return ours, theirs, alone


# -- memory ------------------------------------------------------------------------------------
def _detection(text: str) -> dict[str, Any]:
    poly = [{"X": 0.1, "Y": 0.1}, {"X": 0.5, "Y": 0.1}, {"X": 0.5, "Y": 0.15}, {"X": 0.1, "Y": 0.15}]
    return {"DetectedText": text, "Type": "LINE", "Id": 0, "Confidence": 99.0,
            "Geometry": {"BoundingBox": {"Width": 0.4, "Height": 0.05, "Left": 0.1, "Top": 0.1}, "Polygon": poly}}


def memory_run(rows: int, work: Path) -> dict[str, Any]:
    """One run of a ``rows``-row manifest (in this process: call it in a fresh one)."""
    replay = work / "replay"
    replay.mkdir(parents=True, exist_ok=True)
    (replay / "r.json").write_text(json.dumps({"TextDetections": [_detection("TOTAL 1.00")]}))
    manifest = work / "manifest.csv"
    with manifest.open("w") as fh:
        fh.write("source,doc_type,doc_id,batch\n")
        fh.writelines(f"d{i}/{'r' if i % 10 == 0 else 'x'}.png,receipt,d{i},b{i % 7}\n" for i in range(rows))
    started = time.monotonic()
    with WorkerPeak() as workers:
        summary = run_batch(RunConfig(manifest=str(manifest), out=str(work / "out"), engine="replay",
                                      replay_dir=str(replay), use_cache=False, formats=("parquet",)))
    return {"rows": rows, "ok": summary.ok, "failed": summary.failed, "wall_s": time.monotonic() - started,
            "cpu_ms_per_row": _cpu() * 1000 / rows,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_rss_mb": workers.peak_mb}


class WorkerPeak(Poller):
    """The largest peak RSS (VmHWM) of this process's worker processes, read from /proc while
    they live.  Not RUSAGE_CHILDREN: a child started by fork or vfork and exec reports the
    parent's RSS at its start as its own maximum (the old figures' "largest worker" was the
    run's process at the moment the parse workers started)."""

    def __init__(self, every_s: float = 0.25) -> None:
        super().__init__(every_s)
        self.peak_mb = 0.0

    def _look(self) -> None:
        for child in multiprocessing.active_children():
            try:
                status = Path(f"/proc/{child.pid}/status").read_text()
            except OSError:
                continue
            hwm = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), "0")
            self.peak_mb = max(self.peak_mb, int(hwm) / 1024)


def memory(work: Path, sizes: list[int]) -> list[dict[str, Any]]:
    out = []
    for n in sizes:
        folder = work / f"rows{n}"
        done = subprocess.run([sys.executable, __file__, "--memory-run", str(n), str(folder)], check=True,
                              capture_output=True, text=True)
        out.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


def _span(values: list[float], fmt: str) -> str:
    lo, hi = min(values), max(values)
    return format(lo, fmt) if f"{lo:{fmt}}" == f"{hi:{fmt}}" else f"{lo:{fmt}}–{hi:{fmt}}"


def _best_case(rounds: list[Round]) -> float:
    """docs/s if this machine's cores did nothing but the client and the server (CPU-bound)."""
    per_doc = min(r.cpu_ms + r.server_ms for r in rounds)
    return (os.cpu_count() or 1) * 1000 / per_doc


def _one_interpreter(rounds: list[Round]) -> float:
    """docs/s if the client's CPU all ran on one core, as one Python process's interpreter lock
    lets it (its parse workers aside): a bound the two-core figure does not show."""
    return 1000 / min(r.cpu_ms for r in rounds)


def rows_of(ours: list[Round], theirs: list[Round], mem: list[dict[str, Any]], docs: int,
            alone: Ceiling | None = None) -> list[tuple[str, ...]]:
    rows = []
    if ours:
        rows.append((f"pipeline overhead: zero-latency unlimited server, {docs:,} tiny PNGs, {THREADS} in flight: "
                     "docs/s", _span([r.docs_s for r in ours], ",.0f"), _span([r.docs_s for r in theirs], ",.0f"),
                     ">= 1,000"))
        rows.append(("  client CPU ms per document (all threads; docbatch's parse workers too)",
                     _span([r.cpu_ms for r in ours], ".2f"), _span([r.cpu_ms for r in theirs], ".2f"), ""))
        rows.append(("    of which the round's main thread (docbatch: manifest, journal, building the tables)",
                     _span([r.main_ms for r in ours], ".2f"), _span([r.main_ms for r in theirs], ".2f"), ""))
        rows.append(("    of which the request threads (docbatch's: read, prepare, call, validate, save the answer)",
                     _span([r.pool_ms for r in ours], ".2f"), _span([r.pool_ms for r in theirs], ".2f"), ""))
        rows.append(("  docbatch's wall by phase, s: start-up / calls (to the last result) / tables and run.json",
                     " | ".join(_span([r.phases_s[i] for r in ours], ".2f") for i in range(3)), "-", ""))
        rows.append(("    docs/s of the calls phase alone; main-thread CPU ms per document of the last phase",
                     f"{_span([docs / r.phases_s[1] for r in ours], ',.0f')}; "
                     f"{_span([r.tables_main_ms for r in ours], '.2f')}", "-", ""))
        rows.append(("  CPU ms to save one answer in a fresh pack beside the run's (same count; docbatch's way)",
                     _span([r.pack_ms for r in ours], ".3f"), "-", ""))
        rows.append(("    the same as a file of its own (O_TMPFILE named by linkat: docbatch's before packs)",
                     _span([r.file_ms for r in ours], ".2f"), "-", ""))
        rows.append(("    the same, a temporary file renamed (the portable way)",
                     _span([r.renamed_ms for r in ours], ".2f"), "-", ""))
        rows.append(("  server CPU ms per document (its own process, same run)",
                     _span([r.server_ms for r in ours], ".2f"), _span([r.server_ms for r in theirs], ".2f"), ""))
        rows.append((f"  ceiling on {os.cpu_count()} idle cores: cores x 1,000 / (client + server CPU ms): docs/s",
                     f"{_best_case(ours):,.0f}", f"{_best_case(theirs):,.0f}", ">= 1,000"))
        rows.append(("  the same with the client on one core (one interpreter lock): 1,000 / client CPU ms: docs/s",
                     f"{_one_interpreter(ours):,.0f}", f"{_one_interpreter(theirs):,.0f}", ">= 1,000"))
    if alone is not None:
        rows.append(("the server alone, minimal keep-alive client (8 sockets, pre-built requests): requests/s",
                     "-", f"{alone.req_s:,.0f}", ""))
        rows.append(("  server / minimal client CPU ms per request", "-",
                     f"{alone.server_ms:.2f} / {alone.client_ms:.2f}", ""))
    for m in mem:
        rows.append((f"{m['rows']:,}-row manifest, tables built: peak RSS (largest parse worker), wall, CPU/row",
                     f"{m['rss_mb']:.0f} MB ({m['worker_rss_mb']:.0f} MB), {m['wall_s']:.0f} s, "
                     f"{m.get('cpu_ms_per_row', float('nan')):.2f} ms", "-", "< 300 MB flat"))
    return rows


def print_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")


def machine_line() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}, "
            f"load average {load:.1f} at the end")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--docs", type=int, default=3000, help="tiny PNGs for the overhead rows")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each side in the overhead rows")
    parser.add_argument("--rows", default="200000,1000000", help="manifest sizes for peak RSS, comma-separated "
                        "('' to skip)")


def run(args: argparse.Namespace, work: Path) -> tuple[list[tuple[str, ...]], int]:
    """The overhead and memory rows, and how many documents failed in them."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    ours, theirs, alone = overhead(work / "overhead", args.docs, args.rounds) if args.docs else ([], [], None)
    mem = memory(work / "memory", [int(n) for n in args.rows.split(",") if n.strip()])
    return rows_of(ours, theirs, mem, args.docs, alone), sum(r.failed for r in (*ours, *theirs))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--memory-run":
        print(json.dumps(memory_run(int(sys.argv[2]), Path(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows, failed = run(args, Path(tmp))
    print(f"{machine_line()}; documents that failed in the overhead rows: {failed}")
    print_table(rows, ("what", "docbatch", f"naive ({THREADS} threads)", "target"))


if __name__ == "__main__":
    main()
