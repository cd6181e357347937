"""Long receipts through the 100-word cap: accuracy and calls per document, tiling off and on.

Amazon Rekognition's DetectText returns at most 100 WORDs; most SROIE receipts hold more.
This runs the real pipeline (:func:`docbatch.run_batch`: journal, tiling, tables) and
scores the ``receipts`` table against SROIE's labels:

* **perfect lines** (seconds): SROIE's transcribed lines (:func:`evals.receipts.box_response`)
  listed in reading order (rows top to bottom, left to right, as an OCR service lists
  them; the box files keep annotation order, late corrections last), answered by the
  replay engine three ways: uncapped, capped at 100 WORDs with ``--tiling off``, and
  capped with tiling.  ``--orders`` adds the cap keeping the most confident or a random
  100 WORDs (confidences made to differ), and the annotation order as listed.
  The same lines also go through ``--engine textract`` to the project's protocol server
  (boto3, DetectDocumentText's wire format, the Blocks conversion both ways): each receipt
  is a small placeholder image whose bytes the server answers from the saved lines
  (``<sha256>.json``); an image without a saved answer is refused, never OCR'd.
* **OCR** (``--ocr``, minutes): the local engine on the 150 SROIE images, uncapped, and
  behind the project's protocol server: Rekognition with its 100-word cap
  (``--engine rekognition``, tiling off and on; tiles are crops the server reads again),
  and Textract (``--engine textract``, no cap).  The server answers a whole image with the
  uncapped run's answer for the same bytes (the same deterministic OCR, so nothing is read
  twice) and runs the OCR on crops; docbatch's cache (``--work-dir``) keeps every answer,
  so a second run reads nothing.

Calls per document are the answers merged into each response (``tiles``), what a run with
a cold cache pays.  Every figure is printed for the part parsers were tuned on (box files
000-312; images 000-074), the held-out rest (313-625; 075-149), and all, side by side;
the tiling itself has no tuned parameters.

    python -m evals.capped [--orders] [--ocr] [--work-dir DIR] [--data DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

import pandas as pd

from docbatch.config import RunConfig
from docbatch.runfolder import RunFolder
from docbatch.answers import SOURCE_KEY
from docbatch.engines.rekognition import RekognitionEngine
from docbatch.runner import run_batch
from docbatch.testing.fake_rekognition import FakeRekognitionServer, ReplayOnly

from . import add_data_option, shared_data
from .receipts import FIELDS, box_response, field_matches, sroie_image_size

#: Box files before this stem are the tuned half of the perfect lines; the rest are held out.
HELD_OUT_FROM = "313"
#: The same for the 150 images (the parsers were tuned on the first half of them).
IMAGES_HELD_OUT_FROM = "075"
#: The cap the replayed answers are held to: Rekognition's, as its engine class states it.
WORD_CAP = RekognitionEngine.word_cap


def reading_order(response: Mapping[str, Any]) -> dict[str, Any]:
    """The response with its LINEs listed row by row (top to bottom, left to right in a row)
    and each line's WORDs after the lines in that order, as a reading-order OCR lists them."""
    dets = list(response["TextDetections"])
    lines = sorted((d for d in dets if d["Type"] == "LINE"), key=lambda d: d["Geometry"]["BoundingBox"]["Top"])
    rows: list[list[Any]] = []
    for d in lines:
        bb = d["Geometry"]["BoundingBox"]
        cy = bb["Top"] + bb["Height"] / 2
        if rows and rows[-1][0] <= cy <= rows[-1][1]:
            rows[-1][1] = max(rows[-1][1], bb["Top"] + bb["Height"])
            rows[-1][2].append(d)
        else:
            rows.append([bb["Top"], bb["Top"] + bb["Height"], [d]])
    ordered = [d for row in rows for d in sorted(row[2], key=lambda d: d["Geometry"]["BoundingBox"]["Left"])]
    rank = {d["Id"]: i for i, d in enumerate(ordered)}
    words = sorted((d for d in dets if d["Type"] == "WORD"), key=lambda w: (rank.get(w.get("ParentId"), 0), w["Id"]))
    return {**response, "TextDetections": ordered + words}


