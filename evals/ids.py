"""Identity parsing measured on the shared data's ``mrz/`` and ``driver-licenses/``.

Three measurements:

* **MRZ text vectors** (no OCR): every valid vector must decode with the expected fields,
  every deliberately invalid one must be flagged (``mrz_valid`` False).
* **MRZ specimen images**: the pipeline with the local engine, then :func:`parse_identity`;
  counts images whose MRZ was read exactly and check-digit valid, and per-field accuracy
  against ``mrz_ground_truth.json`` (the no-MRZ image must come back without one).
* **US licences**: the same pipeline on the 25 licence images, compared per field with
  Textract AnalyzeID's answer (dates as dates, text case-folded, spaces and punctuation
  ignored).  Textract is the anchor, not the truth: every disagreement is listed.

    python -m evals.ids                            # pipeline run into a temp work dir
    python -m evals.ids --work-dir /tmp/ids-eval   # choose where (re-runs are free)
    python -m evals.ids --responses runs/x/raw     # saved responses
    python -m evals.ids --degrade                  # also each image degradation
    python -m evals.ids --degrade rotate,lowres    # only these degradations
    python -m evals.ids --data /mnt/shared/data    # or DOCBATCH_SHARED_DATA=... (see evals.shared_data)

``--degrade`` writes deterministic copies of the images (small rotation, low resolution and
JPEG artefacts, blur with cropped margins: what phone photos and scans do to a document) under
``<work-dir>/degraded/<name>/`` and scores each set the same way, so a parser tuned to the
clean specimens shows where it breaks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping

from PIL import Image, ImageFilter

from docbatch.parse.identity.aamva import decode_barcode
from docbatch.parse.identity.mrz_decode import decode, mrz_date
from docbatch.parse.identity.mrz_repair import read_mrz
from docbatch.parse.identity.parser import LOW_CONFIDENCE as ID_LOW_CONFIDENCE
from docbatch.parse.identity.parser import parse_identity

from . import add_data_option, shared_data
from .pipeline import pipeline_responses, saved_responses
from .scoring import Outcome, Split, accuracy_table, flag_table, fold_table, is_flagged

#: ground-truth key -> (ids field, how the truth is read)
MRZ_FIELDS = {
    "surname": "last_name", "name": "first_name", "document_number": "document_number",
    "birth_date": "date_of_birth", "expiry_date": "expiration_date", "nationality": "nationality",
    "country": "issuing_country", "sex": "sex",
}
DL_FIELDS = ("first_name", "last_name", "middle_name", "date_of_birth", "expiration_date", "date_of_issue",
             "document_number", "address", "city_in_address", "state_in_address", "zip_code_in_address",
             "state_name", "class", "restrictions", "endorsements", "veteran", "id_type")
DL_TARGET_FIELDS = ("first_name", "last_name", "date_of_birth", "expiration_date", "document_number")
_ID_TYPES = {"DRIVER LICENSE FRONT": "drivers_license", "PASSPORT": "passport"}


def squeeze(value: object) -> str:
    """A value as compared with the truth: dates in ISO form, else lower-case letters and digits only
    (OCR spacing, ``<`` fillers and punctuation are no error of the field)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return re.sub(r"[^0-9a-z]", "", str(value).casefold())


# ---- MRZ text vectors --------------------------------------------------------------------


def _vector_field(mrz: Any, key: str, run_date: dt.date) -> object:
    if key == "birth_date":
        return mrz.date_of_birth(run_date=run_date)
    if key == "expiry_date":
        return mrz.expiration_date(run_date=run_date)
    return {"surname": mrz.surname, "name": mrz.given_names, "document_number": mrz.document_number,
            "nationality": mrz.nationality, "country": mrz.issuing_country, "sex": mrz.sex}[key]


def truth_mrz_value(key: str, value: str, run_date: dt.date) -> object:
    """A truth file's MRZ field as the parser would give it: dates to ``date`` (two-digit years put in
    the century a birth or an expiry date needs on ``run_date``), an unstated sex and blanks to None."""
    if key in ("birth_date", "expiry_date"):
        return mrz_date(value, birth=key == "birth_date", run_date=run_date)
    if key == "sex" and value == "<":
        return None
    return None if value in ("", "None") else value


