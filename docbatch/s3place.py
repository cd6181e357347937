"""Where a run folder on S3 is: its bucket and prefix, how to reach them, and the local
folder its journal is worked on in (SQLite needs a local file)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow.fs as pafs

from . import aws
from .cache import sha256_hex
from .config import SourceSettings
from .errors import ConfigError


@dataclass(frozen=True)
class S3Place:
    """Where an S3 run folder is, and how to reach its bucket."""

    bucket: str
    prefix: str
    sources: SourceSettings

    @classmethod
    def of(cls, uri: str, sources: SourceSettings) -> S3Place:
        """The place ``s3://bucket/prefix`` names; one naming no bucket is refused before anything is read."""
        bucket, _, prefix = uri[5:].partition("/")
        if not bucket:
            raise ConfigError(f"--out {uri!r} names no bucket")
        return cls(bucket, prefix.strip("/"), sources)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    @property
    def fs_path(self) -> str:
        return f"{self.bucket}/{self.prefix}".rstrip("/")

    def key(self, name: str) -> str:
        """The object key of ``name`` in the folder."""
        return f"{self.prefix}/{name}" if self.prefix else name

    def key_of(self, fs_path: str) -> str:
        """The object key of a ``pyarrow.fs`` path in this bucket (``bucket/key``), for boto3."""
        return fs_path[len(self.bucket) + 1:]

    def filesystem(self) -> pafs.FileSystem:
        """``pyarrow.fs`` over the bucket with the run's profile, region, endpoint and timeouts: pyarrow
        reads no boto3 profile (``--profile``), so the session's credentials are handed to it."""
        session = aws.make_session(self.sources.profile, self.sources.region)
        creds = session.get_credentials()
        frozen = creds.get_frozen_credentials() if creds is not None else None
        kwargs: dict[str, Any] = {"region": self.sources.region or session.region_name or "us-east-1",
                                  "connect_timeout": self.sources.connect_timeout,
                                  "request_timeout": self.sources.read_timeout}
        if frozen is not None:
            kwargs.update(access_key=frozen.access_key, secret_key=frozen.secret_key,
                          session_token=frozen.token)
        if self.sources.s3_endpoint_url:
            aws.check_endpoint(self.sources.s3_endpoint_url)
            parts = urlsplit(self.sources.s3_endpoint_url)
            kwargs.update(endpoint_override=parts.netloc, scheme=parts.scheme or "https")
        return pafs.S3FileSystem(**kwargs)

    def client(self) -> Any:
        """A boto3 client for the bucket with the same settings, for what ``pyarrow.fs`` cannot do
        (conditional puts and deletes, ETags)."""
        src = self.sources
        return aws.make_client("s3", session=aws.make_session(src.profile, src.region), region=src.region,
                               endpoint_url=src.s3_endpoint_url, connect_timeout=src.connect_timeout,
                               read_timeout=src.read_timeout)


def work_folder(uri: str) -> Path:
    """The local working folder of an S3 run folder (its journal's working copy)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "docbatch" / "runs" / sha256_hex(uri.encode())[:16]
