"""Shaping a full OCR answer the way DetectText would return it: Filters and the word cap.

The service applies the request's ``WordFilter`` and ``RegionsOfInterest`` and returns at
most 100 WORDs; the fake server applies the same rules to whatever its engine or replay
file produced, so clients meet the service's limits offline.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..response import WORD_CAP


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


def select_words(detections: list[Mapping[str, Any]],
                  keep: Callable[[Mapping[str, Any]], bool]) -> list[Mapping[str, Any]]:
    """Keep filtered WORDs up to the service's cap of 100, in the response's (reading) order.

    A LINE stays while at least one of its WORDs stays; a LINE with no WORD children at
    all (some saved responses carry lines only) is left alone.
    """
    kept: set[int] = set()
    parents_kept: set[Any] = set()
    parents_dropped: set[Any] = set()
    for index, det in enumerate(detections):
        if det.get("Type") != "WORD":
            continue
        if len(kept) < WORD_CAP and keep(det):
            kept.add(index)
            parents_kept.add(det.get("ParentId"))
        else:
            parents_dropped.add(det.get("ParentId"))
    return [
        det for index, det in enumerate(detections)
        if index in kept
        or (det.get("Type") != "WORD" and (det.get("Id") in parents_kept or det.get("Id") not in parents_dropped))
    ]
