"""What an engine accepts: the one record of image limits, declared by each engine class."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageSpec:
    """The image bytes an engine accepts (declared by each engine class; prep names no limit).

    ``formats`` are Pillow format names sent as they are; other formats are re-encoded
    (PNG or JPEG, whichever of them ``formats`` holds; JPEG also when PNG is over
    ``max_bytes``).  ``max_bytes`` None means no byte limit.  ``max_pixels`` guards memory
    (decompression bombs; PDF pages are rendered within it), ``min_side`` refuses images
    too small to hold text, ``max_side`` shrinks larger ones, and ``upscale_below``
    (None: never) enlarges an image whose shorter side is under it to exactly that many
    pixels, for engines that refuse smaller images.
    """

    formats: frozenset[str] = frozenset({"JPEG", "PNG"})
    max_bytes: int | None = None
    max_pixels: int = 80_000_000
    min_side: int = 32
    max_side: int = 10_000
    upscale_below: int | None = None
