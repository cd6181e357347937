"""Bytes to upright pixels: which format the bytes hold, how many pages, each page's image.

The one place where Pillow, pillow-heif and pypdfium2 errors become
:class:`~docbatch.errors.BadImageError` codes.  A file whose first bytes announce a known
format but that does not decode is ``corrupt_image`` (truncated downloads mostly), never
``not_an_image`` and never an internal error; bytes no decoder knows are ``not_an_image``.

Pages are decoded one at a time from the source bytes (a 300-page PDF never holds more
than one page's pixels), so a :class:`Source` is only what the header said.
"""

from __future__ import annotations

import contextlib
import io
import math
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterator

from PIL import Image

from ..errors import BadImageError
from .intact import jpeg_whole, plain_png_size, png_chunks
from .spec import ImageSpec

#: PDF pages of vector text are drawn at the usual OCR scanning resolution; pages that are a
#: scan are drawn at the scan's own resolution, within these bounds (a 1200 dpi scan need not
#: be sent at 1200 dpi, and a page-wide background picture must not make text illegible).
RENDER_DPI = 300
MIN_SCAN_DPI = 150
_POINTS_PER_INCH = 72
#: Multi-frame formats whose frames are an animation (refused), not pages.
ANIMATED = frozenset({"GIF", "PNG", "WEBP", "FLI"})
#: Multi-frame formats whose frames are pages (every frame is a document page).
PAGED = frozenset({"TIFF"})

_MAGIC = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"),
          (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"II+\x00", "TIFF"), (b"MM\x00+", "TIFF"))
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"})
#: EXIF orientation -> (the transpose that makes the pixels upright, how the prep record says it).
_ORIENTATIONS: dict[int, tuple[Image.Transpose, str]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT, "mirrored"),
    3: (Image.Transpose.ROTATE_180, "180"),
    4: (Image.Transpose.FLIP_TOP_BOTTOM, "flipped"),
    5: (Image.Transpose.TRANSPOSE, "transposed"),
    6: (Image.Transpose.ROTATE_270, "90cw"),
    7: (Image.Transpose.TRANSVERSE, "transversed"),
    8: (Image.Transpose.ROTATE_90, "90ccw"),
}
#: PDFium is not thread-safe, not even across documents: every call holds this lock.
_PDFIUM = threading.Lock()
_HEIF = threading.Lock()
_heif_registered = False


@dataclass(frozen=True)
class Source:
    """What a source's header says: its format (a Pillow name, or ``"PDF"``) and page count;
    ``unchanged`` when its one image goes to the engine exactly as stored (see
    :func:`sendable_unchanged`), with its ``size``."""

    format: str
    page_count: int
    unchanged: bool = False
    size: tuple[int, int] = (0, 0)


@dataclass
class Frame:
    """One page's upright pixels, and what decoding did to get them (prep steps)."""

    image: Image.Image
    format: str
    steps: list[str] = field(default_factory=list)
    #: True when the pixels are the source's one image exactly as its bytes hold it, so the
    #: bytes themselves may be sent when nothing else needs doing.
    as_stored: bool = False


def sniff(data: bytes) -> str | None:
    """The format the first bytes announce (None: none docbatch knows)."""
    if b"%PDF-" in data[:1024]:  # the header may follow up to 1 KB of junk
        return "PDF"
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00":
        return "BMP"
    if data[4:8] == b"ftyp":
        size = int.from_bytes(data[:4], "big")
        brands = {data[8:12]} | {data[i:i + 4] for i in range(16, min(size, len(data), 256), 4)}
        if brands & _HEIF_BRANDS:
            return "HEIF"
        if brands & {b"avif", b"avis"}:
            return "AVIF"
    return None