def varied_confidence(response: Mapping[str, Any]) -> dict[str, Any]:
    """Perfect lines all say 99.0; a confidence-ordered cap needs them to differ (60..99, seeded)."""
    dets = []
    for d in response["TextDetections"]:
        digest = hashlib.sha256(f"{d['Id']}:{d['DetectedText']}".encode()).digest()
        dets.append({**d, "Confidence": 60.0 + digest[0] % 40})
    return {**response, "TextDetections": dets}


@dataclass(frozen=True)
class Setup:
    """One way of reading the documents."""

    label: str
    engine: str
    tiling: str = "auto"
    options: Mapping[str, Any] | None = None
    replay: str = "reading"  # which prepared responses the replay engine reads


def _write_replay(folder: Path, responses: Mapping[str, Mapping[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, response in responses.items():
        (folder / f"{stem}.json").write_text(json.dumps(response), encoding="utf-8")


def _answers_by_bytes(folder: Path, answers: Iterator[tuple[bytes, Mapping[str, Any]]]) -> Path:
    """Answers the protocol server gives for these image bytes (``<sha256>.json``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for data, response in answers:
        (folder / f"{hashlib.sha256(data).hexdigest()}.json").write_text(json.dumps(response), encoding="utf-8")
    return folder


def placeholder_png(stem: str) -> bytes:
    """A small grey PNG of its own for each receipt: bytes the server can tell apart."""
    from PIL import Image

    digest = hashlib.sha256(stem.encode()).digest()
    image = Image.new("L", (64, 64), 255)
    image.putdata(list(digest) * (64 * 64 // len(digest)))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def loopback_aws() -> None:
    """Dummy credentials and no config files: the loopback server only, nothing may reach AWS."""
    for key, value in {"AWS_ACCESS_KEY_ID": "evals", "AWS_SECRET_ACCESS_KEY": "evals",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                       "AWS_CONFIG_FILE": os.devnull}.items():
        os.environ[key] = value


def _server_run(setup: Setup, manifest: Path, out: Path, server: FakeRekognitionServer,
                **extra: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _run(setup, manifest, out, endpoint_url=server.endpoint_url, region="us-east-1", tps=200.0,
                concurrency=4, **extra)


def _manifest(path: Path, rows: Iterator[tuple[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "doc_type", "doc_id"])
        for doc_id, source in rows:
            w.writerow([source, "receipt", doc_id])
    return path


def _run(setup: Setup, manifest: Path, out: Path, **extra: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A fresh run of the manifest; its documents and receipts tables by doc_id."""
    if out.exists():
        shutil.rmtree(out)
    config = RunConfig(manifest=str(manifest), out=str(out), engine=setup.engine, doc_type="receipt",
                       tiling=setup.tiling, engine_options=dict(setup.options or {}), **extra)
    summary = run_batch(config)
    print(f"  {setup.label}: {summary.message}", file=sys.stderr)
    docs = pd.read_parquet(out / "documents").set_index("doc_id")
    receipts = pd.read_parquet(out / "receipts").set_index("doc_id")
    return docs, receipts


@dataclass
class Score:
    docs: int = 0
    calls: int = 0
    cap_hit: int = 0
    review: int = 0

    def __post_init__(self) -> None:
        self.right = {k: 0 for k in FIELDS}
        self.scored = {k: 0 for k in FIELDS}


def score(truth: Mapping[str, Mapping[str, str]], docs: pd.DataFrame, receipts: pd.DataFrame,
          stems: list[str]) -> Score:
    """One setup's figures over ``stems``: documents, calls (tiles), cap hits, rows needing review
    and, per SROIE label, how many were scored and right."""
    s = Score()
    for stem in stems:
        if stem not in truth or stem not in docs.index:
            continue
        doc = docs.loc[stem]
        s.docs += 1
        s.calls += int(doc["tiles"]) if pd.notna(doc["tiles"]) else 0
        s.cap_hit += bool(doc["word_cap_hit"]) if pd.notna(doc["word_cap_hit"]) else 0
        row = receipts.loc[stem] if stem in receipts.index else None
        s.review += bool(row is not None and row["needs_review"])
        for key, name in FIELDS.items():
            if not str(truth[stem].get(key) or "").strip():
                continue
            s.scored[key] += 1
            value = None if row is None else row[name]
            s.right[key] += field_matches(key, truth[stem][key], None if _missing(value) else value)
    return s


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}" if d else "    -"


def table(title: str, results: list[tuple[str, list[Score]]], parts: list[str]) -> str:
    """Rows: setups; columns: each metric for every part (tuned | held out | all)."""
    metrics = [("total", "total"), ("date", "date"), ("vendor", "company"), ("address", "address")]
    cell = 3 * 6 + 2
    head = f"{'':<38}" + "".join(f"{m:^{cell}}" for m, _ in [*metrics, ("calls/doc", ""), ("cap hit %", "")])
    sub = f"{'':<38}" + f"{'|'.join(f'{p:>5}' for p in parts):^{cell}}" * (len(metrics) + 2)
    lines = [title, head.rstrip(), sub.rstrip()]
    for label, scores in results:
        cells = []
        for _, key in metrics:
            cells.append("|".join(_pct(s.right[key], s.scored[key]) for s in scores))
        cells.append("|".join(f"{s.calls / s.docs:5.2f}" if s.docs else "    -" for s in scores))
        cells.append("|".join(_pct(s.cap_hit, s.docs) for s in scores))
        lines.append((f"{label:<38}" + "".join(f"{c:^{cell}}" for c in cells)).rstrip())
    return "\n".join(lines)


def _splits(stems: list[str], held_from: str = HELD_OUT_FROM) -> list[list[str]]:
    tuned = [s for s in stems if s < held_from]
    held = [s for s in stems if s >= held_from]
    return [tuned, held, stems]


def perfect_lines(sroie: Path, work: Path, truth: Mapping[str, Mapping[str, str]], *, orders: bool) -> str:
    """The table over SROIE's transcribed lines (no OCR error), uncapped, capped with tiling off
    and on (and, with ``orders``, which 100 words the cap keeps), and through the Textract protocol."""
    stems = sorted(p.stem for p in (sroie / "box").glob("*.csv"))
    raw = {s: box_response(sroie / "box" / f"{s}.csv", image_size=sroie_image_size(sroie, s)) for s in stems}
    prepared = {"reading": {s: reading_order(r) for s, r in raw.items()}, "annotation": raw}
    if orders:
        prepared["varied"] = {s: varied_confidence(r) for s, r in prepared["reading"].items()}
    for name, responses in prepared.items():
        _write_replay(work / f"replay-{name}", responses)
    manifest = _manifest(work / "manifest.csv", ((s, f"sroie/{s}.jpg") for s in stems))
    cap = {"word_cap": WORD_CAP}
    setups = [Setup("uncapped (replay)", "replay"),
              Setup("capped at 100, tiling off", "replay", "off", cap),
              Setup("capped at 100, tiling on", "replay", "auto", cap)]
    if orders:
        setups += [Setup("  cap keeps most confident, tiled", "replay", "auto",
                         {**cap, "word_cap_order": "confidence"}, replay="varied"),
                   Setup("  cap keeps random 100, tiled", "replay", "auto", {**cap, "word_cap_order": "random"}),
                   Setup("  annotation order, uncapped", "replay", replay="annotation"),
                   Setup("  annotation order, tiled", "replay", "auto", cap, replay="annotation")]
    results = []
    for i, setup in enumerate(setups):
        docs, receipts = _run(setup, manifest, work / f"run-{i}", replay_dir=str(work / f"replay-{setup.replay}"),
                              use_cache=False)
        results.append((setup.label, [score(truth, docs, receipts, part) for part in _splits(stems)]))
    docs, receipts = _textract_lines(work, stems, prepared["reading"])
    results.append(("Textract, local protocol server", [score(truth, docs, receipts, part)
                                                        for part in _splits(stems)]))
    return table(f"SROIE perfect lines, {len(stems)} receipts, replay engine; Textract: the protocol server "
                 "(tuned: 000-312, held out: 313-625)",
                 results,
                 ["tuned", "held", "all"])


def _textract_lines(work: Path, stems: list[str],
                    responses: Mapping[str, Mapping[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The perfect lines through ``--engine textract`` and the protocol server (see the module doc)."""
    images = work / "placeholders"
    images.mkdir(parents=True, exist_ok=True)
    for stem in stems:
        (images / f"{stem}.png").write_bytes(placeholder_png(stem))
    replay = _answers_by_bytes(work / "replay-textract", ((placeholder_png(s), responses[s]) for s in stems))
    manifest = _manifest(work / "textract-manifest.csv", ((s, str(images / f"{s}.png")) for s in stems))
    loopback_aws()
    with FakeRekognitionServer(replay_dir=replay, engine=ReplayOnly()) as server:
        return _server_run(Setup("Textract, local protocol server", "textract"), manifest, work / "run-textract",
                           server, use_cache=False)


def _saved_answers(run: Path, images: list[Path]) -> Iterator[tuple[bytes, Mapping[str, Any]]]:
    """Each image's bytes with the answer a run saved for it (what docbatch itself added dropped)."""
    folder = RunFolder(run)
    for image in images:
        if folder.has_raw(image.stem):
            answer = dict(folder.read_raw(image.stem))
            answer.pop(SOURCE_KEY, None)
            yield image.read_bytes(), answer


def ocr(sroie: Path, work: Path, truth: Mapping[str, Mapping[str, str]], jobs: int | None) -> str:
    """The table over SROIE's images read by the local OCR: uncapped, then the same OCR behind the
    capped Rekognition-protocol server (tiling off and on) and behind the Textract protocol."""
    images = sorted((sroie / "img").glob("*.jpg"))
    stems = [p.stem for p in images]
    manifest = _manifest(work / "ocr-manifest.csv", ((p.stem, str(p.resolve())) for p in images))
    results = []
    reference = Setup("local OCR, uncapped", "local")
    docs, receipts = _run(reference, manifest, work / "ocr-local", cache_dir=str(work / "cache"), concurrency=jobs)
    results.append((reference.label, [score(truth, docs, receipts, part)
                                      for part in _splits(stems, IMAGES_HELD_OUT_FROM)]))
    loopback_aws()
    # The local OCR behind both protocols: whole images answered as the uncapped run read
    # them (same bytes, same OCR), crops read by the OCR.
    whole = _answers_by_bytes(work / "replay-ocr", _saved_answers(work / "ocr-local", images))
    with FakeRekognitionServer(replay_dir=whole) as server:
        for setup in (Setup("local OCR behind capped server, off", "rekognition", "off"),
                      Setup("local OCR behind capped server, on", "rekognition", "auto"),
                      Setup("local OCR behind Textract server", "textract")):
            # One cache for all: the tiled run pays only its tiles (calls/doc counts them all).
            docs, receipts = _server_run(setup, manifest, work / f"ocr-{setup.engine}-{setup.tiling}", server,
                                         cache_dir=str(work / "cache"))
            results.append((setup.label, [score(truth, docs, receipts, part)
                                          for part in _splits(stems, IMAGES_HELD_OUT_FROM)]))
    return table(f"SROIE images, {len(stems)} receipts, real OCR (tuned: 000-074, held out: 075-149)", results,
                 ["tuned", "held", "all"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.capped", description=__doc__.split("\n")[0])
    add_data_option(ap)
    ap.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "docbatch-eval-capped",
                    help="where the runs go (replay runs are redone each time; OCR answers are cached)")
    ap.add_argument("--orders", action="store_true",
                    help="also caps keeping the most confident or random words, and the annotation order")
    ap.add_argument("--ocr", action="store_true", help="also the local OCR on the 150 images (minutes)")
    ap.add_argument("--jobs", type=int, help="OCR worker processes for the uncapped local run")
    args = ap.parse_args(argv)
    sroie = shared_data(args.data) / "sroie-train"
    if not sroie.exists():
        print(f"SROIE data not found at {sroie} (give --data DIR or set DOCBATCH_SHARED_DATA)", file=sys.stderr)
        return 2
    logging.getLogger("docbatch").setLevel(logging.WARNING)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    truth = {p.stem: json.loads(p.read_text(encoding="utf-8", errors="replace"))
             for p in (sroie / "key").glob("*.json")}
    print(perfect_lines(sroie, args.work_dir, truth, orders=args.orders))
    if args.ocr:
        print()
        print(ocr(sroie, args.work_dir, truth, args.jobs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
