"""The test bench of the fault matrix: loopback servers, a far-side engine, images, and
what a user can observe of a run (tables, Parquet files, the server's request log).

Shared by ``python -m benchmarks.fault_matrix`` and the functional tests, so both
measure the same things the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import pandas as pd
import pyarrow.parquet as pq
from PIL import Image, ImageDraw

import docbatch
from docbatch.config import RunConfig
from docbatch.response import make_detection
from docbatch.testing.fake_rekognition import FakeRekognitionServer, RequestRecord

#: Columns that legitimately differ between two runs of the same documents.
TIMING_COLUMNS = ("processed_at", "latency_ms", "attempts", "run_id")
TABLES = ("documents", "detections", "receipts", "receipt_items", "ids")
CONCURRENCY = 4
#: Dummy credentials for the loopback servers; both double as leak detectors in logs.
DUMMY_ENV = {"AWS_ACCESS_KEY_ID": "AKIAFAULTMATRIX0000", "AWS_SECRET_ACCESS_KEY": "fault-matrix-secret-do-not-log",
             "AWS_DEFAULT_REGION": "us-east-1"}
#: Words only the far-side engine "recognises": they must never reach a log line.
RECOGNISED_WORDS = ("CORNER", "SHOP")


# -- the far side ----------------------------------------------------------------------


class TinyReceiptEngine:
    """Far-side OCR for the fake server: a three-line receipt whose total comes from the
    image bytes (or is ``total`` when given), so every image has its own deterministic
    answer and no model is loaded."""

    def __init__(self, total: str | None = None) -> None:
        self.total = total

    def detect_text(self, image: Any, document: Any) -> dict[str, Any]:
        total = self.total or tiny_total(image.data)
        rows = [list(RECOGNISED_WORDS), ["25/12/2025"], ["TOTAL", total]]
        lines, words = [], []
        for i, row in enumerate(rows):
            y = 0.1 + i * 0.1
            lines.append(make_detection(id=i, type="LINE", text=" ".join(row), confidence=99.0,
                                        polygon=[(0.1, y), (0.9, y), (0.9, y + 0.05), (0.1, y + 0.05)]))
            for j, word in enumerate(row):
                x = 0.1 + j * 0.4
                words.append(make_detection(id=len(rows) + len(words), type="WORD", text=word, confidence=98.0,
                                            polygon=[(x, y), (x + 0.3, y), (x + 0.3, y + 0.05), (x, y + 0.05)],
                                            parent_id=i))
        return {"TextDetections": lines + words}


def tiny_total(data: bytes) -> str:
    """The total :class:`TinyReceiptEngine` reads on an image of these bytes."""
    digest = hashlib.sha256(data).digest()
    return f"{int.from_bytes(digest[:2], 'big') % 10000 / 100:.2f}"


@contextlib.contextmanager
def dummy_aws_env() -> Iterator[None]:
    """Dummy credentials in ``os.environ`` (child processes inherit them); the user's own
    AWS files, profile and session token are hidden, so nothing can reach a real account."""
    env = {**DUMMY_ENV, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_CONFIG_FILE": os.devnull}
    hidden = ("AWS_PROFILE", "AWS_SESSION_TOKEN")
    saved = {k: os.environ.get(k) for k in [*env, *hidden]}
    os.environ.update(env)
    for key in hidden:
        os.environ.pop(key, None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def aws_sandbox() -> Iterator[str]:
    """:func:`dummy_aws_env` plus moto's S3 on loopback; yields its URL."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
    with dummy_aws_env():
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            yield f"http://{host}:{port}"
        finally:
            server.stop()


def text_image(text: str, *, size: tuple[int, int] = (240, 64)) -> bytes:
    """A small real PNG with ``text`` on it (distinct texts, distinct bytes)."""
    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).text((8, 20), text, fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def write_manifest(path: Path, rows: Sequence[Mapping[str, str]], columns: Sequence[str] = ()) -> Path:
    """A CSV manifest; values are str and may hold undecodable bytes as surrogates."""
    import csv

    names = list(columns) or ["source", "doc_type", "doc_id", "cost_center", "note"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in names})
    path.write_bytes(buf.getvalue().encode("utf-8", "surrogateescape"))
    return path


