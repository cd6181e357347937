"""Shaping a full OCR answer the way DetectText would return it: Filters and the word cap.

The service applies the request's ``WordFilter`` and ``RegionsOfInterest`` and returns at
most 100 WORDs (:attr:`RekognitionEngine.word_cap <docbatch.engines.rekognition.RekognitionEngine>`);
the fake server applies the same rules to whatever its engine or replay file produced, so
clients meet the service's limits offline.

Which 100 WORDs the service keeps is not documented.  The server keeps the first 100 in
its answer's reading order by default (``word_cap_order="reading"``: top to bottom, as
the far-side OCR lists them), and can keep the most confident (``"confidence"``) or a
seeded random sample (``"random"``) instead, so clients (tiling) are tested against
every choice the service could make.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..engines.rekognition import RekognitionEngine
from ..regions import answer_seed, cap_words

#: DetectText's cap, as the engine class declares it.
WORD_CAP = RekognitionEngine.word_cap


def word_filter(filters: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], bool]:
    """The request's ``Filters`` as a predicate on WORD detections (no Filters: keep all)."""
    word_filter = filters.get("WordFilter") or {}
    min_conf = float(word_filter.get("MinConfidence", 0.0))
    min_h = float(word_filter.get("MinBoundingBoxHeight", 0.0))
    min_w = float(word_filter.get("MinBoundingBoxWidth", 0.0))
    regions = filters.get("RegionsOfInterest") or []

    def keep(word: Mapping[str, Any]) -> bool:
        bb = (word.get("Geometry") or {}).get("BoundingBox") or {}
        if float(word.get("Confidence", 100.0)) < min_conf:
            return False
        if float(bb.get("Height", 1.0)) < min_h or float(bb.get("Width", 1.0)) < min_w:
            return False
        return not regions or any(_in_region(bb, region) for region in regions)

    return keep


def _in_region(bb: Mapping[str, Any], region: Mapping[str, Any]) -> bool:
    """The service keeps a word that lies more than half inside a region of interest.

    Box regions use the exact overlap of the boxes; polygon regions test the word's centre.
    """
    left, top = float(bb.get("Left", 0.0)), float(bb.get("Top", 0.0))
    width, height = float(bb.get("Width", 0.0)), float(bb.get("Height", 0.0))
    if "BoundingBox" in region:
        r = region["BoundingBox"]
        r_left, r_top = float(r["Left"]), float(r["Top"])
        ox = min(left + width, r_left + float(r["Width"])) - max(left, r_left)
        oy = min(top + height, r_top + float(r["Height"])) - max(top, r_top)
        area = width * height
        return ox > 0 and oy > 0 and (area == 0 or ox * oy > area / 2)
    points = [(float(p["X"]), float(p["Y"])) for p in region.get("Polygon") or []]
    cx, cy = left + width / 2, top + height / 2
    inside = False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]):
        if (y1 > cy) != (y2 > cy) and cx < x1 + (cy - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def select_words(detections: list[Mapping[str, Any]], keep: Callable[[Mapping[str, Any]], bool], *,
                 order: str = "reading") -> list[Mapping[str, Any]]:
    """Keep filtered WORDs up to the service's cap of 100, chosen in ``order`` (see the
    module docstring; ``random`` is seeded by the answer itself, so it is repeatable).

    A LINE stays, with its full text, while at least one of its WORDs stays; a LINE with
    no WORD children at all (some saved responses carry lines only) is left alone.
    """
    return cap_words(detections, WORD_CAP, order=order, seed=answer_seed({"TextDetections": detections}),
                     keep=keep)
