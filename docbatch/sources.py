"""Reading a document's bytes: local paths and S3 objects.

A source is a local path (already absolute, from the manifest reader), a ``file://`` URL
or an ``s3://bucket/key`` URI.  For S3 the reader can also just *describe* the object
(size, region) so the pipeline can hand it to Rekognition as an ``S3Object`` without
downloading it.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from . import errors as e
from .aws import error_code, translate
from .records import S3Head, S3Location


def parse_s3_uri(uri: str) -> S3Location:
    """Bucket and key of ``s3://bucket/key``, the key taken verbatim.

    S3 keys are not URL paths: ``#``, ``?``, ``%`` and spaces are ordinary characters in
    them, so no URL parser may touch the key (``urlparse`` would read ``inv.png#v2.png``
    as ``inv.png`` and drop everything after a ``?``).
    """
    if uri[:5].lower() != "s3://":
        raise e.ManifestRowError(f"not an s3://bucket/key URI: {uri[:200]}", error_code="bad_source")
    bucket, _, key = uri[5:].partition("/")
    if not bucket or not key:
        raise e.ManifestRowError(f"not an s3://bucket/key URI: {uri[:200]}", error_code="bad_source")
    return S3Location(bucket=bucket, key=key)


def local_path(source: str) -> Path:
    """The local file a source names: a path as it is, or a ``file://`` URI's path, percent-escapes undone."""
    if source.startswith("file://"):
        return Path(unquote(urlparse(source).path))
    return Path(source)


#: Larger local files are refused before reading (no engine takes them; memory stays bounded).
MAX_LOCAL_BYTES = 512 * 1024 * 1024


def read_local(source: str) -> bytes:
    """The bytes of a regular local file (see :func:`read_local_file`)."""
    return read_local_file(source)[0]


def read_local_file(source: str) -> tuple[bytes, str]:
    """The bytes of a regular local file and its :func:`source_identity`, from the descriptor
    they were read through (what was read, and no second look at the path).

    The file is opened non-blocking and checked to be a regular file before any read: a
    FIFO, socket or device as a source would otherwise block forever (ignoring SIGTERM).
    """
    path = local_path(source)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(str(path))
            if not stat.S_ISREG(st.st_mode):
                raise e.SourceNotFound("source is not a regular file (a pipe, socket or device)",
                                       error_code="not_a_regular_file")
            if st.st_size > MAX_LOCAL_BYTES:
                raise e.BadImageError(f"file is {st.st_size} bytes, over the {MAX_LOCAL_BYTES} byte limit",
                                      error_code="file_too_large")
            # Sized by the file (a 512 MB read size is an allocation of that size on every
            # read); a file that grew since fstat is read on to the limit as before.
            data = fh.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += fh.read(MAX_LOCAL_BYTES + 1 - len(data))
            return data, _local_identity(source, st)
    except FileNotFoundError as exc:
        raise e.SourceNotFound("local file not found", error_code="file_not_found") from exc
    except IsADirectoryError as exc:
        raise e.SourceNotFound("source is a directory, not a file", error_code="not_a_file") from exc
    except PermissionError as exc:
        raise e.AccessDenied("permission denied reading local file") from exc
    except OSError as exc:
        raise e.SourceNotFound(f"cannot read local file: {exc.strerror or type(exc).__name__}",
                               error_code="file_unreadable") from exc


def source_identity(source: str, head: S3Head | None = None) -> str:
    """What a source is now, as the journal keeps it: path/URI with size and mtime (local) or
    ETag and size (S3, from ``head``).  Raises OSError for an unreadable local file."""
    if head is not None:
        return f"{source}|etag:{head.etag}|{head.size}"
    return _local_identity(source, os.stat(local_path(source)))


def _local_identity(source: str, st: os.stat_result) -> str:
    return f"{source}|{st.st_size}|{st.st_mtime_ns}"


class S3Reader:
    """Thread-safe S3 access through one shared client (built before workers start)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._regions: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def bucket_region(self, bucket: str) -> str | None:
        """The bucket's region (cached): Rekognition can read only same-region objects."""
        with self._lock:
            if bucket in self._regions:
                return self._regions[bucket]
        try:
            resp = self._client.head_bucket(Bucket=bucket)
            headers = resp.get("ResponseMetadata", {}).get("HTTPHeaders", {})
            region = headers.get("x-amz-bucket-region")
        except Exception as exc:  # noqa: BLE001 - translated below
            err = translate(exc, "S3 HeadBucket")
            headers = getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPHeaders", {})
            region = headers.get("x-amz-bucket-region")
            if region is None:
                raise err from exc
        with self._lock:
            self._regions[bucket] = region
        return region

    def head(self, loc: S3Location) -> S3Head:
        """The object's size and ETag (the source's identity, to resume by), botocore's errors translated."""
        try:
            resp = self._client.head_object(Bucket=loc.bucket, Key=loc.key)
        except Exception as exc:  # noqa: BLE001 - translated
            raise self._why_head_failed(loc, exc) from exc
        return S3Head(
            size=int(resp.get("ContentLength", 0)),
            content_type=resp.get("ContentType"),
            etag=(resp.get("ETag") or "").strip('"') or None,
            region=self.bucket_region(loc.bucket),
        )

    def _why_head_failed(self, loc: S3Location, exc: Exception) -> e.DocbatchError:
        """An S3 HEAD error has no body, so botocore's code is the bare status ("400", "403"):
        a 400 is expired credentials, a request signed for another region or a skewed clock,
        a 403 a denied key or a refused caller, which fail the run or one document.  A
        one-byte GET of the same object is answered with the code that tells them apart."""
        code = error_code(exc)
        if not code.isdigit() or int(code) >= 500 or code == "404":
            return translate(exc, "S3 HeadObject")
        try:
            self._client.get_object(Bucket=loc.bucket, Key=loc.key, Range="bytes=0-0")["Body"].close()
        except Exception as why:  # noqa: BLE001 - translated
            return translate(why, "S3 HeadObject (asked again as a one-byte GetObject)")
        return translate(exc, "S3 HeadObject")

    def read(self, loc: S3Location) -> bytes:
        """The object's bytes, botocore's errors translated."""
        try:
            resp = self._client.get_object(Bucket=loc.bucket, Key=loc.key)
            return resp["Body"].read()
        except Exception as exc:  # noqa: BLE001 - translated
            raise translate(exc, "S3 GetObject") from exc
