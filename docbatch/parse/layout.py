"""Reading order from geometry: words grouped into visual rows.

Engines split a printed row differently (Rekognition merges distant columns into one
LINE, PP-OCR splits them), so parsers read *rows rebuilt from word boxes*, never raw
LINE order.  A word joins the nearest row whose band holds its vertical centre and
where no word already occupies its horizontal span (tightly printed lines never
interleave); rows are ordered top to bottom, words left to right.  Responses without geometry (text
only) fall back to one row per LINE in response order.

Photographed receipts are rarely level: across a wide receipt a few degrees of skew move a
right-hand price by more than a row's height.  The skew is estimated first, from the word
polygons when the engine reports rotated ones (their median top-edge slope), else as the
slope that lines most words up with words elsewhere on their row (a projection-profile
search), and centres are compared after removing it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from statistics import median
from typing import Any, Mapping

from ..response import Box, box_of, lines, words


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float
    box: Box | None


@dataclass
class Row:
    """One visual row: words left to right."""

    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def confidence(self) -> float:
        return min((w.confidence for w in self.words), default=0.0)

    @property
    def top(self) -> float:
        return min((w.box.top for w in self.words if w.box), default=0.0)

    @property
    def bottom(self) -> float:
        return max((w.box.bottom for w in self.words if w.box), default=0.0)

    @property
    def left(self) -> float:
        return min((w.box.left for w in self.words if w.box), default=0.0)

    @property
    def right(self) -> float:
        return max((w.box.right for w in self.words if w.box), default=0.0)


def _word(det: Mapping[str, Any]) -> Word:
    return Word(str(det.get("DetectedText", "")), float(det.get("Confidence", 0.0)), box_of(det))


#: Candidate skews, as slopes in normalised coordinates (dy per dx), about +-4.5 degrees.
_SLOPES = [i * 0.005 for i in range(-16, 17)]


def _centre(w: Word, slope: float) -> float:
    assert w.box is not None
    return w.box.top + w.box.height / 2 - slope * (w.box.left + w.box.width / 2)


def estimate_skew(ws: list[Word], typical_h: float) -> float:
    """The slope under which most words share a row centre with a word beside them.

    Level (slope 0) is kept unless a slope pairs clearly more words (5 %), so evenly
    spaced rows are never tilted by one row's pitch.
    """
    if len(ws) < 4:
        return 0.0
    tol = typical_h * 0.25
    level = _paired(ws, 0.0, tol)
    best, best_score = 0.0, level
    for slope in _SLOPES:
        s = _paired(ws, slope, tol)
        if s > best_score or (s == best_score and abs(slope) < abs(best)):
            best, best_score = slope, s
    return best if best_score > level * 1.05 else 0.0


def _paired(ws: list[Word], slope: float, tol: float) -> int:
    """How many words have, within ``tol`` of their centre under ``slope``, a word beside them
    (horizontally apart).  In linear time: a word is paired when the band of centres around it
    holds a word ending left of its start or starting right of its end, which the band's least
    right edge and greatest left edge say (kept for the sliding band in monotonic queues).
    Comparing every pair in the band instead made a garbage answer of thousands of copies of
    one line, all in one band, take minutes to parse."""
    ordered = sorted(ws, key=lambda w: _centre(w, slope))
    cys = [_centre(w, slope) for w in ordered]
    lefts = [w.box.left for w in ordered if w.box]
    rights = [w.box.right for w in ordered if w.box]
    least_right: deque[int] = deque()
    most_left: deque[int] = deque()
    n, lo, hi, paired = len(ordered), 0, 0, 0
    for x in range(n):
        while hi < n and not cys[hi] - cys[x] > tol:
            while least_right and rights[least_right[-1]] >= rights[hi]:
                least_right.pop()
            least_right.append(hi)
            while most_left and lefts[most_left[-1]] <= lefts[hi]:
                most_left.pop()
            most_left.append(hi)
            hi += 1
        while cys[x] - cys[lo] > tol:
            lo += 1
        while least_right[0] < lo:
            least_right.popleft()
        while most_left[0] < lo:
            most_left.popleft()
        if rights[least_right[0]] < lefts[x] or lefts[most_left[0]] > rights[x]:
            paired += 1
    return paired


def polygon_skew(dets: list[Mapping[str, Any]]) -> float | None:
    """Median top-edge slope of rotated word polygons, or None when the polygons are level."""
    slopes = []
    for d in dets:
        poly = (d.get("Geometry") or {}).get("Polygon") or []
        if len(poly) == 4:
            (x0, y0), (x1, y1) = (poly[0]["X"], poly[0]["Y"]), (poly[1]["X"], poly[1]["Y"])
            if x1 - x0 > 1e-6:
                slopes.append((y1 - y0) / (x1 - x0))
    if len(slopes) < max(4, len(dets) // 2) or sum(1 for s in slopes if abs(s) > 1e-4) < len(slopes) // 2:
        return None
    return median(slopes)


def _overlaps(w: Word, row: Row) -> bool:
    """Whether ``w`` sits over a word already in ``row``: two words in one place are two rows."""
    assert w.box is not None
    for o in row.words:
        assert o.box is not None
        shared = min(w.box.right, o.box.right) - max(w.box.left, o.box.left)
        if shared > 0.3 * min(w.box.width, o.box.width):
            return True
    return False


def _line_blocks(dets: list[Mapping[str, Any]], ws: list[Word]) -> list[list[Word]]:
    """The words grouped by the LINE the engine read them in (a word without one alone).

    A LINE is one printed row: its words move into a row together.  Placed one by one, the
    words of a tilted scan's line could reach the row above at its high end (``SELANGOR.``
    closing the second address line joined the first, whose last word was pushed out).
    """
    blocks: dict[object, list[Word]] = {}
    for k, (det, w) in enumerate(zip(dets, ws)):
        parent = det.get("ParentId")
        blocks.setdefault(("line", parent) if parent is not None else ("word", k), []).append(w)
    return list(blocks.values())


def _block_centre(block: list[Word], slope: float) -> float:
    return sum(_centre(w, slope) for w in block) / len(block)


def visual_rows(response: Mapping[str, Any]) -> list[Row]:
    """Group the response's words into rows, top to bottom, each left to right."""
    dets = words(response)
    ws = [_word(d) for d in dets]
    if not ws or any(w.box is None for w in ws):
        # No word geometry: one row per LINE, in the order the engine gave.
        return [Row([_word(d)]) for d in lines(response)]
    typical_h = median(w.box.height for w in ws if w.box) or 0.01
    slope = polygon_skew(dets)
    if slope is None:
        slope = estimate_skew(ws, typical_h)
    rows: list[tuple[float, Row]] = []  # (centre y, row)
    for block in sorted(_line_blocks(dets, ws), key=lambda b: _block_centre(b, slope)):
        cy = _block_centre(block, slope)
        height = median(w.box.height for w in block if w.box)
        tol = max(min(height, typical_h * 1.5) * 0.5, typical_h * 0.35)
        near = [i for i in range(max(len(rows) - 4, 0), len(rows))
                if abs(cy - rows[i][0]) <= tol and not any(_overlaps(w, rows[i][1]) for w in block)]
        if near:
            i = min(near, key=lambda i: abs(cy - rows[i][0]))
            rcy, row = rows[i]
            n = len(row.words)
            row.words.extend(block)
            rows[i] = ((rcy * n + cy * len(block)) / len(row.words), row)
        else:
            rows.append((cy, Row(list(block))))
    out = [row for _, row in rows]
    for row in out:
        row.words.sort(key=lambda w: w.box.left)
    out.sort(key=lambda r: sum(_centre(w, slope) for w in r.words) / len(r.words))
    return out
