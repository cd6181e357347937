"""DetectText responses built from text placed on a page, for tests and examples.

Parsers read geometry, so a test of a parser needs words with boxes, not just lines.
"""

from __future__ import annotations

from typing import Any

from docbatch.response import make_detection


def response_from_rows(rows: list[tuple[str, float, float]], *, char_w: float = 0.014, h: float = 0.045,
                       confidence: float = 96.0) -> dict[str, Any]:
    """LINE and WORD detections; each row is ``(text, left, top)``, words apportioned by characters."""
    dets: list[dict[str, Any]] = []
    for text, x, y in rows:
        line_id = len(dets)
        right = x + char_w * len(text)
        dets.append(make_detection(id=line_id, type="LINE", text=text, confidence=confidence,
                                   polygon=[(x, y), (right, y), (right, y + h), (x, y + h)]))
        offset = 0
        for word in text.split(" "):
            if word:
                wx = x + char_w * offset
                dets.append(make_detection(id=len(dets), type="WORD", text=word, confidence=confidence,
                                           parent_id=line_id,
                                           polygon=[(wx, y), (wx + char_w * len(word), y),
                                                    (wx + char_w * len(word), y + h), (wx, y + h)]))
            offset += len(word) + 1
    return {"TextDetections": dets}


def response_from_words(words: list[tuple[str, float, float, float, float, float]]) -> dict[str, Any]:
    """A page of words as the local engine boxed them: ``(text, confidence, left, top, width, height)``."""
    dets: list[dict[str, Any]] = []
    for text, conf, x, y, w, h in words:
        box = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
        dets.append(make_detection(id=len(dets), type="LINE", text=text, confidence=conf, polygon=box))
        dets.append(make_detection(id=len(dets), type="WORD", text=text, confidence=conf, polygon=box,
                                   parent_id=len(dets) - 1))
    return {"TextDetections": dets}
