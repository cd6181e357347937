"""Logging for people and for schedulers: plain lines or one JSON object per line.

Nightly jobs read their logs in CloudWatch, Datadog or ``grep``: ``--log-format json``
writes one object per line with the run id, and a document's doc_id and error code when
the line is about one (passed as ``extra={"doc_id": ..., "code": ...}``).  ``-v`` shows
docbatch's own debug lines (why each document failed) while every other library (botocore,
urllib3, PIL, rapidocr, matplotlib...) stays at warnings: their info and debug output is noise
(matplotlib announces the font cache it built on a new machine), and can carry request bodies.
No line ever holds recognised text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

#: Attributes of a record that a JSON line carries when present.
_FIELDS = ("run_id", "doc_id", "row_no", "code")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        body.update({k: getattr(record, k) for k in _FIELDS if getattr(record, k, None) is not None})
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, default=str)


class _RunId(logging.Filter):
    """Stamps every docbatch record with the current run's id (set by the runner)."""

    run_id: str | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "run_id", None) is None:
            record.run_id = self.run_id
        return True


RUN_ID = _RunId()


def setup(*, verbose: int = 0, quiet: bool = False, fmt: str = "text") -> None:
    """Configure the root handler once per process (the CLI calls this; a notebook need not)."""
    level = logging.WARNING if quiet else (logging.DEBUG if verbose else logging.INFO)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RUN_ID)
    root.addHandler(handler)
    # Levels by owner, not by a list of libraries known to be noisy: the root (every library's
    # loggers inherit it) from warnings up, docbatch's own loggers at the level asked for.
    root.setLevel(max(level, logging.WARNING))
    logging.getLogger("docbatch").setLevel(level)
