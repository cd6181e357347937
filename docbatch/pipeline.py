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
from pathlib import PurePosixPath
from typing import Any, Callable, Iterator

from . import aws
from . import errors as e
from .cache import ResponseCache, cache_key, sha256_hex
from .config import RunConfig
from .engines.base import Engine, EngineSettings, create_engine
from .parse.identity.aamva import decode_barcode
from .prep import ImageLimits, prepare
from .ratelimit import TokenBucket
from .records import Document, DocumentResult, ImageInput
from .retry import RetryPolicy, call_with_retry
from .sources import S3Reader, parse_s3_uri, read_local

log = logging.getLogger("docbatch")

_S3_PASSTHROUGH_EXT = {".jpg", ".jpeg", ".png"}
_MAX_S3_OBJECT = 15 * 1024 * 1024
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


def engine_settings(config: RunConfig) -> EngineSettings:
    return EngineSettings(
        region=config.region,
        profile=config.profile,
        endpoint_url=config.endpoint_url,
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        replay_dir=config.replay_dir,
        min_confidence=config.min_confidence,
        options=dict(config.engine_options),
    )


@dataclass
class _Prepared:
    image: ImageInput | None
    content_hash: str | None


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
        retry: RetryPolicy,
        s3: S3Reader | None = None,
        limiter: TokenBucket | None = None,
        cache: ResponseCache | None = None,
        limits: ImageLimits = ImageLimits(),
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
    ) -> None:
        self.engine = engine
        self.retry = retry
        self.s3 = s3
        self.limiter = limiter
        self.cache = cache
        self.limits = limits
        self._sleep = sleep
        self._now = now
        self._region = getattr(engine, "region", None)
        self._key_locks = _KeyLocks()

    # -- stages -------------------------------------------------------------------------
    def _read(self, doc: Document) -> _Prepared:
        if not self.engine.needs_image:
            return _Prepared(None, None)
        if doc.source.startswith("s3://"):
            if self.s3 is None:
                raise e.ConfigError("s3:// source but no S3 client configured")
            loc = parse_s3_uri(doc.source)
            if self.engine.accepts_s3_object and PurePosixPath(loc.key).suffix.lower() in _S3_PASSTHROUGH_EXT:
                head = self._with_retry(lambda: self.s3.head(loc))[0]
                same_region = head.region is None or self._region is None or head.region == self._region
                if head.size <= _MAX_S3_OBJECT and same_region and head.size > 0:
                    return _Prepared(ImageInput(s3=loc), _s3_content_key(loc.uri, head.etag, head.size))
            data = self._with_retry(lambda: self.s3.read(loc))[0]
        else:
            data = read_local(doc.source)
        return _Prepared(prepare(data, limits=self.limits), sha256_hex(data))

    def _with_retry(self, fn: Callable[[], Any]) -> tuple[Any, int]:
        return call_with_retry(fn, self.retry, sleep=self._sleep)

    def _detect(self, image: ImageInput | None, doc: Document) -> tuple[dict[str, Any], int]:
        def once() -> dict[str, Any]:
            if self.limiter is not None:
                self.limiter.acquire()
            resp = self.engine.detect_text(image, doc)
            if self.limiter is not None:
                self.limiter.on_success()
            return resp

        on_throttled = self.limiter.on_throttled if self.limiter is not None else None
        return call_with_retry(once, self.retry, on_throttled=on_throttled, sleep=self._sleep)

    # -- the whole way --------------------------------------------------------------------
    def process(self, doc: Document) -> DocumentResult:
        started = time.monotonic()
        base = DocumentResult(document=doc, status="failed", engine=self.engine.name)
        attempts = 0
        try:
            prepared = self._read(doc)
            image = prepared.image
            if self.cache is None or prepared.content_hash is None:
                response, attempts = self._detect(image, doc)
                return self._ok(base, response, image, attempts, started, cached=False)
            key = cache_key(content_hash=prepared.content_hash, engine=self.engine.name,
                            model_version=self.engine.model_version)
            with self._key_locks.hold(key):
                cached = self.cache.get(key)
                if cached is not None:
                    return self._ok(base, cached, image, 0, started, cached=True)
                response, attempts = self._detect(image, doc)
                self.cache.put(key, response)
            return self._ok(base, response, image, attempts, started, cached=False)
        except e.DocbatchError as exc:
            attempts = getattr(exc, "attempts", attempts) or attempts
            return replace(base, error_code=exc.error_code, error_message=exc.message, attempts=attempts,
                           latency_ms=int((time.monotonic() - started) * 1000), processed_at=self._now())
        except Exception as exc:  # noqa: BLE001 - a bug must fail one document, not the batch
            log.exception("internal error on row %s", doc.row_no)
            return replace(base, error_code="internal_error", error_message=f"{type(exc).__name__} (see log)",
                           attempts=attempts, latency_ms=int((time.monotonic() - started) * 1000),
                           processed_at=self._now())

    def _ok(self, base: DocumentResult, response: dict[str, Any], image: ImageInput | None, attempts: int,
            started: float, *, cached: bool) -> DocumentResult:
        extras: dict[str, Any] = {"cached": cached}
        if base.document.doc_type in ("id", "auto") and image is not None and image.data is not None:
            # Licences carry an AAMVA PDF417 barcode: the strongest source of their fields.
            # Read it here, where the image bytes are, so parsing never needs the image again.
            extras["barcode"] = decode_barcode(image.data)
        return replace(
            base,
            status="ok",
            response=response,
            attempts=attempts,
            latency_ms=int((time.monotonic() - started) * 1000),
            processed_at=self._now(),
            image_width=image.width if image else None,
            image_height=image.height if image else None,
            extras=extras,
        )

    def close(self) -> None:
        self.engine.close()


def build_processor(config: RunConfig, *, sleep: Callable[[float], None] = time.sleep,
                    clock: Callable[[], float] = time.monotonic) -> DocumentProcessor:
    """Build engine, S3 client, limiter and cache for ``config`` (call in the main thread)."""
    engine = create_engine(config.engine, engine_settings(config))
    s3 = None
    if engine.needs_image:
        session = aws.make_session(config.profile, config.region)
        client = aws.make_client("s3", session=session, region=config.region, endpoint_url=config.s3_endpoint_url,
                                 connect_timeout=config.connect_timeout, read_timeout=config.read_timeout,
                                 max_pool=config.concurrency or 10)
        s3 = S3Reader(client)
    limiter = None
    if engine.rate_limited:
        limiter = TokenBucket(config.tps, capacity=config.burst, clock=clock, sleep=sleep)
    cache_dir = config.resolved_cache_dir
    return DocumentProcessor(
        engine=engine,
        retry=RetryPolicy(config.max_attempts, config.max_retry_seconds, config.backoff_base, config.backoff_max),
        s3=s3,
        limiter=limiter,
        cache=ResponseCache(cache_dir) if cache_dir else None,
        sleep=sleep,
    )