# -- what a user can observe -----------------------------------------------------------


@dataclass(frozen=True)
class Calls:
    """DetectText requests as the server saw them."""

    requests: int  # every request, errors included
    answered: int  # 200s the client could read
    repeated: int  # 200s beyond the first for the same image (paid twice)
    late: int  # 200s sent after a stall the client had already timed out on
    ok_keys: frozenset[str]


def count_calls(log: Sequence[RequestRecord]) -> Calls:
    answered = [r for r in log if r.outcome == "ok" and r.fault != "slow"]
    keys = Counter(r.image_key for r in answered)
    late = sum(1 for r in log if r.outcome == "ok" and r.fault == "slow")
    return Calls(len(log), len(answered), sum(n - 1 for n in keys.values()), late,
                 frozenset(k for k in keys if k is not None))


def read_tables(out: Path, *, ignore: Sequence[str] = ()) -> dict[str, pd.DataFrame]:
    """Every Parquet table of a run, without timing columns (nor ``ignore``), in a stable row order."""
    tables = {}
    for name in TABLES:
        folder = out / name
        if not folder.is_dir():
            continue
        df = pd.read_parquet(folder)
        df = df.drop(columns=[c for c in (*TIMING_COLUMNS, *ignore) if c in df.columns])
        keys = [c for c in ("doc_id", "id", "line_no", "item_no") if c in df.columns]
        tables[name] = df.sort_values(keys, kind="stable").reset_index(drop=True) if keys else df
    return tables


def table_differences(out: Path, baseline: Path, *, ignore: Sequence[str] = ()) -> list[str]:
    """What differs between two runs' tables (empty: same rows, same values), ``ignore``
    naming columns that may differ too."""
    got, want = read_tables(out, ignore=ignore), read_tables(baseline, ignore=ignore)
    problems = []
    for name in TABLES:
        if (name in got) != (name in want):
            problems.append(f"table {name} present in only one run")
        elif name in got:
            a, b = got[name], want[name]
            if list(a.columns) != list(b.columns) or len(a) != len(b):
                problems.append(f"{name}: {len(a)} rows/{len(a.columns)} cols vs {len(b)}/{len(b.columns)}")
            elif not a.equals(b):
                cols = [c for c in a.columns if not a[c].equals(b[c])]
                problems.append(f"{name}: values differ from the clean run in {', '.join(cols[:4])}")
    return problems


def s3_leftovers(client: Any, bucket: str, prefix: str) -> list[str]:
    """Keys under ``prefix`` (relative to it) a finished run must not leave: temporary objects, the
    lock, and staging builds other than the one ``_published.json`` names and the one before it
    (kept for readers of the pointer until the next build)."""
    import json

    keys = [o["Key"][len(prefix):] for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=prefix) for o in page.get("Contents", ())]
    kept: tuple[str, ...] = ()
    if "_published.json" in keys:
        pointer = json.loads(client.get_object(Bucket=bucket, Key=f"{prefix}_published.json")["Body"].read())
        kept = tuple(f"{b}/" for b in (pointer["build"], pointer.get("previous")) if b)
    return [k for k in keys if (".staging-" in k and not k.startswith(kept)) or ".tmp" in k
            or k == ".docbatch-lock.json"]


def broken_parquet(out: Path) -> list[str]:
    """Visible Parquet files that do not load completely (there must be none, ever)."""
    bad = []
    for path in out.rglob("*.parquet"):
        if any(part.startswith(".") for part in path.relative_to(out).parts):
            continue  # staging and temp names: readers skip hidden paths
        try:
            pq.read_table(path)
        except Exception:  # noqa: BLE001 - any failure to load is the finding
            bad.append(str(path.relative_to(out)))
    return bad


