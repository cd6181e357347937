"""Reading order from geometry: words grouped into visual rows.

Engines split a printed row differently (Rekognition merges distant columns into one
LINE, PP-OCR splits them), so parsers read *rows rebuilt from word boxes*, never raw
LINE order.  A word joins a row when its vertical centre lies within the row's band;
rows are ordered top to bottom, words left to right.  Responses without geometry (text
only) fall back to one row per LINE in response order.

Photographed receipts are rarely level: across a wide receipt a few degrees of skew move a
right-hand price by more than a row's height.  The skew is estimated first (the slope
that lines most words up with words elsewhere on their row, a projection-profile search)
and centres are compared after removing it.
"""

from __future__ import annotations

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
    """The slope under which most pairs of side-by-side words share a row centre."""
    if len(ws) < 4:
        return 0.0
    best, best_score = 0.0, -1
    tol = typical_h * 0.25
    for slope in _SLOPES:
        ordered = sorted(ws, key=lambda w: _centre(w, slope))
        cys = [_centre(w, slope) for w in ordered]
        score = 0
        j = 0
        for i in range(len(ordered)):
            while cys[i] - cys[j] > tol:
                j += 1
            for k in range(j, i):
                a, b = ordered[i].box, ordered[k].box
                if a.left > b.right or b.left > a.right:
                    score += 1
        if score > best_score or (score == best_score and abs(slope) < abs(best)):
            best, best_score = slope, score
    return best


def visual_rows(response: Mapping[str, Any]) -> list[Row]:
    """Group the response's words into rows, top to bottom, each left to right."""
    ws = [_word(d) for d in words(response)]
    if not ws or any(w.box is None for w in ws):
        # No word geometry: one row per LINE, in the order the engine gave.
        return [Row([_word(d)]) for d in lines(response)]
    typical_h = median(w.box.height for w in ws if w.box) or 0.01
    slope = estimate_skew(ws, typical_h)
    rows: list[tuple[float, Row]] = []  # (centre y, row)
    for w in sorted(ws, key=lambda w: _centre(w, slope)):
        cy = _centre(w, slope)
        tol = max(min(w.box.height, typical_h * 1.5) * 0.5, typical_h * 0.35)
        for i in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            rcy, row = rows[i]
            if abs(cy - rcy) <= tol:
                row.words.append(w)
                n = len(row.words)
                rows[i] = ((rcy * (n - 1) + cy) / n, row)
                break
        else:
            rows.append((cy, Row([w])))
    out = [row for _, row in rows]
    for row in out:
        row.words.sort(key=lambda w: w.box.left)
    out.sort(key=lambda r: sum(_centre(w, slope) for w in r.words) / len(r.words))
    return out
