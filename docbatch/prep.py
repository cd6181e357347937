"""Turning whatever bytes a source held into an image an engine accepts.

What "accepts" means is the engine's to say (its :class:`ImageSpec`: formats, byte and
pixel spec); this module names no service limit.  Camera photos carry their rotation in
EXIF, scanners write TIFF and 16-bit or CMYK images, and some files are not images at all.
Everything is decoded with Pillow, oriented, converted to 8-bit RGB/L and re-encoded only
when needed, so an engine sees one kind of input.  Every refusal is a
:class:`~docbatch.errors.BadImageError` with a specific ``error_code``.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import BadImageError
from .records import ImageInput


@dataclass(frozen=True)
class ImageSpec:
    """The image bytes an engine accepts (declared by each engine class).

    ``formats`` are Pillow format names sent as they are; other formats are re-encoded
    (PNG, or JPEG when PNG is over ``max_bytes``).  ``max_bytes`` None means no byte
    limit.  ``max_pixels`` guards memory (decompression bombs), ``min_side`` refuses
    images too small to hold text, ``max_side`` shrinks larger ones.
    """

    formats: frozenset[str] = frozenset({"JPEG", "PNG"})
    max_bytes: int | None = None
    max_pixels: int = 80_000_000
    min_side: int = 32
    max_side: int = 10_000


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF"):
        return "pdf"
    return None


def has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info


def flatten_on_white(img: Image.Image) -> Image.Image:
    """Lay a transparent image on paper white: transparent pixels usually hide black, and
    black text on black reads as nothing."""
    rgba = img.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _to_8bit(img: Image.Image) -> Image.Image:
    """Convert CMYK, 16-bit, palette and alpha images to 8-bit RGB or L."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        # Scale the real range into 0..255 rather than clipping (16-bit scans are dark otherwise).
        lo, hi = img.getextrema()
        scale = 255.0 / (hi - lo) if hi > lo else 1.0
        return img.point(lambda v: (v - lo) * scale).convert("L")
    if img.mode == "F":
        return img.convert("L")
    if has_alpha(img):
        return flatten_on_white(img)
    if img.mode in ("RGB", "L"):
        return img
    return img.convert("RGB")


def prepare(data: bytes, *, spec: ImageSpec) -> ImageInput:
    """Decode, validate, orient and (re-)encode ``data`` into what ``spec`` (an engine's spec) accepts."""
    if not data:
        raise BadImageError("file is empty (0 bytes)", error_code="empty_file")
    if _sniff(data) == "pdf":
        raise BadImageError("PDF documents are not supported yet; convert pages to images",
                            error_code="pdf_unsupported")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except UnidentifiedImageError as exc:
        raise BadImageError("not a recognised image format", error_code="not_an_image") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadImageError("image pixel count is implausibly large (decompression bomb)",
                            error_code="decompression_bomb") from exc
    width, height = img.size
    if width * height > spec.max_pixels:
        raise BadImageError(f"image is {width}x{height} pixels, over the {spec.max_pixels} pixel limit",
                            error_code="decompression_bomb")
    if min(width, height) < spec.min_side:
        raise BadImageError(f"image is {width}x{height} pixels, under the {spec.min_side} px minimum side",
                            error_code="image_too_small")
    n_frames = getattr(img, "n_frames", 1)
    if n_frames > 1:
        code = "animated_image" if img.format in ("GIF", "PNG", "WEBP") else "multipage_unsupported"
        raise BadImageError(f"{img.format} with {n_frames} frames/pages is not supported; split it first",
                            error_code=code)
    try:
        img.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadImageError(f"image data is truncated or corrupt ({img.format})",
                            error_code="corrupt_image") from exc
    fmt = img.format
    rotated = _has_orientation(img)
    oriented = ImageOps.exif_transpose(img) if rotated else img
    converted = _to_8bit(oriented)
    needs_encode = (
        fmt not in spec.formats
        or rotated
        or converted is not oriented
        or _over(len(data), spec.max_bytes)
        or max(width, height) > spec.max_side
    )
    if not needs_encode:
        return ImageInput(data=data, width=width, height=height, format=fmt)
    out = _encode(converted, spec)
    w, h = converted.size if out[1] is None else out[1]
    return ImageInput(data=out[0], width=w, height=h, format=out[2])


def _has_orientation(img: Image.Image) -> bool:
    try:
        return img.getexif().get(0x0112, 1) not in (1, None)
    except Exception:  # noqa: BLE001 - broken EXIF is simply no orientation
        return False


def _over(size: int, limit: int | None) -> bool:
    return limit is not None and size > limit


def _encode(img: Image.Image, spec: ImageSpec) -> tuple[bytes, tuple[int, int] | None, str]:
    """PNG when it fits, else JPEG, shrinking until under the byte and side spec."""
    resized: tuple[int, int] | None = None
    if max(img.size) > spec.max_side:
        img = _shrink(img, spec.max_side / max(img.size))
        resized = img.size
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    if not _over(buf.tell(), spec.max_bytes):
        return buf.getvalue(), resized, "PNG"
    quality = 92
    while True:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=quality)
        if not _over(buf.tell(), spec.max_bytes):
            return buf.getvalue(), resized, "JPEG"
        if quality > 75:
            quality -= 8
        else:
            img = _shrink(img, 0.8)
            resized = img.size
        if min(img.size) < spec.min_side:
            raise BadImageError("image cannot be made to fit the size limit", error_code="image_too_large")


def _shrink(img: Image.Image, factor: float) -> Image.Image:
    size = (max(1, int(img.width * factor)), max(1, int(img.height * factor)))
    return img.resize(size, Image.Resampling.LANCZOS)
