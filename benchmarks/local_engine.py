"""The embedded OCR engine on real scans: docbatch beside rapidocr called directly, one run.

    python benchmarks/local_engine.py                  # 40 largest SROIE scans, 2 processes (~3 min)
    python benchmarks/local_engine.py --images 10      # a quick look
    python benchmarks/local_engine.py --variant rec_batch=1 --variant orientation=false   # more docbatch rows

Every side reads the same images with the same number of worker processes (direct first,
then docbatch with its defaults or ``--option``, then each ``--variant``):

* docbatch: ``run_batch`` with the local engine (manifest, image checks, journal, ``raw/``,
  tables), no response cache;
* direct: what a user would write instead: ``RapidOCR()`` with its defaults built once per
  process of a ``ProcessPoolExecutor``, each image passed by path.

Printed per side: images/s (wall time from the start of the pool, model loading included,
to the last answer; docbatch's also includes writing its tables), the peak RSS of the largest
worker process (``VmHWM``, sampled from ``/proc`` while the workers live), and word recall
against the human transcription of ``box/``: the share of its whitespace words (case
ignored, multiset) that the OCR's words contain.  A faster engine must not read fewer words.
The load average before and after is printed: the machine may be shared, so both sides run
in the same invocation and their ratio is what to compare.  ``tesseract`` is listed when it
is installed (``pytesseract`` and the binary), as the other engine a user might pick.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures as cf
import csv
import json
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from docbatch import RunConfig, run_batch  # noqa: E402
from docbatch.runfolder import RunFolder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def default_data() -> Path:
    return Path(os.environ.get("DOCBATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


def largest_images(folder: Path, n: int) -> list[Path]:
    """The ``n`` images with the most pixels (ties by name): the scans that cost the most."""
    from PIL import Image

    def pixels(path: Path) -> int:
        with Image.open(path) as im:
            return im.width * im.height

    return sorted(sorted(folder.glob("*.jpg")), key=pixels, reverse=True)[:n]


def truth_words(box_csv: Path) -> list[str]:
    """The words of a SROIE ``box/`` file: text after the 8 coordinates, split on whitespace."""
    words: list[str] = []
    with open(box_csv, encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.reader(fh):
            words.extend(",".join(row[8:]).split())
    return words


def word_recall(truth: Iterable[str], read: Iterable[str]) -> tuple[int, int]:
    """(words of ``truth`` found in ``read``, words of ``truth``), case ignored, each read word used once."""
    want = collections.Counter(w.upper() for w in truth)
    got = collections.Counter(w.upper() for w in read)
    return sum((want & got).values()), sum(want.values())


class WorkerStats:
    """Peak RSS (``VmHWM``) and CPU time of this process's descendants, polled from ``/proc`` (Linux)."""

    def __init__(self, every: float = 0.2) -> None:
        self.peak_kb: dict[int, int] = {}
        self.cpu_s: dict[int, float] = {}
        self._every = every
        self._tick = os.sysconf("SC_CLK_TCK")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> "WorkerStats":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def worst_mb(self) -> float:
        return max(self.peak_kb.values(), default=0) / 1024

    def _poll(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            stats: dict[int, list[str]] = {}
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        stats[int(entry)] = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                    except (OSError, IndexError):
                        continue
            parents = {pid: int(fields[1]) for pid, fields in stats.items()}
            for pid, fields in stats.items():
                p, depth = pid, 0
                while p in parents and p != me and depth < 8:
                    p, depth = parents[p], depth + 1
                if p == me and pid != me:
                    self.cpu_s[pid] = (int(fields[11]) + int(fields[12])) / self._tick  # utime + stime
                    self._sample(pid)
            self._stop.wait(self._every)

    def _sample(self, pid: int) -> None:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kb[pid] = max(self.peak_kb.get(pid, 0), int(line.split()[1]))
        except OSError:
            pass


@dataclass
class Row:
    name: str
    images: int
    read: int
    wall: float
    cpu: float
    rss_mb: float
    recall: dict[str, tuple[int, int]]  # split -> (words found, words)

    def cells(self) -> list[str]:
        def pct(split: str) -> str:
            found, words = self.recall[split]
            return f"{100 * found / words:.1f}%" if words else "-"

        found, words = (sum(v[i] for v in self.recall.values()) for i in (0, 1))
        return [self.name, f"{self.read}/{self.images}", f"{self.wall:.1f}", f"{self.images / self.wall:.2f}",
                f"{self.cpu / self.images:.2f}", f"{self.rss_mb:.0f}",
                f"{100 * found / max(words, 1):.1f}% ({found}/{words})", f"{pct('tuned')} / {pct('held out')}"]


def split_of(image: Path) -> str:
    """Images 000-074 are those settings were tuned on, 075-149 held out (as evals.receipts splits)."""
    return "tuned" if int(image.stem) < 75 else "held out"


def measure(name: str, images: Sequence[Path], boxes: Path,
            read_all: Callable[[Sequence[Path]], dict[Path, list[str] | None]]) -> Row:
    with WorkerStats() as stats:
        started = time.monotonic()
        answers = read_all(images)
        wall = time.monotonic() - started
    recall = {"tuned": (0, 0), "held out": (0, 0)}
    for image in images:
        f, w = word_recall(truth_words(boxes / f"{image.stem}.csv"), answers.get(image) or [])
        old = recall[split_of(image)]
        recall[split_of(image)] = (old[0] + f, old[1] + w)
    read = sum(1 for image in images if answers.get(image) is not None)
    return Row(name, len(images), read, wall, sum(stats.cpu_s.values()), stats.worst_mb, recall)


def docbatch_side(workers: int, options: dict[str, Any], tmp: Path) -> Callable[[Sequence[Path]], dict]:
    def read_all(images: Sequence[Path]) -> dict[Path, list[str] | None]:
        out = tmp / f"docbatch-{len(os.listdir(tmp))}"
        out.mkdir()
        manifest = out / "manifest.csv"
        with open(manifest, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["source", "doc_type", "doc_id"])
            w.writerows([str(p), "receipt", p.name] for p in images)
        run_batch(RunConfig(manifest=str(manifest), out=str(out / "run"), engine="local", doc_type="receipt",
                            concurrency=workers, use_cache=False, engine_options=options))
        folder = RunFolder(out / "run")
        answers: dict[Path, list[str] | None] = {}
        for p in images:
            raw = folder.read_raw(p.name) if folder.has_raw(p.name) else None
            answers[p] = None if raw is None else [d["DetectedText"] for d in raw["TextDetections"]
                                                   if d["Type"] == "WORD"]
        return answers

    return read_all


_direct_ocr: Any = None


def _direct_init() -> None:
    global _direct_ocr
    from rapidocr import RapidOCR

    _direct_ocr = RapidOCR(params={"Global.log_level": "error"})


def _direct_read(path: str) -> list[str]:
    result = _direct_ocr(path)
    return [w for line in (result.txts or ()) for w in str(line).split()]


def _tesseract_read(path: str) -> list[str]:
    import pytesseract

    return pytesseract.image_to_string(path).split()


def pool_side(workers: int, read: Callable[[str], list[str]],
              init: Callable[[], None] | None = None) -> Callable[[Sequence[Path]], dict]:
    def read_all(images: Sequence[Path]) -> dict[Path, list[str] | None]:
        with cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=init) as pool:
            return dict(zip(images, pool.map(read, [str(p) for p in images])))

    return read_all


