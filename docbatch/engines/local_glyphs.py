"""Per-character recognition scores of the embedded engine, and word confidences made of them.

rapidocr's recognizer is a CTC model: it scores each character it emits (the top
probability of the frame that emits it) and reports a line's score as their *mean*, so one
doubtful glyph in a line of thirty barely moves it.  Its word pieces do not help either:
``CalRecBoxes`` zips the line's per-character scores with its words, so the k-th word gets
the k-th *character's* score (``9/6`` of ``NO.59 JALAN PERMAS 9/6`` scored as the ``O``).

Here the recognizer's per-character scores are kept (:class:`GlyphRecorder`, which wraps
rapidocr's ``TextRecognizer``), paired with the lines rapidocr finally returns
(:meth:`GlyphRecorder.take`), and a WORD's confidence becomes its *weakest* letter or digit
(:func:`word_confidences`): a word with one doubtful glyph reads as doubtful.  Punctuation is
left out of a word holding letters or digits (a doubtful comma after ``ALAM`` changes no
value a parser reads); a word of punctuation only is scored by its own characters.
"""

from __future__ import annotations

from typing import Any, Sequence

#: Part of the engine's model version: answers made before the word scores changed are not reused.
WORD_SCORE_TAG = "words=weakest_glyph"


class GlyphRecorder:
    """Wraps a rapidocr ``TextRecognizer``: every call's lines, scores and per-character scores
    are recorded in the order rapidocr returns them, until :meth:`take` pairs them with a
    finished result.  Used under the pipeline's lock (one picture at a time)."""

    def __init__(self, recognizer: Any) -> None:
        self._recognizer = recognizer
        self._recorded: list[tuple[str, float, Sequence[float] | None]] = []

    def __getattr__(self, name: str) -> Any:  # the recognizer's settings stay reachable (batch size, ...)
        return getattr(self._recognizer, name)

    def __setattr__(self, name: str, value: Any) -> None:  # ... and settable, on the recognizer itself
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._recognizer, name, value)

    def __call__(self, args: Any) -> Any:
        out = self._recognizer(args)
        words = out.word_results or ()
        for i, (text, score) in enumerate(zip(out.txts or (), out.scores or ())):
            info = words[i] if i < len(words) else None
            self._recorded.append((str(text), float(score), getattr(info, "confs", None)))
        return out

    def clear(self) -> None:
        """Forget what earlier pictures recorded (a call that failed half way)."""
        self._recorded.clear()

    def take(self, texts: Sequence[Any], scores: Sequence[Any]) -> list[Sequence[float] | None]:
        """Per final line (rapidocr's ``txts``/``scores`` after its filters), its per-character
        scores, or None where they are unknown; the record is emptied.

        rapidocr drops empty and low-scored lines but keeps the order, so each final line is
        the next recorded one with the same text and score.
        """
        recorded, self._recorded = self._recorded, []
        out: list[Sequence[float] | None] = []
        at = 0
        for text, score in zip(texts, scores):
            found = None
            for j in range(at, len(recorded)):
                r_text, r_score, confs = recorded[j]
                if r_text == str(text) and abs(r_score - float(score)) < 1e-9:
                    found, at = confs, j + 1
                    break
            out.append(found if found is not None and len(found) == len(str(text)) else None)
        return out


def word_confidences(raw_text: str, char_scores: Sequence[float]) -> list[float]:
    """Confidence (0..100) of each whitespace token of ``raw_text``: its weakest letter or
    digit (its weakest character when it holds neither).  ``char_scores`` (0..1) align with
    the characters of ``raw_text``."""
    out = []
    start = 0
    for token in raw_text.split():
        begin = raw_text.index(token, start)
        start = begin + len(token)
        scores = [float(s) for ch, s in zip(token, char_scores[begin:start]) if ch.isalnum()]
        out.append(100 * min(scores or [float(s) for s in char_scores[begin:start]]))
    return out