def open_source(data: bytes, spec: ImageSpec) -> Source:
    """Read the header: format and page count; refuses what no page of it could pass."""
    fmt = sniff(data)
    if fmt == "PDF":
        with _pdf(data) as pdf:
            count = len(pdf)
        if count == 0:
            raise BadImageError("the PDF has no pages", error_code="corrupt_image")
        return Source("PDF", count)
    if fmt == "PNG":
        plain = _plain_png(data, spec)
        if plain is not None:
            return plain
    with _open(data, fmt) as img:
        _check_size(img.size, spec, img.format)
        try:
            frames = getattr(img, "n_frames", 1)  # walks a TIFF's page headers (no pixels)
        except Exception as exc:  # a truncated TIFF's last header: TypeError, OSError, EOFError
            raise _corrupt(img.format or fmt or "image") from exc
        if frames > 1 and img.format in ANIMATED:
            raise BadImageError(f"{img.format} with {frames} frames is an animation, not a document; "
                                "save the frame to read as an image", error_code="animated_image")
        return Source(img.format or fmt or "unknown", frames if img.format in PAGED else 1,
                      unchanged=frames == 1 and sendable_unchanged(img, data, spec), size=img.size)


def _plain_png(data: bytes, spec: ImageSpec) -> Source | None:
    """A plain PNG (:func:`~.intact.plain_png_size`) the engine takes as stored, read without
    Pillow, refused as Pillow's path would refuse it; None: Pillow's path decides.  Only
    under Pillow's own pixel guard, so its bomb warning could not have spoken first."""
    size = plain_png_size(data)
    if size is None or (Image.MAX_IMAGE_PIXELS is not None and size[0] * size[1] > Image.MAX_IMAGE_PIXELS):
        return None
    _check_size(size, spec, "PNG")
    if not spec.takes_as_stored("PNG", size, len(data)):
        return None
    return Source("PNG", 1, unchanged=True, size=size)


def plain_8bit(img: Image.Image) -> bool:
    """8-bit RGB or grey without transparency: what every engine takes without conversion."""
    return img.mode in ("RGB", "L") and "transparency" not in img.info


def sendable_unchanged(img: Image.Image, data: bytes, spec: ImageSpec) -> bool:
    """Whether ``data``, opened as ``img`` (header only), goes to the engine as it is, proven
    whole without decoding its pixels (:mod:`.intact`): what :func:`~.fit.fit` would send
    unchanged (a format the engine takes, 8-bit RGB or grey without transparency, no
    orientation to apply, within the sizes and bytes), so decoding it would be wasted."""
    if not plain_8bit(img) or not spec.takes_as_stored(img.format, img.size, len(data)):
        return False
    if img.format == "PNG":  # its EXIF may follow the pixels: a PNG with any goes the long way
        chunks = png_chunks(data)
        return chunks is not None and b"eXIf" not in chunks
    if img.format == "JPEG":
        return jpeg_whole(data) and _orientation(img) not in _ORIENTATIONS
    return False


def decode_page(data: bytes, source: Source, index: int, spec: ImageSpec) -> Frame:
    """Page ``index`` (0-based) of ``source``: decoded, EXIF-oriented pixels."""
    if source.format == "PDF":
        return _render(data, index, spec)
    img = _open(data, sniff(data))  # not closed: closing would free the pixels it decodes
    try:
        if index:
            img.seek(index)
            _check_size(img.size, spec, img.format, page=index + 1)
        img.load()
    except BadImageError:
        raise
    except Exception as exc:  # PIL raises OSError, SyntaxError, ValueError, TypeError, struct.error
        raise _corrupt(source.format, index, source.page_count) from exc
    frame = Frame(img, "JPEG" if source.format == "MPO" else source.format,
                  as_stored=source.page_count == 1 and getattr(img, "n_frames", 1) == 1)
    if source.format == "HEIF":
        # libheif applies the HEIF's own rotation as it decodes (the EXIF tag is then reset):
        # pillow-heif keeps what it was, for the record.
        done = _ORIENTATIONS.get(img.info.get("original_orientation") or 1)
        if done is not None:
            frame.steps.append(f"rotated:{done[1]}")
    elif (orientation := _orientation(img)) in _ORIENTATIONS:
        method, name = _ORIENTATIONS[orientation]
        frame.image = img.transpose(method)
        frame.steps.append(f"rotated:{name}")
    return frame


# -- Pillow (and pillow-heif) ------------------------------------------------------------------
def _open(data: bytes, fmt: str | None) -> Image.Image:
    """The image Pillow opens (header only), with its errors as docbatch codes."""
    if fmt == "HEIF":
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadImageError("image pixel count is implausibly large (decompression bomb)",
                            error_code="decompression_bomb") from exc
    except Exception as exc:  # UnidentifiedImageError, and OSError/TypeError/... from a broken header
        if fmt is None:
            raise BadImageError("not a recognised image format", error_code="not_an_image") from exc
        raise _corrupt(fmt) from exc
    return img


