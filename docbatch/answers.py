"""A run's saved answers (``raw/``): saved off the main thread, adopted when the journal lost them.

An answer is saved, with the facts the journal would need to adopt it, before the journal
may say its document is done; the thread that completes its future saves it (the main
thread would otherwise spend its time compressing JSON while the request threads wait).
An answer found without its journal row (after a SIGKILL lost the open group of journal
writes, after the last checkpoint of a folder on S3, or with a journal moved aside) is
its document's only if its source is still what was read.
"""

from __future__ import annotations

import concurrent.futures as cf
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable

from .errors import DocbatchError
from .records import Document, DocumentResult
from .sources import S3Reader, parse_s3_uri, source_identity

if TYPE_CHECKING:
    from .pipeline import Known
    from .runfolder import RunFolder

#: The key under which a saved answer records what the journal would need to adopt it.
SOURCE_KEY = "Docbatch"

Submit = Callable[[Document, "Known | None"], cf.Future]


def facts(page: DocumentResult, identity: str | None) -> dict[str, Any]:
    """What a saved answer records of its document (a lost journal row is rebuilt from it)."""
    return {"doc_id": page.document.doc_id, "source_identity": identity, "image_width": page.image_width, "image_height": page.image_height,
            "page": page.page, "page_count": page.page_count, "n_calls": page.n_calls, "tiles": page.tiles,
            "word_cap_hit": page.word_cap_hit,
            "prep": list(page.prep) if page.prep is not None else None, "barcode": page.barcode}


def save_answers(result: DocumentResult, folder: RunFolder) -> DocumentResult:
    """Save a result's answers (before the journal may say it is done); any thread may call
    it.  Returns the result with each answer's place in the run's pack (what the journal keeps)."""
    if result.unchanged:
        return result
    saved = []
    for page in result.each_page():  # a multi-page source: one saved answer per page
        if page.status == "ok" and page.response is not None:
            # The answer carries what its source was, so a lost journal can adopt it safely.
            at = folder.write_raw(page.document.doc_id,
                                  {**page.response, SOURCE_KEY: facts(page, result.source_identity)})
            page = replace(page, raw_at=at) if at is not None else page
        saved.append(page)
    if result.pages:
        return replace(result, pages=tuple(saved))
    return saved[0]


def adoptable(doc: Document, folder: RunFolder, s3: Callable[[], S3Reader]) -> dict[str, Any] | None:
    """The facts saved with ``doc``'s answer when its source is still what was read, else None
    (``raw_at`` among them: the answer's place in a pack, None for a file of its own); ``s3``
    gives the reader the run reads its S3 sources with (their endpoint, profile, region: a
    look elsewhere finds nothing, and the answer is paid for again)."""
    at = folder.answer_place(doc.doc_id)
    try:
        saved = folder.read_raw(doc.doc_id, at).get(SOURCE_KEY)
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or not saved.get("source_identity"):
        return None
    try:
        if doc.source.startswith("s3://"):
            current = source_identity(doc.source, s3().head(parse_s3_uri(doc.source)))
        else:
            current = source_identity(doc.source)
    except (OSError, DocbatchError):
        return None
    return {**saved, "raw_at": at} if saved["source_identity"] == current else None


def kept_after(submit: Submit, keep: Callable[[DocumentResult], DocumentResult]) -> Submit:
    """``submit`` (an executor's) whose futures resolve to what ``keep`` made of their result,
    in the thread that completed it (a pool's worker thread, a process pool's or Ray's result
    thread), before the main thread sees it."""
    def kept(doc: Document, known: Known | None) -> cf.Future:
        outer: cf.Future = cf.Future()

        def done(inner: cf.Future) -> None:
            try:
                result = keep(inner.result())
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread as the future's error
                outer.set_exception(exc)
            else:
                outer.set_result(result)

        submit(doc, known).add_done_callback(done)
        return outer

    return kept
