"""The local engine hands rapidocr the BGR array rapidocr would make, and lets the picture go first.

The OCR test is marked ``slow``; the conversion test runs no model.
"""

from __future__ import annotations

import contextlib
import gc
import io
from typing import Any, Iterator

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from docbatch.engines import local_strips
from docbatch.engines.base import EngineSettings
from docbatch.engines.local import LocalEngine
from docbatch.engines.local_pixels import bgr_pixels
from docbatch.engines.local_strips import StripPlan, StripSession
from docbatch.records import Document, ImageInput

from ..conftest import SHARED

DOC = Document(doc_id="t1", source="memory", doc_type="receipt", row_no=0)
SIZE = (1203, 701)  # a size no other picture of the run has


def scan_or_rendered() -> Image.Image:
    path = SHARED / "sroie-train" / "img" / "023.jpg"
    if path.is_file():
        with Image.open(path) as opened:
            return opened.convert("RGB")
    image = Image.new("RGB", (640, 360), "white")
    ImageDraw.Draw(image).text((60, 80), "TOTAL 12.50", fill=(200, 10, 90), font=ImageFont.load_default(size=40))
    return image


def test_pixels_are_the_array_rapidocr_makes_of_the_picture() -> None:
    from rapidocr.utils.load_image import LoadImage

    picture = scan_or_rendered()
    expected = LoadImage()(picture)
    pixels = bgr_pixels(picture)
    assert pixels.dtype == expected.dtype == np.uint8 and pixels.flags.c_contiguous
    assert np.array_equal(pixels, expected)
    assert np.array_equal(LoadImage()(pixels), expected)  # rapidocr passes the array through as it is


def test_the_heap_is_handed_back_before_the_detector_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(local_strips, "release_memory", lambda: calls.append("release"))

    def detector(tensor: np.ndarray) -> np.ndarray:
        calls.append("detector")
        return tensor[:, :1]

    StripSession(detector, StripPlan(0))(np.zeros((1, 3, 64, 64), dtype=np.float32))
    assert calls == ["release", "detector", "release"]


def test_the_heap_is_handed_back_between_strips_and_the_detector_runs_mapped_apart(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(local_strips, "release_memory", lambda: calls.append("release"))

    @contextlib.contextmanager
    def apart() -> Iterator[None]:
        calls.append("apart")
        yield
        calls.append("heap")

    monkeypatch.setattr(local_strips, "mapped_apart", apart)

    def detector(tensor: np.ndarray) -> np.ndarray:
        calls.append("detector")
        return tensor[:, :1]

    plan = StripPlan(64 * 512)
    assert len(plan.strips(1024, 64)) == 4
    StripSession(detector, plan)(np.zeros((1, 3, 1024, 64), dtype=np.float32))
    assert calls == ["release", "apart"] + ["detector", "release"] * 4 + ["heap"]


def pictures_of_size(size: tuple[int, int]) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Image.Image) and o.size == size)


@pytest.mark.slow
def test_the_decoded_picture_is_not_held_while_the_detector_runs() -> None:
    engine = LocalEngine(EngineSettings())
    strips = engine.pipeline().ocr.text_det.session
    onnx = strips.session
    alive: list[int] = []

    def counting(tensor: Any) -> Any:  # the far side: the detector's ONNX session
        alive.append(pictures_of_size(SIZE))
        return onnx(tensor)

    image = Image.new("RGB", SIZE, "white")
    ImageDraw.Draw(image).text((60, 80), "TOTAL 12.50", fill="black", font=ImageFont.load_default(size=40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    del image
    strips.session = counting
    try:
        response = engine.detect_text(ImageInput(data=out.getvalue()), DOC)
    finally:
        strips.session = onnx
    assert alive == [0]
    assert "TOTAL" in [d["DetectedText"] for d in response["TextDetections"]]
