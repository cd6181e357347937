"""One document's way from source to response: read, prepare, cache, engine, retry.

:class:`DocumentProcessor` is built once per worker pool (for thread engines) or once per
worker process (for CPU-bound engines) and never raises: every failure becomes a failed
:class:`~docbatch.records.DocumentResult` with a stable ``error_code``, so one bad file
never stops a batch.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator

from . import aws
from . import errors as e
from .budget import CallBudget
from .cache import ResponseCache, cache_key, sha256_hex
from .config import RetrySettings, Stages, TilingSettings
from .engines.base import Engine, create_engine
from .parse.identity import read_image_evidence
from .prep import Pages, open_pages
from .quota import limiter_for
from .ratelimit import RateLimiter
from .records import Document, DocumentResult, ImageInput, S3Head, page_doc_id
from .response import validate
from .retry import AttemptCounter, call_with_retry
from .sources import S3Reader, parse_s3_uri, read_local, read_local_file, source_identity
from .prep import prepare
from .regions import Region
from .tiling import TiledAnswer, n_words, read_tiled

log = logging.getLogger("docbatch")

_MD5_ETAG = re.compile(r"[0-9a-f]{32}")


def _s3_content_key(uri: str, etag: str | None, size: int) -> str:
    """A cache key for an object the service reads itself (its bytes are never fetched).

    A single-part upload's ETag is the MD5 of its bytes, so the same image under two keys
    or buckets shares one cache entry; other ETags (multipart ``...-N``) only name this
    object's current version.
    """
    if etag and _MD5_ETAG.fullmatch(etag):
        return sha256_hex(f"md5:{etag}:{size}".encode())
    return sha256_hex(f"{uri}|{etag}".encode())


def _valid(response: Any) -> bool:
    """A cache entry is used only if it is a valid answer (entries from before validation
    existed may not be); an invalid one is a miss, overwritten by the fresh answer."""
    try:
        validate(response)
    except e.InvalidResponse:
        return False
    return True


@dataclass
class _Prepared:
    image: ImageInput | None
    content_hash: str | None
    page: int | None = None
    page_count: int | None = None
    prep: tuple[str, ...] | None = None

    def __call__(self) -> _Prepared:
        return self  # already prepared: its own page loader (see _read)

    @property
    def page_hash(self) -> str | None:
        return self.content_hash


@dataclass
class _Read:
    """A page's answer and what it cost: the calls of this run, the answers merged."""

    response: dict[str, Any]
    tiles: int
    n_calls: int
    word_cap_hit: bool

    @property
    def cached(self) -> bool:
        return self.n_calls == 0


@dataclass(frozen=True)
class Known:
    """A document the journal already holds, with the source identity it was done with:
    the processor skips it when the source is still the same."""

    identity: str | None


