"""Commands over a run's tables: ``reparse`` rebuilds them, ``schema`` describes them."""

from __future__ import annotations

from pathlib import Path

import click

from .group import log_options, main


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@log_options
@click.option("--format", "formats", help="Output formats (default: as the run was made).")
@click.option("--redact", is_flag=True, default=None, help="Write hashed/masked identity fields.")
@click.option("--shard", help="In a split run's folder: re-parse this shard's rows (I/N, as it ran).")
def reparse(out: Path, formats: str | None, redact: bool | None, shard: str | None) -> None:
    """Rebuild a finished run's tables from its saved responses (no engine calls).

    Use after upgrading docbatch's parsers; the raw responses and the journal are kept.
    """
    from ..reparse import reparse_run

    counts = reparse_run(out, formats=formats, redact=redact, shard=shard)
    click.echo(", ".join(f"{k}={v}" for k, v in counts.items()), err=True)


@main.command()
@click.argument("tables", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
def schema(tables: tuple[str, ...], fmt: str) -> None:
    """Print the output tables' columns: kind, meaning, and whether they hold personal data.

    From the one catalogue of fields the Parquet/CSV schemas are built from (TABLES: all
    when none are named).
    """
    import json

    from ..errors import ConfigError
    from ..parse.catalog import ALL_TABLES, as_json, markdown

    unknown = [t for t in tables if t not in ALL_TABLES]
    if unknown:
        raise ConfigError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(ALL_TABLES)}")
    names = list(tables) or None
    click.echo(markdown(names) if fmt == "markdown" else json.dumps(as_json(names), indent=2), nl=fmt == "json")
