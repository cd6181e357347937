"""The decoded picture handed to rapidocr as the BGR array it would make of it, and let go.

Why: rapidocr turns a PIL picture into an array (``np.array``) and then into a BGR copy
(``cv2.cvtColor``), while the caller keeps the PIL picture: during the detector's run, the
worker's peak, a 2481 x 3508 scan (SROIE 023) is held three times over (PIL's 4 bytes a pixel,
35 MB, the BGR copy, 26 MB, and the freed RGB array's heap pages).  Making the same BGR
array here, its channels swapped in place, and dropping the picture before the call holds it
once.  rapidocr passes a 3-channel array through unchanged, so it reads the same pixels.
"""

from __future__ import annotations

from typing import Any


def bgr_pixels(picture: Any) -> Any:
    """``picture`` (an RGB PIL image) as the ``(H, W, 3)`` uint8 BGR array rapidocr makes of it."""
    import cv2
    import numpy as np

    pixels = np.array(picture)
    return cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR, dst=pixels)
