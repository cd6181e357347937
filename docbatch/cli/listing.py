"""``docbatch manifest``: list a folder or an S3 prefix as a manifest."""

from __future__ import annotations

import sys

import click

from .group import log_options, main


@main.command()
@click.argument("location")
@log_options
@click.option("--doc-type", type=click.Choice(["receipt", "id", "auto"]), help="Fill a doc_type column.")
@click.option("--s3-endpoint-url", "--endpoint-url", "endpoint_url", envvar="DOCBATCH_S3_ENDPOINT_URL",
              help="S3 endpoint for s3:// locations (--endpoint-url, the old name, still works).")
@click.option("--region", help="AWS region for s3:// locations.")
@click.option("--profile", help="AWS profile name.")
def manifest(location: str, doc_type: str | None, endpoint_url: str | None, region: str | None,
             profile: str | None) -> None:
    """List images and PDFs under an s3:// prefix or a local folder as a CSV manifest on stdout."""
    from .. import aws
    from ..listing import list_sources, write_manifest

    client = None
    if location.startswith("s3://"):
        client = aws.make_client("s3", session=aws.make_session(profile, region), region=region,
                                 endpoint_url=endpoint_url)
    n = write_manifest(list_sources(location, s3_client=client), sys.stdout, doc_type=doc_type)
    click.echo(f"{n} sources listed", err=True)
