"""Throughput of the embedded OCR engine through the whole pipeline.

    python benchmarks/local_engine.py [--repeat 2] [--workers 1,2]

Runs the bundled sample (receipts and IDs, ``sample_data/manifest.csv``) through
``run_batch`` with the local engine, each image ``--repeat`` times (copies with distinct
bytes, so the response cache cannot help), once per worker-process count, and prints
documents per second and seconds per document.  Use it to size a nightly job that runs
without AWS.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from docbatch import RunConfig, run_batch

ROOT = Path(__file__).resolve().parents[1]


def copies(folder: Path, repeat: int) -> tuple[Path, int]:
    """The sample's images ``repeat`` times, each copy one byte different (no cache hits)."""
    rows = list(csv.DictReader(open(ROOT / "sample_data" / "manifest.csv", newline="")))
    manifest = folder / "manifest.csv"
    n = 0
    with open(manifest, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "doc_type"])
        for k in range(repeat):
            for row in rows:
                src = ROOT / "sample_data" / row["source"]
                dst = folder / f"{k}-{src.name}"
                dst.write_bytes(src.read_bytes() + bytes([k]))  # trailing byte: same image, new hash
                w.writerow([str(dst), row["doc_type"]])
                n += 1
    return manifest, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        manifest, n = copies(Path(tmp), args.repeat)
        print(f"{'workers':>8} | {'docs':>5} | {'ok':>4} | {'wall_s':>7} | {'docs/s':>7} | {'s/doc':>6}")
        for workers in (int(w) for w in args.workers.split(",")):
            started = time.monotonic()
            summary = run_batch(RunConfig(manifest=str(manifest), out=str(Path(tmp) / f"out-{workers}"),
                                          engine="local", concurrency=workers, use_cache=False))
            wall = time.monotonic() - started
            print(f"{workers:>8} | {n:>5} | {summary.ok:>4} | {wall:>7.1f} | {n / wall:>7.2f} | {wall / n:>6.2f}")


if __name__ == "__main__":
    main()
