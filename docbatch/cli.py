"""The ``docbatch`` command: a thin layer over the library API.

Each command builds the same objects a notebook would (``RunConfig``, ``run_batch``) and
one handler maps docbatch errors to exit codes:

    0  every document ok            3  finished, some documents failed (see failed.csv)
    2  bad options, job or manifest 4  aborted by --max-failure-rate (re-run to resume)
  130  interrupted (re-run to resume)
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__, logs
from .config import AUTO_TPS, FORMATS, build_config, load_job
from .errors import DocbatchError

log = logging.getLogger("docbatch")


def _log_options(f: Any) -> Any:
    """-v/-q/--log-format, accepted before and after the subcommand (schedulers append flags)."""

    def again(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        state = ctx.find_root().ensure_object(dict)
        if value not in (None, 0, False):
            state[param.name] = value
            logs.setup(verbose=state.get("verbose", 0), quiet=state.get("quiet", False),
                       fmt=state.get("log_format") or "text")
        return value

    f = click.option("--log-format", type=click.Choice(["text", "json"]), default=None, expose_value=False,
                     callback=again, is_eager=True, help="Log lines as text or one JSON object per line.")(f)
    f = click.option("-q", "--quiet", is_flag=True, default=False, expose_value=False, callback=again,
                     is_eager=True, help="Only warnings and errors.")(f)
    return click.option("-v", "--verbose", count=True, expose_value=False, callback=again, is_eager=True,
                        help="docbatch's debug lines (why documents failed); libraries stay quiet.")(f)


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


class _Handled(click.Group):
    """Maps DocbatchError to a one-line message and its type's exit code, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DocbatchError as exc:
            click.echo(f"docbatch: error: {exc.message} [{exc.error_code}]", err=True)
            ctx.exit(int(exc.exit_code))


@click.group(cls=_Handled, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="docbatch")
@_log_options
def main() -> None:
    """OCR a manifest of receipt and ID images into typed Parquet/CSV tables.

    \b
    Quick start (no AWS account needed, embedded OCR engine):
      docbatch run jobs/sample.toml
    With Amazon Rekognition:
      docbatch manifest s3://bucket/receipts/ --doc-type receipt > m.csv
      docbatch run --manifest m.csv --engine rekognition --region eu-west-1 --tps 10 --out out/
    """
    state = click.get_current_context().ensure_object(dict)
    if not state:
        logs.setup()


