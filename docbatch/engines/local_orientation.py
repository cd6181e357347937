"""One orientation per page for the embedded engine's line classifier.

rapidocr turns each detected line that its orientation model (cls) calls upside down,
line by line.  The model sees a line squeezed to 48 x 192 px, and on lines of one repeated
symbol it guesses: a passport's MRZ line (``<<<<<<<<<`` and digits) is called upside down
often enough that it is turned and read as ``>>>>>>>>`` and garbage.  A page is scanned or
photographed one way up, so the lines vote: when most are upright, none is turned; when
most are upside down (a page fed upside down), every one is.  Pages of fewer than
:data:`MIN_VOTERS` lines keep the model's word for each line.
"""

from __future__ import annotations

from typing import Any, Sequence

#: Below this many lines a page's vote says too little; each line keeps its own call.
MIN_VOTERS = 3
#: ``cv2.rotate``'s code for half a turn (``cv2.ROTATE_180``).
_HALF_TURN = 1


def page_flips(calls: Sequence[bool]) -> list[bool]:
    """Which lines to turn, given which the model would turn: all or none, by majority."""
    if len(calls) < MIN_VOTERS:
        return list(calls)
    upside_down = 2 * sum(calls) > len(calls)
    return [upside_down] * len(calls)


class PageOrientation:
    """Wraps rapidocr's ``TextClassifier``: classify every line, then turn by the page's vote.

    Each line is turned at most once: the classifier turns only its deep copies (``out.img_list``,
    replaced here), and the vote turns the untouched ``img_list`` that rapidocr then recognises.
    """

    def __init__(self, classifier: Any) -> None:
        self._classifier = classifier

    def __call__(self, img_list: Any) -> Any:
        import cv2

        if not isinstance(img_list, list):
            img_list = [img_list]
        out = self._classifier(img_list)
        threshold = self._classifier.cls_thresh
        calls = [("180" in label and score > threshold) for label, score in out.cls_res]
        flips = page_flips(calls)
        out.img_list = [cv2.rotate(img, _HALF_TURN) if flip else img for img, flip in zip(img_list, flips)]
        out.cls_res = [(("180" if flip else "0"), score) for (_, score), flip in zip(out.cls_res, flips)]
        return out