class _KeyLocks:
    """One lock per cache key while in use: two workers holding the same image bytes
    (duplicate files in adjacent rows) must not both miss the cache and both pay; the
    second waits for the first's answer.  Entries go when unused, so memory stays flat."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, list[Any]] = {}

    @contextlib.contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            entry = self._locks.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[key]


class DocumentProcessor:
    """Everything a worker needs to process documents; thread-safe."""

    def __init__(
        self,
        *,
        engine: Engine,
        retry: RetrySettings,
        s3: S3Reader | None = None,
        limiter: RateLimiter | None = None,
        cache: ResponseCache | None = None,
        tiling: TilingSettings | None = None,
        budget: CallBudget | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
    ) -> None:
        self.engine = engine
        self.tiling = tiling or TilingSettings()
        self.retry = retry
        self.s3 = s3
        self.limiter = limiter
        self.cache = cache
        self.budget = budget
        self._sleep = sleep
        self._now = now
        self._key_locks = _KeyLocks()

    # -- stages -------------------------------------------------------------------------
    def identify(self, doc: Document) -> tuple[str | None, S3Head | None]:
        """The source's identity now (None when unreadable, or when the engine reads no image)."""
        if not self.engine.needs_image:
            return None, None
        try:
            if doc.source.startswith("s3://"):
                if self.s3 is None:
                    raise e.ConfigError("s3:// source but no S3 client configured")
                loc = parse_s3_uri(doc.source)
                head = self._with_retry(lambda: self.s3.head(loc))[0]
                return source_identity(doc.source, head), head
            return source_identity(doc.source), None
        except (e.PermanentError, OSError):
            return None, None  # the read reports the specific error

    def _read(self, doc: Document, head: S3Head | None) -> list[_Prepared | _PageOf]:
        """One loader per page of the source; a page is decoded when its loader is called."""
        if not self.engine.needs_image:
            count = self.engine.page_count(doc)
            return [_Prepared(None, None)] if count == 1 else [_Prepared(None, None, n, count)
                                                               for n in range(1, count + 1)]
        if doc.source.startswith("s3://"):
            if self.s3 is None:
                raise e.ConfigError("s3:// source but no S3 client configured")
            loc = parse_s3_uri(doc.source)
            if self.engine.reads_s3_objects:
                head = head or self._with_retry(lambda: self.s3.head(loc))[0]
                if self.engine.accepts_s3_object(loc, head):
                    return [_Prepared(ImageInput(s3=loc), _s3_content_key(loc.uri, head.etag, head.size), 1, 1, ())]
            data = self._with_retry(lambda: self.s3.read(loc))[0]
        else:
            data = read_local(doc.source)
        return self._pages(data)

    def _pages(self, data: bytes) -> list[_Prepared | _PageOf]:
        pages = open_pages(data, spec=self.engine.image_spec)
        return [_PageOf(pages, i, sha256_hex(data)) for i in range(len(pages))]

    def _read_new_local(self, doc: Document) -> tuple[DocumentResult, list[_Prepared | _PageOf | _Raise]]:
        """A local document the journal never held, and its pages: with nothing to compare its
        identity with, that is taken from the descriptor its bytes are read through (one look
        at the file, not a stat and then an open).  Unreadable, it has the stat's, as before."""
        pages: list[_Prepared | _PageOf | _Raise]
        try:
            data, identity = read_local_file(doc.source)
        except Exception as exc:  # noqa: BLE001 - raised again in _answer, which makes it the result
            identity, pages = self.identify(doc)[0], [_Raise(exc)]
        else:
            pages = _loaders(lambda: self._pages(data))
        return self._base(doc, identity), pages

    def _base(self, doc: Document, identity: str | None) -> DocumentResult:
        """What every result of ``doc`` starts from: failed until a page's answer says otherwise."""
        return DocumentResult(document=doc, status="failed", engine=self.engine.name, source_identity=identity)

    def _with_retry(self, fn: Callable[[], Any]) -> tuple[Any, int]:
        return call_with_retry(fn, self.retry, sleep=self._sleep)

    def _detect(self, image: ImageInput | None, doc: Document, counter: AttemptCounter,
                region: Region | None = None) -> tuple[dict[str, Any], int]:
        tries = 0

        def once() -> dict[str, Any]:
            nonlocal tries
            tries += 1
            if self.budget is not None:
                self.budget.take()
            # Every attempt, a retry too, waits for its slot in the one shared line and
            # reports its outcome (throttling cuts the rate) to the limiter.
            with self.limiter.call(retry=tries > 1) if self.limiter is not None else contextlib.nullcontext():
                # An engine is asked for a region only when tiling (engines written before
                # regions existed keep working without one).
                answer = (self.engine.detect_text(image, doc) if region is None
                          else self.engine.detect_text(image, doc, region=region))
                return validate(answer)

        return call_with_retry(once, self.retry, sleep=self._sleep, counter=counter)

    # -- the whole way --------------------------------------------------------------------
    def process(self, doc: Document, known: Known | None = None) -> DocumentResult:
        """Process ``doc``; a ``known`` document whose source is unchanged comes back ``unchanged``.

        A known document whose source cannot be read any more is kept as it was (its
        answer still belongs to it); one whose source changed is processed again.
        """
        started = time.monotonic()
        if known is None and self.engine.needs_image and not doc.source.startswith("s3://"):
            return self._each_page(*self._read_new_local(doc), started)
        identity, head = self.identify(doc)
        base = self._base(doc, identity)
        if known is not None and (identity == known.identity or identity is None):
            return replace(base, unchanged=True)
        return self._each_page(base, _loaders(lambda: self._read(doc, head)), started)

    def _answer(self, base: DocumentResult, page: Callable[[], _Prepared], started: float) -> DocumentResult:
        """One page's answer: prepare it, then the cache or the engine; a failure is its result."""
        doc = base.document
        counter = AttemptCounter()
        try:
            prepared = page()
            base = replace(base, page=prepared.page, page_count=prepared.page_count, prep=prepared.prep)
            read = self._read_answer(doc, prepared, counter)
            return self._ok(base, read, prepared.image, counter.count, started)
        except e.RunStopped:
            raise  # not this document's fault: the runner stops the run and marks nothing
        except e.DocbatchError as exc:
            return replace(base, error_code=exc.error_code, error_message=exc.message, attempts=counter.count,
                           latency_ms=int((time.monotonic() - started) * 1000), processed_at=self._now())
        except Exception as exc:  # noqa: BLE001 - a bug must fail one document, not the batch
            log.exception("internal error on row %s", doc.row_no)
            return replace(base, error_code="internal_error", error_message=f"{type(exc).__name__} (see log)",
                           attempts=counter.count, latency_ms=int((time.monotonic() - started) * 1000),
                           processed_at=self._now())

    # -- the answer: one call, or tiles past the engine's word cap ------------------------------
    def _read_answer(self, doc: Document, prepared: _Prepared, counter: AttemptCounter) -> _Read:
        """The answer: one call, or, when it holds the engine's word cap and tiling is on,
        further calls on regions merged into one (:mod:`docbatch.tiling`).

        Every call goes through the limiter and the one retry layer, and every answer is
        cached under its own region (same bytes, engine, model, region), so a run that
        died between tiles pays none of them again.
        """
        base_key = self._cache_key(prepared.content_hash)
        calls = [0]
        cut_from: list[ImageInput | None] = []  # what regions are cut from (an S3 object is fetched once)

        def read(region: Region | None) -> dict[str, Any]:
            key = base_key if region is None or base_key is None else f"{base_key}-{region.key}"
            if key is not None and self.cache is not None:
                hit = self.cache.get(key)
                if hit is not None and _valid(hit):
                    return hit
            image = prepared.image if region is None else self._region_source(prepared, cut_from)
            response = self._detect(image, doc, counter, region)[0]
            calls[0] += 1
            if key is not None and self.cache is not None:
                self.cache.put(key, response)
            return response

        cap = self.engine.word_cap
        with self._key_locks.hold(base_key) if base_key is not None else contextlib.nullcontext():
            if cap is None or not self.tiling.enabled:
                first = read(None)
                tiled = TiledAnswer(first, 1, cap is not None and n_words(first) >= cap)
            else:
                height = prepared.image.height if prepared.image is not None else None
                tiled = read_tiled(read, word_cap=cap, image_height=height, max_tiles=self.tiling.max_tiles)
        return _Read(tiled.response, tiled.tiles, calls[0], tiled.lost)

    def _cache_key(self, content_hash: str | None) -> str | None:
        if self.cache is None or content_hash is None:
            return None
        return cache_key(content_hash=content_hash, engine=self.engine.name, model_version=self.engine.model_version)

    def cached_pages(self, doc: Document) -> list[bool]:
        """For each page of ``doc``'s source, whether its first answer is in the response cache,
        so a run would call nothing for it (``docbatch estimate`` counts calls with this).
        Reads the source as :meth:`process` does and raises what that read raises."""
        cached = []
        for page in self._read(doc, None):
            key = self._cache_key(page.page_hash)
            hit = self.cache.get(key) if key is not None and self.cache is not None else None
            cached.append(hit is not None and _valid(hit))
        return cached

    def _region_source(self, prepared: _Prepared, cut_from: list[ImageInput | None]) -> ImageInput | None:
        """The image a region is cut from: the prepared bytes, or an S3 object the service
        read itself, downloaded now (only documents that need tiles pay the download)."""
        image = prepared.image
        if image is None or image.s3 is None:
            return image
        if not cut_from:
            if self.s3 is None:
                raise e.ConfigError("s3:// source but no S3 client configured")
            location = image.s3
            data = self._with_retry(lambda: self.s3.read(location))[0]
            cut_from.append(prepare(data, spec=self.engine.image_spec))
        return cut_from[0]

    def _ok(self, base: DocumentResult, read: _Read, image: ImageInput | None, attempts: int,
            started: float) -> DocumentResult:
        # Parsing never needs the image again: what it needs from the pixels is read now.
        barcode = (read_image_evidence(base.document.doc_type, image.data)
                   if image is not None and image.data is not None else None)
        return replace(
            base,
            status="ok",
            response=read.response,
            attempts=attempts,
            latency_ms=int((time.monotonic() - started) * 1000),
            processed_at=self._now(),
            image_width=image.width if image else None,
            image_height=image.height if image else None,
            cached=read.cached,
            barcode=barcode,
            tiles=read.tiles,
            n_calls=read.n_calls,
            word_cap_hit=read.word_cap_hit,
            # Tiling is said even where nothing was prepared (saved words cut by region).
            prep=(*(base.prep or ()), f"tiled:{read.tiles}") if read.tiles > 1 else base.prep,
        )

    # -- the pages of a source (one for an image, N for a PDF or multi-page TIFF) ---------------
    def _each_page(self, base: DocumentResult, pages: list[_Prepared | _PageOf | _Raise],
                   started: float) -> DocumentResult:
        """Each page of the source (read once) answered on its own (a page that fails fails
        alone); a multi-page source's result holds its pages (see ``DocumentResult.pages``)."""
        if len(pages) == 1:
            return self._answer(base, pages[0], started)
        results = []
        for n, page in enumerate(pages, 1):
            doc = replace(base.document, doc_id=page_doc_id(base.document.doc_id, n))
            page_base = replace(base, document=doc, page=n, page_count=len(pages))
            results.append(self._answer(page_base, page, time.monotonic()))
        return _whole(base, results, started)

    def close(self) -> None:
        self.engine.close()


