"""A source's pages as the pipeline meets them: one loader a page, decoded when called.

Why loaders rather than pages: a PDF or a multi-page TIFF is read once, but each page is
decoded (and held) only while it is answered, and a page that fails fails alone.  A page's
cache key is the source's content hash with its page number (a one-page source keeps the
plain hash); an S3 object the service reads itself is keyed by its ETag
(:func:`s3_content_key`), its bytes never fetched.  A source that could not be read is one
loader raising that error where a page's would be, so the failure becomes the document's
result in the same place as any page's.  A multi-page source's own result sums its pages
(:func:`whole`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Callable

from .cache import sha256_hex
from .prep import Pages
from .records import DocumentResult, ImageInput

_MD5_ETAG = re.compile(r"[0-9a-f]{32}")


def s3_content_key(uri: str, etag: str | None, size: int) -> str:
    """A cache key for an object the service reads itself (its bytes are never fetched).

    A single-part upload's ETag is the MD5 of its bytes, so the same image under two keys
    or buckets shares one cache entry; other ETags (multipart ``...-N``) only name this
    object's current version.
    """
    if etag and _MD5_ETAG.fullmatch(etag):
        return sha256_hex(f"md5:{etag}:{size}".encode())
    return sha256_hex(f"{uri}|{etag}".encode())


@dataclass
class Prepared:
    """A page ready for the engine: its image (None when the engine reads no image) and cache key."""

    image: ImageInput | None
    content_hash: str | None
    page: int | None = None
    page_count: int | None = None
    prep: tuple[str, ...] | None = None

    def __call__(self) -> Prepared:
        return self  # already prepared: its own page loader

    @property
    def page_hash(self) -> str | None:
        return self.content_hash


@dataclass(frozen=True)
class PageOf:
    """Page ``index`` of a source, prepared when called."""

    pages: Pages
    index: int
    content_hash: str

    @property
    def page_hash(self) -> str:
        return (self.content_hash if len(self.pages) == 1
                else sha256_hex(f"{self.content_hash}#p{self.index + 1}".encode()))

    def __call__(self) -> Prepared:
        page = self.pages[self.index]
        return Prepared(page.image, self.page_hash, page.page, page.page_count, page.prep)


@dataclass(frozen=True)
class Unreadable:
    """The loader of a source that could not be read: raises its error where a page's would be."""

    error: Exception

    def __call__(self) -> Prepared:
        raise self.error


PageLoader = Prepared | PageOf | Unreadable


def loaders(read: Callable[[], list[Prepared | PageOf]]) -> list[PageLoader]:
    """The page loaders ``read`` gives, or the one loader raising what it raised."""
    try:
        return read()
    except Exception as exc:  # noqa: BLE001 - raised again where the page is answered, which makes it the result
        return [Unreadable(exc)]


def whole(base: DocumentResult, pages: list[DocumentResult], started: float) -> DocumentResult:
    """A multi-page source's own result, summing up its pages (``DocumentResult.pages``)."""
    result = replace(pages[0], document=base.document, page=None, pages=tuple(pages),
                     attempts=sum(p.attempts for p in pages), cached=all(p.cached for p in pages),
                     latency_ms=int((time.monotonic() - started) * 1000))
    failed = next((p for p in pages if p.status != "ok"), None)
    if failed is None:
        return result
    return replace(result, status="failed", response=None, barcode=None, error_code=failed.error_code,
                   error_message=f"page {failed.page} of {len(pages)}: {failed.error_message}")
