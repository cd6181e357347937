"""Upright pixels to the bytes an engine accepts: 8-bit colour, size limits, encoding.

Every change is written down as a prep step (``name:detail``), so a document's row can say
what was sent: ``converted:CMYK>RGB``, ``flattened:RGBA>RGB``, ``upscaled:463x60>617x80``,
``resized:12000x9000>10000x7500``, ``encoded:JPEG@q84``.  The source bytes themselves are
sent when nothing needed doing.
"""

from __future__ import annotations

import io
import math

from PIL import Image

from ..errors import BadImageError
from ..records import ImageInput
from .decode import Frame, plain_8bit
from .spec import ImageSpec

#: Sources whose pixels already went through lossy compression: re-encoded as JPEG where the
#: engine takes JPEG (a PNG of a photo is several times larger and no truer).
LOSSY = frozenset({"JPEG", "HEIF", "AVIF"})
_JPEG_QUALITIES = (92, 84, 76)


def has_alpha(img: Image.Image) -> bool:
    """Whether the picture has transparency (an alpha mode or a transparent colour): no engine
    reads it, so such a picture is flattened on white before it is sent."""
    return img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info


def flatten_on_white(img: Image.Image) -> Image.Image:
    """Lay a transparent image on paper white: transparent pixels usually hide black, and
    black text on black reads as nothing."""
    rgba = img.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def to_8bit(img: Image.Image) -> tuple[Image.Image, str | None]:
    """CMYK, 16-bit, bilevel, palette and alpha images as 8-bit RGB or L, and the step taken."""
    if plain_8bit(img):
        return img, None
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # Scale the real range into 0..255 rather than clipping (16-bit scans are dark otherwise).
        lo, hi = img.getextrema()
        scale = 255.0 / (hi - lo) if hi > lo else 1.0
        out = img.point(lambda v: (v - lo) * scale).convert("L")
    elif img.mode in ("F", "1"):
        out = img.convert("L")
    elif has_alpha(img):
        return flatten_on_white(img), f"flattened:{img.mode}>RGB"
    else:
        out = img.convert("RGB")
    return out, f"converted:{img.mode}>{out.mode}"


def fit(frame: Frame, spec: ImageSpec, original: bytes) -> tuple[ImageInput, list[str]]:
    """The image to send for ``frame`` (``original`` when it passes as stored) and every step taken."""
    steps = list(frame.steps)
    img, converted = to_8bit(frame.image)
    if converted:
        steps.append(converted)
    size = img.size
    if spec.upscale_below and min(size) < spec.upscale_below:
        img = _resize(img, spec.upscale_below / min(size))
        if max(img.size) > spec.max_side:
            raise BadImageError(f"image is {_wh(size)} pixels: it cannot be enlarged to the "
                                f"{spec.upscale_below} px minimum side within {spec.max_side} px",
                                error_code="image_too_small")
        steps.append(f"upscaled:{_wh(size)}>{_wh(img.size)}")
    scaled = img.size
    if max(scaled) > spec.max_side:
        img = _resize(img, spec.max_side / max(scaled))
    fmt = frame.format
    if frame.as_stored and not steps and spec.takes_as_stored(fmt, size, len(original)):
        return ImageInput(data=original, width=size[0], height=size[1], format=fmt), []
    data, fmt, img, quality = _encode(img, spec, lossy=frame.format in LOSSY)
    if img.size != scaled:
        steps.append(f"resized:{_wh(scaled)}>{_wh(img.size)}")
    steps.append(f"encoded:{fmt}" + (f"@q{quality}" if quality else ""))
    return ImageInput(data=data, width=img.width, height=img.height, format=fmt), steps


def _encode(img: Image.Image, spec: ImageSpec, *, lossy: bool) -> tuple[bytes, str, Image.Image, int | None]:
    """PNG, else JPEG (lossy sources JPEG only), as the engine takes them, shrunk until under ``max_bytes``."""
    order = [f for f in (("JPEG",) if lossy and "JPEG" in spec.formats else ("PNG", "JPEG"))
             if f in spec.formats] or ["PNG"]
    tries = [(fmt, q) for fmt in order for q in (_JPEG_QUALITIES if fmt == "JPEG" else (None,))]
    while True:
        for fmt, quality in tries:
            data = _save(img, fmt, quality, fast=spec.max_bytes is None)
            if not _over(len(data), spec.max_bytes):
                return data, fmt, img, quality
        # Smaller images, in the most compact encoding only.
        tries = [("JPEG", _JPEG_QUALITIES[-1])] if "JPEG" in order else [("PNG", None)]
        img = _resize(img, 0.8)
        if min(img.size) < spec.min_side:
            raise BadImageError("image cannot be made to fit the size limit", error_code="image_too_large")


def _save(img: Image.Image, fmt: str, quality: int | None, *, fast: bool) -> bytes:
    buf = io.BytesIO()
    if fmt == "JPEG":
        img.save(buf, format="JPEG", quality=quality)
    else:
        # Without a byte limit (in-process engines) size matters less than time.
        img.save(buf, format="PNG", compress_level=1 if fast else 6)
    return buf.getvalue()


def _resize(img: Image.Image, factor: float) -> Image.Image:
    size = (max(1, math.ceil(img.width * factor - 1e-9)), max(1, math.ceil(img.height * factor - 1e-9)))
    return img.resize(size, Image.Resampling.LANCZOS)


def _over(size: int, limit: int | None) -> bool:
    return limit is not None and size > limit


def _wh(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"