@dataclass(frozen=True)
class _PageOf:
    """Page ``index`` of a source, prepared when called; a page's cache key is the source's
    content hash with its page number (a one-page source keeps the plain hash)."""

    pages: Pages
    index: int
    content_hash: str

    @property
    def page_hash(self) -> str:
        return (self.content_hash if len(self.pages) == 1
                else sha256_hex(f"{self.content_hash}#p{self.index + 1}".encode()))

    def __call__(self) -> _Prepared:
        page = self.pages[self.index]
        return _Prepared(page.image, self.page_hash, page.page, page.page_count, page.prep)


@dataclass(frozen=True)
class _Raise:
    """The loader of a source that could not be read: raises its error where a page's would be."""

    error: Exception

    def __call__(self) -> _Prepared:
        raise self.error


def _loaders(read: Callable[[], list[_Prepared | _PageOf]]) -> list[_Prepared | _PageOf | _Raise]:
    """The page loaders ``read`` gives, or the one loader raising what it raised."""
    try:
        return read()
    except Exception as exc:  # noqa: BLE001 - raised again in _answer, which makes it the result
        return [_Raise(exc)]


def _whole(base: DocumentResult, pages: list[DocumentResult], started: float) -> DocumentResult:
    """A multi-page source's own result, summing up its pages (``DocumentResult.pages``)."""
    whole = replace(pages[0], document=base.document, page=None, pages=tuple(pages),
                    attempts=sum(p.attempts for p in pages), cached=all(p.cached for p in pages),
                    latency_ms=int((time.monotonic() - started) * 1000))
    failed = next((p for p in pages if p.status != "ok"), None)
    if failed is None:
        return whole
    return replace(whole, status="failed", response=None, barcode=None, error_code=failed.error_code,
                   error_message=f"page {failed.page} of {len(pages)}: {failed.error_message}")


