"""``build_report``: a run folder (and a reconciliation) to one self-contained HTML page."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from .. import __version__, aws
from ..config import SourceSettings
from ..errors import ConfigError
from ..runfolder import REPORT, RunFolder
from .crops import Cropper
from .gather import RunData, gather, lines_of
from .markup import page
from .review import review_entries, review_rows
from .sections import calls_section, checks_section, documents_section, fields_section, history_section, \
    recon_section, review_section

#: Rows of the review table at most (the page must still open on a run of thousands).
MAX_REVIEW_ROWS = 100


def build_report(out: str | os.PathLike[str], *, recon: str | os.PathLike[str] | None = None,
                 output: str | os.PathLike[str] | None = None, redact: bool = False,
                 sources: SourceSettings | None = None, max_review_rows: int = MAX_REVIEW_ROWS) -> str:
    """Write the report of run folder ``out`` (a path or ``s3://`` URI) and return where.

    ``output`` is a local file (default: ``report.html`` in the run folder, on S3 too).
    ``redact`` shows nothing of identity documents beyond their review reasons (always so
    for a run made with ``--redact``).  ``sources`` reaches S3 run folders and images.
    """
    _require_matplotlib()
    settings = sources or SourceSettings()
    folder = RunFolder(out, sources=settings)
    data = gather(folder, recon=recon)
    html = render(data, redact=redact or data.redacted, max_review_rows=max_review_rows,
                  cropper=Cropper(s3_client=lambda: _s3_client(settings)))
    if output is not None:
        target = Path(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(target)
        return str(target)
    folder.write_own(REPORT, html.encode("utf-8"))
    return folder.own(REPORT) if folder.s3 is None else f"{folder.uri}/{REPORT}"


def _require_matplotlib() -> None:
    """The plots need the ``report`` extra; say so before any work rather than fail in the middle."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ConfigError("docbatch report draws its plots with matplotlib, which is not installed: "
                          "pip install 'docbatch[report]'") from exc


def render(data: RunData, *, redact: bool, max_review_rows: int, cropper: Cropper) -> str:
    """The page's HTML for gathered run data."""
    rows, total = review_rows(data.tables, limit=max_review_rows)
    documents = {str(d.get("doc_id")): d for d in data.tables["documents"]}
    entries = review_entries(rows, documents, lines_of(data.published, (str(r.get("doc_id")) for _, r in rows)),
                             cropper, redact=redact)
    subtitle = _subtitle(data)
    sections = [documents_section(data), calls_section(data), fields_section(data), checks_section(data)]
    if data.recon is not None:
        sections.append(recon_section(data.recon))
    sections += [review_section(entries, total, redact=redact, tables_missing=data.tables_missing),
                 history_section(data.history)]
    return page("docbatch run report", subtitle, sections)


def _subtitle(data: RunData) -> str:
    """Which run, how it ended, when, where: the line under the title."""
    run, timings = data.run, data.run.get("timings") or {}
    which = f"run {run.get('run_id')}" if run.get("run_id") else f"{len(data.shard_runs)} shards merged"
    when = (f"{_when(timings.get('started_at'))} → {_when(timings.get('finished_at'))} ({timings.get('elapsed_s')} s)"
            if timings else f"merged {_when(run.get('merged_at'))}")
    return (f"{which} · {run.get('outcome')} (exit {run.get('exit_code')}) · engine {run.get('engine')} · {when} · "
            f"{data.folder.uri} · report by docbatch {__version__}, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC")


def _when(stamp: Any) -> str:
    """An ISO timestamp as people read it (to the second, UTC)."""
    try:
        return dt.datetime.fromisoformat(str(stamp)).astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return str(stamp)


def _s3_client(settings: SourceSettings) -> Any:
    return aws.make_client("s3", session=aws.make_session(settings.profile, settings.region), region=settings.region,
                           endpoint_url=settings.s3_endpoint_url, connect_timeout=settings.connect_timeout,
                           read_timeout=settings.read_timeout)
