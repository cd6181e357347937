"""Prove that a docbatch change keeps its output tables: fixed inputs, replayed runs, a diff.

Why this exists: docbatch is about to be refactored heavily.  Its behaviour is the tables a
run writes, so the proof is to replay the *same* OCR responses through the old code and the
new code and show the tables are identical.  The OCR step itself (the embedded engine) is
slow and not the subject, so it runs once, with the old code, to freeze its responses;
every later run uses the replay engine on those frozen responses.

The script is deliberately self-contained (stdlib + pandas/pyarrow, docbatch only through
its command line) so it keeps working while docbatch's internals are moved and renamed.

    # 1. freeze the inputs, once, with the baseline code
    PYTHONPATH=/work/baseline python scripts/compare_runs.py inputs /tmp/compare/inputs
    # 2. replay them through whatever docbatch this python imports
    PYTHONPATH=/work/baseline python scripts/compare_runs.py produce /tmp/compare/inputs /tmp/compare/baseline
    python scripts/compare_runs.py produce /tmp/compare/inputs /tmp/compare/new
    # 3. compare (A = reference, B = candidate); exit 1 on any difference
    python scripts/compare_runs.py diff /tmp/compare/baseline /tmp/compare/new [--allow-new-columns]

Input sets (each ``INPUTS/<name>/manifest.csv`` + ``INPUTS/<name>/replay/``):

* ``sroie``: SROIE's human-transcribed box files (``sroie-train/box/NNN.csv``) turned into
  DetectText responses exactly as ``docbatch.evaluation.receipts.box_response`` built them at
  the baseline (reimplemented here; ``inputs`` checks equality when that function exists);
* ``ids``: the driver-licence and MRZ specimen images read once by the embedded engine;
* ``sample``: ``jobs/sample.toml`` read once by the embedded engine, with its manifest.

``diff`` ignores volatile columns (``processed_at``, ``latency_ms``, any ``*run_id*``) and
replaces, in every text cell, the producing project's root, the run folder and the inputs
folder by placeholders; rows are sorted by ``doc_id`` (then ``id`` / ``line_no``).
Parquet tables are compared as typed values (and column types), CSV tables and
``failed.csv`` as exact text.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

DEFAULT_DATA = Path(os.environ.get("DOCBATCH_SHARED_DATA", "/work/shared/data"))
RUNS = ("sroie", "ids", "sample")
TABLES = ("documents", "detections", "receipts", "receipt_items", "ids")
VOLATILE = {"processed_at", "latency_ms"}
PARTIAL_FAILURE_RC = 3  # docbatch run: finished, some documents failed
PRODUCER_FILE = "producer.json"
INPUTS_FILE = "inputs.json"


def log(msg: str) -> None:
    print(msg, flush=True)


# ------------------------------------------------------------------ SROIE perfect lines
# A copy of the baseline's docbatch.evaluation.receipts.box_response and
# docbatch.response.make_detection (commit 902835d): same arithmetic in the same order, so
# the floats come out bit-identical.

def _make_detection(*, id: int, type: str, text: str, confidence: float,
                    polygon: list[tuple[float, float]], parent_id: int | None = None) -> dict[str, Any]:
    pts = [(min(max(float(x), 0.0), 1.0), min(max(float(y), 0.0), 1.0)) for x, y in polygon]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    det: dict[str, Any] = {
        "DetectedText": text,
        "Type": type,
        "Id": id,
        "Confidence": float(confidence),
        "Geometry": {
            "BoundingBox": {
                "Width": max(xs) - min(xs),
                "Height": max(ys) - min(ys),
                "Left": min(xs),
                "Top": min(ys),
            },
            "Polygon": [{"X": x, "Y": y} for x, y in pts],
        },
    }
    if parent_id is not None:
        det["ParentId"] = parent_id
    return det


def box_response(csv_path: Path, *, image_size: tuple[int, int] | None = None) -> dict[str, Any]:
    """A DetectText response from one SROIE ``box/`` file: LINEs, and WORDs apportioned by characters."""
    rows: list[tuple[list[float], str]] = []
    for raw in csv_path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = raw.split(",", 8)
        if len(parts) < 9:
            continue
        try:
            coords = [float(p) for p in parts[:8]]
        except ValueError:
            continue
        if parts[8].strip():
            rows.append((coords, parts[8].strip()))
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
        dets.append(_make_detection(id=line_id, type="LINE", text=text, confidence=99.0,
                                    polygon=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]))
        per_char = (x1 - x0) / max(len(text), 1)
        for m in re.finditer(r"\S+", text):
            wx0, wx1 = x0 + m.start() * per_char, x0 + m.end() * per_char
            word_dets.append(_make_detection(
                id=len(rows) + len(word_dets), type="WORD", text=m.group(0), confidence=99.0,
                polygon=[(wx0, y0), (wx1, y0), (wx1, y1), (wx0, y1)], parent_id=line_id))
    return {"TextDetections": dets + word_dets, "TextModelVersion": "sroie-box"}


def jpeg_size(path: Path) -> tuple[int, int]:
    """(width, height) from a JPEG's SOF marker, as PIL's ``Image.size`` reports it."""
    with open(path, "rb") as fh:
        if fh.read(2) != b"\xff\xd8":
            raise ValueError(f"not a JPEG: {path}")
        while True:
            byte = fh.read(1)
            if not byte:
                break
            if byte != b"\xff":
                continue
            marker = fh.read(1)
            while marker == b"\xff":
                marker = fh.read(1)
            code = marker[0] if marker else 0
            if code in (0xD8, 0x01) or 0xD0 <= code <= 0xD7:
                continue  # markers without a length
            length = struct.unpack(">H", fh.read(2))[0]
            if 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC):
                _precision, height, width = struct.unpack(">BHH", fh.read(5))
                return width, height
            fh.seek(length - 2, os.SEEK_CUR)
    raise ValueError(f"no SOF marker in {path}")


def sroie_image_size(sroie: Path, stem: str) -> tuple[int, int] | None:
    path = sroie / "img" / f"{stem}.jpg"
    return jpeg_size(path) if path.exists() else None


# ------------------------------------------------------------------ running docbatch

def docbatch_origin(cwd: Path) -> str:
    """Which docbatch package ``python -m docbatch`` picks up when run from ``cwd``."""
    out = subprocess.run([sys.executable, "-c", "import docbatch; print(docbatch.__file__)"],
                         cwd=cwd, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def run_docbatch(args: list[str], *, cwd: Path, log_path: Path) -> tuple[int, float]:
    """``python -m docbatch ARGS`` from a neutral folder (not a checkout: ``-m`` puts cwd first
    on sys.path); output to ``log_path``; exit codes 0 and 3 (some documents failed) pass."""
    cmd = [sys.executable, "-m", "docbatch", *args]
    log("  $ " + " ".join(cmd))
    start = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as fh:
        rc = subprocess.run(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT).returncode
    took = time.monotonic() - start
    log(f"    exit {rc} in {took:.1f}s (log: {log_path})")
    if rc not in (0, PARTIAL_FAILURE_RC):
        sys.exit(f"docbatch failed with exit code {rc}; see {log_path}")
    return rc, took


def write_manifest(path: Path, rows: Iterable[dict[str, str]], columns: list[str]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def copy_raw(run_dir: Path, replay_dir: Path) -> int:
    """The run's saved answers where the replay engine reads a run folder's: its ``raw/`` copied
    as it is to ``replay_dir/raw/`` (answer packs, and a file per answer where a run kept one;
    copying ``*.json.gz`` alone froze no answer once runs packed them).  Returns the files copied."""
    shutil.copytree(run_dir / "raw", replay_dir / "raw", dirs_exist_ok=True)
    return sum(1 for p in (replay_dir / "raw").rglob("*") if p.is_file())


def project_root_of(origin: str) -> Path:
    """The checkout a docbatch package lives in (``.../docbatch/__init__.py`` -> ``...``)."""
    return Path(origin).resolve().parent.parent


# ------------------------------------------------------------------ inputs

def cmd_inputs(ns: argparse.Namespace) -> int:
    root = Path(ns.dir).resolve()
    data = Path(ns.data).resolve()
    if root.exists() and any(root.iterdir()) and not ns.force:
        sys.exit(f"{root} is not empty (use --force to rebuild it)")
    if root.exists() and ns.force:
        shutil.rmtree(root)
    root.mkdir(parents=True)
    origin = docbatch_origin(root)
    project = Path(ns.project).resolve() if ns.project else project_root_of(origin)
    log(f"docbatch: {origin}\nproject:  {project}\nwriting inputs under {root}")
    info: dict[str, Any] = {"docbatch": origin, "project": str(project), "data": str(data),
                            "python": sys.executable, "created": dt.datetime.now().isoformat(), "sets": {}}

    # (a) SROIE perfect lines
    start = time.monotonic()
    sroie = data / "sroie-train"
    replay = root / "sroie" / "replay"
    replay.mkdir(parents=True)
    stems = sorted(p.stem for p in (sroie / "box").glob("*.csv"))
    for stem in stems:
        resp = box_response(sroie / "box" / f"{stem}.csv", image_size=sroie_image_size(sroie, stem))
        (replay / f"{stem}.json").write_text(json.dumps(resp), encoding="utf-8")
    n = write_manifest(root / "sroie" / "manifest.csv",
                       ({"source": f"{s}.jpg", "doc_type": "receipt", "doc_id": s} for s in stems),
                       ["source", "doc_type", "doc_id"])
    checked = verify_box_responses(origin, sroie, replay, stems)
    took = time.monotonic() - start
    log(f"sroie: {n} documents, {checked} in {took:.1f}s")
    info["sets"]["sroie"] = {"documents": n, "responses": len(stems), "check": checked, "seconds": round(took, 1)}

    # (b) driver licences and MRZ specimens, read once by the embedded engine
    start = time.monotonic()
    images = sorted((data / "driver-licenses" / "images").glob("*.png"))
    images += sorted(p for p in (data / "mrz" / "images").iterdir() if p.is_file())
    rows = []
    for p in images:
        # doc ids must be unique: mrz/ holds passport-td2.jpg and passport-td2.png
        doc_id = p.stem if p.parent.parent.name == "driver-licenses" else f"mrz-{p.stem}-{p.suffix[1:].lower()}"
        rows.append({"source": str(p), "doc_type": "id", "doc_id": doc_id})
    ids_dir = root / "ids"
    n = write_manifest(ids_dir / "manifest.csv", rows, ["source", "doc_type", "doc_id"])
    rc, ocr_s = run_docbatch(["run", "--manifest", str(ids_dir / "manifest.csv"), "--engine", "local",
                              "--out", str(ids_dir / "ocr_run"), "--doc-type", "id", "--no-cache"],
                             cwd=root, log_path=ids_dir / "ocr_run.log")
    copied = copy_raw(ids_dir / "ocr_run", ids_dir / "replay")
    took = time.monotonic() - start
    log(f"ids: {n} documents, {copied} files of saved answers in {took:.1f}s")
    info["sets"]["ids"] = {"documents": n, "answer_files": copied, "ocr_exit": rc,
                           "ocr_seconds": round(ocr_s, 1), "seconds": round(took, 1)}

    # (c) the bundled sample job, read once by the embedded engine
    start = time.monotonic()
    job = Path(ns.job).resolve() if ns.job else project / "jobs" / "sample.toml"
    with open(job, "rb") as fh:
        manifest = (job.parent / tomllib.load(fh)["job"]["manifest"]).resolve()
    sample_dir = root / "sample"
    sample_dir.mkdir()
    rc, ocr_s = run_docbatch(["run", str(job), "--out", str(sample_dir / "ocr_run"), "--no-cache"],
                             cwd=root, log_path=sample_dir / "ocr_run.log")
    copied = copy_raw(sample_dir / "ocr_run", sample_dir / "replay")
    shutil.copyfile(manifest, sample_dir / "manifest.csv")  # passthrough columns kept as they are
    with open(manifest, newline="", encoding="utf-8") as fh:
        n = sum(1 for _ in csv.DictReader(fh))
    took = time.monotonic() - start
    log(f"sample: {n} documents ({manifest}), {copied} files of saved answers in {took:.1f}s")
    info["sets"]["sample"] = {"documents": n, "answer_files": copied, "job": str(job), "manifest": str(manifest),
                              "ocr_exit": rc, "ocr_seconds": round(ocr_s, 1), "seconds": round(took, 1)}
    (root / INPUTS_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return 0


def verify_box_responses(origin: str, sroie: Path, replay: Path, stems: list[str]) -> str:
    """Compare the written responses with docbatch's own box_response, when it still has one."""
    code = r"""
import json, sys
from pathlib import Path
try:
    from docbatch.evaluation.receipts import box_response, _image_size
except ImportError as exc:
    print(json.dumps({"skipped": str(exc)})); sys.exit(0)
sroie, replay, stems = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
bad = [s for s in stems
       if json.loads((replay / f"{s}.json").read_text(encoding="utf-8"))
       != json.loads(json.dumps(box_response(sroie / "box" / f"{s}.csv", image_size=_image_size(s))))]
print(json.dumps({"checked": len(stems), "bad": bad}))
"""
    out = subprocess.run([sys.executable, "-c", code, str(sroie), str(replay), *stems],
                         cwd=replay, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if "skipped" in result:
        return f"not checked against docbatch ({result['skipped']})"
    if result["bad"]:
        sys.exit(f"box responses differ from {origin}'s box_response for: {result['bad'][:20]}")
    return f"all {result['checked']} equal to docbatch's box_response"


# ------------------------------------------------------------------ produce

def cmd_produce(ns: argparse.Namespace) -> int:
    inputs = Path(ns.inputs).resolve()
    out = Path(ns.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    origin = docbatch_origin(out)
    project = project_root_of(origin)
    log(f"docbatch: {origin}\nreplaying {inputs} into {out}")
    info: dict[str, Any] = {"docbatch": origin, "project": str(project), "inputs": str(inputs),
                            "python": sys.executable, "git_head": git_head(project),
                            "created": dt.datetime.now().isoformat(), "runs": {}}
    for name in ns.runs:
        run_dir = out / name
        if run_dir.exists():
            if not ns.force:
                sys.exit(f"{run_dir} exists (a second run would resume it); use --force to replace it")
            shutil.rmtree(run_dir)
        rc, took = run_docbatch(
            ["run", "--manifest", str(inputs / name / "manifest.csv"), "--engine", "replay",
             "--replay-dir", str(inputs / name / "replay"), "--out", str(run_dir),
             "--format", "parquet,csv", "--no-cache"],
            cwd=out, log_path=out / f"{name}.log")
        info["runs"][name] = {"exit": rc, "seconds": round(took, 1)}
    (out / PRODUCER_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return 0


def git_head(project: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(project), "rev-parse", "HEAD"],
                             capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "-C", str(project), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


# ------------------------------------------------------------------ diff

def is_volatile(column: str) -> bool:
    return column in VOLATILE or "run_id" in column


class Normaliser:
    """Replaces known absolute path prefixes in text by placeholders, longest first."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        items = sorted(((p, tag) for p, tag in prefixes.items() if p and p != "/"), key=lambda kv: -len(kv[0]))
        self.items = items
        self.pattern = re.compile("|".join(re.escape(p) for p, _ in items)) if items else None
        self.lookup = dict(items)

    def text(self, s: str) -> str:
        return self.pattern.sub(lambda m: self.lookup[m.group(0)], s) if self.pattern else s

    def value(self, v: Any) -> Any:
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, float) and math.isnan(v):
            return "<NaN>"
        if isinstance(v, list):
            return tuple(self.value(x) for x in v)
        if isinstance(v, dict):
            return tuple((k, self.value(x)) for k, x in v.items())
        return v


def prefixes_for(side: Path, run: str, extra: list[str]) -> dict[str, str]:
    prefixes = {str(side / run): "<RUN>", str(side): "<OUT>"}
    meta = side / PRODUCER_FILE
    if meta.is_file():
        info = json.loads(meta.read_text(encoding="utf-8"))
        if info.get("project"):
            prefixes[info["project"]] = "<PROJECT>"
        if info.get("inputs"):
            prefixes[info["inputs"]] = "<INPUTS>"
    for p in extra:
        prefixes[str(Path(p).resolve())] = "<PREFIX>"
    # also the unresolved spellings (e.g. /tmp vs /private/tmp)
    for p, tag in list(prefixes.items()):
        prefixes.setdefault(os.path.realpath(p), tag)
    return prefixes


class Loaded:
    """A table as (column names, column types or None, rows as tuples)."""

    def __init__(self, columns: list[str], types: dict[str, str] | None, rows: list[dict[str, Any]]) -> None:
        self.columns = columns
        self.types = types
        self.rows = rows


def load_parquet(folder: Path, norm: Normaliser) -> Loaded | None:
    import pyarrow.parquet as pq
    import pyarrow as pa

    parts = sorted(folder.glob("*.parquet"))
    if not folder.is_dir() or not parts:
        return None
    tables = [pq.read_table(p) for p in parts]
    schema = tables[0].schema
    table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    rows = [{k: norm.value(v) for k, v in r.items()} for r in table.to_pylist()]
    return Loaded(list(schema.names), {f.name: str(f.type) for f in schema}, rows)


def load_csv_folder(folder: Path, norm: Normaliser) -> Loaded | None:
    parts = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    if not parts:
        return None
    columns: list[str] | None = None
    rows: list[dict[str, Any]] = []
    for p in parts:
        got = load_csv_file(p, norm)
        columns = columns or got.columns
        rows.extend(got.rows)
    return Loaded(columns or [], None, rows)


def load_csv_file(path: Path, norm: Normaliser) -> Loaded:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        rows = [dict(zip(header, (norm.text(c) for c in r))) for r in reader]
    return Loaded(header, None, rows)


def _key_part(v: Any) -> tuple[int, Any]:
    if v is None or v == "":
        return (0, "")
    if isinstance(v, (int, float)):
        return (1, v)
    try:
        return (1, int(v))
    except (TypeError, ValueError):
        return (2, str(v))


def row_key(row: dict[str, Any]) -> tuple:
    return tuple(_key_part(row.get(k)) for k in ("doc_id", "id", "line_no"))


def compare(a: Loaded | None, b: Loaded | None, *, allow_new: bool) -> tuple[bool, str]:
    if a is None and b is None:
        return True, "same (absent on both sides)"
    if a is None or b is None:
        return False, f"DIFFERENT (missing in {'A' if a is None else 'B'})"
    problems: list[str] = []
    a_cols = [c for c in a.columns if not is_volatile(c)]
    b_cols = [c for c in b.columns if not is_volatile(c)]
    only_a = [c for c in a_cols if c not in b_cols]
    only_b = [c for c in b_cols if c not in a_cols]
    shared = [c for c in a_cols if c in b_cols]
    notes: list[str] = []
    if only_a:
        problems.append("columns only in A: " + ", ".join(only_a))
    if only_b:
        (notes if allow_new else problems).append("columns only in B: " + ", ".join(only_b))
    if [c for c in b_cols if c in shared] != shared:
        problems.append("column order changed")
    if a.types is not None and b.types is not None:
        retyped = [f"{c} {a.types[c]}->{b.types[c]}" for c in shared if a.types[c] != b.types[c]]
        if retyped:
            problems.append("types changed: " + ", ".join(retyped))

    def grouped(t: Loaded) -> dict[tuple, list[tuple]]:
        groups: dict[tuple, list[tuple]] = defaultdict(list)
        for r in t.rows:
            groups[row_key(r)].append(tuple(r.get(c) for c in shared))
        for rows in groups.values():
            rows.sort(key=repr)  # rows sharing a key: compare as a multiset
        return groups

    ga, gb = grouped(a), grouped(b)
    differing_rows = 0
    differing_cols: set[str] = set()
    for key in sorted(set(ga) | set(gb)):
        ra, rb = ga.get(key, []), gb.get(key, [])
        for i in range(max(len(ra), len(rb))):
            x = ra[i] if i < len(ra) else None
            y = rb[i] if i < len(rb) else None
            if x == y:
                continue
            differing_rows += 1
            if x is None or y is None:
                differing_cols.add("<row only in " + ("B" if x is None else "A") + ">")
            else:
                differing_cols.update(c for c, u, v in zip(shared, x, y) if u != v)
    if differing_rows:
        problems.insert(0, f"{differing_rows} rows differ (A {len(a.rows)} rows, B {len(b.rows)}), "
                           f"columns {', '.join(sorted(differing_cols))}")
    suffix = f" [{'; '.join(notes)}]" if notes else ""
    if problems:
        return False, "DIFFERENT (" + "; ".join(problems) + ")" + suffix
    return True, f"same ({len(a.rows)} rows){suffix}"


def cmd_diff(ns: argparse.Namespace) -> int:
    side_a, side_b = Path(ns.a).resolve(), Path(ns.b).resolve()
    found = {p.name for s in (side_a, side_b) if s.is_dir() for p in s.iterdir()
             if p.is_dir() and (p.name in RUNS or (p / "run.json").exists())}
    runs = ns.runs or [r for r in RUNS if r in found] + sorted(found - set(RUNS))
    all_same = True
    for run in runs:
        na = Normaliser(prefixes_for(side_a, run, ns.strip_prefix))
        nb = Normaliser(prefixes_for(side_b, run, ns.strip_prefix))
        ra, rb = side_a / run, side_b / run
        targets: list[tuple[str, Loaded | None, Loaded | None]] = []
        for t in TABLES:
            targets.append((t, load_parquet(ra / t, na), load_parquet(rb / t, nb)))
        for t in TABLES:
            targets.append((f"csv/{t}", load_csv_folder(ra / "csv" / t, na), load_csv_folder(rb / "csv" / t, nb)))
        fa, fb = ra / "failed.csv", rb / "failed.csv"
        targets.append(("failed.csv", load_csv_file(fa, na) if fa.is_file() else None,
                        load_csv_file(fb, nb) if fb.is_file() else None))
        for name, a, b in targets:
            same, text = compare(a, b, allow_new=ns.allow_new_columns)
            all_same &= same
            print(f"{run:<8} {name:<20} {text}")
    print("ALL SAME" if all_same else "DIFFERENCES FOUND")
    return 0 if all_same else 1


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("inputs", help="build the fixed inputs (run once, with the baseline code)")
    p.add_argument("dir")
    p.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder (default %(default)s)")
    p.add_argument("--project", help="checkout whose jobs/sample.toml to run (default: the imported docbatch's)")
    p.add_argument("--job", help="job file for the sample set (default PROJECT/jobs/sample.toml)")
    p.add_argument("--force", action="store_true", help="delete DIR first if it is not empty")
    p.set_defaults(fn=cmd_inputs)

    p = sub.add_parser("produce", help="replay the inputs through the docbatch this python imports")
    p.add_argument("inputs")
    p.add_argument("out")
    p.add_argument("--runs", nargs="+", default=list(RUNS), choices=RUNS)
    p.add_argument("--force", action="store_true", help="replace run folders that already exist")
    p.set_defaults(fn=cmd_produce)

    p = sub.add_parser("diff", help="compare two produce outputs (A = reference, B = candidate)")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--allow-new-columns", action="store_true",
                   help="columns present only in B are reported but are not a difference")
    p.add_argument("--strip-prefix", action="append", default=[],
                   help="another absolute path prefix to normalise (repeatable)")
    p.add_argument("--runs", nargs="+", help="run names to compare (default: every run folder found)")
    p.set_defaults(fn=cmd_diff)

    ns = ap.parse_args(argv)
    return ns.fn(ns)


if __name__ == "__main__":
    sys.exit(main())