def score_vectors(mrz_dir: Path, run_date: dt.date, verbose: bool) -> tuple[int, int, int, int]:
    """The MRZ text vectors (no OCR in the way): (valid ones decoded right, valid ones, invalid ones
    flagged invalid both as decoded and as repaired, invalid ones), so a repair that "fixes" a
    broken check digit into a valid-looking zone shows as a miss."""
    vectors = json.loads((mrz_dir / "mrz_text_vectors.json").read_text(encoding="utf-8"))
    valid_ok = valid_n = invalid_ok = invalid_n = 0
    for vec in vectors:
        lines = vec["mrz"].split("\n")
        mrz, repaired = decode(lines), read_mrz(lines)
        if not vec["checker_valid"]:
            invalid_n += 1
            flagged = mrz is not None and not mrz.valid and repaired is not None and not repaired.valid
            invalid_ok += flagged
            if verbose and not flagged:
                print(f"  vector {vec['example']}: invalid but not flagged")
            continue
        valid_n += 1
        wrong = [k for k in MRZ_FIELDS if k in vec["fields"] and mrz is not None
                 and squeeze(_vector_field(mrz, k, run_date) or "")
                 != squeeze(truth_mrz_value(k, vec["fields"][k], run_date) or "")]
        ok = mrz is not None and mrz.valid and not wrong and repaired is not None and repaired.lines == mrz.lines
        valid_ok += ok
        if verbose and not ok:
            print(f"  vector {vec['example']}: failed={mrz and mrz.failed} wrong fields={wrong}")
    return valid_ok, valid_n, invalid_ok, invalid_n


# ---- degradations -------------------------------------------------------------------------


def _rotate(im: Image.Image) -> Image.Image:
    return im.rotate(2.5, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))