@main.command()
@click.argument("job", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--manifest", "-m", help="Manifest file (CSV, JSON Lines or Parquet) with a 'source' column.")
@click.option("--out", "-o", help="Run folder for tables, raw responses, run.json and state (re-use it to resume).")
@click.option("--engine", "-e", help="OCR engine (required): rekognition, textract, local (embedded, no AWS), "
              "replay (saved responses).")
@click.option("--doc-type", type=click.Choice(["receipt", "id", "auto"]), help="Default doc_type for rows without one.")
@click.option("--format", "formats", help=f"Output formats, comma separated ({', '.join(FORMATS)}); default parquet.")
@click.option("--region", help="AWS region for Rekognition or Textract.")
@click.option("--profile", help="AWS profile name.")
@click.option("--endpoint-url", help="Rekognition or Textract endpoint (e.g. a local fake-rekognition server: "
              "it speaks both).")
@click.option("--s3-endpoint-url", help="S3 endpoint (e.g. a local S3-compatible server).")
@click.option("--tps", type=_Tps(), help="Engine calls per second, paced evenly and cut on throttling; 'auto': "
              "start from the account's quota (Service Quotas) and adapt.")
@click.option("--concurrency", "-j", type=int, help="Workers (threads for AWS, processes for the local engine); "
              "AWS calls in flight are sized from latency x rate, at most this (default 64).")
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
@_log_options
def run(job: Path | None, no_cache: bool | None, job_date: Any, dry_run: bool, **options: Any) -> None:
    """Run (or resume) a batch, from a JOB file and/or options.

    Options override the job file; every option can also come from a DOCBATCH_<OPTION>
    environment variable (DOCBATCH_ENGINE, DOCBATCH_OUT, ...).  Re-running the same
    command resumes: documents already done are not sent to the engine again.
    """
    from .progress import ProgressReporter
    from .runner import run_batch

    overrides = {k: v for k, v in options.items() if v is not None}
    if no_cache:
        overrides["use_cache"] = False
    day = job_date.date() if job_date else None
    config = load_job(job, overrides, date=day) if job else build_config(overrides, date=day)
    if dry_run:
        from .plan import plan_run

        click.echo(plan_run(config).describe())
        return
    summary = run_batch(config, subscribers=[ProgressReporter(interval=config.progress_interval)])
    click.echo(summary.message, err=True)
    sys.exit(int(summary.exit_code))


for _param in run.params:
    # DOCBATCH_<OPTION> for every option of a scheduled run (a container's environment).
    if isinstance(_param, click.Option) and _param.expose_value and _param.name:
        _param.envvar = "DOCBATCH_" + {"job_date": "date"}.get(_param.name, _param.name).upper()
        _param.show_envvar = True


@main.command()
@click.argument("location")
@_log_options
@click.option("--doc-type", type=click.Choice(["receipt", "id", "auto"]), help="Fill a doc_type column.")
@click.option("--endpoint-url", help="S3 endpoint for s3:// locations.")
@click.option("--region", help="AWS region for s3:// locations.")
@click.option("--profile", help="AWS profile name.")
def manifest(location: str, doc_type: str | None, endpoint_url: str | None, region: str | None,
             profile: str | None) -> None:
    """List images and PDFs under an s3:// prefix or a local folder as a CSV manifest on stdout."""
    from . import aws
    from .listing import list_sources, write_manifest

    client = None
    if location.startswith("s3://"):
        client = aws.make_client("s3", session=aws.make_session(profile, region), region=region,
                                 endpoint_url=endpoint_url)
    n = write_manifest(list_sources(location, s3_client=client), sys.stdout, doc_type=doc_type)
    click.echo(f"{n} sources listed", err=True)


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@_log_options
@click.option("--format", "formats", help="Output formats (default: as the run was made).")
@click.option("--redact", is_flag=True, default=None, help="Write hashed/masked identity fields.")
def reparse(out: Path, formats: str | None, redact: bool | None) -> None:
    """Rebuild a finished run's tables from its saved responses (no engine calls).

    Use after upgrading docbatch's parsers; the raw responses and the journal are kept.
    """
    from .reparse import reparse_run

    counts = reparse_run(out, formats=formats, redact=redact)
    click.echo(", ".join(f"{k}={v}" for k, v in counts.items()), err=True)


@main.command("reconcile")
@click.option("--receipts", required=True, type=click.Path(exists=True, path_type=Path),
              help="A docbatch run folder (or its receipts/ folder, or a receipts Parquet file).")
@click.option("--transactions", "-t", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Card or bank export: CSV/TSV, Parquet, OFX/QFX or QIF.")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for matches, needs_review, unmatched_* tables and summary.json.")
@click.option("--map", "mapping", multiple=True, metavar="CANONICAL=COLUMN",
              help="Name an export column: amount, debit, credit, transaction_date, posted_date, descriptor, "
                   "transaction_id, card_last4, currency, original_amount, original_currency, direction. Repeatable.")
@click.option("--sign", type=click.Choice(["auto", "debit_negative", "debit_positive"]), default="auto",
              show_default=True, help="Sign of a spend in a single amount column.")
@click.option("--date-order", type=click.Choice(["DMY", "MDY"]), help="Day/month order of the export's dates.")
@click.option("--decimal-separator", type=click.Choice([".", ","]), help="Decimal separator of the export's amounts.")
@click.option("--currency", help="What a bare $ (or no sign) on the receipts means, ISO 4217 (the job's currency).")
@click.option("--transaction-currency", help="Currency of transactions whose export names none.")
@click.option("--lag-days", help="Settlement window: days from receipt date to posted date, LOW:HIGH (default 0:5).")
@click.option("--fx-tolerance", type=float, help="Relative amount difference accepted as FX (default 0.03).")
@click.option("--max-tip", type=float, help="Largest tip as a fraction of the total (default 0.30).")
@click.option("--auto-threshold", type=float, help="Score from which a pair matches without review.")
@click.option("--review-threshold", type=float, help="Score from which a pair is proposed for review.")
@click.option("--format", "formats", default="parquet,csv", show_default=True, help="Output formats.")
def reconcile_command(receipts: Path, transactions: Path, out: Path, **options: Any) -> None:
    """Match a run's receipts to card transactions, one-to-one and globally.

    Reads only the run's receipts table and the export.  Writes matches, needs_review
    (ambiguous, low score, flagged totals), unmatched_receipts, unmatched_transactions
    (Parquet, and CSV under csv/) and summary.json into OUT.
    """
    from .reconcile import reconcile
    from .reconcile.settings import build_settings

    result = reconcile(receipts, transactions, out=out, settings=build_settings(**options))
    s = result.summary
    click.echo(f"{s['receipts']} receipts, {s['transactions']['count']} transactions: "
               f"{s['matched']['count']} matched, {s['needs_review']['count']} to review, "
               f"{s['unmatched_receipts']['count']} receipts and {s['unmatched_transactions']['count']} "
               f"transactions unmatched; tables in {out}", err=True)


@main.command()
@click.argument("tables", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
def schema(tables: tuple[str, ...], fmt: str) -> None:
    """Print the output tables' columns: kind, meaning, and whether they hold personal data.

    From the one catalogue of fields the Parquet/CSV schemas are built from (TABLES: all
    when none are named).
    """
    import json

    from .errors import ConfigError
    from .parse.catalog import TABLES, as_json, markdown

    unknown = [t for t in tables if t not in TABLES]
    if unknown:
        raise ConfigError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(TABLES)}")
    names = list(tables) or None
    click.echo(markdown(names) if fmt == "markdown" else json.dumps(as_json(names), indent=2), nl=fmt == "json")


@main.command("fake-rekognition")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9977, show_default=True, type=int)
@click.option("--replay-dir", help="Answer from saved responses (<sha256>.json or <stem>.json) when present.")
@click.option("--s3-endpoint-url", help="Where S3Object images are read from.")
@click.option("--tps", type=float, help="Quota: requests/second before ThrottlingException.")
@click.option("--throttle-code", type=click.Choice(["ThrottlingException", "ProvisionedThroughputExceededException"]),
              default="ThrottlingException", show_default=True, help="Error code sent over the quota.")
