"""A manifest of every kind of hostile input, each row with the outcome it must get.

Used by the fault matrix and the functional tests.  The files are made here, small and
deterministic (no sample data needed): empty, truncated, mislabelled, decompression-bomb,
oversized, animated, CMYK/16-bit/alpha, multi-page TIFF, PDF, truncated PDF/TIFF/HEIC, a
password-protected PDF, missing (local and S3), an object in a bucket of another region,
undecodable and very long file names, formula-looking passthrough text, repeated and empty
sources.
"""

from __future__ import annotations

import io
import random
import struct
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from .bench import text_image, write_manifest
from .formats import encrypted_pdf, save, truncated

#: Passthrough values a spreadsheet would run as formulas (OWASP CSV injection).
FORMULAS = ("=cmd|' /C calc'!A0", "@SUM(1+1)")


@dataclass
class HostileCase:
    """The manifest, and per row number: the expected ``error_code`` (None = ok) and a label."""

    manifest: Path
    expected: dict[int, str | None] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    same_region_uri: str = ""
    other_region_uri: str = ""
    other_region_bytes: bytes = b""
    #: The bytes of each local file, by label (to ask the server what it was sent).
    data: dict[str, bytes] = field(default_factory=dict)

    def row_of(self, label: str) -> int:
        return next(row for row, name in self.labels.items() if name == label)


def _save(img: Image.Image, fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _drawn(mode: str = "RGB", size: tuple[int, int] = (240, 80), text: str = "hostile") -> Image.Image:
    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).text((8, 30), text, fill="black")
    return img if mode == "RGB" else img.convert(mode)


def truncated_jpeg() -> bytes:
    data = _save(Image.effect_noise((300, 300), 60).convert("RGB"), "JPEG")
    return data[: len(data) // 2]


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A 100-byte PNG whose header declares ``width`` x ``height`` pixels."""
    png = bytearray(_save(Image.new("L", (1, 1)), "PNG"))
    ihdr = bytes(png[12:16]) + struct.pack(">II", width, height) + bytes(png[24:29])
    png[16:24] = struct.pack(">II", width, height)
    png[29:33] = struct.pack(">I", zlib.crc32(ihdr))
    return bytes(png)


def oversized_png() -> bytes:
    """Incompressible pixels: a PNG over the service's 5 MB limit for Bytes (stored, not
    deflated: random pixels do not compress, and deflating 5 MB of them costs half a second)."""
    size = (1400, 1300)
    pixels = Image.frombytes("RGB", size, random.Random(6).randbytes(size[0] * size[1] * 3))
    return _save(pixels, "PNG", compress_level=0)


def animated_gif() -> bytes:
    frames = [_drawn("P", text=f"frame {i}") for i in range(3)]
    return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def png_16bit() -> bytes:
    return _save(_drawn("L").point(lambda v: v * 256).convert("I;16"), "PNG")


def multipage_tiff() -> bytes:
    pages = [_drawn(text=f"page {i}") for i in range(2)]
    return _save(pages[0], "TIFF", save_all=True, append_images=pages[1:])


def heic() -> bytes:
    return save(_drawn(), "HEIF")


def build_hostile_case(work: Path, moto_url: str) -> HostileCase:
    """Write the files (local and in two moto buckets) and the manifest under ``work``."""
    import boto3

    img = work / "img"
    img.mkdir(parents=True, exist_ok=True)
    here = f"hostile-{uuid.uuid4().hex[:8]}"
    there = f"hostile-eu-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket=here)
    boto3.client("s3", endpoint_url=moto_url, region_name="eu-west-1").create_bucket(
        Bucket=there, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    case = HostileCase(manifest=work / "hostile.csv")
    case.same_region_uri = f"s3://{here}/in/same-region.png"
    case.other_region_uri = f"s3://{there}/in/other-region.png"
    case.other_region_bytes = text_image("other region")
    s3.put_object(Bucket=here, Key="in/same-region.png", Body=text_image("same region"))
    s3.put_object(Bucket=there, Key="in/other-region.png", Body=case.other_region_bytes)
    rows: list[dict[str, str]] = []

    def add(label: str, expected: str | None, source: str, data: bytes | None = None, **extra: str) -> None:
        if data is not None:
            (img / source).write_bytes(data)
            case.data[label] = data
            source = f"img/{source}"
        rows.append({"source": source, "doc_type": "receipt", **extra})
        case.expected[len(rows)] = expected
        case.labels[len(rows)] = label

    add("plain png", None, "plain.png", text_image("plain"))
    add("zero-byte file", "empty_file", "empty.png", b"")
    add("truncated JPEG", "corrupt_image", "truncated.jpg", truncated_jpeg())
    add("text file named .jpg", "not_an_image", "notes.jpg", b"this is a text file, not a JPEG\n")
    add("decompression bomb", "decompression_bomb", "bomb.png", bomb_png())
    add("over the 5 MB limit", None, "huge.png", oversized_png())
    add("animated GIF", "animated_image", "anim.gif", animated_gif())
    add("CMYK JPEG", None, "cmyk.jpg", _save(_drawn("CMYK"), "JPEG"))
    add("16-bit PNG", None, "gray16.png", png_16bit())
    add("alpha PNG", None, "alpha.png", _save(_drawn("RGBA"), "PNG"))
    add("multi-page TIFF", None, "pages.tif", multipage_tiff())
    add("PDF", None, "doc.pdf", _save(_drawn(), "PDF"))
    add("truncated PDF", "corrupt_image", "cut.pdf", truncated(_save(_drawn(), "PDF")))
    add("truncated TIFF", "corrupt_image", "cut.tif", truncated(multipage_tiff()))
    add("truncated HEIC", "corrupt_image", "cut.heic", truncated(heic()))
    add("password PDF", "pdf_encrypted", "locked.pdf", encrypted_pdf())
    add("missing local path", "file_not_found", "img/does-not-exist.png")
    add("missing S3 object", "s3_not_found", f"s3://{here}/in/missing.png")
    add("same-region S3 object", None, case.same_region_uri)
    add("other-region S3 object", None, case.other_region_uri)
    (img / "caf\udce9.png").write_bytes(text_image("latin-1 name"))  # a Latin-1 name on disk
    add("non-UTF-8 file name", "bad_source", "img/caf\udce9.png")
    add("UTF-8 non-ASCII name", None, "reçu-été-東京.png", text_image("utf-8 name"))
    add("200-char file name", None, "L" * 196 + ".png", text_image("long name"))
    add("formula passthrough =", None, "formula1.png", text_image("formula one"), note=FORMULAS[0])
    add("formula passthrough @", None, "formula2.png", text_image("formula two"), note=FORMULAS[1])
    add("repeated source", "duplicate_source", "img/plain.png")
    add("a folder, not a file", "not_a_file", "img")
    add("empty source", "empty_source", "", doc_id="no-source")
    write_manifest(case.manifest, rows)
    return case
