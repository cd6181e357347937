"""The whole quota and not one request more: docbatch against a DetectText TPS quota, beside
the pool a user would write instead.

    python benchmarks/quota.py                # 3,000 documents a row (about 8 minutes)
    python benchmarks/quota.py --docs 600     # a quick run
    python benchmarks/quota.py --overhead     # plus overhead and peak RSS (benchmarks/overhead.py): the issue's table

Every row runs against a fresh local Rekognition-protocol server on 127.0.0.1
(:mod:`docbatch.testing.fake_rekognition`) that enforces a TPS quota (a token bucket
``--quota`` a second and as deep, as AWS allows a burst) and answers after ``--latency``;
its far-side OCR is a fixed tiny answer, so only the request path is measured.

* docbatch: ``run_batch`` with the Rekognition engine (pacer, retry layer, journal, tables);
* naive: 32 threads calling boto3 ``detect_text`` on the same files, botocore's
  ``adaptive`` retry mode (its own client-side rate limiter), 10 attempts.

Rows: ``--tps Q`` against quota Q; ``--tps auto`` where Service Quotas
(:mod:`docbatch.testing.fake_service_quotas`) says 2Q but only Q is there (the quota is
shared with another job): the share of Q and the throttled share from second
``--settle`` on, and the admitted calls per second as a sparkline; then calls in flight
at 30 ms and 1 s latency (a third of ``--docs``), sized from latency x rate in docbatch,
fixed at 32 threads in the naive pool.  Share of Q = calls the server admitted per second
between its first and last request, over Q; throttled = throttling answers over all
requests the server received.  Prints one table.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from docbatch import RunConfig, run_batch  # noqa: E402
from docbatch.response import make_detection  # noqa: E402
from docbatch.testing.fake_rekognition import THROTTLE_CODES, FakeRekognitionServer  # noqa: E402
from docbatch.testing.fake_service_quotas import FakeServiceQuotas  # noqa: E402

NAIVE_THREADS = 32
SPARK = "▁▂▃▄▅▆▇█"


class TinyReceipt:
    """The far side's OCR: one fixed line, so the server costs next to nothing."""

    def detect_text(self, image: Any, document: Any) -> dict[str, Any]:
        poly = [(0.1, 0.1), (0.5, 0.1), (0.5, 0.15), (0.1, 0.15)]
        return {"TextDetections": [make_detection(id=0, type="LINE", text="TOTAL 1.00", confidence=99,
                                                  polygon=poly)]}


def make_images(folder: Path, n: int) -> tuple[Path, list[Path]]:
    """``n`` distinct PNGs the service accepts as they are (at least 80 px a side) and a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        img = Image.new("L", (160, 96), 255)
        ImageDraw.Draw(img).text((8, 40), f"RECEIPT {i:06d}", fill=0)
        path = folder / f"{i}.png"
        img.save(path, format="PNG")
        paths.append(path)
    manifest = folder / "manifest.csv"
    manifest.write_text("source,doc_type\n" + "".join(f"{p.name},receipt\n" for p in paths))
    return manifest, paths


@dataclass
class Outcome:
    requests: int
    throttled: int
    share: float  # admitted per second between first and last request, over Q
    seconds: list[tuple[int, int, int]]  # the server's per-second log
    failed: int
    in_flight: int | None = None
    wall_s: float = 0.0

    def settled(self, quota: float, settle: int) -> tuple[float, float]:
        """(share of Q, throttled share) over the full seconds from ``settle`` on."""
        rows = [r for r in self.seconds if r[1] or r[2]][:-1]  # the last second is partial
        rows = [r for r in rows if r[0] - rows[0][0] >= settle] if rows else []
        admitted, throttled = sum(r[1] for r in rows), sum(r[2] for r in rows)
        return (admitted / (len(rows) * quota) if rows else float("nan"),
                throttled / (admitted + throttled) if admitted + throttled else float("nan"))


def _outcome(server: FakeRekognitionServer, failed: int, wall: float, in_flight: int | None) -> Outcome:
    log = server.request_log
    ok = sorted(r.time for r in log if r.outcome not in THROTTLE_CODES)
    span = log[-1].time - log[0].time if len(log) > 1 else 0.0
    quota = server.tps if server.tps is not None else float("nan")
    return Outcome(requests=len(log), throttled=sum(r.outcome in THROTTLE_CODES for r in log),
                   share=(len(ok) - 1) / span / quota if span > 0 else float("nan"),
                   seconds=server.per_second(), failed=failed, in_flight=in_flight, wall_s=wall)


def run_docbatch(manifest: Path, out: Path, *, quota: float, latency: float, tps: float | str) -> Outcome:
    """docbatch's run against a fake server admitting ``quota`` calls a second: requests, how many were
    throttled, the share of the quota the admitted calls used, failures, peak calls in flight and wall
    time (``tps``: the pace docbatch is given, a number or ``auto``)."""
    with FakeRekognitionServer(engine=TinyReceipt(), tps=quota, latency=latency) as server:
        started = time.monotonic()
        summary = run_batch(RunConfig(
            manifest=str(manifest), out=str(out), engine="rekognition", region="us-east-1",
            endpoint_url=server.endpoint_url, tps=tps, use_cache=False, formats=("parquet",),
            # 64 connections: the Rekognition engine's pool (default 32) caps calls in flight,
            # and 1 s x 50 TPS needs about 60
            engine_options={"max_pool": 64}))
        wall = time.monotonic() - started
        return _outcome(server, summary.failed, wall, summary.calls.get("in_flight", {}).get("peak"))


def naive_pool(client: Any, paths: list[Path], threads: int) -> int:
    """What a user would write: ``threads`` threads calling ``detect_text`` on each file; the failures."""
    def one(path: Path) -> bool:
        try:
            client.detect_text(Image={"Bytes": path.read_bytes()})
            return True
        except Exception:  # noqa: BLE001 - what the naive loop would log and skip
            return False

    with cf.ThreadPoolExecutor(threads) as pool:
        return sum(not ok for ok in pool.map(one, paths))


def run_naive(paths: list[Path], *, quota: float, latency: float) -> Outcome:
    """The same images through :func:`naive_pool` with boto3's own adaptive retries, against the
    same quota: the baseline docbatch's pacing is measured against."""
    import boto3
    from botocore.config import Config

    with FakeRekognitionServer(engine=TinyReceipt(), tps=quota, latency=latency) as server:
        client = boto3.client("rekognition", region_name="us-east-1", endpoint_url=server.endpoint_url,
                              config=Config(retries={"mode": "adaptive", "max_attempts": 10},
                                            max_pool_connections=NAIVE_THREADS))

        started = time.monotonic()
        failed = naive_pool(client, paths, NAIVE_THREADS)
        wall = time.monotonic() - started
        return _outcome(server, failed, wall, NAIVE_THREADS)