@click.option("--latency", type=float, default=0.0, show_default=True, help="Seconds added to every answer.")
@click.option("--fault", "faults", multiple=True,
              help="Inject faults, e.g. 'http500:first=2' (each image fails twice first), 'reset:every=5', "
                   "'slow:probability=0.1:seed=7:seconds=30'. Kinds: http500 http503 reset slow invalid_image "
                   "throttle html200 truncated200 notext200 (200 answers that are not responses) denied expired "
                   "(the caller refused). Repeatable.")
def fake_rekognition(host: str, port: int, replay_dir: str | None, s3_endpoint_url: str | None,
                     tps: float | None, throttle_code: str, latency: float, faults: tuple[str, ...]) -> None:
    """Serve the Rekognition DetectText protocol on 127.0.0.1 for offline pipeline tests.

    It answers Textract DetectDocumentText too (same quota and faults, every word as
    Blocks), for --engine textract.
    Point docbatch (or any boto3 code) at it with --endpoint-url http://127.0.0.1:PORT.
    Images without a saved response are read by the embedded local engine.
    """
    from .testing.fake_rekognition import FakeRekognitionServer
    from .testing.faults import Fault

    server = FakeRekognitionServer(host=host, port=port, replay_dir=replay_dir, s3_endpoint_url=s3_endpoint_url,
                                   tps=tps, throttle_code=throttle_code, latency=latency,
                                   faults=[Fault.parse(f) for f in faults])
    click.echo(f"fake Rekognition listening on {server.start().endpoint_url} (Ctrl-C to stop)", err=True)
    server.serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main()
