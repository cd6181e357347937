"""``docbatch report``: a run folder (and its reconciliation) as one HTML page to read."""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

import click

from .group import log_options, main, s3_folder_options

if TYPE_CHECKING:
    from ..config import SourceSettings


@main.command("report")
@click.argument("out")
@log_options
@click.option("--recon", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A `docbatch reconcile` output folder: its match rates and amounts are added.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the page (default: report.html in the run folder).")
@click.option("--redact", is_flag=True, default=False,
              help="Show nothing of identity documents but their review reasons (always so for a --redact run).")
@click.option("--max-review-rows", type=click.IntRange(min=0), default=100, show_default=True,
              help="Documents needing review listed with their crops, at most.")
@s3_folder_options
def report_command(out: str, recon: Path | None, output: Path | None, redact: bool, max_review_rows: int,
                   sources: SourceSettings) -> None:
    """Write one self-contained HTML page about run folder OUT (a path or s3:// URI).

    \b
    Counts by status and error code, calls and throttling over time, latencies, field fill
    rates and confidences, validation failures, reconciliation (with --recon), and the
    documents needing review with crops of their flagged fields.  Opens offline.
    """
    from ..report import build_report

    where = build_report(out, recon=recon, output=output, redact=redact, max_review_rows=max_review_rows,
                         sources=sources)
    click.echo(f"report written to {where}", err=True)
