"""Merging the answers of a tiled document into one DetectText answer (see :mod:`docbatch.tiling`).

A band's answer comes as its lines (each with its WORDs, in the full image's frame) and its
orphan WORDs.  Each band owns the lines whose centre lies in it, less those at its inner edge
(a crop may show half a line); a line two answers both own is kept once (same text,
overlapping boxes); where a band re-read a line the whole-image answer holds complete, the
whole image's reading is kept.  Ids are renumbered, LINEs first and then their WORDs, with
ParentIds kept consistent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping

from .regions import Region, box


@dataclass
class Line:
    """One LINE of a band's answer, its WORDs, and its box in the full image's frame (0..1)."""

    det: dict[str, Any]
    words: list[dict[str, Any]]
    left: float
    top: float
    right: float
    bottom: float

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def tokens(self) -> int:
        return len(str(self.det.get("DetectedText") or "").split())

    @property
    def complete(self) -> bool:
        return len(self.words) >= self.tokens

    @property
    def n_words(self) -> int:
        return max(len(self.words), self.tokens)


@dataclass
class Answer:
    """One answer read for ``region``: its lines, the WORDs no line claims, and how many WORDs it holds."""

    region: Region
    response: Mapping[str, Any]
    lines: list[Line]
    orphans: list[dict[str, Any]]
    n_words: int


def within(y: float, a: float, b: float) -> bool:
    """Whether ``y`` lies in the band ``a..b`` (the image's bottom edge belongs to the last band)."""
    return a <= y < b or (b >= 1 and y == b)


def touches_edge(ln: Line, region: Region, eps: float) -> bool:
    """A line at a band's inner edge may be half outside the crop: not read whole."""
    return (region.top > 0 and ln.top < region.top + eps) or (region.bottom < 1 and ln.bottom > region.bottom - eps)


def overlaps(a: Line, b: Line, share: float = 0.3) -> bool:
    """Whether ``b``'s box covers at least ``share`` of ``a``'s (or the reverse)."""
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    if w <= 0 or h <= 0:
        return False
    area_a = max((a.right - a.left) * (a.bottom - a.top), 1e-12)
    area_b = max((b.right - b.left) * (b.bottom - b.top), 1e-12)
    return w * h >= share * min(area_a, area_b)


def same(a: Line, b: Line) -> bool:
    """Whether two answers read one line: the same text (spaces folded) over at least half of the
    smaller box; merged answers keep it once."""
    return " ".join(str(a.det.get("DetectedText")).split()) == " ".join(str(b.det.get("DetectedText")).split()) \
        and overlaps(a, b, 0.5)


def merge(owned: list[tuple[float, float, Answer]], eps: float, first: Mapping[str, Any], *,
          whole: Answer | None = None) -> dict[str, Any]:
    """One DetectText-shaped answer from the lines each band owns (see the module docstring).

    ``whole`` is the first answer, about the whole image: a band's line that is one of its
    complete lines (one to one, by box) is taken as the whole image read it, since an OCR
    reads a line best with the whole page around it (and the merge then equals an
    uncapped answer wherever the cap did not cut).
    """
    kept = _lines_owned(owned, eps)
    if whole is not None:
        kept = _prefer_whole(kept, whole)
    orphans: list[dict[str, Any]] = []
    for a, b, answer in owned:
        for w in answer.orphans:
            bb = box(w)
            if bb is not None and within((bb[1] + bb[3]) / 2, a, b):
                orphans.append(w)
    dets: list[dict[str, Any]] = []
    words: list[dict[str, Any]] = []
    for line_id, ln in enumerate(kept):
        line = {k: v for k, v in ln.det.items() if k != "ParentId"}
        line["Id"] = line_id
        dets.append(line)
        for w in ln.words:
            words.append({**w, "ParentId": line_id})
    for w in orphans:
        words.append({k: v for k, v in w.items() if k != "ParentId"})
    for offset, w in enumerate(words):
        w["Id"] = len(dets) + offset
    out = {k: v for k, v in first.items() if k != "TextDetections"}
    out["TextDetections"] = dets + words
    return out


def _lines_owned(owned: list[tuple[float, float, Answer]], eps: float) -> list[Line]:
    """Each band's lines (centre in the band, not at its inner edge), top band first; a
    line two answers both own is kept once."""
    kept: list[Line] = []
    for a, b, answer in sorted(owned, key=lambda t: t[0]):
        others = list(kept)  # lines kept from the answers before this one
        for ln in answer.lines:
            # One answer's own lines are never de-duplicated (receipts print lines twice).
            if within(ln.cy, a, b) and not touches_edge(ln, answer.region, eps) \
                    and not any(same(ln, k) for k in others):
                kept.append(ln)
    return kept


def _prefer_whole(kept: list[Line], whole: Answer) -> list[Line]:
    """``kept`` with each band's line replaced by the whole image's reading of it, where
    exactly one complete line of the whole image overlaps it and it alone (a band's line
    whose whole-image reading is kept already is the same line read twice: dropped)."""
    whole_ids = {id(c) for c in whole.lines}
    kept_ids = {id(ln) for ln in kept}
    complete = [c for c in whole.lines if c.complete]
    tiles = [ln for ln in kept if id(ln) not in whole_ids]
    matches = {id(ln): [c for c in complete if overlaps(ln, c, 0.5)] for ln in tiles}
    claims = Counter(id(c) for ln in tiles for c in matches[id(ln)])
    out = []
    for ln in kept:
        found = matches.get(id(ln), [])
        if len(found) != 1 or claims[id(found[0])] != 1:
            out.append(ln)
        elif id(found[0]) not in kept_ids:
            out.append(found[0])
    return out
