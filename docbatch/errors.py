"""The one error hierarchy of docbatch.

Every failure that reaches a document's row is a :class:`DocbatchError` with a
stable ``error_code`` (snake_case, never renamed once released: analysts filter
on it).  The split that matters to the runner is retryable vs permanent::

    DocbatchError
    ├── TransientError              retried with backoff by docbatch.retry
    │   ├── ThrottledError          throttling / provisioned throughput / limit exceeded
    │   ├── ServiceError            HTTP 5xx from the service
    │   ├── ConnectionFailed        reset, refused, DNS, TLS
    │   │   └── EndpointUnreachable  refused, no such host, connect timeout: outliving the retries stops the run
    │   ├── RequestTimeout          connect or read timeout
    │   ├── InvalidResponse         a 200 answer that is not a valid response (never kept)
    │   └── WorkerLost              the worker process died under the document (crash, OOM)
    ├── PermanentError              fails the document at once
    │   ├── BadImageError           undecodable, wrong format, too large/small, bomb
    │   ├── SourceNotFound          missing local path or S3 object
    │   ├── AccessDenied            bucket or object policy (the engine's own denial is an environment error)
    │   ├── InvalidRequest          the service rejected a parameter
    │   ├── ManifestRowError        malformed manifest row (empty source, bad doc_type, duplicate id)
    │   ├── ConfigError             bad job file or options (raised before a run starts)
    │   │   ├── ForeignFolder       --out holds files docbatch did not write
    │   │   ├── FolderLocked        another run holds the run folder
    │   │   ├── ShardsIncomplete    docbatch merge: a shard is missing, unfinished or of another batch
    │   │   ├── TransactionFileError  reconcile: a card/bank export it cannot read (format, columns, dates)
    │   │   ├── ReceiptsNotFound    reconcile: --receipts names no run folder nor receipts table
    │   │   └── BadColumnMapping    reconcile: --map names an unknown column kind or a column not in the export
    │   └── RetriesExhausted        a transient error outlived the retry budget
    ├── RunStopped                  stops the run resumably; the document at hand is not marked
    │   ├── EnvironmentFailure      credentials, region, endpoint (exit 2)
    │   ├── Interrupted             the run's own stop (SIGINT/SIGTERM) cut a document's calls short (exit 130)
    │   └── BudgetReached           --max-calls would be passed by the next paid call (exit 4)
    └── StorageError                the run folder cannot be written (full, read-only) or its journal read

Foreign exceptions (botocore, PIL, OSError) are translated in exactly one place per
boundary (the engine or source that calls the foreign library), with ``raise ... from exc``.
Messages must never contain recognised text, names, numbers or credentials.

Exit codes belong here too (as OCRmyPDF's exceptions carry theirs): an error that stops a
run before or outside the documents exits with its type's ``exit_code``; a run that
finishes exits with the :class:`ExitCode` its outcome names.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What ``docbatch`` exits with (documented in ``docbatch --help`` and the README)."""

    OK = 0
    CONFIG = 2  # bad options, job file or manifest; a broken environment
    SOME_FAILED = 3  # finished, some documents failed (see failed.csv)
    ABORTED = 4  # aborted by --max-failure-rate (re-run to resume)
    STORAGE = 5  # the run folder cannot be written or read: disk full, read-only, corrupt journal
    INTERRUPTED = 130  # SIGINT/SIGTERM (re-run to resume)


class DocbatchError(Exception):
    """Base of every docbatch error; ``error_code`` is stable and machine readable."""

    error_code = "error"
    retryable = False
    exit_code: ExitCode = ExitCode.CONFIG

    def __init__(self, message: str, *, error_code: str | None = None) -> None:
        super().__init__(message)
        if error_code is not None:
            self.error_code = error_code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class TransientError(DocbatchError):
    """A failure that may succeed if the same request is sent again later."""

    error_code = "transient"
    retryable = True


class ThrottledError(TransientError):
    """The service refused the call for rate reasons; also feeds the AIMD limiter."""

    error_code = "throttled"


class ServiceError(TransientError):
    error_code = "service_error"


class ConnectionFailed(TransientError):
    error_code = "connection_error"


class EndpointUnreachable(ConnectionFailed):
    """No connection could be made at all (refused, no such host, connect timeout): never one
    document's fault, so when it outlives a document's retries the run stops
    (:class:`EnvironmentFailure`) instead of failing every document after it."""

    error_code = "endpoint_unreachable"


class RequestTimeout(TransientError):
    error_code = "timeout"


class InvalidResponse(TransientError):
    """The service answered 200 with something that is not a DetectText-shaped response
    (HTML from a proxy, truncated JSON, no ``TextDetections``): sent again, never saved or cached."""

    error_code = "invalid_response"


class WorkerLost(TransientError):
    """The worker processing the document died (a crash, the OOM killer, a lost Ray node):
    not the document's answer; it is sent again, and a re-run retries it past the budget."""

    error_code = "worker_lost"


class PermanentError(DocbatchError):
    """A failure that sending the same request again cannot fix."""

    error_code = "permanent"


