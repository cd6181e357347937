"""Orchestrating a batch: stream the manifest, bound the work in flight, journal results.

The main thread alone reads the manifest, submits work and writes the journal; workers (an
executor's: threads for network engines, processes for CPU-bound ones, or Ray actors, see
:mod:`docbatch.executors`) turn a :class:`Document` into a :class:`DocumentResult`, and
its answers are saved (:mod:`docbatch.answers`) in the thread that completes its future
before the main thread sees it, so an answer is journaled only once it is on disk.  A paced engine has as many documents in
flight as its rate x latency needs (Little's law, :meth:`~docbatch.ratelimit.RateLimiter.in_flight_target`),
other engines at most ``2 x concurrency``, so memory stays flat on any manifest size.  The output tables are built
from the journal at the end (:mod:`docbatch.outputs`).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import functools
import logging
import os
import posixpath
import queue
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import logs
from .config import RunConfig, RunPolicy, Stages, new_run_id
from .engines.base import Engine, engine_class
from . import aws, preflight, shards
from .answers import adoptable, kept_after, save_answers
from .errors import BudgetReached, ConfigError, Interrupted, RunStopped
from .listing import Manifest, open_manifest
from .outputs import build_outputs
from .executors import open_executor
from .heap import limit_arenas, release_memory
from .pipeline import Known
from .progress import Subscriber
from .ratelimit import describe_calls
from .records import Document, DocumentResult, RunSummary
from .runfolder import FAILED_CSV, RunFolder, storage_errors
from .runlock import RunLock
from .run_summary import closing_message, resume_note, run_json
from .sources import S3Reader
from .state import PAGED, Journal, retryable

log = logging.getLogger("docbatch")
#: Seconds between journal checkpoints of a run folder on S3.
CHECKPOINT_EVERY = 30.0
#: Documents recorded between hand-backs of the heap's free pages (:mod:`docbatch.heap`): the
#: request threads' arenas otherwise keep 27-40 MB of a 200,000-row run's freed memory resident.
RELEASE_EVERY = 5000


class _StopFlag:
    """Set by SIGINT/SIGTERM (or a caller) to stop submitting and wind down cleanly; its
    event also ends the workers' retries and their waits between attempts, and the limiter
    refuses a call still waiting for its slot, so no call starts after it."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int | None = None
        #: No more documents are submitted, but the calls in flight go on: a spent --max-calls
        #: budget, whose calls already holding a slot of it are still made (the budget used,
        #: not one call more and not one less).
        self.halted = False

    def __call__(self, signum: int, _frame: Any) -> None:
        self.signum = signum
        self.event.set()
        log.warning("stopping: no new calls; calls in flight finish, documents still retrying are left "
                    "for the next run; saving state (re-run to resume)")