def sparkline(seconds: list[tuple[int, int, int]], top: float) -> str:
    """Calls admitted per second as one line of block characters (seconds with no call left out),
    scaled to ``top``: the pace is seen at a glance beside the figures."""
    rows = [r for r in seconds if r[1] or r[2]]
    return "".join(SPARK[min(len(SPARK) - 1, int(r[1] / top * (len(SPARK) - 1) + 0.5))] for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3000, help="documents a row (a third at 30 ms and 1 s)")
    parser.add_argument("--quota", type=float, default=50.0, help="the server's DetectText quota Q, calls/s")
    parser.add_argument("--latency", type=float, default=0.12, help="server latency per request, seconds")
    parser.add_argument("--settle", type=int, default=5, help="seconds --tps auto is given to converge")
    parser.add_argument("--overhead", action="store_true", help="append benchmarks/overhead.py's rows (pipeline "
                        "overhead at --overhead-docs, peak RSS at --rows): the issue's whole table in one run")
    parser.add_argument("--overhead-docs", type=int, default=3000, help="tiny PNGs for the overhead rows")
    parser.add_argument("--rows", default="200000,1000000", help="manifest sizes for peak RSS ('' to skip)")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    q = args.quota
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        manifest, paths = make_images(work / "images", args.docs)
        small = max(50, args.docs // 3)
        small_manifest, small_paths = make_images(work / "small", small)
        matched = run_docbatch(manifest, work / "matched", quota=q, latency=args.latency, tps=q)
        naive = run_naive(paths, quota=q, latency=args.latency)
        with FakeServiceQuotas(applied={"DetectText": 2 * q}) as quotas:
            os.environ["AWS_ENDPOINT_URL_SERVICE_QUOTAS"] = quotas.endpoint_url
            auto = run_docbatch(manifest, work / "auto", quota=q, latency=args.latency, tps="auto")
            del os.environ["AWS_ENDPOINT_URL_SERVICE_QUOTAS"]
        by_latency = {lat: (run_docbatch(small_manifest, work / f"lat{lat}", quota=q, latency=lat, tps=q),
                            run_naive(small_paths, quota=q, latency=lat)) for lat in (0.03, 1.0)}
        extra: list[tuple[str, ...]] = []
        if args.overhead:
            from benchmarks import overhead

            extra, _ = overhead.run(argparse.Namespace(docs=args.overhead_docs, rounds=2, rows=args.rows), work)

    auto_share, auto_thr = auto.settled(q, args.settle)
    settled = (f"{auto_share:.3f}", f"{auto_thr:.2%} ({_pct(auto)})") if auto_share == auto_share else (
        f"too short: --docs >= {int(q * (args.settle + 3))}", f"- ({_pct(auto)})")
    rows = [
        (f"Q = {q:g} TPS, {args.latency * 1000:g} ms, {args.docs:,} docs, --tps {q:g}: share of Q",
         f"{matched.share:.3f}", f"{naive.share:.3f}", ">= 0.97"),
        ("  calls throttled", _pct(matched), _pct(naive), "<= 0.5%"),
        ("  wall time (docbatch: the whole run, tables included)", f"{matched.wall_s:.0f} s", f"{naive.wall_s:.0f} s",
         ""),
        (f"--tps auto, Service Quotas says {2 * q:g}, server allows {q:g}: share of Q from second {args.settle}",
         settled[0], "-", ">= 0.9"),
        (f"  calls throttled from second {args.settle} (whole run)", settled[1], "-", "<= 3%"),
        (f"  admitted per second (▁ 0 .. █ {1.2 * q:g})", sparkline(auto.seconds, 1.2 * q), "-", ""),
    ]
    for lat, (db, nv) in by_latency.items():
        rows.append((f"{lat * 1000:g} ms latency, {small:,} docs: share of Q / throttled / calls in flight",
                     f"{db.share:.3f} / {_pct(db)} / {db.in_flight}", f"{nv.share:.3f} / {_pct(nv)} / {nv.in_flight}",
                     ""))
    rows += [(r[0], r[1], r[2] + " (plain boto3)" if r[2] != "-" else r[2], r[3]) for r in extra]
    failed = sum(o.failed for o in (matched, naive, auto, *(x for pair in by_latency.values() for x in pair)))
    print(f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}; "
          f"documents that failed in any row: {failed}")
    header = ("what", "docbatch", f"naive ({NAIVE_THREADS} threads, adaptive)", "target")
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(4)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")


def _pct(o: Outcome) -> str:
    return f"{o.throttled / o.requests:.2%}" if o.requests else "-"


if __name__ == "__main__":
    main()
