"""Receipt parsing measured on SROIE (ICDAR 2019 task 3) ground truth.

Three sources of DetectText-shaped responses, one scoring:

* ``--box`` (default): SROIE's human-transcribed lines (``box/NNN.csv``) turned into LINE and
  WORD detections, so parsing is measured apart from OCR;
* ``--responses DIR``: saved responses named ``<stem>.json`` (any engine) or a run's ``raw/``
  (``<image name>.json.gz``);
* ``--ocr-local``: the whole pipeline (``run_batch``, local engine) on ``img/``, in ``--work-dir``.

Per field (company→vendor_name, date→receipt_date, address→vendor_address, total→total)
it prints, with the documents tuned on and those held out of tuning side by side (box files
000-312 / 313-625, images 000-074 / 075-149; ``--split``, ``--image-split``), the share
matching exactly after normalisation and the gap between the two parts; then the flags:
wrong values flagged / all wrong values, and right values flagged / all right values (false
alarms).  A value is flagged when a review reason names its field, or its confidence is at
or below the parser's review level (``LOW_CONFIDENCE``).  On images, a vendor or address
spelling a word as the receipt's own box lines do where its key spells it otherwise counts as
right, and each such word is printed (:mod:`evals.sroie_labels`; ``--raw-labels``: keys as typed).

    python -m evals.receipts                 # perfect lines
    python -m evals.receipts --ocr-local [--work-dir /tmp/sroie-eval]
    python -m evals.receipts --ocr-local --work-dir /tmp/sroie-eval --engine-option rec_batch=1
    python -m evals.receipts --responses runs/x/raw
    python -m evals.receipts --data /mnt/shared/data   # or DOCBATCH_SHARED_DATA=...

SROIE is read from ``<data>/sroie-train`` (see :func:`evals.shared_data`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from docbatch import answerpack
from docbatch.parse.dates import find_dates
from docbatch.parse.receipt.parser import REVIEW_BELOW, ParsedReceipt, ReceiptHints, parse_receipt
from docbatch.response import make_detection

from . import add_data_option, shared_data
from .pipeline import pipeline_responses, saved_responses
from .scoring import Outcome, Split, accuracy_table, flag_table, pct
from .sroie_labels import TEXT_FIELDS, box_lines, box_rows, box_spellings, respelt
from .scoring import is_flagged as scoring_flagged

#: A field at or below this confidence counts as flagged for review (the parser's review level).
LOW_CONFIDENCE = REVIEW_BELOW
#: SROIE box files tuned on (000-312) and held out (313-625); images (000-149): 000-074 / 075-149.
BOX_SPLIT = 313
IMAGE_SPLIT = 75
FIELDS = {"company": "vendor_name", "date": "receipt_date", "address": "vendor_address", "total": "total"}


def box_response(csv_path: Path, *, image_size: tuple[int, int] | None = None,
                 rewrite: Callable[[list[tuple[list[float], str]]], list[tuple[list[float], str]]] | None = None
                 ) -> dict[str, Any]:
    """A DetectText response from one SROIE ``box/`` file (the perfect lines).

    Each line becomes a LINE and its whitespace-separated words WORDs, the box apportioned
    to words by character count; coordinates are normalised by the image size when known,
    else by the largest box extent.  ``rewrite`` edits the (box, text) lines first (the
    reconciliation benchmark prints a card payment on a receipt its statement charges).
    """
    rows = box_rows(csv_path)
    if rewrite is not None:
        rows = rewrite(rows)
    return lines_response(rows, image_size=image_size)


def lines_response(rows: list[tuple[list[float], str]], *, image_size: tuple[int, int] | None = None
                   ) -> dict[str, Any]:
    """A DetectText response from (eight corner coordinates, text) lines, as an engine returns them.

    The perfect-line path of every receipt evaluation (SROIE's box files, generated receipts):
    each line becomes a LINE and its words WORDs (see :func:`box_response`).
    """
    if image_size:
        width, height = image_size
    else:
        width = max((max(c[0::2]) for c, _ in rows), default=1.0) or 1.0
        height = max((max(c[1::2]) for c, _ in rows), default=1.0) or 1.0
    dets: list[dict[str, Any]] = []
    word_dets: list[dict[str, Any]] = []
    for line_id, (c, text) in enumerate(rows):
        x0, x1 = min(c[0::2]) / width, max(c[0::2]) / width
        y0, y1 = min(c[1::2]) / height, max(c[1::2]) / height
        dets.append(make_detection(id=line_id, type="LINE", text=text, confidence=99.0,
                                   polygon=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]))
        per_char = (x1 - x0) / max(len(text), 1)
        for m in re.finditer(r"\S+", text):
            wx0, wx1 = x0 + m.start() * per_char, x0 + m.end() * per_char
            word_dets.append(make_detection(
                id=len(rows) + len(word_dets), type="WORD", text=m.group(0), confidence=99.0,
                polygon=[(wx0, y0), (wx1, y0), (wx1, y1), (wx0, y1)], parent_id=line_id))
    return {"TextDetections": dets + word_dets, "TextModelVersion": "sroie-box"}


def sroie_image_size(sroie: Path, stem: str) -> tuple[int, int] | None:
    """A SROIE image's (width, height), for the box files' pixel coordinates (None: no image)."""
    path = sroie / "img" / f"{stem}.jpg"
    if not path.exists():
        return None
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def normalise_text(value: object) -> str:
    """Case, whitespace and punctuation removed: what an analyst would call the same text."""
    return re.sub(r"[\W_]+", "", str(value or "")).upper()


def truth_date(text: str) -> dt.date | None:
    """SROIE's labels are Malaysian: day before month unless the year comes first."""
    found = find_dates(text, pivot_year=2030, compact=True)
    return found[0].pick("DMY")[0] if found else None


def truth_money(text: str) -> Decimal | None:
    """A SROIE total label as money (thousands commas and stray characters dropped; None: not a number)."""
    try:
        return Decimal(re.sub(r"[^\d.]", "", text.replace(",", ""))).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def field_matches(key: str, truth: str, value: object) -> bool:
    """Whether a parsed value is SROIE's label ``truth`` for ``key``: dates and totals as values
    (SROIE writes them in many forms), company and address as normalised text."""
    if value is None:
        return False
    if key == "date":
        return value == truth_date(truth)
    if key == "total":
        return truth_money(truth) == value
    return normalise_text(truth) == normalise_text(value)


#: Review reasons that name a field without its name in them (``<field>_low_confidence`` does).
REASON_ALIASES = {"vendor_name": ("vendor_missing",), "receipt_date": ("date_missing", "date_implausible"),
                  "total": ("total_missing", "totals_inconsistent", "total_doubt"), "vendor_address": ("address_missing",)}


def is_flagged(parsed: ParsedReceipt, key: str) -> bool:
    """Would a reviewer look at this field: a review reason naming it, or its confidence low.

    Low is at or below the parser's review level (``REVIEW_BELOW``); a row's
    ``needs_review`` for another field's reason does not flag this one.
    """
    return scoring_flagged(parsed.fields, FIELDS[key], below=REVIEW_BELOW, inclusive=True, aliases=REASON_ALIASES)


def _truth(sroie: Path, stem: str) -> dict[str, str] | None:
    path = sroie / "key" / f"{stem}.json"
    return json.loads(path.read_text(encoding="utf-8", errors="replace")) if path.exists() else None


def box_readings(sroie: Path, stem: str, truth: Mapping[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Per text field of ``truth``, the key words its ``box/`` lines spell otherwise (:mod:`.sroie_labels`)."""
    path = sroie / "box" / f"{stem}.csv"
    lines = box_lines(path) if path.exists() else []
    return {key: found for key in TEXT_FIELDS if (found := box_spellings(str(truth.get(key) or ""), lines))}


def receipt_outcomes(sroie: Path, stems: Iterable[str], load: Callable[[str], Mapping[str, Any] | None],
                     hints: ReceiptHints, verbose: bool, *, box_spelt: bool = False) -> tuple[list[Outcome], int]:
    """Each scored field of each receipt as an :class:`Outcome` (doc = stem); and how many needed review.

    ``box_spelt``: a text field spelling a word as the receipt's box lines do, where its key
    spells it otherwise, counts as right (images only: see :mod:`.sroie_labels`); each such
    word is printed.
    """
    outcomes: list[Outcome] = []
    review = 0
    for stem in stems:
        truth, response = _truth(sroie, stem), load(stem)
        if truth is None or response is None:
            continue
        parsed = parse_receipt(response, hints=hints)
        review += bool(parsed.fields.get("needs_review"))
        readings = box_readings(sroie, stem, truth) if box_spelt else {}
        for key, spellings in readings.items():
            print(f"  {stem} {key}: key and box lines disagree, either counts: "
                  + ", ".join(f"{word!r} / {box!r}" for word, box in spellings))
        for key, name in FIELDS.items():
            if not str(truth.get(key) or "").strip():
                continue  # the label itself is missing (e.g. SROIE 033 has no total)
            value = parsed.fields.get(name)
            right = field_matches(key, truth[key], value) or (
                key in readings and field_matches(key, respelt(truth[key], readings[key]), value))
            flagged = is_flagged(parsed, key)
            outcomes.append(Outcome(stem, name, right, flagged))
            if verbose and (flagged or not right):
                kind = ("wrong, flagged" if flagged else "WRONG, NOT FLAGGED") if not right else "right, flagged"
                print(f"  {stem} {key} ({kind}): truth={truth[key]!r} got={value!r}"
                      f" conf={parsed.fields.get(name + '_confidence')}"
                      f" review={parsed.fields.get('review_reason')}")
    return outcomes, review


def _score(sroie: Path, title: str, stems: list[str], split: int, load: Callable[[str], Mapping[str, Any] | None],
           hints: ReceiptHints, verbose: bool, *, box_spelt: bool = False) -> list[Outcome]:
    """Tuned part (stems before ``split``) and held-out part side by side, then the flags."""
    cut = stems[split] if split < len(stems) else None
    splits: list[Split] = [(f"tuned {stems[0]}-{stems[min(split, len(stems)) - 1]}",
                            lambda s: cut is None or s < cut)]
    if cut is not None:
        splits += [(f"held out {cut}-{stems[-1]}", lambda s: s >= cut), ("all", lambda s: True)]
    outcomes, review = receipt_outcomes(sroie, stems, load, hints, verbose, box_spelt=box_spelt)
    docs = len({o.doc for o in outcomes})
    print(f"{title}: {docs} documents, needs_review {pct(review, docs)}")
    print(accuracy_table(outcomes, list(FIELDS.values()), splits))
    print("  flags (wrong values flagged / wrong; right values flagged / right):")
    print(flag_table(outcomes, list(FIELDS.values()), splits))
    return outcomes


def response_stem(name: str) -> str:
    """``000.jpg.json.gz`` (a run's ``raw/``), ``000.json`` or ``000.jpg.json`` -> ``000``."""
    return re.sub(r"(\.(jpe?g|png|tiff?))?\.json(\.gz)?$", "", name, flags=re.I)


def engine_option(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` -> ``(KEY, value)``: VALUE read as JSON (``1``, ``false``), else kept as text."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key.strip(), json.loads(raw)
    except ValueError:
        return key.strip(), raw


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.receipts", description=__doc__.split("\n")[0])
    add_data_option(ap)
    ap.add_argument("--responses", type=Path,
                    help="folder of saved DetectText JSON (<stem>.json) or a run's raw/ (its answer packs, "
                         "or <image>.json.gz of older runs)")
    ap.add_argument("--ocr-local", action="store_true", help="run the pipeline with the local engine on img/")
    ap.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "docbatch-eval-sroie",
                    help="where --ocr-local's pipeline run goes (a re-run resumes: scoring again is free)")
    ap.add_argument("--engine-option", action="append", default=[], metavar="KEY=VALUE", type=engine_option,
                    help="a local engine option (JSON value, else text), e.g. rec_batch=1 or orientation=false; "
                         "repeatable; each set of options runs in its own folder of --work-dir, sharing its cache")
    ap.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    ap.add_argument("--split", type=int, default=BOX_SPLIT, help="box files tuned on (first N; the rest held out)")
    ap.add_argument("--image-split", type=int, default=IMAGE_SPLIT,
                    help="images tuned on (first N; the rest held out), for --ocr-local and --responses")
    ap.add_argument("--date-order", choices=["DMY", "MDY", "YMD"], help="job hint, as a batch would set")
    ap.add_argument("--raw-labels", action="store_true",
                    help="score images against the keys as typed, also where the receipt's own box lines spell a "
                         "word otherwise (see evals/sroie_labels.py)")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every wrong field and every right one flagged (false alarm)")
    args = ap.parse_args(argv)
    sroie = shared_data(args.data) / "sroie-train"
    if not sroie.exists():
        print(f"SROIE data not found at {sroie} (give --data DIR or set DOCBATCH_SHARED_DATA)", file=sys.stderr)
        return 2
    hints = ReceiptHints(date_order=args.date_order, run_date=dt.date.today())
    stems = sorted(p.stem for p in (sroie / "box").glob("*.csv"))
    if args.ocr_local:
        images = sorted((sroie / "img").glob("*.jpg"))
        by_image = pipeline_responses(images, args.work_dir, doc_type="receipt", concurrency=args.jobs,
                                      engine_options=dict(args.engine_option))
        _score(sroie, "pipeline, local engine on img/", [p.stem for p in images], args.image_split,
               lambda stem: by_image(sroie / "img" / f"{stem}.jpg"), hints, args.verbose,
               box_spelt=not args.raw_labels)
    elif args.responses:
        packed = answerpack.index(answerpack.packs(args.responses))  # a run's raw/: doc_ids are image names
        found = sorted({response_stem(p.name) for p in args.responses.glob("*.json*")}
                       | {response_stem(f"{doc_id}.json") for doc_id in packed})
        by_image = saved_responses(args.responses)
        _score(sroie, f"responses in {args.responses}", found, args.image_split,
               lambda stem: by_image(sroie / "img" / f"{stem}.jpg"), hints, args.verbose,
               box_spelt=not args.raw_labels)
    else:
        def load(stem: str) -> Mapping[str, Any]:
            return box_response(sroie / "box" / f"{stem}.csv", image_size=sroie_image_size(sroie, stem))

        _score(sroie, "perfect lines (box/)", stems, args.split, load, hints, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
