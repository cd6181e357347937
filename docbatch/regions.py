"""Regions of an image, and answers about them: what engines need to honour a region request.

A :class:`Region` is a box in the full image's normalised coordinates (0..1).  An engine
asked for a region answers as if the region were the whole image: the coordinates of
its detections are in the *region's* frame, within 0..1 (see
:meth:`docbatch.engines.base.Engine.detect_text`).  Three ways to honour one, one helper
each:

* engines that read image bytes crop them (:func:`crop_image`) and re-express the
  answer about the pixel crop in the frame of the region asked for (:func:`reframe`);
* engines that answer from saved full-image responses keep the detections lying wholly
  inside the region (:func:`within`): a line the region cuts in two is not in it;
* any engine with a word cap keeps at most that many WORDs (:func:`cap_words`), in the
  order its service would: ``reading`` (the answer's own order, what the project's
  Rekognition-protocol server does), ``confidence`` (highest first) or ``random``.

A LINE stays while one of its WORDs stays, with its full text: a line the cap cut short
shows more tokens in its text than WORD children, which is how tiling tells a complete
line from a truncated one.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal, Mapping

from .errors import BadImageError
from .response import Box, detections

CapOrder = Literal["reading", "confidence", "random"]
CAP_ORDERS: tuple[str, ...] = ("reading", "confidence", "random")
#: Float slack when testing containment (the service's own geometry is float32).
EPS = 1e-7


@dataclass(frozen=True)
class Region(Box):
    """A box of the full image in normalised coordinates (``left``/``top`` 0..1, sizes > 0): a
    :class:`~.response.Box` that lies within the image, so an engine can be asked about it."""

    def __post_init__(self) -> None:
        if not (0.0 <= self.left < 1.0 and 0.0 <= self.top < 1.0 and self.width > 0 and self.height > 0
                and self.right <= 1.0 + EPS and self.bottom <= 1.0 + EPS):
            raise ValueError(f"not a region of the image: {self}")

    @classmethod
    def band(cls, top: float, bottom: float) -> Region:
        """The full-width horizontal band from ``top`` to ``bottom`` (clipped to the image)."""
        top, bottom = max(0.0, top), min(1.0, bottom)
        return cls(0.0, top, 1.0, bottom - top)

    @property
    def is_full(self) -> bool:
        return self.left <= 0 and self.top <= 0 and self.right >= 1 and self.bottom >= 1

    @property
    def key(self) -> str:
        """A stable text form (cache keys): the same region always prints the same."""
        return "r" + "_".join(f"{v:.9f}" for v in (self.left, self.top, self.width, self.height))


FULL = Region(0.0, 0.0, 1.0, 1.0)


# -- coordinates ------------------------------------------------------------------------------


def _map_geometry(det: Mapping[str, Any], fx: Callable[[float], float], fy: Callable[[float], float],
                  sx: float, sy: float) -> dict[str, Any]:
    out = dict(det)
    geo = det.get("Geometry")
    if not isinstance(geo, Mapping):
        return out
    new_geo = dict(geo)
    bb = geo.get("BoundingBox")
    if isinstance(bb, Mapping):
        new_geo["BoundingBox"] = {**bb, "Left": fx(float(bb["Left"])), "Top": fy(float(bb["Top"])),
                                  "Width": float(bb["Width"]) * sx, "Height": float(bb["Height"]) * sy}
    poly = geo.get("Polygon")
    if isinstance(poly, list):
        new_geo["Polygon"] = [{**p, "X": fx(float(p["X"])), "Y": fy(float(p["Y"]))} for p in poly]
    out["Geometry"] = new_geo
    return out


def to_full(det: Mapping[str, Any], region: Region) -> dict[str, Any]:
    """A detection given in ``region``'s frame, in the full image's frame."""
    if region.is_full:
        return dict(det)
    return _map_geometry(det, lambda x: region.left + x * region.width, lambda y: region.top + y * region.height,
                         region.width, region.height)


def to_region(det: Mapping[str, Any], region: Region) -> dict[str, Any]:
    """A detection given in the full image's frame, in ``region``'s frame."""
    if region.is_full:
        return dict(det)
    return _map_geometry(det, lambda x: (x - region.left) / region.width, lambda y: (y - region.top) / region.height,
                         1.0 / region.width, 1.0 / region.height)


def reframe(response: Mapping[str, Any], seen: Region, asked: Region) -> dict[str, Any]:
    """An answer about the area ``seen`` (e.g. a pixel-exact crop) in the frame of ``asked``.

    Coordinates are clamped to 0..1 of ``asked`` (a crop a pixel larger than asked must
    not put points outside the frame the caller expects).
    """
    out = dict(response)
    dets = []
    for det in detections(response):
        moved = to_region(to_full(det, seen), asked) if seen != asked else dict(det)
        dets.append(_clamped(moved))
    out["TextDetections"] = dets
    return out


def _clamp(v: float) -> float:
    return min(max(v, 0.0), 1.0)


def _clamped(det: dict[str, Any]) -> dict[str, Any]:
    geo = det.get("Geometry")
    if not isinstance(geo, Mapping):
        return det
    bb = geo.get("BoundingBox")
    if isinstance(bb, Mapping):
        left, top = _clamp(float(bb["Left"])), _clamp(float(bb["Top"]))
        right = _clamp(float(bb["Left"]) + float(bb["Width"]))
        bottom = _clamp(float(bb["Top"]) + float(bb["Height"]))
        if (left, top, right - left, bottom - top) != (bb["Left"], bb["Top"], bb["Width"], bb["Height"]):
            geo = {**geo, "BoundingBox": {**bb, "Left": left, "Top": top, "Width": right - left,
                                          "Height": bottom - top}}
    poly = geo.get("Polygon")
    if isinstance(poly, list):
        geo = {**geo, "Polygon": [{**p, "X": _clamp(float(p["X"])), "Y": _clamp(float(p["Y"]))} for p in poly]}
    det["Geometry"] = geo
    return det


def box(det: Mapping[str, Any]) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of a detection, or None without geometry."""
    bb = (det.get("Geometry") or {}).get("BoundingBox")
    if not bb:
        return None
    left, top = float(bb["Left"]), float(bb["Top"])
    return left, top, left + float(bb["Width"]), top + float(bb["Height"])


