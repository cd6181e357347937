"""The command group, its shared options and the one place errors become exit codes."""

from __future__ import annotations

import atexit
import functools
import math
import os
import signal
import sys
import threading
from typing import Any, NoReturn

import click

from .. import __version__, logs
from ..errors import DocbatchError, StorageError


class FiniteFloatRange(click.FloatRange):
    """click's FloatRange, refusing inf and nan: a range check compares, and nan passes every
    comparison (``--calls-per-page nan`` reached ``math.ceil`` as a traceback)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def log_options(f: Any) -> Any:
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


def s3_folder_options(f: Any) -> Any:
    """--region, --profile and --s3-endpoint-url for a command that reads a run folder that may
    be on S3, handed to it as one ``sources`` (:class:`~docbatch.config.SourceSettings`)."""

    @functools.wraps(f)
    def with_sources(*args: Any, region: str | None, profile: str | None, s3_endpoint_url: str | None,
                     **kwargs: Any) -> Any:
        from ..config import SourceSettings

        return f(*args, sources=SourceSettings(region=region, profile=profile, s3_endpoint_url=s3_endpoint_url),
                 **kwargs)

    with_sources = click.option("--s3-endpoint-url", envvar="DOCBATCH_S3_ENDPOINT_URL",
                                help="S3 endpoint (e.g. a local S3-compatible server).")(with_sources)
    with_sources = click.option("--profile", help="AWS profile name.")(with_sources)
    return click.option("--region", help="AWS region of an s3:// run folder (and its S3 sources).")(with_sources)


class _Handled(click.Group):
    """Maps DocbatchError to a one-line message and its type's exit code, in one place.

    An OSError no layer translated (a report or reconciliation folder that cannot be written,
    an S3 run folder that cannot be reached) is a storage failure: one line, exit 5, not a
    traceback.  A closed stdout (``docbatch manifest DIR | head``) ends it quietly.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DocbatchError as exc:
            click.echo(f"docbatch: error: {exc.message} [{exc.error_code}]", err=True)
            ctx.exit(int(exc.exit_code))
        except BrokenPipeError:  # the reader stopped early (`| head`): no error, as shell tools
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the exit's flush would fail again
            ctx.exit(128 + signal.SIGPIPE)
        except OSError as exc:
            click.echo(f"docbatch: error: {_os_error(exc)} [{StorageError.error_code}]", err=True)
            ctx.exit(int(StorageError.exit_code))
        except Exception as exc:
            failure = _aws_failure(exc)
            if failure is None:
                raise
            click.echo(f"docbatch: error: {failure.message} [{failure.error_code}]", err=True)
            ctx.exit(int(failure.exit_code))


def _aws_failure(exc: Exception) -> DocbatchError | None:
    """A botocore error no layer translated, as one line: credentials found in part (a key id
    without its secret) or not loadable, raised wherever a client or filesystem is first made.
    None for any other exception (and when botocore was never imported: it cannot be its)."""
    exceptions = sys.modules.get("botocore.exceptions")
    if exceptions is None or not isinstance(exc, exceptions.BotoCoreError):
        return None
    from ..aws import environment_failure

    return environment_failure(exc)


def _os_error(exc: OSError) -> str:
    """One line: the file and the system's reason, or pyarrow's S3 message without its curl details."""
    if exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}"
    return " ".join(str(exc).split("; Details:")[0].split())


@click.group(cls=_Handled, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="docbatch")
@log_options
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


def console_main() -> NoReturn:
    """The ``docbatch`` command as a process: run it, then end the process with its exit code.

    When a command returns, its tables, journal and run.json are written and closed; what is
    left is the native libraries' teardown, and pyarrow's thread pools are now and then torn
    down with a worker still joinable: ``terminate called without an active exception``,
    SIGABRT, exit -6 after a run that succeeded (apache/arrow#34314), which a scheduler reads as
    a failed job.  So Python's own exit work is done here and the process ends at once with the
    command's code, skipping the native teardown that has nothing left to write.  Only the
    process entry points call this; ``main`` stays an ordinary click group for notebooks and tests.
    """
    try:
        main()
        code = 0
    except SystemExit as done:
        code = _exit_code(done.code)
    # the first two steps of Python's own exit (Py_FinalizeEx), before its module teardown
    threading._shutdown()  # type: ignore[attr-defined]  # the non-daemon threads joined
    atexit._run_exitfuncs()  # logging flushed, temporary folders removed, worker pools stopped
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone, a stream closed: nothing more can reach it
            pass
    os._exit(code)


def _exit_code(code: object) -> int:
    """Python's rule for ``SystemExit(code)``: None is 0, a number is itself, anything else is
    printed to stderr and exits 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
