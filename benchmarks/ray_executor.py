"""Images per second of the embedded engine: the local process pool beside Ray actors.

    python benchmarks/ray_executor.py [--repeat 2] [--workers 1,2]

Runs the bundled sample (``sample_data/manifest.csv``, each image ``--repeat`` times as
copies with distinct bytes, so the response cache cannot help) through ``run_batch`` with
the local engine, once per worker count with ``--executor local`` (spawned processes) and
once with ``--executor ray`` (actors on a local Ray instance of this machine's CPUs,
started once before the timed runs and printed apart: on a cluster it is already up).
Each row is one whole run: manifest, OCR, journal, tables.  Needs ``pip install
'docbatch[ray]'``.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docbatch import RunConfig, run_batch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def copies(folder: Path, repeat: int) -> tuple[Path, int]:
    """The sample's images ``repeat`` times, each copy one byte different (no cache hits)."""
    with open(ROOT / "sample_data" / "manifest.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
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
    import ray

    started = time.monotonic()
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level=logging.ERROR)
    print(f"local Ray instance started in {time.monotonic() - started:.1f} s ({os.cpu_count()} CPUs); not in the rows")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            manifest, n = copies(Path(tmp), args.repeat)
            print(f"{'executor':>8} | {'workers':>7} | {'images':>6} | {'ok':>4} | {'wall_s':>7} | {'images/s':>8}")
            for workers in (int(w) for w in args.workers.split(",")):
                for executor in ("local", "ray"):
                    out = Path(tmp) / f"out-{executor}-{workers}"
                    began = time.monotonic()
                    summary = run_batch(RunConfig(manifest=str(manifest), out=str(out), engine="local",
                                                  executor=executor, concurrency=workers, use_cache=False))
                    wall = time.monotonic() - began
                    print(f"{executor:>8} | {workers:>7} | {n:>6} | {summary.ok:>4} | {wall:>7.1f} | {n / wall:>8.3f}")
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
