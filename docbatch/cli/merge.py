"""``docbatch merge OUT``: a split run's folder checked whole, then summed up."""

from __future__ import annotations

import click

from .group import log_options, main


@main.command()
@click.argument("out")
@click.option("--region", help="AWS region of an s3:// run folder's bucket.")
@click.option("--profile", help="AWS profile name.")
@click.option("--s3-endpoint-url", help="S3 endpoint (e.g. a local S3-compatible server).")
@log_options
def merge(out: str, region: str | None, profile: str | None, s3_endpoint_url: str | None) -> None:
    """Check that every shard of the split run in OUT finished the same batch, then write
    OUT's run.json (counts summed) and one failed.csv.

    The shards' table parts already read as one dataset (pd.read_parquet("OUT/receipts"));
    merge refuses, naming the shard, when one is missing, unfinished or of another manifest.
    """
    from ..config import SourceSettings
    from ..merge import merge_shards

    result = merge_shards(out, sources=SourceSettings(region=region, profile=profile,
                                                      s3_endpoint_url=s3_endpoint_url))
    click.echo(result.describe())
