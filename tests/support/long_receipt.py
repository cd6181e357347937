"""A long receipt whose image a far-side engine can read exactly, whole or cropped.

Tiling is tested through the real path (boto3, the fake server's 100-word cap, crops of
the prepared bytes), so the far side must answer any crop of the image the way an OCR
would, without a model.  The image draws each text line as a bar in a colour that names
the line (red and green: its index; blue 100: text), on white; :class:`StripeReceiptEngine`
finds the bars in whatever pixels it is sent and answers in the DetectText shape, in the
frame of the image it was sent.  A bar the crop cuts is answered as a garbled line
touching the crop's edge, as a real OCR reads half a line.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from docbatch.response import make_detection

WIDTH = 320
LINE_PX = 10
GAP_PX = 6
MARGIN_PX = 12
CHAR_PX = 7
TEXT_BLUE = 100


@dataclass(frozen=True)
class ReceiptLine:
    text: str
    left_px: int
    top_px: int

    @property
    def right_px(self) -> int:
        return min(WIDTH - 2, self.left_px + CHAR_PX * len(self.text))

    @property
    def bottom_px(self) -> int:
        return self.top_px + LINE_PX


def receipt_texts(items: int = 60, *, total: str | None = None) -> list[str]:
    """A receipt: vendor and address, date, ``items`` lines of three words, then the totals."""
    amounts = [(i % 9 + 1) * 0.5 for i in range(items)]
    due = total or f"{sum(amounts):.2f}"
    return ["LONG MART SDN BHD", "12 JALAN PANJANG 81100 JOHOR", "DATE 25/12/2025 14:05", "CASH BILL",
            *(f"ITEM{i:02d} x1 {a:.2f}" for i, a in enumerate(amounts)),
            f"SUBTOTAL {due}", f"TOTAL {due}", f"CASH {due}", "THANK YOU"]


def layout(texts: list[str]) -> list[ReceiptLine]:
    return [ReceiptLine(text, 8 + (i * 13) % 40, MARGIN_PX + i * (LINE_PX + GAP_PX)) for i, text in enumerate(texts)]


def receipt_png(texts: list[str], *, receipt: int = 0) -> bytes:
    """The image of ``texts``; ``receipt`` (0..99) tells one engine's receipts apart."""
    lines = layout(texts)
    height = lines[-1].bottom_px + MARGIN_PX
    pixels = np.full((height, WIDTH, 3), 255, dtype=np.uint8)
    for i, ln in enumerate(lines):
        pixels[ln.top_px:ln.bottom_px, ln.left_px:ln.right_px] = (i // 256, i % 256, TEXT_BLUE + receipt)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


class StripeReceiptEngine:
    """Far-side OCR for :func:`receipt_png` images (whole or cropped); LINEs then WORDs, top down.

    ``receipts`` are the texts of receipt 0, 1, ... (as drawn with ``receipt=``); ``calls``
    counts the images read.
    """

    def __init__(self, *receipts: list[str]) -> None:
        self.layouts = [layout(texts) for texts in receipts]
        self.calls = 0

    def detect_text(self, image: Any, document: Any = None, region: Any = None) -> dict[str, Any]:
        self.calls += 1
        with Image.open(io.BytesIO(image.data)) as img:
            pixels = np.asarray(img.convert("RGB"))
        height, width = pixels.shape[:2]
        blue = pixels[..., 2].astype(int)
        marked = (blue >= TEXT_BLUE) & (blue < TEXT_BLUE + len(self.layouts)) & (pixels[..., 0] < 255)
        receipt = int(np.bincount(blue[marked]).argmax()) - TEXT_BLUE if marked.any() else 0
        self.lines = self.layouts[receipt]
        text = blue == TEXT_BLUE + receipt
        ids = pixels[..., 0].astype(int) * 256 + pixels[..., 1].astype(int)
        ys, xs = np.nonzero(text)
        order = np.argsort(ids[ys, xs], kind="stable")
        ys, xs, line_ids = ys[order], xs[order], ids[ys, xs][order]
        found = []
        if len(line_ids):
            values, starts = np.unique(line_ids, return_index=True)
            bounds = [(np.minimum.reduceat(v, starts), np.maximum.reduceat(v, starts)) for v in (ys, xs)]
            for n, i in enumerate(values):
                found.append((int(bounds[0][0][n]), int(bounds[0][1][n]) + 1, int(bounds[1][0][n]),
                              int(bounds[1][1][n]) + 1, int(i)))
        lines, words = [], []
        for top, bottom, left, right, i in sorted(found):
            spec = self.lines[i]
            whole = bottom - top == LINE_PX
            tokens = spec.text.split() if whole else ["#" * len(t) for t in spec.text.split()][:1]
            line_id = len(lines)
            conf = 90.0 + (i * 7) % 10
            lines.append(make_detection(id=line_id, type="LINE", text=" ".join(tokens), confidence=conf,
                                        polygon=_box(left, top, right, bottom, width, height)))
            offset, per_char = 0, (right - left) / max(len(spec.text), 1)
            for t, token in enumerate(tokens):
                x0, x1 = left + offset * per_char, left + (offset + len(token)) * per_char
                words.append((line_id, token, conf - t, _box(x0, top, x1, bottom, width, height)))
                offset += len(token) + 1
        dets = lines + [make_detection(id=len(lines) + n, type="WORD", text=token, confidence=conf, polygon=poly,
                                       parent_id=line_id) for n, (line_id, token, conf, poly) in enumerate(words)]
        return {"TextDetections": dets, "TextModelVersion": "stripes-1"}


def bar_layout(texts: list[str]) -> list[ReceiptLine]:
    """Lines whose left edges tell them apart (two pixels a line), for lossy images."""
    return [ReceiptLine(text, 8 + 2 * i, MARGIN_PX + i * (LINE_PX + GAP_PX)) for i, text in enumerate(texts)]


def receipt_jpeg(texts: list[str], *, orientation: int = 1) -> bytes:
    """The receipt as black bars on white in a JPEG; ``orientation`` 6 stores the pixels turned
    90 degrees counter-clockwise with the EXIF tag that turns them upright (a phone's photo)."""
    lines = bar_layout(texts)
    pixels = np.full((lines[-1].bottom_px + MARGIN_PX, WIDTH), 255, dtype=np.uint8)
    for ln in lines:
        pixels[ln.top_px:ln.bottom_px, ln.left_px:ln.right_px] = 0
    image = Image.fromarray(pixels).convert("RGB")
    exif = Image.Exif()
    if orientation == 6:
        image = image.transpose(Image.Transpose.ROTATE_90)
        exif[0x0112] = 6
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=95, exif=exif.tobytes())
    return buf.getvalue()