def load_table(out: Path | str, name: str, *, s3_endpoint_url: str | None = None) -> pd.DataFrame | None:
    """One output table as a reader sees it (a local run folder or ``s3://bucket/prefix/``);
    None when the run folder has no such table."""
    out = str(out)
    if not out.startswith("s3://"):
        folder = Path(out) / name
        return pd.read_parquet(folder) if folder.is_dir() else None
    import boto3

    bucket, _, prefix = out[len("s3://"):].partition("/")
    prefix = f"{prefix.rstrip('/')}/{name}/".lstrip("/")
    client = boto3.client("s3", endpoint_url=s3_endpoint_url, region_name="us-east-1")
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    keys = sorted(o["Key"] for page in pages for o in page.get("Contents", ())
                  if o["Key"].endswith(".parquet") and "/." not in o["Key"][len(prefix) - 1:])
    if not keys:
        return None
    frames = [pq.read_table(io.BytesIO(client.get_object(Bucket=bucket, Key=k)["Body"].read())).to_pandas()
              for k in keys]
    return pd.concat(frames, ignore_index=True)


def source_bytes(source: str, *, s3_endpoint_url: str | None = None) -> bytes | None:
    """The bytes a source holds now (a local path or ``s3://bucket/key``); None when gone."""
    if source.startswith("s3://") and s3_endpoint_url is None:
        return None  # never ask real AWS
    try:
        if source.startswith("s3://"):
            import boto3

            bucket, _, key = source[len("s3://"):].partition("/")  # no URL semantics: keys may hold # and ?
            client = boto3.client("s3", endpoint_url=s3_endpoint_url, region_name="us-east-1")
            return client.get_object(Bucket=bucket, Key=key)["Body"].read()
        return Path(source.removeprefix("file://")).read_bytes()
    except Exception:  # noqa: BLE001 - a source that cannot be read now cannot be judged
        return None


def sent_forms(data: bytes) -> list[bytes]:
    """Every form in which a source of these bytes can reach the far side: as they are (an
    S3Object, an image sent untouched) and each page as docbatch prepares it for Rekognition
    (enlarged, converted, rendered)."""
    from docbatch.engines.rekognition import RekognitionEngine
    from docbatch.errors import DocbatchError
    from docbatch.prep import prepare_pages

    forms = [data]
    with contextlib.suppress(DocbatchError):
        forms += [page.image.data for page in prepare_pages(data, spec=RekognitionEngine.image_spec)
                  if page.image.data is not None and page.image.data != data]
    return forms


def expected_totals(data: bytes) -> set[str]:
    """Every total the far side can have read on a source of these bytes (:func:`sent_forms`)."""
    return {tiny_total(form) for form in sent_forms(data)}


def wrong_rows(receipts: pd.DataFrame | None, *, s3_endpoint_url: str | None = None) -> list[str]:
    """doc_ids of receipts whose total is not what the far side reads on that row's own
    source (the row holds another image's fields).  A source gone since cannot be judged."""
    if receipts is None or receipts.empty:
        return []
    wrong, known = [], {}
    for doc_id, source, total in zip(receipts["doc_id"], receipts["source"], receipts["total"]):
        if source not in known:
            data = source_bytes(str(source), s3_endpoint_url=s3_endpoint_url)
            known[source] = None if data is None else expected_totals(data)
        if known[source] is not None and (pd.isna(total) or f"{total:.2f}" not in known[source]):
            wrong.append(str(doc_id))
    return wrong


