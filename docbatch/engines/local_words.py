"""rapidocr's result in Rekognition's DetectText shape: LINEs, then their WORDs with real geometry.

Why not the line's box for every word: the parsers read columns and amounts by where words
stand.  One LINE per rapidocr text line, then its WORDs (whitespace tokens, like the
service).  Word boxes come from rapidocr's word boxes when they are consistent with the
line text, paired with their line by content and position (rapidocr's list of them can
drift from the lines); otherwise the line polygon is apportioned by character offsets
(:func:`line_words`).  A WORD's confidence is its weakest glyph's recognition score, a
LINE's rapidocr's mean of them (:mod:`.local_glyphs`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from ..response import make_detection
from .local_glyphs import word_confidences

Point = tuple[float, float]
Polygon = tuple[Point, Point, Point, Point]


@dataclass(frozen=True)
class WordPiece:
    """Text with its confidence and pixel polygon: a piece of a line as rapidocr reports it
    (a word in Latin script, a character in CJK), or a WORD that docbatch makes of pieces."""

    text: str
    confidence: float
    polygon: Polygon


def detections(result: Any, *, width: int, height: int, min_confidence: float) -> list[dict[str, Any]]:
    """rapidocr output -> LINE detections (Ids 0..n-1), then their WORDs (Ids n..)."""
    texts = getattr(result, "txts", None) or ()
    boxes = getattr(result, "boxes", None)
    scores = getattr(result, "scores", None) or ()
    if not texts or boxes is None:
        return []
    char_scores = list(getattr(result, "char_scores", None) or ())
    char_scores += [None] * (len(texts) - len(char_scores))
    kept: list[tuple[str, float, Polygon]] = []
    word_scores: list[list[float] | None] = []
    for raw_text, box, score, chars in zip(texts, boxes, scores, char_scores):
        text = " ".join(str(raw_text).split())
        confidence = float(score) * 100
        polygon = _polygon(box)
        if text and confidence >= min_confidence and polygon is not None:
            kept.append((text, confidence, polygon))
            word_scores.append(word_confidences(str(raw_text), chars) if chars is not None else None)
    groups = _match_word_groups(kept, getattr(result, "word_results", None) or ())

    def norm(poly: Polygon) -> list[Point]:
        return [(x / width, y / height) for x, y in poly]

    lines = [
        make_detection(id=i, type="LINE", text=text, confidence=conf, polygon=norm(poly))
        for i, (text, conf, poly) in enumerate(kept)
    ]
    words: list[dict[str, Any]] = []
    for line_id, ((text, conf, poly), pieces, glyphs) in enumerate(zip(kept, groups, word_scores)):
        line = line_words(text, poly, conf, pieces)
        for word, confidence in zip(line, glyphs or [w.confidence for w in line]):
            words.append(
                make_detection(
                    id=len(kept) + len(words),
                    type="WORD",
                    text=word.text,
                    confidence=confidence,
                    polygon=norm(word.polygon),
                    parent_id=line_id,
                )
            )
    return lines + words


def _polygon(box: Any) -> Polygon | None:
    """A 4-point polygon of finite floats from rapidocr's box, or None if malformed."""
    try:
        pts = [(float(p[0]), float(p[1])) for p in box]
    except (TypeError, ValueError, IndexError):
        return None
    if len(pts) != 4 or not all(math.isfinite(c) for p in pts for c in p):
        return None
    return (pts[0], pts[1], pts[2], pts[3])


def _match_word_groups(
    lines: Sequence[tuple[str, float, Polygon]], word_results: Sequence[Any]
) -> list[list[WordPiece] | None]:
    """Pair each line with rapidocr's word pieces by content and position, not by index.

    rapidocr leaves lines without word boxes out of ``word_results`` (or keeps raw,
    box-less records there), so the two sequences can drift apart.  A group belongs to a
    line when its pieces spell the line's text (whitespace ignored) and lie on the line.
    """
    unused = [g for g in (_pieces(group) for group in word_results) if g is not None]
    out: list[list[WordPiece] | None] = []
    for text, _, polygon in lines:
        key = "".join(text.split())
        match = next(
            (
                g
                for g in unused
                if "".join(p.text for p in g) == key and all(_on_line(p.polygon, polygon) for p in g)
            ),
            None,
        )
        if match is not None:
            unused.remove(match)
        out.append(match)
    return out


def _pieces(group: Any) -> list[WordPiece] | None:
    """rapidocr's ``(text, score, box)`` triples of one line, or None when not in that form."""
    try:
        pieces = []
        for text, conf, box in group:
            polygon = _polygon(box)
            if polygon is None or not isinstance(text, str):
                return None
            if text.strip():
                pieces.append(WordPiece("".join(text.split()), float(conf), polygon))
    except (TypeError, ValueError):
        return None
    return pieces or None


def line_words(
    text: str, polygon: Polygon, confidence: float, pieces: Sequence[WordPiece] | None
) -> list[WordPiece]:
    """Split a line into whitespace WORDs, each with its own polygon (pixel coordinates).

    The OCR's own pieces are used when they tile the words exactly and lie on the line;
    otherwise each word gets the slice of the line polygon its characters occupy.
    ``confidence`` (0..100) is the line's, used for words without a piece score.
    """
    tokens = text.split()
    from_pieces = _words_from_pieces(tokens, polygon, pieces) if pieces else None
    if from_pieces is not None:
        return from_pieces
    words = []
    length = len(text)
    start = 0
    for token in tokens:
        begin = text.index(token, start)
        start = begin + len(token)
        words.append(WordPiece(token, confidence, _slice(polygon, begin / length, start / length)))
    return words


def _words_from_pieces(
    tokens: Sequence[str], line: Polygon, pieces: Sequence[WordPiece]
) -> list[WordPiece] | None:
    """Group consecutive pieces into the tokens they spell; None if they miss a token or leave the line."""
    if not all(_on_line(p.polygon, line) for p in pieces):
        return None
    words = []
    i = 0
    for token in tokens:
        spelled = ""
        first = i
        while i < len(pieces) and len(spelled) < len(token):
            spelled += pieces[i].text
            i += 1
        if spelled != token:
            return None
        group = pieces[first:i]
        polygon = (group[0].polygon[0], group[-1].polygon[1], group[-1].polygon[2], group[0].polygon[3])
        conf = 100 * sum(p.confidence for p in group) / len(group)
        words.append(WordPiece(token, conf, polygon))
    if i != len(pieces):
        return None
    return words


def _on_line(piece: Polygon, line: Polygon) -> bool:
    """A sane piece has area and its centre inside the line's box (half a line height slack)."""
    xs = [x for x, _ in piece]
    ys = [y for _, y in piece]
    if max(xs) - min(xs) <= 0 or max(ys) - min(ys) <= 0:
        return False
    lx = [x for x, _ in line]
    ly = [y for _, y in line]
    slack = (max(ly) - min(ly)) / 2
    cx = sum(xs) / 4
    cy = sum(ys) / 4
    return min(lx) - slack <= cx <= max(lx) + slack and min(ly) - slack <= cy <= max(ly) + slack


def _slice(polygon: Polygon, t0: float, t1: float) -> Polygon:
    """The part of a (top-left, top-right, bottom-right, bottom-left) quad from t0 to t1 of its length."""
    tl, tr, br, bl = polygon

    def lerp(a: Point, b: Point, t: float) -> Point:
        return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

    return (lerp(tl, tr, t0), lerp(tl, tr, t1), lerp(bl, br, t1), lerp(bl, br, t0))