def has_tesseract() -> bool:
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return shutil.which("tesseract") is not None


def table(rows: Sequence[Row]) -> str:
    head = ["engine", "read", "wall s", "images/s", "CPU s/image", "peak RSS/worker MB", "word recall",
            "recall tuned / held out"]
    cells = [head] + [r.cells() for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = ["| " + " | ".join(c[i].ljust(widths[i]) for i in range(len(head))) + " |" for c in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def parse_options(text: str) -> dict[str, Any]:
    """``NAME=JSON[,NAME=JSON...]`` -> engine options (``rec_batch=1,orientation=false``)."""
    return {name.strip(): json.loads(value) for name, _, value in (o.partition("=") for o in text.split(",") if o)}


def label(options: dict[str, Any]) -> str:
    return "docbatch local" + (" " + ",".join(f"{k}={json.dumps(v)}" for k, v in options.items()) if options else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=default_data(), help="the shared data folder")
    ap.add_argument("--images", type=int, default=40, help="how many of the largest SROIE scans")
    ap.add_argument("--workers", type=int, default=2, help="worker processes on both sides")
    ap.add_argument("--option", action="append", default=[], metavar="NAME=JSON",
                    help="a local engine option for docbatch's side, e.g. det_max_side=1600 or orientation=true")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=JSON[,NAME=JSON]",
                    help="another docbatch row with these engine options (repeatable), in the same run")
    ap.add_argument("--skip-direct", action="store_true", help="only docbatch (while tuning)")
    args = ap.parse_args()
    sides = [parse_options(",".join(args.option))] + [parse_options(v) for v in args.variant]
    sroie = args.data / "sroie-train"
    if not (sroie / "img").is_dir():
        sys.exit(f"no SROIE images under {sroie} (see --data)")
    images = largest_images(sroie / "img", args.images)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        if not args.skip_direct:
            rows.append(measure("rapidocr direct", images, sroie / "box",
                                pool_side(args.workers, _direct_read, _direct_init)))
        rows += [measure(label(o), images, sroie / "box", docbatch_side(args.workers, o, Path(tmp))) for o in sides]
        if has_tesseract():
            rows.append(measure("tesseract", images, sroie / "box", pool_side(args.workers, _tesseract_read)))
    load_after = os.getloadavg()
    print(f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}; "
          f"{len(images)} largest SROIE scans ({images[-1].name}..), {args.workers} worker processes; "
          f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    print(table(rows))
    if not args.skip_direct:
        direct = rows[0]
        for row in rows[1:1 + len(sides)]:
            print(f"{row.name} / direct: {direct.wall / row.wall:.2f}x the images/s, "
                  f"{direct.cpu / max(row.cpu, 1e-9):.2f}x less CPU, {row.rss_mb / max(direct.rss_mb, 1):.2f}x the peak RSS")


if __name__ == "__main__":
    main()
