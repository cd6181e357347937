"""One document's way from source to response: identify, read, prepare, answer, result.

:class:`DocumentProcessor` is built once per worker pool (for thread engines) or once per
worker process (for CPU-bound engines) and never raises: every failure becomes a failed
:class:`~docbatch.records.DocumentResult` with a stable ``error_code``, so one bad file
never stops a batch.  Its stages: the source's identity (a known document whose source is
unchanged is skipped), its bytes (local or S3, or an S3 object handed to an engine that
reads it itself), its pages (:mod:`docbatch.source_pages`), each page's answer from the
cache or the engine (:mod:`docbatch.page_answer`), and the result with what parsing needs
of the pixels.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable

from . import aws
from . import errors as e
from .budget import CallBudget
from .cache import ResponseCache, sha256_hex
from .config import RetrySettings, Stages, TilingSettings
from .engines.base import Engine, create_engine
from .page_answer import PageAnswer, PageAnswerer
from .parse.identity import read_image_evidence
from .prep import open_pages
from .quota import limiter_for
from .ratelimit import RateLimiter
from .records import Document, DocumentResult, ImageInput, S3Head, page_doc_id
from .retry import AttemptCounter, call_with_retry
from .source_pages import PageLoader, PageOf, Prepared, Unreadable, loaders, s3_content_key, whole
from .sources import S3Reader, parse_s3_uri, read_local, read_local_file, source_identity

log = logging.getLogger("docbatch")


@dataclass(frozen=True)
class Known:
    """A document the journal already holds, with the source identity it was done with:
    the processor skips it when the source is still the same."""

    identity: str | None


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
        stop: threading.Event | None = None,
    ) -> None:
        self.engine = engine
        self.retry = retry
        self.s3 = s3
        self.limiter = limiter
        self._sleep = sleep
        self._now = now
        self._stop = stop
        self._answerer = PageAnswerer(engine=engine, retry=retry, s3=s3, limiter=limiter, cache=cache,
                                      tiling=tiling or TilingSettings(), budget=budget, sleep=sleep, stop=stop)

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

    def _read(self, doc: Document, head: S3Head | None) -> list[Prepared | PageOf]:
        """One loader per page of the source; a page is decoded when its loader is called."""
        if not self.engine.needs_image:
            count = self.engine.page_count(doc)
            return [Prepared(None, None)] if count == 1 else [Prepared(None, None, n, count)
                                                             for n in range(1, count + 1)]
        if doc.source.startswith("s3://"):
            if self.s3 is None:
                raise e.ConfigError("s3:// source but no S3 client configured")
            loc = parse_s3_uri(doc.source)
            if self.engine.reads_s3_objects:
                head = head or self._with_retry(lambda: self.s3.head(loc))[0]
                if self.engine.accepts_s3_object(loc, head):
                    return [Prepared(ImageInput(s3=loc), s3_content_key(loc.uri, head.etag, head.size), 1, 1, ())]
            data = self._with_retry(lambda: self.s3.read(loc))[0]
        else:
            data = read_local(doc.source)
        return self._pages(data)

    def _pages(self, data: bytes) -> list[Prepared | PageOf]:
        pages = open_pages(data, spec=self.engine.image_spec)
        return [PageOf(pages, i, sha256_hex(data)) for i in range(len(pages))]

    def _read_new_local(self, doc: Document) -> tuple[DocumentResult, list[PageLoader]]:
        """A local document the journal never held, and its pages: with nothing to compare its
        identity with, that is taken from the descriptor its bytes are read through (one look
        at the file, not a stat and then an open).  Unreadable, it has the stat's, as before."""
        pages: list[PageLoader]
        try:
            data, identity = read_local_file(doc.source)
        except Exception as exc:  # noqa: BLE001 - raised again in _answer, which makes it the result
            identity, pages = self.identify(doc)[0], [Unreadable(exc)]
        else:
            pages = loaders(lambda: self._pages(data))
        return self._base(doc, identity), pages

    def _base(self, doc: Document, identity: str | None) -> DocumentResult:
        """What every result of ``doc`` starts from: failed until a page's answer says otherwise."""
        return DocumentResult(document=doc, status="failed", engine=self.engine.name, source_identity=identity)

    def _with_retry(self, fn: Callable[[], Any]) -> tuple[Any, int]:
        return call_with_retry(fn, self.retry, sleep=self._sleep, stop=self._stop)

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
        return self._each_page(base, loaders(lambda: self._read(doc, head)), started)

    def _answer(self, base: DocumentResult, page: Callable[[], Prepared], started: float) -> DocumentResult:
        """One page's answer: prepare it, then the cache or the engine; a failure is its result."""
        doc = base.document
        counter = AttemptCounter()
        try:
            prepared = page()
            base = replace(base, page=prepared.page, page_count=prepared.page_count, prep=prepared.prep)
            read = self._answerer.answer(doc, prepared, counter)
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

    def cached_pages(self, doc: Document) -> list[bool]:
        """For each page of ``doc``'s source, whether its first answer is in the response cache,
        so a run would call nothing for it (``docbatch estimate`` counts calls with this).
        Reads the source as :meth:`process` does and raises what that read raises."""
        return [self._answerer.is_cached(page.page_hash) for page in self._read(doc, None)]

    def _ok(self, base: DocumentResult, read: PageAnswer, image: ImageInput | None, attempts: int,
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
    def _each_page(self, base: DocumentResult, pages: list[PageLoader], started: float) -> DocumentResult:
        """Each page of the source (read once) answered on its own (a page that fails fails
        alone); a multi-page source's result holds its pages (see ``DocumentResult.pages``)."""
        if len(pages) == 1:
            return self._answer(base, pages[0], started)
        results = []
        for n, page in enumerate(pages, 1):
            doc = replace(base.document, doc_id=page_doc_id(base.document.doc_id, n))
            page_base = replace(base, document=doc, page=n, page_count=len(pages))
            results.append(self._answer(page_base, page, time.monotonic()))
        return whole(base, results, started)

    def close(self) -> None:
        self.engine.close()


def build_processor(stages: Stages, engine: Engine | str, *, sleep: Callable[[float], None] = time.sleep,
                    clock: Callable[[], float] = time.monotonic,
                    stop: threading.Event | None = None) -> DocumentProcessor:
    """Build (or take) the engine, the S3 client, limiter and cache of a run (call in the main thread);
    once ``stop`` (the run's) is set, no call starts and retries end (the document stays un-done)."""
    if isinstance(engine, str):
        engine = create_engine(engine, stages.engine)
    limiter = None
    if engine.rate_limited:
        limiter = limiter_for(stages.rate, engine, clock=clock, sleep=sleep, stop=stop)
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
        stop=stop,
    )
