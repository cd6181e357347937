"""The local engine's detector on horizontal strips: the cut, the stitched map, and a real read.

The OCR test is marked ``slow``; the others use a numpy stand-in for the detector's session.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from docbatch.engines.base import EngineSettings
from docbatch.engines.local import LocalEngine
from docbatch.engines.local_strips import StripPlan, run_in_strips
from docbatch.records import Document, ImageInput

DOC = Document(doc_id="t1", source="memory", doc_type="receipt", row_no=0)


@pytest.mark.parametrize("height,width,max_pixels,overlap", [
    (1984, 1408, 2_000_000, 128), (2848, 736, 1_500_000, 128), (1984, 928, 600_000, 64),
    (4096, 736, 736 * 640, 128), (1984, 768, 768 * 640, 100),
])
def test_strips_tile_the_rows_and_each_reads_its_context_within_the_budget(
        height: int, width: int, max_pixels: int, overlap: int) -> None:
    strips = StripPlan(max_pixels, overlap).strips(height, width)
    assert len(strips) > 1
    assert [s[2] for s in strips] == [0] + [s[3] for s in strips[:-1]]  # kept rows follow each other
    assert strips[-1][3] == height
    context = -(-overlap // 32) * 32
    for read_top, read_bottom, keep_top, keep_bottom in strips:
        assert read_top == max(0, keep_top - context) and read_bottom == min(height, keep_bottom + context)
        assert (read_bottom - read_top) * width <= max_pixels
        assert read_top % 32 == 0 and (read_bottom - read_top) % 32 == 0  # the detector's grid


@pytest.mark.parametrize("max_pixels", [0, 1984 * 736])
def test_a_picture_within_the_budget_or_no_budget_is_read_in_one_pass(max_pixels: int) -> None:
    assert StripPlan(max_pixels).strips(1984, 736) == [(0, 1984, 0, 1984)]


def test_a_picture_wider_than_tall_is_read_in_one_pass() -> None:
    # A 60 px strip of a receipt enlarged to the detector's 736 px short side: 5,600 px wide,
    # one text line high. Cut in rows, each band held a slice of that line (RourdingAdjustment:
    # came back as "Rour" and "ir ding Adjustment").
    assert StripPlan(2_000_000).strips(736, 5664) == [(0, 736, 0, 736)]


def local_detector(calls: list[tuple[int, ...]]) -> Any:
    """A stand-in for the detector's session: each output pixel depends on the input 40 rows
    above and below it (zero beyond the input's edges), as a convolution's does."""
    def session(tensor: np.ndarray) -> np.ndarray:
        calls.append(tensor.shape)
        padded = np.pad(tensor[:, :1], ((0, 0), (0, 0), (40, 40), (0, 0)))
        rows = tensor.shape[2]
        return padded[:, :, :rows] + 2 * padded[:, :, 40:40 + rows] + 3 * padded[:, :, 80:80 + rows]
    return session


def test_stitched_map_equals_the_whole_pictures_for_a_detector_that_sees_less_than_the_overlap() -> None:
    tensor = np.random.default_rng(7).random((1, 3, 1984, 32), dtype=np.float32)
    whole_calls: list[tuple[int, ...]] = []
    strip_calls: list[tuple[int, ...]] = []
    whole = local_detector(whole_calls)(tensor)
    plan = StripPlan(32 * 512, overlap=64)
    stitched = run_in_strips(local_detector(strip_calls), tensor, plan)
    assert len(strip_calls) == len(plan.strips(1984, 32)) == 6 and all(shape[2] <= 512 for shape in strip_calls)
    assert stitched.shape == whole.shape == (1, 1, 1984, 32)
    assert np.array_equal(stitched, whole)


def tall_receipt(lines: dict[int, str]) -> bytes:
    """A 768 x 1280 picture (read by the detector at its own scale) with text lines at the given tops."""
    image = Image.new("RGB", (768, 1280), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=40)
    for top, text in lines.items():
        draw.text((60, top), text, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def read_lines(engine: LocalEngine, data: bytes) -> list[tuple[str, float, float]]:
    """(text, top, bottom) of each LINE, in pixels of the 1280 px picture."""
    response = engine.detect_text(ImageInput(data=data), DOC)
    out = []
    for det in response["TextDetections"]:
        if det["Type"] == "LINE":
            box = det["Geometry"]["BoundingBox"]
            out.append((det["DetectedText"], box["Top"] * 1280, (box["Top"] + box["Height"]) * 1280))
    return out


@pytest.mark.slow
def test_lines_read_in_strips_are_the_whole_pictures_and_one_across_a_seam_stays_one_line() -> None:
    budget = 768 * 512  # strips of 512 rows at most: kept rows cut at 256, 512, 768, ...
    seam = StripPlan(budget).strips(1280, 768)[0][3]
    lines = {seam - 22: "TOTAL RM 48.30 CASH",  # straddles the first seam
             100: "KEDAI RUNCIT 1234", 600: "GST 6% 2.73", 1000: "CHANGE DUE 1.70"}
    data = tall_receipt(lines)
    whole = read_lines(LocalEngine(EngineSettings(options={"det_strip_pixels": 0})), data)
    strips = read_lines(LocalEngine(EngineSettings(options={"det_strip_pixels": budget})), data)
    assert [text for text, _, _ in strips] == [text for text, _, _ in whole] == [
        "KEDAI RUNCIT 1234", "TOTAL RM 48.30 CASH", "GST 6% 2.73", "CHANGE DUE 1.70"]
    for (_, top_w, bottom_w), (_, top_s, bottom_s) in zip(whole, strips):
        # a few px apart at most: the detector's channel weights are means over what it reads
        assert abs(top_w - top_s) <= 6 and abs(bottom_w - bottom_s) <= 6
    across = strips[1]
    assert across[1] < seam < across[2]
