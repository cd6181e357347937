"""Responses for evaluations, produced by the real pipeline.

An evaluation of "the pipeline with the local engine" must go through what users run:
manifest, image preparation, engine, journal and ``raw/``.  :func:`pipeline_responses`
writes a manifest of the images, runs :func:`docbatch.run_batch` into ``work_dir`` (a
re-run resumes, so scoring again is free), and returns a loader of the saved responses.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from docbatch import answerpack
from docbatch.cache import loads_gz, write_atomic
from docbatch.config import RunConfig
from docbatch.progress import ProgressReporter
from docbatch.runfolder import RunFolder, raw_name
from docbatch.runner import run_batch


def pipeline_responses(
    images: Iterable[Path], work_dir: Path, *, doc_type: str, engine: str = "local",
    concurrency: int | None = None, engine_options: Mapping[str, Any] | None = None,
) -> Callable[[Path], Mapping[str, Any] | None]:
    """Run ``images`` through the pipeline; return ``image path -> response`` (None if failed).

    Each set of ``engine_options`` gets its own run folder in ``work_dir`` (a run resumed with
    other options would keep the first answers) and shares the response cache, whose keys hold
    every option that changes what is read.
    """
    images = list(images)
    options = dict(engine_options or {})
    work_dir.mkdir(parents=True, exist_ok=True)
    manifest = work_dir / "manifest.csv"
    rows = io.StringIO(newline="")
    w = csv.writer(rows)
    w.writerow(["source", "doc_type", "doc_id"])
    for image in images:
        w.writerow([str(image.resolve()), doc_type, image.name])
    # Renamed into place: evaluations of other options may be starting in the same work_dir.
    write_atomic(manifest, rows.getvalue().encode("utf-8"))
    if not logging.getLogger().handlers:  # progress lines for a run of minutes (OCR of ~3 s/image)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    out = work_dir / run_folder_name(options)
    summary = run_batch(RunConfig(manifest=str(manifest), out=str(out), engine=engine,
                                  doc_type=doc_type, concurrency=concurrency,
                                  cache_dir=str(work_dir / "cache"), engine_options=options),
                        subscribers=[ProgressReporter(interval=15.0)])
    print(f"pipeline: {summary.message}", file=sys.stderr)
    folder = RunFolder(out)

    def load(image: Path) -> Mapping[str, Any] | None:
        return folder.read_raw(image.name) if folder.has_raw(image.name) else None

    return load


def run_folder_name(engine_options: Mapping[str, Any]) -> str:
    """``run`` for the engine's defaults, else ``run-`` and the options (``run-orientation=false,rec_batch=1``)."""
    if not engine_options:
        return "run"
    return "run-" + ",".join(f"{k}={json.dumps(v)}" for k, v in sorted(engine_options.items()))


def saved_responses(folder: Path) -> Callable[[Path], Mapping[str, Any] | None]:
    """Responses saved as ``<image name>.json``, ``<stem>.json`` or in a run's ``raw/`` (its
    answer packs, or ``<id>.json.gz`` files of older runs)."""
    packed = answerpack.index(answerpack.packs(folder))

    def load(image: Path) -> Mapping[str, Any] | None:
        for doc_id in (image.name, image.stem):
            if doc_id in packed:
                return json.loads(answerpack.read(folder, packed[doc_id], doc_id))
        for name in (f"{image.name}.json", f"{image.stem}.json"):
            if (folder / name).exists():
                return json.loads((folder / name).read_text(encoding="utf-8"))
        for name in (raw_name(image.name), raw_name(image.stem)):
            if (folder / name).exists():
                return loads_gz((folder / name).read_bytes())
        return None

    return load


def add_generated_arguments(ap: argparse.ArgumentParser, *, count: int, seed: int, work_dir: str,
                            documents: str) -> None:
    """The options of an evaluation on generated ``documents``: how many, which seed, where
    they and their pipeline run go, the run date, saved responses instead of a run, and
    whether the held-out half's misses are listed."""
    ap.add_argument("--count", type=int, default=count)
    ap.add_argument("--seed", type=int, default=seed)
    ap.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / work_dir)
    ap.add_argument("--run-date", type=dt.date.fromisoformat, default=dt.date(2026, 6, 1))
    ap.add_argument("--responses", type=Path, help="score saved responses (a run's raw/) instead of running the pipeline")
    ap.add_argument("--show-held-out", action="store_true", help=f"also list the held-out {documents}' misses")


def generated_responses(images: Iterable[Path], args: argparse.Namespace, run_dir: Path, *,
                        doc_type: str) -> Callable[[Path], Mapping[str, Any] | None]:
    """``--responses`` when given, else the pipeline's answers for ``images`` in ``run_dir``."""
    if args.responses:
        return saved_responses(args.responses)
    return pipeline_responses(images, run_dir, doc_type=doc_type)