def _lowres(im: Image.Image) -> Image.Image:
    small = im.resize((round(im.width * 0.6), round(im.height * 0.6)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    small.save(buf, format="JPEG", quality=35)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _blur_crop(im: Image.Image) -> Image.Image:
    dx, dy = round(im.width * 0.03), round(im.height * 0.03)
    return im.crop((dx, dy, im.width - dx, im.height - dy)).filter(ImageFilter.GaussianBlur(1.2))


#: name -> what a phone photo or a cheap scan does to a document (deterministic)
DEGRADATIONS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "rotate": _rotate,        # 2.5 degrees off square
    "lowres": _lowres,        # 60% resolution, JPEG quality 35
    "blur-crop": _blur_crop,  # Gaussian blur 1.2 px, 3% of every margin cut off
}


def degrade_images(images: list[Path], name: str, folder: Path) -> dict[Path, Path]:
    """Write ``images`` degraded by ``DEGRADATIONS[name]`` into ``folder`` (kept if present).

    File names are kept (lossy steps are baked in, then saved in the original format), so
    the degraded run's responses are looked up exactly like the clean run's.
    """
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[Path, Path] = {}
    for image in images:
        target = folder / image.name
        if not target.exists():
            with Image.open(image) as im:
                DEGRADATIONS[name](im.convert("RGB")).save(target)
        out[image] = target
    return out


# ---- responses -----------------------------------------------------------------------------


Loader = Callable[[Path], "Mapping[str, Any] | None"]


def _parse(image: Path, load: Loader, run_date: dt.date) -> dict[str, object] | None:
    """Parse the response for ``image``; the barcode is read from the same (possibly degraded) file."""
    response = load(image)
    if response is None:
        return None
    return parse_identity(response, barcode=decode_barcode(image.read_bytes()), run_date=run_date).fields


# ---- MRZ images --------------------------------------------------------------------------


def mrz_type(entry: Mapping[str, Any]) -> str:
    """The specimen's document type (``TD1``/``TD2``/``TD3``/``MRVA``/``MRVB``; ``none`` without MRZ)."""
    return str(entry.get("mrz_type") or ("none" if not entry.get("expected_mrz") else "?"))


def score_mrz_images(mrz_dir: Path, load: Loader, run_date: dt.date, verbose: bool, *,
                     located: Mapping[Path, Path] | None = None) -> None:
    """Exact MRZ reads and per-field accuracy, overall and leave-one-type-out (by document type).

    The MRZ rules are written against the ICAO formats, not fitted to these images, so each
    document type's row is what a held-out type scores; flags are calibrated on every field.
    """
    truth = json.loads((mrz_dir / "mrz_ground_truth.json").read_text(encoding="utf-8"))
    exact = n = 0
    outcomes: list[Outcome] = []
    type_of: dict[str, str] = {}
    for entry in truth:
        image = mrz_dir / entry["image"]
        fields = _parse((located or {}).get(image, image), load, run_date)
        if fields is None:
            continue
        n += 1
        type_of[entry["image"]] = mrz_type(entry)
        expected = entry.get("expected_mrz")
        if not expected:
            ok = fields["mrz_code"] is None and bool(fields["needs_review"])
            exact += ok
            outcomes.append(Outcome(entry["image"], "mrz_code", ok, bool(fields["needs_review"])))
            print(f"  {entry['image']}: no MRZ expected -> {'flagged, none read' if ok else 'MRZ reported'}")
            continue
        ok = fields["mrz_code"] == expected and bool(fields["mrz_valid"])
        exact += ok
        outcomes.append(Outcome(entry["image"], "mrz_code", ok, licence_flagged(fields, "mrz_code")
                                or not fields["mrz_valid"]))
        for key, name in MRZ_FIELDS.items():
            want = truth_mrz_value(key, entry["fields"].get(key, ""), run_date)
            got_right = squeeze(fields.get(name) or "") == squeeze(want or "")
            outcomes.append(Outcome(entry["image"], name, got_right, licence_flagged(fields, name)))
            if verbose and not got_right:
                print(f"  {entry['image']} {name}: expected {want!r} got {fields.get(name)!r}")
        if verbose and not ok:
            print(f"  {entry['image']}: MRZ not exact/valid (failed: {fields['mrz_failed_checks']})")
    print(f"MRZ specimen images: {exact}/{n} read correctly (exact, check-digit-valid MRZ; no MRZ where none)")
    types = sorted(set(type_of.values()))
    by_type = [(t, lambda d, t=t: type_of.get(d) == t) for t in types] + [("all", lambda d: True)]
    print("  leave-one-type-out (each document type scored as if unseen; the rules are the ICAO formats):")
    print(accuracy_table(outcomes, ["mrz_code", *MRZ_FIELDS.values()], by_type, gap=False))
    print("  flags (wrong flagged / wrong, right flagged / right), all specimens:")
    print(flag_table(outcomes, ["mrz_code", "last_name", "first_name", "document_number"], [("all", lambda d: True)]))


# ---- licences ------------------------------------------------------------------------------


def textract_fields(path: Path) -> dict[str, object]:
    """Textract AnalyzeID's answer, normalised: dates as dates, id_type to ours."""
    out: dict[str, object] = {}
    for entry in json.loads(path.read_text(encoding="utf-8")):
        name = entry["Type"]["Text"].lower()
        value = entry["ValueDetection"]
        text = (value.get("Text") or "").strip()
        if not text:
            continue
        norm = (value.get("NormalizedValue") or {}).get("Value")
        if norm and (value.get("NormalizedValue") or {}).get("ValueType") == "Date":
            out[name] = dt.date.fromisoformat(norm[:10])
        elif name == "id_type":
            out[name] = _ID_TYPES.get(text.upper(), text.lower())
        else:
            out[name] = text
    return out


#: Textract AnalyzeID values the card itself contradicts, each checked by eye on the image
#: (Textract is the anchor, not the truth): state -> field -> (Textract's value as scored,
#: what the card prints, what was checked).  One applies only while Textract's answer still
#: holds the recorded value; ``--raw-anchor`` scores against Textract as it answered.
ANCHOR_CORRECTIONS: dict[str, dict[str, tuple[object, object, str]]] = {
    "kentucky": {"document_number": ("S000000001", "S00000001",
                                     "printed S00-000-001, a letter and 8 digits; the DD line repeats S00000001")},
    "hawaii": {"date_of_birth": (dt.date(198, 2, 21), dt.date(1984, 2, 21),
                                 "printed DOB 02/21/1984; Textract's text '02/21/198' lost the last digit")},
}


def correct_anchor(state: str, anchor: dict[str, object]) -> list[str]:
    """Apply :data:`ANCHOR_CORRECTIONS` of ``state`` to ``anchor`` in place; one note per correction made."""
    notes = []
    for name, (theirs, printed, checked) in ANCHOR_CORRECTIONS.get(state, {}).items():
        if name in anchor and squeeze(anchor[name]) == squeeze(theirs):
            anchor[name] = printed
            notes.append(f"  {state} {name}: textract {str(theirs)!r} -> {str(printed)!r} ({checked})")
    return notes


#: States whose documents were kept out of the licence parser's development from issue 12
#: on (folds 3 and 4 of :func:`state_folds`): the held-out split.  The rules written before
#: then had seen every state, so the held-out figure is honest only about later changes.
HELD_OUT_STATES = frozenset({"columbia", "florida", "kentucky", "maine", "nebraska", "newhampshire", "oregon",
                             "rhodeisland", "washington", "wisconsin"})
#: Folds over states for leave-states-out tables.
STATE_FOLDS = 5
#: Licence fields whose flags are calibrated (wrong flagged vs right flagged).
DL_FLAG_FIELDS = ("first_name", "last_name", "document_number", "date_of_birth", "expiration_date")


def state_folds(states: list[str], k: int = STATE_FOLDS) -> dict[str, int]:
    """Fold of each state: its index in alphabetical order, modulo ``k`` (stable, balanced)."""
    return {state: i % k for i, state in enumerate(sorted(states))}


def licence_splits() -> list[Split]:
    """The licence tables' columns: the states tuned on, the held-out states, and all."""
    return [("tuned", lambda s: s not in HELD_OUT_STATES), ("held out", lambda s: s in HELD_OUT_STATES),
            ("all", lambda s: True)]


def licence_flagged(fields: Mapping[str, object], name: str) -> bool:
    """A reviewer would look at ``name``: a review reason names it, or its confidence is low."""
    return is_flagged(fields, name, below=ID_LOW_CONFIDENCE)


def licence_outcomes(dl_dir: Path, load: Loader, run_date: dt.date, *, located: Mapping[Path, Path] | None = None,
                     raw_anchor: bool = False, notes: list[str] | None = None) -> tuple[list[Outcome], list[str]]:
    """Every compared field of every licence as an :class:`Outcome` (doc = state), and the disagreements.

    Textract's answers are corrected by :data:`ANCHOR_CORRECTIONS` unless ``raw_anchor``;
    ``notes`` collects what was corrected.
    """
    outcomes: list[Outcome] = []
    disagreements: list[str] = []
    for answer in sorted((dl_dir / "textract-analyzeid").glob("*.json")):
        image = dl_dir / "images" / f"driver-license-{answer.stem}.png"
        fields = _parse((located or {}).get(image, image), load, run_date) if image.exists() else None
        if fields is None:
            continue
        anchor = textract_fields(answer)
        corrected = [] if raw_anchor else correct_anchor(answer.stem, anchor)
        if notes is not None:
            notes.extend(corrected)
        for name in DL_FIELDS:
            if name not in anchor:
                continue
            ours = fields.get(name)
            right = ours is not None and squeeze(ours) == squeeze(anchor[name])
            flagged = licence_flagged(fields, name)
            outcomes.append(Outcome(answer.stem, name, right, flagged))
            if not right or flagged and name in DL_FLAG_FIELDS:
                held = " [held out]" if answer.stem in HELD_OUT_STATES else ""
                disagreements.append(("  " if not right else "  right, flagged: ") +f"{answer.stem:<14} {name:<20} textract={str(anchor[name])!r:<34} "
                                     f"ours={ours if ours is None else str(ours)!r}"
                                     f" ({fields.get(name + '_source')}, conf {fields.get(name + '_confidence')}"
                                     f"{', flagged' if flagged else ''}){held}")
    return outcomes, disagreements


def score_licences(dl_dir: Path, load: Loader, run_date: dt.date, *, located: Mapping[Path, Path] | None = None,
                   verbose: bool = True, show_held_out: bool = True, raw_anchor: bool = False) -> dict[str, float]:
    """Licence tables: tuned vs held-out states, leave-states-out folds, flag calibration.

    ``show_held_out=False`` leaves the held-out states' disagreements out of the listing
    (what to look at while tuning); their figures are always printed.
    """
    notes: list[str] = []
    outcomes, disagreements = licence_outcomes(dl_dir, load, run_date, located=located, raw_anchor=raw_anchor,
                                               notes=notes)
    states = sorted({o.doc for o in outcomes})
    anchor = "as answered" if raw_anchor else f"with {len(notes)} answers the card contradicts corrected"
    print(f"US licences vs Textract AnalyzeID ({len(states)} images, {anchor}), tuned vs held-out states:")
    if notes:
        print("\n".join(notes))
    print(accuracy_table(outcomes, DL_FIELDS, licence_splits(), marked=DL_TARGET_FIELDS))
    print("  (* target fields, goal >= 90% held out; gap = tuned - held out, in points)")
    print(f"Leave-states-out ({STATE_FOLDS} folds, alphabetical index mod {STATE_FOLDS}; "
          f"held out = folds 3-4):")
    print(fold_table(outcomes, DL_TARGET_FIELDS, state_folds(states)))
    print("Flags (wrong values flagged / wrong; right values flagged / right):")
    print(flag_table(outcomes, DL_FLAG_FIELDS, licence_splits()))
    if verbose:
        print("Disagreements, and right values flagged (Textract is an anchor, not the truth; judge each):")
        shown = [d for d in disagreements if show_held_out or "[held out]" not in d]
        print("\n".join(shown) or "  none")
        if len(shown) < len(disagreements):
            print(f"  ({len(disagreements) - len(shown)} on held-out states not listed)")
    agree = {n: sum(o.right for o in outcomes if o.field == n) for n in DL_FIELDS}
    compared = {n: sum(1 for o in outcomes if o.field == n) for n in DL_FIELDS}
    return {k: agree[k] / compared[k] for k in DL_FIELDS if compared[k]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.ids", description=__doc__.split("\n")[0])
    add_data_option(ap)
    ap.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "docbatch-eval-ids",
                    help="the pipeline run over the images goes here (a re-run resumes: scoring again is free)")
    ap.add_argument("--responses", type=Path,
                    help="score saved DetectText JSON instead (<image name>.json, <stem>.json or a run's raw/)")
    ap.add_argument("--run-date", type=dt.date.fromisoformat, default=dt.date.today())
    ap.add_argument("--degrade", nargs="?", const=",".join(DEGRADATIONS), default="",
                    help=f"also score degraded copies of the images (comma list of {', '.join(DEGRADATIONS)}; "
                         "default all); needs the images, not --responses")
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--raw-anchor", action="store_true",
                    help="score licences against Textract as it answered (no corrections of values the card contradicts)")
    ap.add_argument("--hide-held-out", action="store_true",
                    help="do not list the held-out states' disagreements (their figures are still printed)")
    args = ap.parse_args(argv)
    data = shared_data(args.data)
    mrz_dir, dl_dir = data / "mrz", data / "driver-licenses"
    if not mrz_dir.exists() or not dl_dir.exists():
        print(f"evaluation data not found under {data} (give --data DIR or set DOCBATCH_SHARED_DATA)",
              file=sys.stderr)
        return 2
    valid_ok, valid_n, invalid_ok, invalid_n = score_vectors(mrz_dir, args.run_date, args.verbose)
    print(f"MRZ text vectors: valid parsed with correct fields {valid_ok}/{valid_n}; "
          f"invalid flagged {invalid_ok}/{invalid_n}")
    degradations = [d for d in args.degrade.split(",") if d]
    unknown = sorted(set(degradations) - set(DEGRADATIONS))
    if unknown or (degradations and args.responses):
        ap.error(f"unknown degradation {unknown}" if unknown else "--degrade runs the pipeline; drop --responses")
    images = [p for p in sorted((mrz_dir / "images").iterdir()) + sorted((dl_dir / "images").iterdir())
              if p.is_file()]
    if args.responses:
        load = saved_responses(args.responses)
    else:
        load = pipeline_responses(images, args.work_dir, doc_type="id")
    score_mrz_images(mrz_dir, load, args.run_date, args.verbose)
    score_licences(dl_dir, load, args.run_date, verbose=not degradations or args.verbose,
                   show_held_out=not args.hide_held_out, raw_anchor=args.raw_anchor)
    for name in degradations:
        folder = args.work_dir / "degraded" / name
        located = degrade_images(images, name, folder / "images")
        print(f"\n=== degraded: {name} ===")
        load = pipeline_responses(list(located.values()), folder, doc_type="id")
        score_mrz_images(mrz_dir, load, args.run_date, args.verbose, located=located)
        score_licences(dl_dir, load, args.run_date, located=located, verbose=args.verbose,
                       show_held_out=not args.hide_held_out, raw_anchor=args.raw_anchor)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
