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

    def takes_as_stored(self, fmt: str | None, size: tuple[int, int], nbytes: int) -> bool:
        """Whether an 8-bit image of this format, size and byte count goes to the engine as
        stored: a format it takes, nothing to enlarge or shrink, within the bytes.  The one
        rule both the header-only path (:func:`~.decode.sendable_unchanged`) and the decoded
        one (:func:`~.fit.fit`) ask, so the two cannot drift apart."""
        return (fmt in self.formats and not (self.upscale_below and min(size) < self.upscale_below)
                and max(size) <= self.max_side and (self.max_bytes is None or nbytes <= self.max_bytes))
