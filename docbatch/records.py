"""The typed records that flow through the pipeline.

One manifest row becomes one :class:`Document`; the engine step turns it into one
:class:`DocumentResult`.  Everything after the engine (parsers, sinks, reports) reads
only these records and the DetectText-shaped response they carry, never the engine or
source that produced them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

from .errors import ExitCode

DocType = Literal["receipt", "id", "auto"]
DOC_TYPES: tuple[str, ...] = ("receipt", "id", "auto")
Status = Literal["ok", "failed"]


@dataclass(frozen=True)
class Document:
    """One manifest row: what to read, how to treat it, and columns to carry through."""

    doc_id: str
    source: str
    doc_type: DocType
    row_no: int
    passthrough: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str
    version_id: str | None = None

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


@dataclass(frozen=True)
class S3Head:
    """What a HEAD of an S3 object tells: enough for an engine to say whether it reads it itself."""

    size: int
    content_type: str | None
    etag: str | None
    region: str | None


@dataclass(frozen=True)
class ImageInput:
    """What an engine is handed: prepared bytes, or an S3 object the service reads itself.

    Exactly one of ``data`` and ``s3`` is set.  ``width``/``height`` are known when the
    bytes were decoded locally (they are not for a pass-through S3 object).
    """

    data: bytes | None = None
    s3: S3Location | None = None
    width: int | None = None
    height: int | None = None
    format: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.s3 is None):
            raise ValueError("ImageInput needs exactly one of data or s3")


@dataclass(frozen=True)
class DocumentResult:
    """The outcome of one document: a response, or an error, never both."""

    document: Document
    status: Status
    engine: str
    response: Mapping[str, Any] | None = None
    error_code: str | None = None
    error_message: str | None = None
    attempts: int = 0
    latency_ms: int | None = None
    processed_at: dt.datetime | None = None
    image_width: int | None = None
    image_height: int | None = None
    #: True when the response came from the response cache (no call was made).
    cached: bool = False
    #: Answers merged into the response: 1 when the image was read whole, more when an
    #: answer held the engine's word cap and the rest was read in regions (tiling).
    tiles: int | None = None
    #: Engine calls answered for the document in this run (tiles from the cache not counted).
    n_calls: int | None = None
    #: Words may be missing: an answer held the engine's word cap and was not read past
    #: (tiling off, one row of capped text, or the tile budget spent).
    word_cap_hit: bool | None = None
    #: The text of the document's PDF417 barcode (US licences), read where the image bytes are.
    barcode: str | None = None
    #: What the source was when read (path or URI with size and mtime, or ETag and size):
    #: a resumed run redoes a document only when this changed.
    source_identity: str | None = None
    #: True when a resumed document's source was found unchanged and nothing was done.
    unchanged: bool = False
    #: This result's page of its source (1-based) and the source's page count; None when
    #: nothing was decoded (a failure before decoding, an engine that reads no image).
    page: int | None = None
    page_count: int | None = None
    #: What preparation did to the image sent, in order (``docbatch.prep.PREP_STEPS``, e.g.
    #: ``("rendered:300dpi", "encoded:PNG")``); empty when the source went as it was, None
    #: when nothing was read.
    prep: tuple[str, ...] | None = None
    #: A multi-page source's pages (PDF, multi-page TIFF): one result each, for a Document
    #: with doc_id ``<doc_id>#p<N>`` (:func:`page_doc_id`) and the source's row_no, source
    #: and passthrough.  Empty for a one-page source, which is this result itself.  When
    #: set, record the pages (:meth:`each_page`), not this result: it only sums them up
    #: (ok when every page is ok, else the first failed page's error; attempts and latency
    #: summed; ``page_count`` set, ``page`` None; page 1's response, size and barcode when
    #: all are ok, so a caller that knows nothing of pages still sees the first page).
    pages: tuple[DocumentResult, ...] = ()
    #: Where the response was saved in the run's answer pack (``<pack>:<offset>:<length>``,
    #: :mod:`docbatch.answerpack`), set once it is; None when unsaved or a file of its own.
    raw_at: str | None = None

    def each_page(self) -> tuple[DocumentResult, ...]:
        """The results to record, one per page: the pages of a multi-page source, else this one."""
        return self.pages or (self,)


def page_doc_id(doc_id: str, page: int) -> str:
    """The doc_id of page ``page`` of a multi-page source (a one-page source keeps its own)."""
    return f"{doc_id}#p{page}"


@dataclass
class RunSummary:
    """What a run did; also written as ``run.json``."""

    run_id: str
    out_dir: str
    outcome: str = "running"  # completed | aborted | interrupted | stopped (broken environment)
    total: int = 0
    ok: int = 0
    failed: int = 0
    resumed: int = 0
    #: Documents done before whose source changed since, so they were processed again.
    changed: int = 0
    processed: int = 0
    engine_calls: int = 0
    cache_hits: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    started_at: str = ""
    finished_at: str = ""
    elapsed_s: float = 0.0
    message: str = ""
    #: The paced engine's call figures (run.json ``calls``; :meth:`RateLimiter.figures`), empty otherwise.
    calls: dict[str, Any] = field(default_factory=dict)
    #: The same figures so far, while the run goes (for progress; None: no paced engine).
    live_calls: Callable[[], dict[str, Any]] | None = field(default=None, repr=False, compare=False)
    #: SHA-256 of the whole manifest as this run read it (:meth:`Manifest.sha256`).
    manifest_sha256: str = ""
    #: The exit code of what stopped the run (outcome "stopped").
    stop_exit_code: ExitCode = ExitCode.CONFIG

    @property
    def exit_code(self) -> ExitCode:
        if self.outcome == "stopped":
            return self.stop_exit_code
        if self.outcome == "interrupted":
            return ExitCode.INTERRUPTED
        if self.outcome == "aborted":
            return ExitCode.ABORTED
        return ExitCode.SOME_FAILED if self.failed else ExitCode.OK