def inside(det: Mapping[str, Any], region: Region) -> bool:
    """Whether the detection's box lies wholly in ``region`` (detections without geometry do not)."""
    b = box(det)
    return b is not None and (b[0] >= region.left - EPS and b[1] >= region.top - EPS
                              and b[2] <= region.right + EPS and b[3] <= region.bottom + EPS)


def within(response: Mapping[str, Any], region: Region) -> dict[str, Any]:
    """The part of a full-image answer that ``region`` holds, in the region's frame.

    A LINE is kept when its box lies wholly in the region, with those of its WORDs that do;
    a WORD without a kept LINE is dropped (a line cut in two by the region is not in it).
    """
    if region.is_full:
        return dict(response)
    dets = detections(response)
    lines = {d.get("Id") for d in dets if d.get("Type") == "LINE" and inside(d, region)}
    kept = [to_region(d, region) for d in dets
            if (d.get("Type") == "LINE" and d.get("Id") in lines)
            or (d.get("Type") == "WORD" and (d.get("ParentId") in lines or "ParentId" not in d)
                and inside(d, region))]
    return {**response, "TextDetections": kept}


# -- the word cap --------------------------------------------------------------------------------


def cap_words(detections: Iterable[Mapping[str, Any]], cap: int | None, *, order: str = "reading",
              seed: str = "", keep: Callable[[Mapping[str, Any]], bool] | None = None) -> list[Mapping[str, Any]]:
    """Keep at most ``cap`` WORDs (those ``keep`` accepts), chosen in ``order``; the rest in place.

    ``reading`` keeps the first ones in the answer's order, ``confidence`` the most
    confident (ties in answer order), ``random`` a sample seeded by ``seed`` (the same
    answer is always capped the same way).  A LINE stays while at least one of its WORDs
    stays; a LINE with no WORD children at all (lines-only answers) is left alone.
    """
    if order not in CAP_ORDERS:
        raise ValueError(f"cap order must be one of {', '.join(CAP_ORDERS)}, not {order!r}")
    dets = list(detections)
    candidates = [i for i, d in enumerate(dets) if d.get("Type") == "WORD" and (keep is None or keep(d))]
    if cap is not None and len(candidates) > cap:
        if order == "confidence":
            candidates = sorted(candidates, key=lambda i: -float(dets[i].get("Confidence", 0.0)))[:cap]
        elif order == "random":
            rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))
            candidates = rng.sample(candidates, cap)
        else:
            candidates = candidates[:cap]
    kept = set(candidates)
    parents_kept = {dets[i].get("ParentId") for i in kept}
    parents_dropped = {d.get("ParentId") for i, d in enumerate(dets) if d.get("Type") == "WORD" and i not in kept}
    return [d for i, d in enumerate(dets)
            if i in kept or (d.get("Type") != "WORD"
                             and (d.get("Id") in parents_kept or d.get("Id") not in parents_dropped))]


