"""Reading order from geometry: words grouped into visual rows.

Engines split a printed row differently (Rekognition merges distant columns into one
LINE, PP-OCR splits them), so parsers read *rows rebuilt from word boxes*, never raw
LINE order.  A word joins a row when its vertical centre lies within the row's band;
rows are ordered top to bottom, words left to right.  Responses without geometry (text
only) fall back to one row per LINE in response order.
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


def visual_rows(response: Mapping[str, Any]) -> list[Row]:
    """Group the response's words into rows, top to bottom, each left to right."""
    ws = [_word(d) for d in words(response)]
    if not ws or any(w.box is None for w in ws):
        # No word geometry: one row per LINE, in the order the engine gave.
        return [Row([_word(d)]) for d in lines(response)]
    typical_h = median(w.box.height for w in ws if w.box) or 0.01
    rows: list[tuple[float, Row]] = []  # (centre y, row)
    for w in sorted(ws, key=lambda w: (w.box.top + w.box.height / 2)):
        cy = w.box.top + w.box.height / 2
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
    out.sort(key=lambda r: (r.top + r.bottom) / 2)
    return out