class BarReceiptEngine:
    """Far-side OCR for :func:`receipt_jpeg` images, whole or as full-width bands, upright:
    dark bars found by threshold (JPEG's noise does not move an edge), each line known by
    its left edge; a bar the band cuts is a garbled line, as :class:`StripeReceiptEngine`."""

    def __init__(self, texts: list[str]) -> None:
        self.lines = bar_layout(texts)

    def detect_text(self, image: Any, document: Any = None, region: Any = None) -> dict[str, Any]:
        with Image.open(io.BytesIO(image.data)) as img:
            dark = np.asarray(img.convert("L")) < 128
        height, width = dark.shape
        rows = np.flatnonzero(dark.any(axis=1))
        runs = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if len(rows) else []
        lines, words = [], []
        for run in runs:
            top, bottom = int(run[0]), int(run[-1]) + 1
            cols = np.flatnonzero(dark[top:bottom].any(axis=0))
            left, right = int(cols[0]), int(cols[-1]) + 1
            spec = self.lines[round((left * WIDTH / width - 8) / 2)]
            whole = bottom - top == LINE_PX
            tokens = spec.text.split() if whole else ["#" * len(t) for t in spec.text.split()][:1]
            line_id = len(lines)
            lines.append(make_detection(id=line_id, type="LINE", text=" ".join(tokens), confidence=95.0,
                                        polygon=_box(left, top, right, bottom, width, height)))
            offset, per_char = 0, (right - left) / max(len(spec.text), 1)
            for token in tokens:
                x0, x1 = left + offset * per_char, left + (offset + len(token)) * per_char
                words.append((line_id, token, _box(x0, top, x1, bottom, width, height)))
                offset += len(token) + 1
        dets = lines + [make_detection(id=len(lines) + n, type="WORD", text=token, confidence=94.0, polygon=poly,
                                       parent_id=line_id) for n, (line_id, token, poly) in enumerate(words)]
        return {"TextDetections": dets, "TextModelVersion": "bars-1"}


def _box(x0: float, y0: float, x1: float, y1: float, width: int, height: int) -> list[tuple[float, float]]:
    return [(x0 / width, y0 / height), (x1 / width, y0 / height), (x1 / width, y1 / height), (x0 / width, y1 / height)]


def comparable(response: dict[str, Any], digits: int = 9) -> list[tuple[Any, ...]]:
    """Every detection as (type, text, box, its line's text), rounded: what a parser can tell."""
    dets = response["TextDetections"]
    line_text = {d["Id"]: d["DetectedText"] for d in dets if d["Type"] == "LINE"}
    out = []
    for d in dets:
        bb = d["Geometry"]["BoundingBox"]
        out.append((d["Type"], d["DetectedText"], *(round(bb[k], digits) for k in ("Left", "Top", "Width", "Height")),
                    line_text.get(d.get("ParentId")) if d["Type"] == "WORD" else None))
    return sorted(out)
