"""Listing the images under an S3 prefix or a local folder, and where a run's manifest comes from.

``docbatch manifest LOCATION`` is the usual way a nightly job's manifest is born: list
what arrived, write ``source[,doc_type]`` CSV, run it.  ``docbatch run --manifest``
takes the same locations directly (:func:`open_manifest`): a local file, an S3 object
(``s3://bucket/m.csv``, fetched once; its relative sources are relative to its S3
folder), or an S3 prefix ending in ``/`` (listed into a manifest; without the ``/`` too
when no object has that name but some lie under it).
"""

from __future__ import annotations

import csv
import hashlib
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

from .aws import translate
from .errors import ConfigError, SourceNotFound
from .manifest import IMAGE_EXTENSIONS, passthrough_columns, read_manifest
from .manifest_rows import BUCKET_NAME, ManifestRow, file_uri_path
from .records import DOC_TYPES


@dataclass(frozen=True)
class Manifest:
    """A run's manifest: the local file its rows are read from, and what the user named."""

    path: Path
    #: The manifest as named: a resolved local path or the ``s3://`` URI (what a run folder records).
    name: str
    #: Where relative sources resolve (a local folder, or ``s3://bucket/folder``).
    base: str
    default_doc_type: str = "auto"

    def rows(self) -> Iterator[ManifestRow]:
        """The manifest's rows, streamed (never held whole), relative sources resolved against ``base``."""
        return read_manifest(self.path, default_doc_type=self.default_doc_type, base_dir=self.base)

    def passthrough_columns(self) -> list[str]:
        """The manifest's columns besides source, doc_type and doc_id, which every table carries."""
        return passthrough_columns(self.path)

    def sha256(self) -> str:
        """The digest of the whole manifest as this run read it (a prefix: its listing), every
        row, whatever shard reads it: shards that read different contents are told apart by it."""
        digest = hashlib.sha256()
        with open(self.path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def open_manifest(location: str, *, default_doc_type: str, workdir: Path, s3_client: Any = None) -> Manifest:
    """The manifest at ``location`` (local path, ``s3://`` object or ``s3://`` prefix ending in ``/``).

    S3 manifests are fetched into ``workdir`` once per run; a prefix is listed there as
    a ``source`` CSV, so one step replaces ``docbatch manifest`` + ``docbatch run``.
    """
    if location[:5].lower() != "s3://":
        path = Path(location)
        if not path.is_file():
            raise ConfigError(f"manifest not found: {path}")
        return _holding_rows(Manifest(path, str(path.resolve()), str(path.resolve().parent), default_doc_type))
    client = s3_client or _default_s3_client()
    workdir.mkdir(parents=True, exist_ok=True)
    local = workdir / "manifest.csv"
    if location.endswith("/"):
        with open(local, "w", newline="", encoding="utf-8") as fh:
            n = write_manifest(list_sources(location, s3_client=client), fh)
        if n == 0:
            raise ConfigError(f"no images under {location}: nothing to run")
        return Manifest(local, location, location.rstrip("/"), default_doc_type)
    bucket, _, key = location[5:].partition("/")
    if not BUCKET_NAME.fullmatch(bucket) or not key:
        raise ConfigError(f"{location!r} is not an s3://bucket/key manifest (end a prefix with /)")
    local = workdir / f"manifest{_suffixes(key)}"
    try:
        client.download_file(bucket, key, str(local))
    except Exception as exc:  # noqa: BLE001 - translated
        err = translate(exc, f"S3 GetObject of the manifest {location}")
        if isinstance(err, SourceNotFound) and _is_folder(client, bucket, key):
            # no such object, but a folder of them: the prefix written without its slash
            return open_manifest(location + "/", default_doc_type=default_doc_type, workdir=workdir,
                                 s3_client=client)
        if isinstance(err, SourceNotFound):
            raise ConfigError(f"manifest not found: {location}") from exc
        raise err from exc
    return _holding_rows(Manifest(local, location, f"s3://{bucket}/{posixpath.dirname(key)}".rstrip("/"),
                                  default_doc_type))


def _holding_rows(manifest: Manifest) -> Manifest:
    """``manifest``, refused when it holds no row: as an empty prefix is (exit 2), since a night
    with nothing to read is more often an upload that never ran than a quiet night, and a run of
    nothing would exit 0 over empty tables.  (A shard's share may be empty: this is the whole.)"""
    if next(iter(manifest.rows()), None) is None:
        raise ConfigError(f"manifest {manifest.name} holds no rows: nothing to run")
    return manifest


def _is_folder(client: Any, bucket: str, key: str) -> bool:
    """Whether objects lie under ``key/`` (one key listed)."""
    try:
        return bool(client.list_objects_v2(Bucket=bucket, Prefix=key.rstrip("/") + "/", MaxKeys=1).get("KeyCount"))
    except Exception as exc:  # noqa: BLE001 - translated
        raise translate(exc, f"S3 listing of s3://{bucket}/{key}/") from exc


def _suffixes(key: str) -> str:
    """The manifest's format suffixes (``.csv``, ``.jsonl.gz``...), which the reader goes by."""
    name = posixpath.basename(key)
    return "".join(Path(name).suffixes[-2:]) or ".csv"

def list_sources(
    location: str, *, s3_client: Any = None, extensions: Iterable[str] = IMAGE_EXTENSIONS
) -> Iterator[str]:
    """Every image/PDF under an S3 prefix or a local folder, for building a manifest.

    ``s3://bucket/prefix`` lists with S3 prefix semantics (paginated, in key order) and
    yields ``s3://bucket/key``.  A local folder (path or ``file://`` URI) is walked
    recursively in sorted path order, yielding absolute paths; folder symlinks are not
    followed (no cycles).  Extensions match case-insensitively; folder markers and hidden
    names (``.DS_Store``, ``._x.jpg`` AppleDouble files) are skipped.
    """
    wanted = {e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions}
    if location[:5].lower() == "s3://":
        bucket, _, prefix = location[5:].partition("/")
        if not BUCKET_NAME.fullmatch(bucket):
            raise ConfigError(f"{location!r} has no valid bucket name")
        return _list_s3(bucket, prefix, s3_client or _default_s3_client(), wanted)
    folder = location
    if location[:7].lower() == "file://":
        folder = file_uri_path(location[7:]) or ""
    folder = os.path.abspath(folder) if folder else ""
    if not folder or not os.path.isdir(folder):
        raise ConfigError(f"folder {location!r} does not exist or is not a folder")
    return _walk(folder, wanted)


def _wanted(name: str, wanted: set[str]) -> bool:
    return bool(name) and not name.startswith(".") and os.path.splitext(name)[1].lower() in wanted


def _default_s3_client() -> Any:
    import boto3

    return boto3.client("s3")


def _list_s3(bucket: str, prefix: str, client: Any, wanted: set[str]) -> Iterator[str]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for obj in page.get("Contents", ()):
                key = obj["Key"]
                if not key.endswith("/") and _wanted(key.rsplit("/", 1)[-1], wanted):
                    yield f"s3://{bucket}/{key}"
    except (BotoCoreError, ClientError) as exc:
        err = translate(exc, f"S3 listing of s3://{bucket}/")
        if isinstance(err, SourceNotFound):
            raise ConfigError(f"bucket {bucket!r} does not exist") from exc
        raise err from exc


def _walk(folder: str, wanted: set[str]) -> Iterator[str]:
    # Sorting names with "/" appended to folders makes a depth-first walk come out in
    # plain sorted order of the full paths ("a.jpg" < "a/b.jpg"), with no global sort.
    try:
        with os.scandir(folder) as it:
            entries = [(e.name + "/" if e.is_dir(follow_symlinks=False) else e.name, e) for e in it]
    except OSError as exc:
        raise ConfigError(f"cannot read folder {folder!r} ({type(exc).__name__})") from exc
    for key, entry in sorted(entries, key=lambda pair: pair[0]):
        if entry.name.startswith("."):
            continue
        if key.endswith("/"):
            yield from _walk(entry.path, wanted)
        elif _wanted(entry.name, wanted) and entry.is_file():
            yield entry.path


def write_manifest(sources: Iterable[str], out: TextIO, *, doc_type: str | None = None) -> int:
    """Write a CSV manifest of ``sources`` (header ``source[,doc_type]``); returns the row count.

    The csv module quotes names with commas, quotes or newlines, so any name reads back.
    """
    if doc_type is not None:
        doc_type = doc_type.strip().lower()
        if doc_type not in DOC_TYPES:
            raise ConfigError(f"doc_type must be one of {', '.join(DOC_TYPES)}")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source", "doc_type"] if doc_type else ["source"])
    count = 0
    for source in sources:
        writer.writerow([source, doc_type] if doc_type else [source])
        count += 1
    return count