def _register_heif() -> None:
    """Teach Pillow HEIC/HEIF (iPhone photos) on first use: pillow-heif's wheel carries libheif."""
    global _heif_registered
    with _HEIF:
        if not _heif_registered:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_registered = True


def _check_size(size: tuple[int, int], spec: ImageSpec, fmt: str | None, *, page: int | None = None) -> None:
    width, height = size
    where = f" (page {page})" if page else ""
    if width * height > spec.max_pixels:
        raise BadImageError(f"image{where} is {width}x{height} pixels, over the {spec.max_pixels} pixel limit",
                            error_code="decompression_bomb")
    if min(width, height) < spec.min_side:
        raise BadImageError(f"image{where} is {width}x{height} pixels, under the {spec.min_side} px minimum "
                            "side", error_code="image_too_small")


def _orientation(img: Image.Image) -> int:
    """The EXIF (or TIFF tag) orientation of the current frame; 1 when absent or broken."""
    try:
        tags = getattr(img, "tag_v2", None)
        value = tags.get(0x0112, 1) if tags is not None else img.getexif().get(0x0112, 1)
        return int(value)
    except Exception:  # noqa: BLE001 - broken EXIF is simply no orientation
        return 1


def _corrupt(fmt: str, index: int | None = None, count: int = 1) -> BadImageError:
    where = f" (page {index + 1} of {count})" if index is not None and count > 1 else ""
    return BadImageError(f"{fmt} data is truncated or corrupt{where}", error_code="corrupt_image")


# -- PDF (pypdfium2) -------------------------------------------------------------------------
@contextlib.contextmanager
def _pdf(data: bytes) -> Iterator[Any]:
    """The PDF open under the PDFium lock (closed, and the lock released, on exit)."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            # PDFium's last-error code can be stale (a page-less file fails with the previous
            # file's code), so a password error counts only for a file with an /Encrypt entry.
            if exc.err_code == pdfium.raw.FPDF_ERR_PASSWORD and b"/Encrypt" in data:
                raise BadImageError("the PDF is password-protected", error_code="pdf_encrypted") from exc
            raise _corrupt("PDF") from exc
        try:
            yield pdf
        finally:
            pdf.close()


def _render(data: bytes, index: int, spec: ImageSpec) -> Frame:
    """Draw page ``index`` on white, at :func:`_page_dpi` within the spec's pixel limits."""
    with _pdf(data) as pdf:
        try:
            page = pdf[index]
            try:
                w_pt, h_pt = page.get_size()
                dpi = _page_dpi(page, w_pt * h_pt)
                scale = min(dpi / _POINTS_PER_INCH, spec.max_side / max(w_pt, h_pt),
                            math.sqrt(spec.max_pixels / (w_pt * h_pt)))
                scale *= 1 - 1e-6  # PDFium rounds sizes up: a 463 px scan must not come out 464
                bitmap = page.render(scale=scale)
                image = bitmap.to_pil().convert("RGB")  # a copy: the bitmap's buffer goes with the page
                bitmap.close()
            finally:
                page.close()
        except Exception as exc:  # PdfiumError, and a zero-sized or broken page
            raise _corrupt("PDF", index, len(pdf)) from exc
    rendered = round(scale * _POINTS_PER_INCH)
    return Frame(image, "PDF", steps=[f"rendered:{rendered}dpi"])


def _page_dpi(page: Any, page_area: float) -> float:
    """The scan's own resolution when an image covers most of the page, else :data:`RENDER_DPI`."""
    import pypdfium2 as pdfium

    native = 0.0
    for obj in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,)):
        left, bottom, right, top = obj.get_bounds()
        area = (right - left) * (top - bottom)
        if area >= page_area / 2:
            px_w, px_h = obj.get_px_size()
            native = max(native, math.sqrt(px_w * px_h / area) * _POINTS_PER_INCH)
    return min(RENDER_DPI, max(MIN_SCAN_DPI, native)) if native else RENDER_DPI