def snapshot(root: Path, *, skip: Sequence[Path] = ()) -> dict[str, str]:
    """sha256 of every regular file under ``root`` (by relative path), leaving out the files
    and folders in ``skip``: what :func:`harmed` compares against."""
    skipped = [Path(p).resolve() for p in skip]
    files = {}
    for path in sorted(Path(root).rglob("*")):
        real = path.resolve()
        if path.is_symlink() or not path.is_file() or any(real == s or s in real.parents for s in skipped):
            continue
        files[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def harmed(before: Mapping[str, str], root: Path) -> list[str]:
    """Files of a :func:`snapshot` that were deleted or changed since (there must be none)."""
    hurt = []
    for rel, digest in before.items():
        path = Path(root) / rel
        if not path.is_file():
            hurt.append(f"{rel} deleted")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            hurt.append(f"{rel} overwritten")
    return hurt


# -- the bench: images, manifests, servers -------------------------------------------


class Bench:
    """A working folder with a standard image set and manifest, and the loopback servers.

    ``moto_url`` is a running S3 endpoint with dummy credentials already in the
    environment (:func:`aws_sandbox`, or the tests' fixtures).
    """

    def __init__(self, root: Path, *, moto_url: str, docs: int = 24) -> None:
        self.root = Path(root)
        self.moto_url = moto_url
        self.docs = docs
        self._manifest: Path | None = None
        #: The out folder of an uninterrupted, fault-free run of :meth:`manifest` (set by the fault matrix).
        self.baseline: Path | None = None
        self._outs = Counter[str]()

    def folder(self, name: str) -> Path:
        """A new, empty working folder named after ``name`` (a second call gets ``name-2``)."""
        slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "run"
        self._outs[slug] += 1
        path = self.root / (slug if self._outs[slug] == 1 else f"{slug}-{self._outs[slug]}")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def manifest(self) -> Path:
        """``docs`` receipts as local PNGs, with passthrough columns (one formula-looking)."""
        if self._manifest is None:
            img = self.root / "img"
            img.mkdir(parents=True, exist_ok=True)
            rows = []
            for i in range(self.docs):
                (img / f"r{i:03d}.png").write_bytes(text_image(f"receipt {i}"))
                rows.append({"source": f"img/r{i:03d}.png", "doc_type": "receipt", "cost_center": f"{i:04d}",
                             "note": "=1+1" if i % 7 == 3 else f"batch {i % 3}"})
            self._manifest = write_manifest(self.root / "manifest.csv", rows)
        return self._manifest

    def server(self, **kw: Any) -> FakeRekognitionServer:
        return FakeRekognitionServer(engine=TinyReceiptEngine(), s3_endpoint_url=self.moto_url, **kw)

    def config(self, manifest: Path, out: Path, server: FakeRekognitionServer, **kw: Any) -> RunConfig:
        base: dict[str, Any] = dict(
            manifest=str(manifest), out=str(out), engine="rekognition", region="us-east-1",
            endpoint_url=server.endpoint_url, s3_endpoint_url=self.moto_url, tps=200, concurrency=CONCURRENCY,
            use_cache=False, backoff_base=0.01, backoff_max=0.1, formats=("parquet", "csv"))
        base.update(kw)
        return RunConfig(**base)

    def cli(self, manifest: Path, out: Path | str, server: FakeRekognitionServer, *extra: str,
            env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
        """``docbatch run`` in a child process against ``server`` (which lives in this one);
        ``env`` adds to (or overrides) this process's environment.  Its temp folders go under
        the bench (``TMPDIR``): a child that is SIGKILLed cannot remove them, and they would
        pile up in the machine's /tmp, run after run."""
        cmd = [sys.executable, "-m", "docbatch.cli", "run", "--manifest", str(manifest), "--out", str(out),
               "--engine", "rekognition", "--region", "us-east-1", "--endpoint-url", server.endpoint_url,
               "--s3-endpoint-url", self.moto_url, "--tps", "200", "--concurrency", str(CONCURRENCY),
               "--format", "parquet,csv", *extra]
        here = str(Path(docbatch.__file__).resolve().parents[1])  # this docbatch, installed or not
        tmp = self.root / ".tmp"
        tmp.mkdir(exist_ok=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])),
               "TMPDIR": str(tmp), **(env or {})}
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                cwd=self.root)