def build_processor(stages: Stages, engine: Engine | str, *, sleep: Callable[[float], None] = time.sleep,
                    clock: Callable[[], float] = time.monotonic) -> DocumentProcessor:
    """Build (or take) the engine, the S3 client, limiter and cache of a run (call in the main thread)."""
    if isinstance(engine, str):
        engine = create_engine(engine, stages.engine)
    limiter = None
    if engine.rate_limited:
        limiter = limiter_for(stages.rate, engine, clock=clock, sleep=sleep)
    s3 = None
    if engine.needs_image:
        src = stages.sources
        session = aws.make_session(src.profile, src.region)
        # A connection for each thread that may read a source at once: a paced engine's
        # pool has the limiter's max_in_flight threads (64 unless --concurrency says).
        client = aws.make_client("s3", session=session, region=src.region, endpoint_url=src.s3_endpoint_url,
                                 connect_timeout=src.connect_timeout, read_timeout=src.read_timeout,
                                 max_pool=max(src.max_pool, limiter.max_in_flight if limiter is not None else 0))
        s3 = S3Reader(client)
    cache_dir = stages.policy.cache_dir
    return DocumentProcessor(
        engine=engine,
        retry=stages.retry,
        s3=s3,
        limiter=limiter,
        cache=ResponseCache(cache_dir) if cache_dir else None,
        tiling=stages.tiling,
        # A budget counts paid calls; threads share it (process engines are not paid).
        budget=CallBudget(stages.policy.max_calls) if stages.policy.max_calls is not None and engine.paid else None,
        sleep=sleep,
    )