def answer_seed(response: Mapping[str, Any]) -> str:
    """A seed for ``random`` capping that depends only on the answer (deterministic runs)."""
    texts = "\x1f".join(str(d.get("DetectedText")) for d in detections(response))
    return hashlib.sha256(texts.encode("utf-8", "surrogatepass")).hexdigest()  # any text, even unencodable


# -- cropping ----------------------------------------------------------------------------------------


def pixel_box(region: Region, width: int, height: int) -> tuple[int, int, int, int]:
    """The smallest pixel box (left, top, right, bottom) holding ``region`` of a width x height image."""
    left = max(0, math.floor(region.left * width + 1e-9))
    top = max(0, math.floor(region.top * height + 1e-9))
    right = min(width, math.ceil(region.right * width - 1e-9))
    bottom = min(height, math.ceil(region.bottom * height - 1e-9))
    return left, top, max(right, left + 1), max(bottom, top + 1)


def crop_bytes(data: bytes, region: Region, *, max_bytes: int | None = None,
               min_side: int | None = None) -> tuple[bytes, Region, int, int]:
    """Crop encoded image bytes to ``region``: (PNG or JPEG bytes, the region the crop shows, width, height).

    The crop is pixel-exact, so the region it shows can be a fraction of a pixel larger
    than the one asked for; callers re-express answers with :func:`reframe`.  A crop with
    a side under ``min_side`` (a service's minimum) is enlarged to it, which changes no
    normalised coordinate.  PNG unless that is over ``max_bytes`` (then JPEG, quality
    lowered until it fits).
    """
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            width, height = img.size
            l, t, r, b = pixel_box(region, width, height)
            piece = img.crop((l, t, r, b))
            if piece.mode not in ("RGB", "L"):
                piece = piece.convert("RGB")
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadImageError("the image cannot be decoded to crop a region of it", error_code="corrupt_image") from exc
    seen = Region(l / width, t / height, (r - l) / width, (b - t) / height)
    if min_side is not None and min(piece.size) < min_side:
        scale = min_side / min(piece.size)
        piece = piece.resize((max(min_side, round(piece.width * scale)), max(min_side, round(piece.height * scale))),
                             Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    piece.save(buf, format="PNG")
    quality = 90
    while max_bytes is not None and buf.tell() > max_bytes and quality >= 30:
        buf = io.BytesIO()
        piece.save(buf, format="JPEG", quality=quality)
        quality -= 15
    return buf.getvalue(), seen, piece.width, piece.height
