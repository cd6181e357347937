"""``docbatch run``: a batch from a job file and/or options, resumable by re-running it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..config import AUTO_TPS, EXECUTORS, FORMATS, RunConfig
from ..jobfile import build_config, load_job
from .group import log_options, main


class _Tps(click.ParamType):
    """Calls per second, or ``auto`` (the account's quota, from Service Quotas)."""

    name = "N|auto"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value.strip().lower() == AUTO_TPS:
            return AUTO_TPS
        try:
            return float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is neither a number nor {AUTO_TPS!r}", param, ctx)


@main.command()
@click.argument("job", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--manifest", "-m", help="Manifest file (CSV, JSON Lines or Parquet) with a 'source' column.")
@click.option("--out", "-o", help="Run folder for tables, raw responses, run.json and state (re-use it to resume).")
@click.option("--engine", "-e", help="OCR engine (required): rekognition, textract, local (embedded, no AWS), "
              "replay (saved responses).")
@click.option("--doc-type", type=click.Choice(["receipt", "id", "auto"]), help="Default doc_type for rows without one.")
@click.option("--format", "formats", help=f"Output formats, comma separated ({', '.join(FORMATS)}); default parquet.")
@click.option("--partition-by", help="Write every table as Hive-style folders by these keys, comma separated "
              "(run_date, doc_type, detected_type, status), e.g. receipts/run_date=2026-12-01/part-00000.parquet.")
@click.option("--region", help="AWS region for Rekognition or Textract.")
@click.option("--profile", help="AWS profile name.")
@click.option("--endpoint-url", help="Rekognition or Textract endpoint (e.g. a local fake-rekognition server: "
              "it speaks both).")
@click.option("--s3-endpoint-url", help="S3 endpoint (e.g. a local S3-compatible server).")
@click.option("--tps", type=_Tps(), help="Engine calls per second, paced evenly and cut on throttling; 'auto': "
              "start from the account's quota (Service Quotas) and adapt.")
@click.option("--concurrency", "-j", type=int, help="Workers (threads for AWS, processes or Ray actors for the local engine); "
              "AWS calls in flight are sized from latency x rate, at most this (default 64).")
@click.option("--executor", type=click.Choice(EXECUTORS), help="Where CPU-bound engines (local) run: local "
              "(processes on this machine, the default) or ray (actors on a Ray cluster; pip install "
              "'docbatch[ray]').")
@click.option("--ray-address", help="The Ray cluster for --executor ray: auto, ray://HOST:10001, or local (a new "
              "instance on this machine); default: $RAY_ADDRESS, else a new local instance.")
@click.option("--replay-dir", help="Folder of saved DetectText JSON for the replay engine.")
@click.option("--cache-dir", help="Response cache folder (default ~/.cache/docbatch/responses).")
@click.option("--no-cache", "no_cache", is_flag=True, default=None, help="Do not read or write the response cache.")
@click.option("--retry-failed", is_flag=True, default=None, help="Also retry documents that failed permanently before.")
@click.option("--replace", is_flag=True, default=None,
              help="Reuse a run folder that holds another manifest's batch (its tables become this one's).")
@click.option("--max-failure-rate", type=float, help="Abort (resumably) when more than this fraction fails, e.g. 0.5.")
@click.option("--max-attempts", type=int, help="Attempts per document for retryable errors (default 8).")
@click.option("--tiling", type=click.Choice(["auto", "off"]), help="auto (default): an answer holding the engine's "
              "word cap (Rekognition: 100 words) is read on in bands of the image, merged into one; off: keep it "
              "(the document needs review, reason word_cap).")
@click.option("--shard", help="Do shard I of N (0-based, e.g. 0/4) of the manifest into the shared --out; inside an "
              "AWS Batch array job, AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE when not given.")
@click.option("--lock-wait", type=float, metavar="SECONDS",
              help="Wait this long for a run folder another run holds (its lock is taken over once stale).")
@click.option("--max-calls", type=int, help="Paid calls this run may make at most; it stops (resumably) before more.")
@click.option("--read-timeout", type=float, help="Seconds to wait for a response before retrying.")
@click.option("--date-order", type=click.Choice(["DMY", "MDY", "YMD"]), help="Locale hint for ambiguous dates.")
@click.option("--decimal-separator", type=click.Choice([".", ","]), help="Locale hint for amounts.")
@click.option("--default-currency", help="ISO 4217 code used when a receipt shows no currency.")
@click.option("--redact", is_flag=True, default=None, help="Write hashed/masked names, numbers and dates of birth.")
@click.option("--date", "job_date", type=click.DateTime(["%Y-%m-%d"]),
              help="The job's date for {date}/{yesterday} in paths (default: today, UTC).")
@click.option("--dry-run", is_flag=True, default=False,
              help="Check the environment and the manifest, print what would be called and its cost; call nothing.")
@log_options
def run(job: Path | None, no_cache: bool | None, job_date: Any, dry_run: bool, **options: Any) -> None:
    """Run (or resume) a batch, from a JOB file and/or options.

    Options override the job file; every option can also come from a DOCBATCH_<OPTION>
    environment variable (DOCBATCH_ENGINE, DOCBATCH_OUT, ...).  Re-running the same
    command resumes: documents already done are not sent to the engine again.
    """
    from ..progress import ProgressReporter
    from ..runner import run_batch

    config = config_from(job, no_cache, job_date, options)
    if dry_run:
        from ..plan import plan_run

        click.echo(plan_run(config).describe())
        return
    summary = run_batch(config, subscribers=[ProgressReporter(interval=config.progress_interval)])
    click.echo(summary.message, err=True)
    sys.exit(int(summary.exit_code))


def config_from(job: Path | None, no_cache: bool | None, job_date: Any, options: dict[str, Any]) -> RunConfig:
    """The run's config from a job file and/or ``docbatch run``'s options (shared by ``estimate``)."""
    overrides = {k: v for k, v in options.items() if v is not None}
    if no_cache:
        overrides["use_cache"] = False
    day = job_date.date() if job_date else None
    return load_job(job, overrides, date=day) if job else build_config(overrides, date=day)


for _param in run.params:
    # DOCBATCH_<OPTION> for every option of a scheduled run (a container's environment).
    if isinstance(_param, click.Option) and _param.expose_value and _param.name:
        _param.envvar = "DOCBATCH_" + {"job_date": "date"}.get(_param.name, _param.name).upper()
        _param.show_envvar = True
