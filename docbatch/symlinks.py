"""Athena's view of an S3 run's published tables: one symlink manifest per table (and partition).

Athena lists a table's ``LOCATION`` when it runs a query; over the table folders
(``receipts/``) a query in the seconds a build is copied into them, or after a crash in that
copy, reads old and new parts together.  Hive's ``SymlinkTextInputFormat`` (how Delta Lake
and Iceberg give Athena and Redshift Spectrum a consistent view) reads instead the files
named in text files under the location, one ``s3://`` URI a line: docbatch writes them under
``_symlink_format_manifest/<table>/[key=value/...]`` naming the committed build's parts,
right after the commit (:mod:`docbatch.publication`), before the copy.  Each manifest is
one PUT, so a query sees each table (each partition) of one build whole; the kept build
stays readable until the build after next starts, as for every reader of the pointer.
``docbatch schema --format athena --symlink`` makes the tables over them.

A shard writes its own ``shard-<i>-of-<N>-manifest`` beside its siblings' (Athena reads
every file of the folder), and removes only its own stale ones.  Each build, before it
deletes older builds, names the committed one again (:func:`rename_committed`): after a crash
between a commit and its manifests they would name a build about to be deleted.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from .publication import Pointer
    from .runfolder import RunFolder

#: The folder, in the run folder, that holds the manifests (Delta Lake's name for the same thing).
SYMLINK_ROOT = "_symlink_format_manifest"


def write_manifests(folder: RunFolder, build: str, files: Mapping[str, list[str]], tables: list[str]) -> None:
    """Name in each table's manifests the Parquet parts ``files`` lists for it (the pointer's
    ``files``: a table folder's name -> its parts in build folder ``build``, paths under the
    run folder), one manifest per partition folder; then delete this home's manifests of
    partitions the build no longer has.  Through boto3: one PUT a manifest, and a deletion
    leaves no empty folder object behind (pyarrow's would, and Athena would list it)."""
    assert folder.s3 is not None, "symlink manifests are for S3 run folders"
    place = folder.s3
    client, bucket = folder.s3_client(), place.bucket
    name = (folder.shard.part_prefix if folder.shard is not None else "") + "manifest"
    for table in tables:
        base = place.key_of(folder.path(SYMLINK_ROOT, table))
        by_partition: dict[str, list[str]] = defaultdict(list)
        for rel in files.get(table, []):
            path = folder.path(rel)
            below = posixpath.relpath(posixpath.dirname(path), posixpath.join(build, table))
            by_partition[posixpath.join(base, below, name) if below != "." else posixpath.join(base, name)].append(
                f"s3://{path}")
        for manifest, uris in by_partition.items():
            client.put_object(Bucket=bucket, Key=manifest, Body=("\n".join(sorted(uris)) + "\n").encode())
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=base + "/")
        stale = [o["Key"] for page in pages for o in page.get("Contents", [])
                 if posixpath.basename(o["Key"]) == name and o["Key"] not in by_partition]
        for manifest in stale:
            client.delete_object(Bucket=bucket, Key=manifest)


def rename_committed(folder: RunFolder, pointer: Pointer) -> None:
    """Name the build ``pointer`` commits in the manifests again (at a build's start, before
    older builds are deleted): a crash between a commit and its manifests left them naming the
    build before it, which this build's start deletes; a folder copied from another names the
    original's files.  Nothing when nothing was committed."""
    from .parse.catalog import TABLES

    if pointer.body is not None and pointer.build is not None:
        files = pointer.body["files"]
        write_manifests(folder, folder.own(pointer.build), files, [t for t in TABLES if t in files])
