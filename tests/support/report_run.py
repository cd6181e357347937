"""A run folder worth a report: real receipt images, answers through the real wire, failures,
throttling, a receipt read with low confidence, and a reconciliation of it.

The images are drawn with the text of their answers at the answers' positions, so a
crop of a field's box shows that field.  The far side (the project's Rekognition-protocol
server) answers each image from a saved response named by the image's hash, under a
quota lower than the client's rate, so some calls are throttled and retried.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from docbatch import RunConfig, run_batch
from docbatch.merge import merge_shards
from docbatch.reconcile import reconcile
from docbatch.testing.fake_rekognition import FakeRekognitionServer

from .responses import response_from_rows

PAGE = (900, 1200)
#: (doc_id, vendor, date, total, confidence of every word)
RECEIPTS = [(f"r{i}", vendor, f"0{3 + i % 5}/12/2018", f"{8 + i}.50", 96.0)
            for i, vendor in enumerate(["KEDAI BUKU MAJU SDN BHD", "RESTORAN SELERA ENTERPRISE", "KOPI KING SDN BHD",
                                        "PASAR MINI JIN SENG", "SYARIKAT PERNIAGAAN GIN KEE", "UNIHAKKA INTERNATIONAL",
                                        "MR D.I.Y. (M) SDN BHD", "TOKO SEGAR SDN BHD"])]
RECEIPTS.append(("faint", "KEDAI RUNCIT AH MENG", "09/12/2018", "44.90", 40.0))
STATEMENT = """Transaction Date,Posted Date,Description,Amount,Currency,Reference
03/12/2018,05/12/2018,KEDAI BUKU MAJU SDN B JOHOR BAHRU MY,-8.50,MYR,T1
04/12/2018,06/12/2018,RESTORAN SELERA,-9.50,MYR,T2
20/12/2018,20/12/2018,NETFLIX.COM,-45.00,MYR,T6
"""


def rows_of(vendor: str, date: str, total: str) -> list[tuple[str, float, float]]:
    return [(vendor, 0.15, 0.05), ("NO 12 JALAN SAGU 18, 81100 JOHOR BAHRU", 0.1, 0.1), (f"DATE: {date}", 0.1, 0.2),
            ("ITEM", 0.1, 0.3), (total, 0.7, 0.3), ("TOTAL", 0.1, 0.4), (f"RM {total}", 0.7, 0.4)]


def draw(rows: list[tuple[str, float, float]], *, char_w: float = 0.014) -> bytes:
    """A PNG with each row's text at its (left, top), about as wide as the answer's boxes."""
    img = Image.new("L", PAGE, 255)
    pen = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=int(char_w * PAGE[0] * 1.6))
    for text, x, y in rows:
        pen.text((x * PAGE[0], y * PAGE[1]), text, fill=0, font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@dataclass
class ReportRun:
    out: Path
    recon: Path
    run: dict


def make_report_run(base: Path, *, out: str | None = None, s3_endpoint_url: str | None = None,
                    reconcile_it: bool = True, shards: int | None = None) -> ReportRun:
    """The run (into ``out``: ``base/run`` by default, or an s3:// URI) and its reconciliation;
    with ``shards``, that many shards of it into the one folder, then merged."""
    replay, images = base / "replay", base / "img"
    replay.mkdir(parents=True, exist_ok=True)
    images.mkdir(exist_ok=True)
    lines = ["source,doc_type,doc_id"]
    for doc_id, vendor, date, total, conf in RECEIPTS:
        rows = rows_of(vendor, date, total)
        data = draw(rows)
        (images / f"{doc_id}.png").write_bytes(data)
        (replay / f"{hashlib.sha256(data).hexdigest()}.json").write_text(
            json.dumps(response_from_rows(rows, confidence=conf)))
        lines.append(f"img/{doc_id}.png,receipt,{doc_id}")
    (images / "junk.jpg").write_bytes(b"these are notes, not a picture")
    lines += ["img/junk.jpg,receipt,junk", "img/gone.png,receipt,gone"]
    (base / "m.csv").write_text("\n".join(lines) + "\n")
    target = out or str(base / "run")
    with FakeRekognitionServer(replay_dir=replay, tps=4, latency=0.02) as server:
        for shard in ([f"{i}/{shards}" for i in range(shards)] if shards else [None]):
            run_batch(RunConfig(manifest=str(base / "m.csv"), out=target, engine="rekognition", region="us-east-1",
                                endpoint_url=server.endpoint_url, s3_endpoint_url=s3_endpoint_url, tps=12,
                                use_cache=False, backoff_base=0.02, backoff_max=0.2, formats=("parquet",),
                                shard=shard))
    if shards:
        merge_shards(target)
    recon = base / "recon"
    if reconcile_it:
        (base / "card.csv").write_text(STATEMENT)
        reconcile(target, base / "card.csv", out=recon)
    run = json.loads((Path(target) / "run.json").read_text()) if out is None else {}
    return ReportRun(out=Path(target) if out is None else Path(base), recon=recon, run=run)


def make_s3_report_run(base: Path, moto_url: str) -> tuple[object, str, str]:
    """The run (no reconciliation) into a new bucket on the moto server: (S3 client, bucket, run folder URI)."""
    import uuid

    import boto3

    bucket = f"runs-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    uri = f"s3://{bucket}/nightly/2026-12-01"
    make_report_run(base, out=uri, s3_endpoint_url=moto_url, reconcile_it=False)
    return s3, bucket, uri
