"""``docbatch estimate JOB [options]``: the paid calls a run would make, and their price."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .group import FiniteFloatRange, main
from .run import config_from, run


def _estimate(job: Path | None, no_cache: bool | None, job_date: Any, calls_per_page: float | None,
              price_per_call: float | None, **options: Any) -> None:
    """Print how many paid calls a run of JOB and/or these options would make, and the price.

    The same options as ``docbatch run``.  Calls are counted as the run makes them: none for
    rows already done, malformed rows, unreadable sources and pages whose answer is in the
    response cache; one per page of a PDF or TIFF; past Rekognition's 100-word cap, tiling's
    extra calls at the calls per page measured on this run folder's earlier answers (or
    --calls-per-page), else counted as a lower bound.  Nothing is called.
    """
    from ..plan import plan_run

    options.pop("dry_run", None)
    config = config_from(job, no_cache, job_date, options)
    click.echo(plan_run(config, calls_per_page=calls_per_page, price_per_call=price_per_call).describe("estimate"))


estimate = click.Command(
    "estimate", callback=_estimate, help=_estimate.__doc__, short_help="Paid calls a run would make, and their price.",
    params=[p for p in run.params if p.name != "dry_run"] + [
        click.Option(["--calls-per-page"], type=FiniteFloatRange(min=1.0), envvar="DOCBATCH_CALLS_PER_PAGE",
                     help="Paid calls expected per page past the engine's word cap (tiling), e.g. 1.69 for "
                     "long receipts (default: measured on the run folder's earlier answers)."),
        click.Option(["--price-per-call"], type=FiniteFloatRange(min=0.0), envvar="DOCBATCH_PRICE_PER_CALL",
                     help="US$ per paid call (default: the engine's first-tier list price: Rekognition "
                     "DetectText 0.001, Textract DetectDocumentText 0.0015)."),
    ])
main.add_command(estimate)