class BadImageError(PermanentError):
    error_code = "bad_image"


class SourceNotFound(PermanentError):
    error_code = "not_found"


class AccessDenied(PermanentError):
    error_code = "access_denied"


class InvalidRequest(PermanentError):
    error_code = "invalid_request"


class ManifestRowError(PermanentError):
    error_code = "bad_manifest_row"


class ConfigError(PermanentError):
    error_code = "config_error"


class ForeignFolder(ConfigError):
    error_code = "foreign_run_folder"


class ShardsIncomplete(ConfigError):
    error_code = "shards_incomplete"


class FolderLocked(ConfigError):
    error_code = "run_folder_locked"


class TransactionFileError(ConfigError):
    """Reconciliation's inputs, not documents, are wrong: exit 2 naming the file and what to change."""

    error_code = "bad_transactions_file"


class ReceiptsNotFound(ConfigError):
    error_code = "receipts_not_found"


class BadColumnMapping(ConfigError):
    error_code = "bad_column_mapping"


class RunStopped(DocbatchError):
    """Not a document's fault: the run stops (resumably) and the document at hand is not marked."""

    error_code = "stopped"


class EnvironmentFailure(RunStopped):
    """The run cannot work at all here (no credentials, no region, endpoint unreachable,
    the engine denies this account): the run stops at once and no document is marked, so
    fixing the environment and re-running resumes cleanly."""

    error_code = "environment"


class Interrupted(RunStopped):
    """The run is stopping (SIGINT/SIGTERM, or its caller's stop): the document's next call,
    a retry or its first, is not made.  Its retries cut short are not its fault, so it stays
    un-done and the next run asks for it again; the run's outcome is "interrupted"."""

    error_code = "interrupted"
    exit_code = ExitCode.INTERRUPTED


class BudgetReached(RunStopped):
    """The next paid call would pass ``--max-calls``: the run stops before making it."""

    error_code = "budget_reached"
    exit_code = ExitCode.ABORTED


class StorageError(DocbatchError):
    """The run folder failed under the run: disk full, read-only, a corrupt journal.  What
    was done is kept (responses and journal rows are written whole or not at all), so
    the same command resumes once the disk is fixed."""

    error_code = "storage"
    exit_code = ExitCode.STORAGE


class RetriesExhausted(PermanentError):
    """Raised by the retry layer; keeps the last transient error's code as a suffix."""

    error_code = "retries_exhausted"

    def __init__(self, last: TransientError, attempts: int) -> None:
        super().__init__(
            f"gave up after {attempts} attempts: {last.message}",
            error_code=f"retries_exhausted:{last.error_code}",
        )
        self.last = last
        self.attempts = attempts


#: What to do about the most common document error codes (by code or code prefix), printed
#: with the top codes at the end of a run with failures.
HINTS: dict[str, str] = {
    "retries_exhausted": "transient: re-run the same command to retry these",
    "retries_exhausted:worker_lost": "a worker died on these (crash, out of memory): re-run; if it repeats, "
                                     "give workers more memory or run them alone with --executor local -v",
    "retries_exhausted:throttled": "over quota: lower --tps or raise the account's quota, then re-run",
    "file_not_found": "check the manifest's paths (relative paths are relative to the manifest)",
    "s3_not_found": "check the keys (docbatch manifest s3://bucket/prefix/ lists exact keys)",
    "access_denied": "the bucket or file policy refuses these objects",
    "not_an_image": "these files are not images (text or HTML named .jpg?)",
    "pdf_encrypted": "these PDFs need a password: save them without one, then re-run",
    "corrupt_image": "these files are truncated or damaged: fetch them again",
    "empty_file": "these files are empty (0 bytes)",
    "image_too_small": "these images are too small to hold legible text",
    "bad_manifest_row": "fix these manifest rows (see failed.csv), then run failed.csv as a manifest",
    "duplicate_doc_id": "give these rows distinct doc_ids",
    "reserved_doc_id": "a doc_id ending #p<N> names a page of a PDF or TIFF: give these rows other doc_ids",
    "duplicate_source": "the same image is listed twice: its first row runs; drop the repeated rows",
    "bad_row": "fix these manifest rows (see error_message in failed.csv), then run failed.csv as a manifest",
    "empty_source": "fill in these rows' source (see failed.csv), then run failed.csv as a manifest",
    "bad_source": "fix these rows' source (see error_message in failed.csv), then run failed.csv as a manifest",
    "unknown_doc_type": "doc_type is receipt, id or auto: fix these rows (see failed.csv), then run it as a manifest",
    "replay_missing": "no saved response for these documents in --replay-dir",
    "raw_response_missing": "their saved responses were lost: re-run to fetch them again (from the cache)",
    "raw_response_invalid": "their saved answers (from an older docbatch) are not valid answers: re-run to ask again",
}


def hint_for(code: str) -> str | None:
    """The hint for ``code``, or for its prefix (``retries_exhausted:service_error:500``)."""
    while code:
        if code in HINTS:
            return HINTS[code]
        code = code.rpartition(":")[0]
    return None