def run_batch(
    config: RunConfig,
    *,
    engine: Engine | None = None,
    subscribers: Iterable[Subscriber] = (),
    stop: threading.Event | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RunSummary:
    """Run (or resume) the batch ``config`` describes; returns what happened.

    ``engine`` is an engine object to use instead of building ``config.engine`` by name
    (a test's or a notebook's own; a ``"processes"`` engine must be picklable).
    Re-running with the same ``out`` resumes: documents already done are not sent again,
    permanently failed ones only with ``retry_failed``.  ``sleep`` and ``clock`` are the
    pacer's and the retries' (a test's virtual time; thread workers only).
    """
    limit_arenas()  # before the run's threads: their arenas otherwise keep freed memory resident
    stages = config.stages()
    cls = type(engine) if engine is not None else engine_class(config.engine)
    with tempfile.TemporaryDirectory(prefix="docbatch-manifest-") as workdir:
        manifest = shards.select(open_manifest(config.manifest, default_doc_type=config.doc_type,
                                               workdir=Path(workdir),
                                               s3_client=_manifest_s3_client(config.manifest, stages)),
                                 stages.shard)
        # One pass over the manifest counts its rows and finds the buckets preflight checks
        # (sources are read only by engines that need images: replay answers without them).
        rows = iter(manifest.rows())
        counted = [0]

        def documents() -> Iterator[Document]:
            for row in rows:
                counted[0] += 1
                if row.document and cls.needs_image:
                    yield row.document

        needs = preflight.needs_of(documents(), cls.aws_service, out=config.out)
        total = counted[0] + sum(1 for _ in rows)  # the rows after the buckets preflight needed
        preflight.check(needs, stages.engine, stages.sources)
        folder = RunFolder(config.out, sources=stages.sources, shard=stages.shard)
        run_id = config.run_id or new_run_id()
        logs.RUN_ID.run_id = run_id
        flag = _StopFlag()
        if stop is not None:
            flag.event = stop
        # Caught until the run returns: a SIGTERM while the journal is checkpointed, run.json
        # written or the lock released (AWS Batch sends one, then SIGKILL) lets that finish.
        restore = _install_signals(flag)
        try:
            with storage_errors(folder):
                folder.claim()
                with folder.lock(run_id, wait=stages.policy.lock_wait) as lock:
                    return _run(config, stages, cls, engine, folder, lock, run_id, manifest, total,
                                list(subscribers), flag, (sleep, clock))
        finally:
            restore()


def _manifest_s3_client(location: str, stages: Stages) -> Any:
    return _s3_client(stages) if location[:5].lower() == "s3://" else None


def _s3_client(stages: Stages) -> Any:
    """An S3 client as the run's sources are read (endpoint, profile, region, timeouts)."""
    src = stages.sources
    return aws.make_client("s3", session=aws.make_session(src.profile, src.region), region=src.region,
                           endpoint_url=src.s3_endpoint_url, connect_timeout=src.connect_timeout,
                           read_timeout=src.read_timeout)


def _run(config: RunConfig, stages: Stages, cls: type[Engine], engine: Engine | None, folder: RunFolder,
         lock: RunLock, run_id: str, manifest: Manifest, total: int, subs: list[Subscriber],
         flag: _StopFlag, timing: tuple[Callable[[float], None], Callable[[], float]]) -> RunSummary:
    started = time.monotonic()
    summary = RunSummary(run_id=run_id, out_dir=folder.uri,
                         started_at=dt.datetime.now(dt.timezone.utc).isoformat())
    pt_cols = manifest.passthrough_columns()
    summary.total = total
    summary.manifest_sha256 = manifest.sha256()
    engine_name = cls.name

    folder.restore_journal()
    journal = Journal(folder.journal_path)
    _same_batch(journal, manifest, folder, stages.policy)
    folder.open_answers(run_id, journal.finished_runs())
    journal.start_run(run_id, {**config.public_dict(), "manifest": manifest.name})
    for s in subs:
        s.on_start(summary)
    try:
        with open_executor(stages, cls, engine or config.engine, sleep=timing[0], clock=timing[1],
                           stop=flag.event) as executor:
            summary.live_calls = executor.limiter.figures if executor.limiter is not None else None
            submit = kept_after(executor.submit, lambda result: save_answers(result, folder))
            _drive(config, stages, engine_name, manifest, journal, folder, lock, run_id, summary,
                   submit, executor.in_flight_target, flag, subs)
        summary.calls = executor.limiter.figures() if executor.limiter is not None else {}
        if summary.outcome == "running":
            lock.check()  # a run whose folder was taken over writes no tables
            summary.outcome = "completed"
            summary.tables = _build_tables(journal, folder, lock, run_id, stages, pt_cols)
        counts = journal.counts(run_id)
        summary.ok, summary.failed = counts.get("ok", 0), counts.get("failed", 0)
        if summary.outcome == "completed":
            summary.total = sum(counts.values())  # exact: the rows this run's manifest held
        summary.errors = journal.error_counts(run_id)
        journal.finish_run(run_id, summary.outcome)
    finally:
        try:
            if not lock.lost:  # the folder's journal is its new holder's now
                folder.checkpoint_journal(journal.copy_to)
        finally:
            try:
                journal.close()
            finally:
                folder.close_answers()
    summary.elapsed_s = round(time.monotonic() - started, 3)
    summary.finished_at = dt.datetime.now(dt.timezone.utc).isoformat()
    summary.message = (closing_message(summary, config, posixpath.join(folder.uri, folder.home, FAILED_CSV))
                       + resume_note(summary, config) + describe_calls(summary.calls))
    folder.write_run_json(run_json(summary, config, engine_name, pt_cols, stages))
    for s in subs:
        s.on_end(summary)
    return summary


def _same_batch(journal: Journal, manifest: Manifest, folder: RunFolder, policy: RunPolicy) -> None:
    """A run folder holds one manifest's batch: a run of another manifest would silently
    replace its tables, so it is refused unless ``replace`` says so."""
    last = journal.last_manifest()
    if last is None or policy.replace or last == manifest.name:
        return
    if "://" not in last and Path(last).resolve() == Path(manifest.name):  # recorded as given by older versions
        return
    journal.close()
    raise ConfigError(f"run folder {folder.uri} holds the batch of manifest {last}, not of {manifest.name}; "
                      "use another --out, or --replace to make its tables this manifest's")


def _build_tables(journal: Journal, folder: RunFolder, lock: RunLock, run_id: str, stages: Stages,
                  pt_cols: list[str]) -> dict[str, int]:
    """Write the tables from the journal; documents whose saved response proved unusable are
    marked for redo (the outputs builder only reports them)."""
    built = build_outputs(journal.rows(run_id), folder=folder, run_id=run_id,
                          n_docs=sum(journal.counts(run_id).values()), output=stages.output,
                          parse=stages.parse, passthrough_columns=pt_cols, commit_check=lock.beat)
    journal.mark_unusable(built.unusable)
    return built.counts


def _drive(config: RunConfig, stages: Stages, engine_name: str, manifest: Manifest, journal: Journal,
           folder: RunFolder, lock: RunLock, run_id: str, summary: RunSummary,
           submit: Callable[[Document, Known | None], cf.Future], limit: Callable[[], int], flag: _StopFlag,
           subs: list[Subscriber]) -> None:
    policy = stages.policy
    # Saved answers without journal rows are adopted after a look at their S3 objects, made
    # where this run reads them (its endpoint, profile, region); the client only when needed.
    s3 = functools.cache(lambda: S3Reader(_s3_client(stages)))
    in_flight: dict[cf.Future, Known | None] = {}
    # Futures say they are done on this queue (cf.wait would look at every future in
    # flight, up to 64, twice a document).
    finished: queue.SimpleQueue[cf.Future] = queue.SimpleQueue()
    last_checkpoint = time.monotonic()
    recorded = 0

    def collect(block: bool) -> None:
        if not in_flight:
            return
        done = [finished.get()] if block else []
        while not finished.empty():
            done.append(finished.get_nowait())
        for fut in done:
            check = in_flight.pop(fut)
            try:
                result = fut.result()
            except Interrupted:
                continue  # the run's own stop cut its calls short: un-done, the next run asks it again
            except RunStopped as exc:
                if summary.outcome == "running":
                    summary.outcome, summary.message = "stopped", exc.message
                    summary.stop_exit_code = exc.exit_code
                    log.error("stopping: %s", exc.message)
                if isinstance(exc, BudgetReached):
                    flag.halted = True
                else:
                    flag.event.set()
                continue
            _record(result, journal, summary, subs, check)
        nonlocal last_checkpoint, recorded
        recorded += len(done)
        if recorded >= RELEASE_EVERY:
            release_memory()
            recorded = 0
        lock.check()
        if folder.s3 is not None and not lock.lost and time.monotonic() - last_checkpoint >= CHECKPOINT_EVERY:
            lock.beat()  # still ours? (taken over since the last heartbeat: FolderLocked, nothing overwritten)
            folder.checkpoint_journal(journal.copy_to)
            last_checkpoint = time.monotonic()
        if policy.max_failure_rate is not None and summary.processed >= policy.min_docs_for_failure_rate:
            if summary.failed / summary.processed > policy.max_failure_rate:
                summary.outcome = "aborted"
                flag.event.set()

    for row in manifest.rows():
        if flag.event.is_set() or flag.halted:
            break
        doc = row.document
        if doc is None or row.error is not None:  # malformed row: it still gets its documents row
            _record(_bad_row(row, manifest, config.doc_type, engine_name, journal, run_id), journal, summary,
                    subs)
            continue
        known = journal.see(doc, row.raw, run_id)
        decision = _resume_decision(doc, known, journal, folder, policy, engine_name, s3)
        if decision == "done":
            _skipped(doc, summary, subs)
            continue
        check = decision
        while len(in_flight) >= limit():
            collect(block=True)
        future = submit(doc, check)
        in_flight[future] = check
        future.add_done_callback(finished.put)
        collect(block=False)
    journal.flush()
    if flag.event.is_set() and summary.outcome == "running":
        summary.outcome = "interrupted"
    while in_flight:
        collect(block=True)
    release_memory()  # before the tables: their peak need not sit on the request threads' free pages
    if flag.event.is_set() and summary.outcome == "running":
        summary.outcome = "interrupted"


def _bad_row(row: Any, manifest: Manifest, doc_type: str, engine_name: str, journal: Journal,
             run_id: str) -> DocumentResult:
    """A malformed manifest row's failed result (it is journaled like any document)."""
    doc = Document(doc_id=row.doc_id, source=_bad_row_source(row, manifest),
                   doc_type=row.doc_type or doc_type,  # type: ignore[arg-type]  # as asked, even unknown
                   row_no=row.row_no, passthrough=dict(row.passthrough))
    journal.see(doc, row.raw, run_id)
    return DocumentResult(document=doc, status="failed", engine=engine_name,
                          error_code=row.error.error_code if row.error else "bad_manifest_row",
                          error_message=row.error.message if row.error else "malformed row",
                          processed_at=dt.datetime.now(dt.timezone.utc))


def _resume_decision(doc: Document, known: tuple[str | None, bool, str | None, str | None] | None, journal: Journal,
                     folder: RunFolder, policy: RunPolicy, engine_name: str,
                     s3: Callable[[], S3Reader]) -> Known | None | str:
    """``"done"`` (skip it), a :class:`Known` (the worker skips it if its source is unchanged),
    or None (process it)."""
    if (known is None or known[0] is None) and folder.has_raw(doc.doc_id):
        # An answer saved but not journaled: after the last checkpoint of an S3 folder, or a
        # journal moved aside.  It is this document's only if it was read from the source as
        # it is now (the saved answer says what its source was).
        facts = adoptable(doc, folder, s3)
        if facts is not None:
            prep = facts.get("prep")
            journal.record(DocumentResult(
                document=doc, status="ok", engine=engine_name, source_identity=facts["source_identity"],
                image_width=facts.get("image_width"), image_height=facts.get("image_height"),
                page=facts.get("page"), page_count=facts.get("page_count"), n_calls=facts.get("n_calls"),
                tiles=facts.get("tiles"), word_cap_hit=facts.get("word_cap_hit"),
                prep=tuple(prep) if prep is not None else None, barcode=facts.get("barcode"),
                raw_at=facts.get("raw_at"), processed_at=dt.datetime.now(dt.timezone.utc)))
            return "done"
    if known is None:
        return None
    status, may_retry, identity, raw_at = known
    # "ok" holds only while its saved response does: tables are rebuilt from raw/.
    done = (status == "ok" and folder.has_raw(doc.doc_id, raw_at)) or (status == PAGED and journal.pages_done(doc.doc_id))
    if not done and not (status == "failed" and not may_retry and not policy.retry_failed):
        return None
    if done and identity is None:  # done by an older docbatch, or by an engine without images
        return "done"
    return Known(identity)


def _bad_row_source(row: Any, manifest: Manifest) -> str:
    """A malformed row's source as given, a relative path made absolute as valid rows' are
    (so failed.csv runs from the out folder); the column may be spelled "Source"."""
    given = next((str(v or "").strip() for k, v in row.raw.items() if k.strip().lower() == "source"), "")
    if not given or "://" in given or os.path.isabs(given):
        return given
    if manifest.base.startswith("s3://"):
        return f"{manifest.base}/{given}"
    return os.path.normpath(os.path.join(manifest.base, given))


def _skipped(doc: Document, summary: RunSummary, subs: list[Subscriber]) -> None:
    summary.resumed += 1
    for s in subs:
        s.on_skip(doc)


def _record(result: DocumentResult, journal: Journal, summary: RunSummary, subs: list[Subscriber],
            check: Known | None = None) -> None:
    if result.unchanged:
        _skipped(result.document, summary, subs)
        return
    if check is not None:
        summary.changed += 1
        log.info("row %s: its source changed since it was done; processing it again", result.document.row_no)
    if result.pages:
        journal.record_pages(result)
    else:
        journal.record(result, retryable=retryable(result))
    summary.processed += 1
    if result.status == "ok":
        summary.ok += 1
    else:
        summary.failed += 1
        doc = result.document
        log.debug("row %s failed: %s (%s)", doc.row_no, result.error_code, result.error_message,
                  extra={"doc_id": doc.doc_id, "row_no": doc.row_no, "code": result.error_code})
    if result.cached:
        summary.cache_hits += 1
    elif result.attempts:
        summary.engine_calls += result.attempts
    for s in subs:
        s.on_result(result, summary)


def _install_signals(flag: _StopFlag) -> Callable[[], None]:
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    old = {sig: signal.signal(sig, flag) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, handler in old.items():
            signal.signal(sig, handler)

    return restore
