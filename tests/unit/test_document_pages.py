"""The processor answers a multi-page source page by page: one result per page, with its own
doc_id (``<doc_id>#p<N>``), page number, page count and prep record; a page that fails
fails alone; each page has its own cache entry.  A recording engine, no OCR."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from docbatch.cache import ResponseCache
from docbatch.config import RetrySettings
from docbatch.engines.base import Engine, EngineSettings, ImageSpec
from docbatch.pipeline import DocumentProcessor
from docbatch.records import Document, ImageInput
from docbatch.response import make_detection

from ..support import formats as f


class Recorder(Engine):
    """Answers one LINE naming the size of the image it was sent; keeps what it was sent."""

    name = "recorder"
    image_spec = ImageSpec(formats=frozenset({"JPEG", "PNG"}), max_bytes=5 * 1024 * 1024, upscale_below=80)

    def __init__(self) -> None:
        super().__init__(EngineSettings())
        self.sent: list[tuple[str, ImageInput]] = []
        self._lock = threading.Lock()

    def detect_text(self, image: ImageInput | None, document: Document, region: Any = None) -> dict[str, Any]:
        assert image is not None
        with self._lock:
            self.sent.append((document.doc_id, image))
        box = [(0.1, 0.1), (0.9, 0.1), (0.9, 0.2), (0.1, 0.2)]
        line = make_detection(id=0, type="LINE", text=f"{image.width}x{image.height}", confidence=99.0,
                              polygon=box)
        return {"TextDetections": [line], "TextModelVersion": "recorder"}


def drawn(size: tuple[int, int], text: str) -> Image.Image:
    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).text((10, 10), text, fill="black")
    return img


def process(tmp_path: Path, data: bytes, *, cache: ResponseCache | None = None,
            engine: Recorder | None = None) -> tuple[Any, Recorder]:
    engine = engine or Recorder()
    path = tmp_path / "source.bin"
    path.write_bytes(data)
    doc = Document(doc_id="inv-7", source=str(path), doc_type="receipt", row_no=4, passthrough={"cc": "01"})
    processor = DocumentProcessor(engine=engine, retry=RetrySettings(max_attempts=1), cache=cache)
    return processor.process(doc), engine


def test_each_page_of_a_pdf_is_its_own_result(tmp_path):
    result, engine = process(tmp_path, f.pdf_of_jpegs([f.save(drawn((300, 500), "one"), "JPEG"),
                                                        f.save(drawn((400, 200), "two"), "JPEG")]))
    pages = result.each_page()
    assert [p.document.doc_id for p in pages] == ["inv-7#p1", "inv-7#p2"]
    assert [(p.page, p.page_count, p.status) for p in pages] == [(1, 2, "ok"), (2, 2, "ok")]
    assert [(p.image_width, p.image_height) for p in pages] == [(300, 500), (400, 200)]
    assert [p.response["TextDetections"][0]["DetectedText"] for p in pages] == ["300x500", "400x200"]
    assert all(p.prep == ("rendered:150dpi", "encoded:PNG") for p in pages)
    assert {(p.document.row_no, p.document.source, p.document.passthrough["cc"]) for p in pages} == {
        (4, str(tmp_path / "source.bin"), "01")}
    assert [doc_id for doc_id, _ in engine.sent] == ["inv-7#p1", "inv-7#p2"]
    # The source's own result sums its pages up.
    assert (result.document.doc_id, result.status, result.page, result.page_count) == ("inv-7", "ok", None, 2)
    assert result.attempts == 2


def test_a_one_page_source_is_its_own_page(tmp_path):
    result, _ = process(tmp_path, f.save(drawn((240, 120), "one"), "JPEG"))
    assert result.pages == () and result.each_page() == (result,)
    assert (result.document.doc_id, result.page, result.page_count, result.prep) == ("inv-7", 1, 1, ())


def test_a_damaged_page_fails_alone_and_the_source_says_which(tmp_path):
    data = bytearray(f.multipage_tiff([drawn((240, 120), "a"), drawn((240, 120), "b"), drawn((240, 120), "c")],
                                      compression="tiff_deflate"))
    tiff = Image.open(io.BytesIO(bytes(data)))
    tiff.seek(1)
    offset, length = tiff.tag_v2[273][0], tiff.tag_v2[279][0]
    data[offset:offset + length] = b"\xff" * length
    result, engine = process(tmp_path, bytes(data))
    assert [(p.page, p.status, p.error_code) for p in result.pages] == [
        (1, "ok", None), (2, "failed", "corrupt_image"), (3, "ok", None)]
    assert len(engine.sent) == 2
    assert (result.status, result.error_code, result.response) == ("failed", "corrupt_image", None)
    assert result.error_message.startswith("page 2 of 3: ")


def test_a_source_that_does_not_open_is_one_failed_result(tmp_path):
    result, engine = process(tmp_path, f.truncated(f.text_pdf(pages=2)))
    assert (result.status, result.error_code, result.pages, result.page, result.prep) == (
        "failed", "corrupt_image", (), None, None)
    assert engine.sent == []


def test_a_strip_is_enlarged_before_it_is_sent(tmp_path):
    result, engine = process(tmp_path, f.strip(drawn((463, 200), "TOTAL 9.00"), top=70))
    assert (engine.sent[0][1].width, engine.sent[0][1].height) == (618, 80)
    assert result.prep == ("upscaled:463x60>618x80", "encoded:PNG")


@pytest.mark.parametrize("source", ["tiff", "pdf"])
def test_every_page_has_its_own_cache_entry(tmp_path, source):
    pages = [drawn((240, 120), "a"), drawn((240, 120), "b")]
    data = f.multipage_tiff(pages) if source == "tiff" else f.text_pdf(pages=2)
    cache = ResponseCache(tmp_path / "cache")
    first, engine = process(tmp_path, data, cache=cache)
    again, _ = process(tmp_path, data, cache=cache, engine=engine)
    assert len(engine.sent) == 2  # the second run was answered from the cache, page by page
    assert [p.cached for p in again.pages] == [True, True] and again.cached
    assert [p.response for p in again.pages] == [p.response for p in first.pages]
