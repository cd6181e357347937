"""Commands over a run's tables: ``reparse`` rebuilds them, ``schema`` describes them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from .group import log_options, main, s3_folder_options

if TYPE_CHECKING:
    from ..config import SourceSettings


@main.command()
@click.argument("out")
@log_options
@click.option("--format", "formats", help="Output formats (default: as the run was made).")
@click.option("--redact", is_flag=True, default=None, help="Write hashed/masked identity fields.")
@click.option("--shard", help="In a split run's folder: re-parse this shard's rows (I/N, as it ran).")
@s3_folder_options
def reparse(out: str, formats: str | None, redact: bool | None, shard: str | None, sources: SourceSettings) -> None:
    """Rebuild a finished run's tables from its saved responses (no engine calls).

    OUT is a folder or an s3:// URI.  Use after upgrading docbatch's parsers; the raw
    responses and the journal are kept.
    """
    from ..reparse import reparse_run

    counts = reparse_run(out, formats=formats, redact=redact, shard=shard, sources=sources)
    click.echo(", ".join(f"{k}={v}" for k, v in counts.items()), err=True)


@main.command()
@click.argument("out")
@click.argument("table")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True)
@s3_folder_options
def parts(out: str, table: str, fmt: str, sources: SourceSettings) -> None:
    """Print the files of TABLE as last published in run folder OUT, one a line.

    On S3 they are one whole run's (every shard's), whatever is being published or crashed
    meanwhile: read them as one dataset (DuckDB ``read_parquet([...])``, pyarrow), or put the
    list in S3 as an Athena symlink manifest.  On a local disk: the table folder's parts.
    """
    from ..errors import ConfigError
    from ..publication import published_parts

    uris = published_parts(out, table, fmt=fmt, sources=sources)
    if not uris:  # a table written in a format has a part, schema-only when it has no rows
        raise ConfigError(f"{out} has no {fmt} files of {table} published: it was not run with --format {fmt}, "
                          "or (a split run) none of its shards has run")
    for uri in uris:
        click.echo(uri)


@main.command()
@click.argument("tables", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json", "athena"]), default="markdown",
              show_default=True, help="athena: CREATE EXTERNAL TABLE statements over the Parquet parts.")
@click.option("--location", metavar="S3_URI", help="athena: the run (or reconciliation) folder, e.g. s3://bucket/out/; "
              "each table's LOCATION is its folder in it.  A nightly job's out template "
              "(s3://bucket/runs/{yesterday}/) makes one table over every night's folder (partition projection).")
@click.option("--partition-by", help="athena: the run's --partition-by keys (PARTITIONED BY; run tables only).")
@click.option("--manifest-columns", metavar="A,B", help="athena: the manifest's own columns the run carried "
              "(STRING, after docbatch's, in the tables that take them).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="athena, with a date template in "
              "--location (the job's out, e.g. s3://bucket/runs/{yesterday}/): the first night the table reads "
              "(default: a year back).")
@click.option("--symlink", is_flag=True, help="athena: read an S3 run's symlink manifests "
              "(_symlink_format_manifest/), which name one published build: no query sees a half-copied table.")
def schema(tables: tuple[str, ...], fmt: str, location: str | None, partition_by: str | None,
           manifest_columns: str | None, since: dt.datetime | None, symlink: bool) -> None:
    """Print the output tables' columns: kind, meaning, and whether they hold personal data.

    From the one catalogue of fields the Parquet/CSV schemas are built from (TABLES: all
    when none are named); ``--format athena`` prints DDL from the same Arrow schemas.
    """
    import json

    from ..errors import ConfigError
    from ..parse.catalog import ALL_TABLES, TABLES, as_json, markdown

    unknown = [t for t in tables if t not in ALL_TABLES]
    if unknown:
        raise ConfigError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(ALL_TABLES)}")
    names = list(tables) or None
    athena_only = {"--location": location, "--partition-by": partition_by, "--manifest-columns": manifest_columns,
                   "--since": since, "--symlink": symlink or None}
    given = next((option for option, value in athena_only.items() if value is not None), None)
    if fmt != "athena" and given:
        raise ConfigError(f"{given} shapes the Athena DDL only: give it with --format athena")
    unpartitioned = [n for n in names or () if n not in TABLES]
    if partition_by and unpartitioned:
        raise ConfigError(f"--partition-by: {', '.join(unpartitioned)} is a reconciliation table, which is never "
                          "partitioned; name run tables only with it")
    if fmt == "athena":
        click.echo(athena_ddl(names or list(TABLES if symlink else ALL_TABLES), location=location, partition_by=partition_by,
                              manifest_columns=manifest_columns, symlink=symlink,
                              since=since.date() if since else None))
        return
    click.echo(markdown(names) if fmt == "markdown" else json.dumps(as_json(names), indent=2), nl=fmt == "json")


def athena_ddl(names: list[str], *, location: str | None, partition_by: str | None,
               manifest_columns: str | None = None, symlink: bool = False, since: dt.date | None = None) -> str:
    """``CREATE EXTERNAL TABLE`` for each named table, as a run with ``partition_by`` and these
    manifest columns writes them (named as the run names them: ``manifest_`` before a name docbatch
    owns); ``symlink``: over an S3 run's symlink manifests (run tables only: docbatch writes none
    for a reconciliation's)."""
    from ..config import check_partition_keys
    from ..errors import ConfigError
    from ..outputs import passthrough_names
    from ..parse.catalog import ALL_TABLES, TABLES
    from ..sinks.athena import create_table
    from ..sinks.partition import with_partition_columns
    from ..sinks.schema import arrow_schema

    keys = tuple(k.strip() for k in (partition_by or "").split(",") if k.strip())
    check_partition_keys(keys)
    if location and not location.startswith("s3://"):
        raise ConfigError(f"--location {location}: Athena reads tables on S3 only; give the folder's s3:// URI "
                          "(e.g. s3://bucket/runs/2026-11-30/)")
    passthrough = list(passthrough_names(c.strip() for c in (manifest_columns or "").split(",") if c.strip()).values())
    if symlink and (not location or [n for n in names if n not in TABLES]):
        raise ConfigError("--symlink makes tables over an S3 run folder's symlink manifests: give its --location "
                          f"and run tables only ({', '.join(TABLES)})")
    out = []
    for name in names:
        table = ALL_TABLES[name]
        table_keys = keys if name in TABLES else ()
        schema = with_partition_columns(arrow_schema(table, passthrough), table_keys)
        try:
            out.append(create_table(name, schema, location=location, partition_by=table_keys,
                                    description=table.description, symlink=symlink, since=since))
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
    return "\n\n".join(out)
