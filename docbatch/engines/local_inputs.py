"""What the local engine hands its models: the decoded picture, and the detector's scale.

Why these sizes: PP-OCR's cost and memory on a scan are mostly the text detector's, and they
grow with the pixels of its input, while what it needs is text a few pixels high.  A receipt
scanned at 300 dpi (2481 x 3508) holds ten times the pixels the detector needs to find its
lines; the recognizer reads each line from the picture at its own fixed height (48 px), so
it needs the picture only as sharp as its smallest text.  So:

* the picture is decoded less than twice :attr:`Sizing.max_side` long (a JPEG straight at a
  reduced scale where that is large enough, any picture reduced by a whole factor): less
  time and memory than decoding every pixel of a large photo; rapidocr itself shrinks it to
  ``max_side`` (OpenCV, sides rounded to 32 px), as the engine always did.  Shrinking it here
  instead (PIL's antialiased resize) read the 38 SROIE scans over 2,000 px differently and cost
  receipt fields (held-out addresses 89.2% -> 86.5%: "290" read as "29O");
* the detector sees a picture whose short side is under ``det_min_side`` enlarged to it, as
  rapidocr does by default (a typical receipt, a licence photo: capping that enlargement made
  boxes that misread characters, "290" as "29O"), and a larger one shrunk until its long side is
  at most ``det_max_side``, its short side never below ``det_shrink_min_side`` (large scans).
  The default reads large pictures at their own scale: at ``det_max_side`` 1,280 the detector
  takes a third of its time and finds as many words, but its coarser boxes read other
  characters (SROIE 114 "NO 29O") and cost receipt fields (docs/performance.md, the embedded engine's speed).

Answers are in 0..1 coordinates of the picture, so shrinking it changes no geometry.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

from ..errors import BadImageError
from ..prep import flatten_on_white, has_alpha


@dataclass(frozen=True)
class Sizing:
    """Pixel budgets of the local engine (see the module docstring for why)."""

    max_side: int = 2000
    det_min_side: int = 736
    det_max_side: int = 2000  # = max_side: no shrinking by default (a smaller scale cost receipt fields)
    det_shrink_min_side: int = 480

    def detector_limit(self, width: int, height: int) -> tuple[str, int]:
        """rapidocr's ``(limit_type, limit_side_len)`` that gives this picture the detector's scale.

        rapidocr either enlarges the short side to a limit (``"min"``) or shrinks the long
        side to one (``"max"``); the scale wanted here is chosen per picture, then said in
        whichever of the two reaches it.  ``width`` x ``height`` is the decoded picture; the
        detector reads it after rapidocr has shrunk it to ``max_side``.
        """
        fit = min(1.0, self.max_side / max(width, height))
        short, long = min(width, height) * fit, max(width, height) * fit
        if short < self.det_min_side:  # enlarged as rapidocr does: a smaller scale misreads (SROIE 026, 123)
            return "min", self.det_min_side
        ratio = max(self.det_shrink_min_side / short, min(1.0, self.det_max_side / long))
        if ratio >= 1.0:  # its own scale: rapidocr's default limit, a no-op whatever its shrink rounded to
            return "min", self.det_min_side
        return "max", max(32, round(long * ratio))


def decode(data: bytes, max_side: int | None) -> Any:
    """An RGB PIL picture of ``data``, less than twice ``max_side`` on its longest side (None: full size)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as opened:
            if max_side is not None and max(opened.size) > max_side:
                scale = max_side / max(opened.size)
                # JPEG only: decode at the smallest 1/2, 1/4, 1/8 scale still at least this size.
                opened.draft("RGB", (math.ceil(opened.width * scale), math.ceil(opened.height * scale)))
            picture = flatten_on_white(opened) if has_alpha(opened) else opened.convert("RGB")
    except Exception as exc:  # PIL raises OSError, SyntaxError, ValueError, DecompressionBombError
        raise BadImageError(f"the local engine cannot decode the image bytes ({type(exc).__name__})") from exc
    if picture.width < 1 or picture.height < 1:
        raise BadImageError("the image has no pixels")
    return reduce(picture, max_side)


def reduce(picture: Any, max_side: int | None) -> Any:
    """``picture`` reduced by the largest whole factor that keeps its longest side at least ``max_side``
    (each pixel the mean of a block, as a JPEG's reduced decoding), so less than twice ``max_side``."""
    factor = max(picture.size) // max_side if max_side else 1
    return picture.reduce(factor) if factor >= 2 else picture
