"""Turning whatever bytes a source held into the page images an engine accepts.

What "accepts" means is the engine's to say (its :class:`ImageSpec`: formats, byte and
pixel limits, the side under which images are enlarged); this package names no service
limit.  Phones write HEIC and rotate by EXIF, scanners write multi-page TIFF, PDF, 16-bit
or CMYK images, and some files are not images at all.  A source becomes its pages
(:func:`open_pages`: one for an image, N for a PDF or multi-page TIFF), each decoded,
oriented, converted to 8-bit RGB/L, enlarged or shrunk, and re-encoded only when needed,
so an engine sees one kind of input.  Every page says what was done to it
(:attr:`PreparedPage.prep`).  Every refusal is a :class:`~docbatch.errors.BadImageError`
with a specific ``error_code``:

======================= ================================================================
``empty_file``          0 bytes
``not_an_image``        bytes no decoder knows (text, HTML, ...)
``corrupt_image``       a known format that does not decode: truncated, damaged, a page-less PDF
``decompression_bomb``  more pixels than the spec's memory guard
``image_too_small``     a side under the spec's minimum (or not enlargeable to it)
``image_too_large``     cannot be brought under the byte limit
``animated_image``      an animated GIF, PNG or WebP (frames are not pages)
``pdf_encrypted``       a PDF that needs a password to open
======================= ================================================================

Rooms: :mod:`.spec` (the engine's limits), :mod:`.decode` (bytes to upright pixels, the one
place foreign decoder errors are translated), :mod:`.fit` (pixels to accepted bytes),
:mod:`.intact` (PNG and JPEG proven whole without decoding: a page sent as stored is never
decoded).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, overload

from ..errors import BadImageError
from ..records import ImageInput
from .decode import Source, decode_page, open_source
from .fit import fit, flatten_on_white, has_alpha
from .spec import ImageSpec

__all__ = ["PREP_STEPS", "ImageSpec", "Pages", "PreparedPage", "flatten_on_white", "has_alpha", "open_pages",
           "prepare", "prepare_pages"]

#: What a prep step can be (a step reads ``name:detail``, e.g. ``rendered:300dpi``), in the
#: order they are applied.  The last, ``tiled:<answers>``, is the pipeline's: the page was
#: read in regions past its engine's word cap (:mod:`docbatch.tiling`), not prepared here.
PREP_STEPS = ("rendered", "rotated", "converted", "flattened", "upscaled", "resized", "encoded", "tiled")


@dataclass(frozen=True)
class PreparedPage:
    """One page as the engine gets it, and what was done to get it there.

    ``prep`` lists the steps in order (see :data:`PREP_STEPS`); it is empty when the source
    bytes go as they are.
    """

    image: ImageInput
    page: int
    page_count: int
    prep: tuple[str, ...] = ()


class Pages(Sequence[PreparedPage]):
    """A source's pages, each decoded and prepared when asked for (``pages[i]``, or iterating),
    so only one page's pixels are in memory at a time.  Building it reads only the header:
    a source no page of which could be read is refused here; a page that fails on its own
    raises when it is asked for."""

    def __init__(self, data: bytes, *, spec: ImageSpec) -> None:
        if not data:
            raise BadImageError("file is empty (0 bytes)", error_code="empty_file")
        self._data = data
        self._spec = spec
        self._source: Source = open_source(data, spec)

    @property
    def format(self) -> str:
        """The source's format: a Pillow format name, or ``"PDF"``."""
        return self._source.format

    def __len__(self) -> int:
        return self._source.page_count

    @overload
    def __getitem__(self, index: int) -> PreparedPage: ...

    @overload
    def __getitem__(self, index: slice) -> list[PreparedPage]: ...

    def __getitem__(self, index: int | slice) -> PreparedPage | list[PreparedPage]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"page index {index} out of range for {len(self)} pages")
        if self._source.unchanged:  # sent as stored, proven whole: no pixels decoded
            width, height = self._source.size
            return PreparedPage(image=ImageInput(data=self._data, width=width, height=height,
                                                 format=self._source.format), page=1, page_count=1)
        frame = decode_page(self._data, self._source, index, self._spec)
        image, steps = fit(frame, self._spec, self._data)
        return PreparedPage(image=image, page=index + 1, page_count=len(self), prep=tuple(steps))


def open_pages(data: bytes, *, spec: ImageSpec) -> Pages:
    """The pages of ``data`` as ``spec`` (an engine's) accepts them, prepared one at a time."""
    return Pages(data, spec=spec)


def prepare_pages(data: bytes, *, spec: ImageSpec) -> list[PreparedPage]:
    """Every page of ``data``, prepared now (one for an image, one per page of a PDF or TIFF)."""
    return list(open_pages(data, spec=spec))


def prepare(data: bytes, *, spec: ImageSpec) -> ImageInput:
    """The image of a one-page source; a multi-page one is refused (``multipage_unsupported``):
    callers that can take pages use :func:`open_pages`."""
    pages = open_pages(data, spec=spec)
    if len(pages) != 1:
        raise BadImageError(f"{pages.format} with {len(pages)} pages; read it with open_pages",
                            error_code="multipage_unsupported")
    return pages[0].image
