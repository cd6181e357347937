"""One page's answer: the response cache, else the engine (paced, budgeted, retried, validated).

Why one place: every call an engine is asked, a tile's too, must go through the limiter
(its slot in the one shared line), the call budget and the one retry layer, and every
answer must be validated before anything keeps it.  Past the engine's word cap, and with
tiling on, the page is read again in regions merged into one (:mod:`docbatch.tiling`);
each answer is cached under its own region (same bytes, engine, model, region), so a run
that died between tiles pays none of them again.  Two workers holding the same bytes
wait on one key's lock, so only the first pays.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from . import errors as e
from .budget import CallBudget
from .cache import ResponseCache, cache_key
from .config import RetrySettings, TilingSettings
from .engines.base import Engine
from .prep import prepare
from .ratelimit import RateLimiter
from .records import Document, ImageInput
from .regions import Region
from .response import validate
from .retry import AttemptCounter, call_with_retry
from .source_pages import Prepared
from .sources import S3Reader
from .tiling import TiledAnswer, n_words, read_tiled


@dataclass
class PageAnswer:
    """A page's answer and what it cost: the calls of this run, the answers merged."""

    response: dict[str, Any]
    tiles: int
    n_calls: int
    word_cap_hit: bool

    @property
    def cached(self) -> bool:
        return self.n_calls == 0


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


@dataclass
class PageAnswerer:
    """Answers prepared pages for a :class:`~docbatch.pipeline.DocumentProcessor`; thread-safe."""

    engine: Engine
    retry: RetrySettings
    s3: S3Reader | None
    limiter: RateLimiter | None
    cache: ResponseCache | None
    tiling: TilingSettings
    budget: CallBudget | None
    sleep: Callable[[float], None] = time.sleep
    #: The run's stop: set, it ends a page's retries (:func:`~docbatch.retry.call_with_retry`).
    stop: threading.Event | None = None
    _key_locks: _KeyLocks = field(default_factory=_KeyLocks, init=False, repr=False)

    def answer(self, doc: Document, prepared: Prepared, counter: AttemptCounter) -> PageAnswer:
        """The answer: one call, or, when it holds the engine's word cap and tiling is on,
        further calls on regions merged into one; ``counter`` counts every attempt."""
        base_key = self.cache_key(prepared.content_hash)
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
        return PageAnswer(tiled.response, tiled.tiles, calls[0], tiled.lost)

    def cache_key(self, content_hash: str | None) -> str | None:
        """The response cache's key of a page's first answer (None: no cache, or nothing to key by)."""
        if self.cache is None or content_hash is None:
            return None
        return cache_key(content_hash=content_hash, engine=self.engine.name, model_version=self.engine.model_version)

    def is_cached(self, page_hash: str | None) -> bool:
        """Whether the cache holds a valid first answer for the page: a run would call nothing for it."""
        key = self.cache_key(page_hash)
        hit = self.cache.get(key) if key is not None and self.cache is not None else None
        return hit is not None and _valid(hit)

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

        return call_with_retry(once, self.retry, sleep=self.sleep, counter=counter, stop=self.stop)

    def _region_source(self, prepared: Prepared, cut_from: list[ImageInput | None]) -> ImageInput | None:
        """The image a region is cut from: the prepared bytes, or an S3 object the service
        read itself, downloaded now (only documents that need tiles pay the download)."""
        image = prepared.image
        if image is None or image.s3 is None:
            return image
        if not cut_from:
            if self.s3 is None:
                raise e.ConfigError("s3:// source but no S3 client configured")
            s3, location = self.s3, image.s3
            data = call_with_retry(lambda: s3.read(location), self.retry, sleep=self.sleep, stop=self.stop)[0]
            cut_from.append(prepare(data, spec=self.engine.image_spec))
        return cut_from[0]


def _valid(response: Any) -> bool:
    """A cache entry is used only if it is a valid answer (entries from before validation
    existed may not be); an invalid one is a miss, overwritten by the fresh answer."""
    try:
        validate(response)
    except e.InvalidResponse:
        return False
    return True
