"""docbatch: batch OCR of receipts and ID documents to typed Parquet and CSV.

The public API is what ``__all__`` lists; everything else may change between versions.

    >>> from docbatch import RunConfig, run_batch
    >>> summary = run_batch(RunConfig(manifest="m.csv", out="out/", engine="local"))
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import RunConfig  # noqa: E402
from .jobfile import load_job  # noqa: E402
from .errors import (  # noqa: E402
    AccessDenied,
    BadImageError,
    ConfigError,
    DocbatchError,
    ExitCode,
    PermanentError,
    SourceNotFound,
    ThrottledError,
    TransientError,
)
from .records import Document, DocumentResult, RunSummary  # noqa: E402
from .reconcile import ReconcileResult, ReconcileSettings, reconcile  # noqa: E402


def __getattr__(name: str) -> object:
    # The runner pulls in engines, parsers and pyarrow; load it on first use so that
    # importing a small part of docbatch (a parser, the errors) stays cheap.
    if name == "run_batch":
        from . import runner

        return getattr(runner, name)
    if name == "published_parts":
        from . import publication

        return publication.published_parts
    raise AttributeError(f"module 'docbatch' has no attribute {name!r}")


__all__ = [
    "AccessDenied",
    "BadImageError",
    "ConfigError",
    "DocbatchError",
    "Document",
    "DocumentResult",
    "ExitCode",
    "PermanentError",
    "ReconcileResult",
    "ReconcileSettings",
    "RunConfig",
    "RunSummary",
    "SourceNotFound",
    "ThrottledError",
    "TransientError",
    "__version__",
    "load_job",
    "published_parts",
    "reconcile",
    "run_batch",
]
