"""Crops of flagged fields from their source images, as data URIs an offline page can show.

A crop is cut from the page as the engine saw it (decoded and turned upright by
:mod:`docbatch.prep.decode`, the same code the run used, so the response's 0..1
coordinates fit), around the field's box (:mod:`.locate`) with a margin.  Whole pages are
never shown (a crop over :data:`MAX_AREA` of a page is refused): on an identity document
a crop larger than :data:`MAX_ID_AREA` of the page is refused (a name or number line is far smaller; a portrait is not what a reviewer
needs), and under ``--redact`` nothing of an identity document is cropped at all (the
caller asks :func:`may_crop`).  Images are read once per document and only for the rows
shown.
"""

from __future__ import annotations

import base64
import io
import logging
from typing import Any, Callable

from PIL import Image

from ..errors import DocbatchError
from ..prep.decode import decode_page, open_source
from ..prep.spec import ImageSpec
from ..sources import S3Reader, parse_s3_uri, read_local
from ..response import Box

log = logging.getLogger("docbatch")

#: Largest share of an identity document's page a crop may show, and of any other page.
MAX_ID_AREA = 0.12
MAX_AREA = 0.5
#: Longest side of a crop in the page (pixels); larger crops are shrunk.
MAX_SIDE = 560
#: Margin around a box: a share of the page width, and of the box's height.
MARGIN_X, MARGIN_Y = 0.02, 0.25


def may_crop(kind: str, *, redact: bool) -> bool:
    """Whether a document of ``kind`` (receipts / ids) may be shown at all."""
    return not (redact and kind == "ids")


class Cropper:
    """Reads each source once (local, or S3 through ``s3_client``) and cuts crops from it."""

    def __init__(self, *, s3_client: Callable[[], Any] | None = None) -> None:
        self._s3_client = s3_client
        self._reader: S3Reader | None = None
        self._pages: dict[tuple[str, int], Image.Image | str] = {}

    def page(self, source: str, page: int | None) -> Image.Image | str:
        """The upright page image, or a short reason it cannot be read (an error code)."""
        key = (source, int(page or 1))
        if key not in self._pages:
            self._pages[key] = self._read(source, key[1])
        return self._pages[key]

    def _read(self, source: str, page: int) -> Image.Image | str:
        try:
            data = self._bytes(source)
            spec = ImageSpec()
            frame = decode_page(data, open_source(data, spec), page - 1, spec)
            return frame.image.convert("RGB")
        except DocbatchError as exc:
            return exc.error_code
        except (OSError, ValueError) as exc:  # a source changed or moved since the run
            log.debug("report: source unreadable for a crop: %s", type(exc).__name__)
            return "source_unreadable"

    def _bytes(self, source: str) -> bytes:
        if source[:5].lower() == "s3://":
            if self._reader is None:
                if self._s3_client is None:
                    raise OSError("no S3 client for an s3:// source")
                self._reader = S3Reader(self._s3_client())
            return self._reader.read(parse_s3_uri(source))
        return read_local(source)

    def crop(self, source: str, page: int | None, box: Box, *, kind: str) -> str:
        """A ``data:image/...`` URI of ``box`` on the page; raises :class:`CropRefused` with why not."""
        image = self.page(source, page)
        if isinstance(image, str):
            raise CropRefused(f"image not readable ({image})")
        region = _padded(box)
        if kind == "ids" and region.area > MAX_ID_AREA:
            raise CropRefused("region too large to show from an identity document")
        if region.area > MAX_AREA:
            raise CropRefused("region too large to show (most of the page)")
        w, h = image.size
        piece = image.crop((round(region.left * w), round(region.top * h),
                            max(round(region.right * w), round(region.left * w) + 1),
                            max(round(region.bottom * h), round(region.top * h) + 1)))
        piece.thumbnail((MAX_SIDE, MAX_SIDE))
        buf = io.BytesIO()
        piece.save(buf, format="JPEG", quality=82)
        return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


class CropRefused(Exception):
    """Why a field's crop is not shown (said in the report, in place of the image)."""


def _padded(box: Box) -> Box:
    dx, dy = MARGIN_X, box.height * MARGIN_Y
    left, top = max(0.0, box.left - dx), max(0.0, box.top - dy)
    right, bottom = min(1.0, box.right + dx), min(1.0, box.bottom + dy)
    return Box(left, top, max(right - left, 0.0), max(bottom - top, 0.0))
