"""A licence's text as segments: runs of text on one visual row, with each character's place.

Segments come from :func:`docbatch.parse.layout.visual_rows`, cut where a wide gap
separates two words (side-by-side fields), without rotated text (vertical watermarks,
ghost names); long label words misread by a letter or two are restored in their text
(:func:`.licence_vocabulary.label_word`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from statistics import median
from typing import Any, Mapping

from ..layout import visual_rows
from .licence_vocabulary import label_word


@dataclass
class Segment:
    """A run of text on one visual row without a wide gap; per char: left x, (top, bottom), and
    the OCR confidence of the word it belongs to (``confidence`` is the lowest of the run)."""

    text: str
    xs: list[float]
    ys: list[tuple[float, float]]
    right: float
    top: float
    bottom: float
    confidence: float
    row: int
    confs: list[float] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def x_at(self, i: int) -> float:
        return self.xs[i] if i < len(self.xs) else self.right

    def confidence_of(self, start: int, end: int) -> float:
        """The OCR confidence of the words ``text[start:end]`` was read from.

        A value's own words, not the whole run: a misread label or a smudge beside a
        clearly read number says nothing about the number.
        """
        picked = [c for ch, c in zip(self.text[start:end], self.confs[start:end]) if not ch.isspace()]
        return min(picked, default=self.confidence)

    def confidence_of_spelling(self, value: str, start: int, end: int) -> float:
        """The confidence of the words spelling ``value`` in ``text[start:end]`` (separators such as
        spaces, dashes and dots allowed between its characters), else of the whole span.

        A number read from a label's text is only its own words: another label glued on after
        it (``300038099904 IDOB``), misread at a low confidence, says nothing about the number.
        """
        spelled = r"[\s.\-]*".join(re.escape(c) for c in value)
        m = re.compile(spelled).search(self.text, start, end) if value else None
        return self.confidence_of(m.start(), m.end()) if m else self.confidence_of(start, end)

    def confidence_of_part(self, part: str) -> float:
        """The confidence of the words holding ``part``, the first place it is found (else the run's)."""
        i = self.text.find(part) if part else -1
        return self.confidence_of(i, i + len(part)) if i >= 0 else self.confidence

    def span_y(self, start: int, end: int) -> tuple[float, float]:
        """Top and bottom of the characters ``start:end`` (a label inside a taller line)."""
        ys = self.ys[start:end] or self.ys
        return min(y[0] for y in ys), max(y[1] for y in ys)


def read_segments(response: Mapping[str, Any]) -> list[Segment]:
    rows = visual_rows(response)
    heights = [w.box.height for r in rows for w in r.words if w.box]
    gap_limit = 1.5 * (median(heights) if heights else 0.02)
    aspects = [_char_aspect(w) for r in rows for w in r.words if w.box and len(w.text) >= 3]
    usual_aspect = median(aspects) if aspects else 0.0
    segs: list[Segment] = []
    for ri, row in enumerate(rows):
        current: list[Any] = []
        for w in row.words:
            if w.box and len(w.text) >= 3 and _char_aspect(w) < 0.4 * usual_aspect:
                continue  # rotated text (a vertical watermark or ghost name), not a field
            if current and w.box and current[-1].box and w.box.left - current[-1].box.right > gap_limit:
                segs.append(_make_seg(current, ri))
                current = []
            current.append(w)
        if current:
            segs.append(_make_seg(current, ri))
    segs = [s for s in segs if s.text.strip()]
    for seg in segs:
        seg.text = "".join(_plain(c) for c in seg.text)
        seg.text = re.sub(r"[A-Z]{7,}", lambda m: label_word(m.group()), seg.text)
    return segs


def _plain(char: str) -> str:
    """One character as plain text, one for one so the characters' places stay.

    Small print read as superscripts (AAMVA field numbers set small before their values:
    ``¹SAMPLE``, ``⁸123 MAIN ST``) and full-width punctuation (``WHITE，ELIZABETH``) are their
    compatibility forms (NFKC); a space read as an underscore is a space.
    """
    if char == "_":
        return " "
    plain = unicodedata.normalize("NFKC", char)
    return plain.upper() if len(plain) == 1 else char


def _char_aspect(word: Any) -> float:
    """Box width per character over box height.

    Box sides are fractions of different image sides, so only a comparison with the
    page's other words means anything: vertical text is many times narrower per
    character, while a slightly tilted photo only makes boxes a little taller.
    """
    return word.box.width / max(len(word.text), 1) / max(word.box.height, 1e-6)


def _make_seg(words: list[Any], row: int) -> Segment:
    text, xs, ys, confs = "", [], [], []
    for w in words:
        if text:
            text += " "
            xs.append(xs[-1] if xs else 0.0)
            ys.append(ys[-1] if ys else (0.0, 0.0))
            confs.append(confs[-1] if confs else 0.0)
        t = w.text.upper()
        left = w.box.left if w.box else 0.0
        width = w.box.width if w.box else 0.0
        xs += [left + width * i / max(len(t), 1) for i in range(len(t))]
        ys += [(w.box.top, w.box.bottom) if w.box else (0.0, 0.0)] * len(t)
        confs += [w.confidence] * len(t)
        text += t
    boxes = [w.box for w in words if w.box]
    return Segment(text, xs, ys, max((b.right for b in boxes), default=0.0), min((b.top for b in boxes), default=0.0),
                max((b.bottom for b in boxes), default=0.0), min(w.confidence for w in words), row,
                   confs)
