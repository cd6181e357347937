"""How close docbatch runs to a DetectText quota without going over it.

    python benchmarks/quota.py [--docs 300] [--quota 20]

Runs the real pipeline (Rekognition engine, token bucket, retry layer) against the
project's Rekognition-protocol server on 127.0.0.1, which enforces a TPS quota and adds
latency; its far-side OCR is a fixed tiny response so only the request path is measured.
Prints, per scenario, the achieved request rate against the quota, the throttled
requests the server refused, and the wall time.  Scenarios:

* matched    client --tps equal to the quota (the normal nightly setting)
* over       client --tps twice the quota (another job shares the account): AIMD backs off
* under      client --tps half the quota (a deliberately gentle run)
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from docbatch import RunConfig, run_batch
from docbatch.response import make_detection
from docbatch.testing.fake_rekognition import FakeRekognitionServer


class TinyReceipt:
    def detect_text(self, image: Any, document: Any) -> dict[str, Any]:
        poly = [(0.1, 0.1), (0.5, 0.1), (0.5, 0.15), (0.1, 0.15)]
        return {"TextDetections": [make_detection(id=0, type="LINE", text="TOTAL 1.00", confidence=99,
                                                  polygon=poly)]}


def make_images(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.csv"
    with open(manifest, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "doc_type"])
        for i in range(n):
            img = Image.new("L", (96, 48), 255)
            ImageDraw.Draw(img).text((4, 16), f"{i:06d}", fill=0)
            buf = io.BytesIO()
            img.save(buf, format="PNG")
            (folder / f"{i}.png").write_bytes(buf.getvalue())
            w.writerow([f"{i}.png", "receipt"])
    return manifest


def scenario(name: str, manifest: Path, work: Path, *, quota: float, client_tps: float,
             latency: float) -> dict[str, Any]:
    with FakeRekognitionServer(engine=TinyReceipt(), tps=quota, burst=max(1, int(quota)),
                               latency=latency) as server:
        started = time.monotonic()
        summary = run_batch(RunConfig(
            manifest=str(manifest), out=str(work / name), engine="rekognition", region="us-east-1",
            endpoint_url=server.endpoint_url, tps=client_tps, concurrency=int(max(4, client_tps)),
            use_cache=False, formats=("parquet",), max_attempts=20, backoff_base=0.2, backoff_max=5))
        wall = time.monotonic() - started
        log = server.request_log
    ok_times = sorted(r.time for r in log if r.outcome == "ok")
    span = (ok_times[-1] - ok_times[0]) if len(ok_times) > 1 else float("nan")
    return {
        "scenario": name,
        "quota_tps": quota,
        "client_tps": client_tps,
        "docs_ok": summary.ok,
        "failed": summary.failed,
        "requests": len(log),
        "throttled": sum(1 for r in log if r.outcome in ("ThrottlingException",
                                                          "ProvisionedThroughputExceededException")),
        "achieved_tps": (len(ok_times) - 1) / span if span == span and span > 0 else float("nan"),
        "quota_use": ((len(ok_times) - 1) / span / quota) if span == span and span > 0 else float("nan"),
        "wall_s": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--quota", type=float, default=20.0)
    parser.add_argument("--latency", type=float, default=0.05, help="server latency per request, seconds")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        manifest = make_images(work / "images", args.docs)
        rows = [scenario(name, manifest, work, quota=args.quota, client_tps=args.quota * k, latency=args.latency)
                for name, k in (("matched", 1.0), ("over", 2.0), ("under", 0.5))]
    cols = ["scenario", "quota_tps", "client_tps", "docs_ok", "failed", "requests", "throttled", "achieved_tps",
            "quota_use", "wall_s"]
    print(" | ".join(f"{c:>12}" for c in cols))
    for r in rows:
        print(" | ".join(f"{r[c]:>12.2f}" if isinstance(r[c], float) else f"{r[c]:>12}" for c in cols))


if __name__ == "__main__":
    main()
