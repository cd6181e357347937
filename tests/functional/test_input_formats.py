"""One real receipt in every format phones, scanners and PDF writers produce: the embedded OCR
reads the same text and the same total from every page as from the original JPEG.

The receipt (SROIE ``000.jpg``, shared data; skipped when absent) is turned into a two-page
PDF, a rotated HEIC, a two-page TIFF, WebP, CMYK JPEG, 16-bit PNG, palette GIF and a
60-pixel-high strip of its total line.  Each goes through the real processor
(:class:`~docbatch.pipeline.DocumentProcessor`) with the embedded engine handed what
Rekognition would be sent (its JPEG/PNG, 5 MB and 80 px limits), then through the receipt
parser.  Lossy conversions move a character here and there (as any re-scan would), so the
text must match the original's closely rather than byte for byte; the total must be equal.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from rapidfuzz import fuzz

from docbatch.config import RetrySettings
from docbatch.engines.base import EngineSettings
from docbatch.engines.local import LocalEngine
from docbatch.engines.rekognition import RekognitionEngine
from docbatch.parse.receipt.parser import parse_receipt
from docbatch.pipeline import DocumentProcessor
from docbatch.records import Document, DocumentResult

from ..conftest import shared
from ..support import formats as f

pytestmark = pytest.mark.slow

#: The band of 000.jpg holding "Total : 9.00" and the rounding line below it.
STRIP_TOP = 630
#: How close (rapidfuzz ratio, 0..100) a page's text must be to the original's.
SAME_TEXT = 95


class ServiceLimitsLocal(LocalEngine):
    """The embedded OCR, handed the images Rekognition would be sent (its ImageSpec)."""

    image_spec = RekognitionEngine.image_spec


def lines(result: DocumentResult) -> list[str]:
    assert result.status == "ok", (result.error_code, result.error_message)
    return [d["DetectedText"] for d in result.response["TextDetections"] if d["Type"] == "LINE"]


def total(result: DocumentResult) -> Any:
    return parse_receipt(result.response).fields.get("total")


def squeezed(texts: list[str]) -> str:
    return "\n".join("".join(t.split()) for t in texts)


@pytest.fixture(scope="module")
def receipt() -> bytes:
    return shared("sroie-train", "img", "000.jpg").read_bytes()


@pytest.fixture(scope="module")
def processor() -> DocumentProcessor:
    return DocumentProcessor(engine=ServiceLimitsLocal(EngineSettings()), retry=RetrySettings(max_attempts=1))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("formats")


def run(processor: DocumentProcessor, folder: Path, name: str, data: bytes) -> DocumentResult:
    path = folder / name
    path.write_bytes(data)
    return processor.process(Document(doc_id=name, source=str(path), doc_type="receipt", row_no=1))


@pytest.fixture(scope="module")
def original(processor: DocumentProcessor, folder: Path, receipt: bytes) -> DocumentResult:
    result = run(processor, folder, "original.jpg", receipt)
    assert result.prep == () and total(result) == Decimal("9.00")  # the receipt's own total
    return result


def _formats(receipt: bytes) -> dict[str, tuple[bytes, int, str]]:
    """name -> (bytes, pages, the prep step each page must show)."""
    img = Image.open(io.BytesIO(receipt))
    img.load()
    return {
        "two-page.pdf": (f.pdf_of_jpegs([receipt, receipt], dpi=150), 2, "rendered:150dpi"),
        "rotated.heic": (f.rotated_heic(img), 1, "rotated:90cw"),
        "two-page.tif": (f.multipage_tiff([img, img.convert("L")], compression="tiff_lzw"), 2, "encoded:PNG"),
        "receipt.webp": (f.webp(img), 1, "encoded:PNG"),
        "cmyk.jpg": (f.cmyk_jpeg(img), 1, "converted:CMYK>RGB"),
        "gray16.png": (f.png_16bit(img), 1, "converted:I;16>L"),
        "palette.gif": (f.palette_gif(img), 1, "converted:P>RGB"),
    }


@pytest.mark.parametrize("name", ["two-page.pdf", "rotated.heic", "two-page.tif", "receipt.webp", "cmyk.jpg",
                                  "gray16.png", "palette.gif"])
def test_every_format_reads_like_the_original(processor, folder, receipt, original, name):
    data, n_pages, step = _formats(receipt)[name]
    result = run(processor, folder, name, data)
    pages = result.each_page()
    assert [(p.page, p.page_count) for p in pages] == [(i, n_pages) for i in range(1, n_pages + 1)]
    want = squeezed(lines(original))
    for page in pages:
        assert step in page.prep
        assert (page.image_width, page.image_height) == (original.image_width, original.image_height)
        similarity = fuzz.ratio(squeezed(lines(page)), want)
        assert similarity >= SAME_TEXT, f"page {page.page}: text only {similarity:.1f}% like the original's"
        assert total(page) == total(original)


def test_a_60_pixel_strip_is_enlarged_and_reads_like_that_band_of_the_original(processor, folder, receipt,
                                                                                 original):
    img = Image.open(io.BytesIO(receipt))
    result = run(processor, folder, "strip.png", f.strip(img, top=STRIP_TOP, height=60))
    assert result.prep == ("upscaled:463x60>618x80", "encoded:PNG")
    band = [d["DetectedText"] for d in original.response["TextDetections"] if d["Type"] == "LINE"
            and STRIP_TOP / img.height < _centre_y(d) < (STRIP_TOP + 60) / img.height]
    assert squeezed(lines(result)) == squeezed(band)
    assert total(result) == total(original)


def _centre_y(detection: dict[str, Any]) -> float:
    box = detection["Geometry"]["BoundingBox"]
    return box["Top"] + box["Height"] / 2
