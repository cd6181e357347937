"""Checking the environment before any document is marked.

A nightly job that starts with the wrong profile, no region or an unreachable endpoint
must stop at once with one line naming what is wrong (the profile, the region, the
host), exit 2 and leave every document untouched, so that fixing the environment and
re-running is all it takes.  Checks, cheapest first:

* the AWS profile exists, credentials resolve, a region is set (when AWS is used at all:
  an AWS engine, ``s3://`` sources);
* the engine's endpoint accepts a TCP connection (no request is sent: a DetectText call
  would spend quota);
* the manifest's S3 buckets answer a HeadBucket (access denied stops the run; a bucket
  that does not exist fails only its own documents), and so does the run folder's bucket
  when ``--out`` is on S3 (missing, denied or unreachable, it stops the run: nothing could
  be written);
* against real AWS (no custom endpoint), STS GetCallerIdentity proves the credentials are
  valid (it is free and needs no permission).

Failures met later, mid-run (credentials expiring, the engine denying this account),
stop the run the same way: see :class:`~docbatch.errors.EnvironmentFailure`.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import urlsplit

from . import aws
from .config import EngineSettings, SourceSettings
from .errors import AccessDenied, EnvironmentFailure, SourceNotFound
from .records import Document

#: Buckets checked at most (a manifest names a handful; more would delay the start).
MAX_BUCKETS = 50


@dataclass(frozen=True)
class Needs:
    """What a run will use, so only those parts of the environment are checked."""

    aws_engine: str | None  # boto3 service name of the engine ("rekognition", "textract"), if any
    buckets: tuple[str, ...]  # S3 buckets the manifest's sources are in
    out_bucket: str | None = None  # the run folder's bucket, when it is on S3


def needs_of(documents: Iterable[Document], aws_service: str | None, *, out: str = "") -> Needs:
    """What the environment checks must reach for these documents: the AWS engine's service, the
    buckets of the manifest (at most :data:`MAX_BUCKETS`, so a long manifest is not walked twice)
    and of the run folder."""
    buckets: dict[str, None] = {}
    for doc in documents:
        if doc.source[:5].lower() == "s3://":
            buckets.setdefault(doc.source[5:].split("/", 1)[0], None)
            if len(buckets) >= MAX_BUCKETS:
                break
    out_bucket = out[5:].split("/", 1)[0] or None if out[:5].lower() == "s3://" else None
    return Needs(aws_engine=aws_service, buckets=tuple(buckets), out_bucket=out_bucket)


def check(needs: Needs, engine: EngineSettings, sources: SourceSettings) -> None:
    """Raise :class:`EnvironmentFailure` naming the first thing that is wrong."""
    if needs.aws_engine is None and not needs.buckets and needs.out_bucket is None:
        return
    session = aws.make_session(engine.profile, engine.region)  # an unknown profile stops it there
    if session.get_credentials() is None:
        where = f"profile {engine.profile!r}" if engine.profile else "the environment, ~/.aws or an instance role"
        raise EnvironmentFailure(f"no AWS credentials found (looked in {where})", error_code="no_credentials")
    if needs.aws_engine is not None:
        region = engine.region or session.region_name
        if not region:
            raise EnvironmentFailure(
                f"no AWS region for {needs.aws_engine}: pass --region or set AWS_DEFAULT_REGION",
                error_code="no_region")
        client = aws.make_client(needs.aws_engine, session=session, region=region, endpoint_url=engine.endpoint_url,
                                 connect_timeout=engine.connect_timeout, read_timeout=engine.read_timeout)
        try:
            _reachable(client.meta.endpoint_url, engine.connect_timeout, needs.aws_engine)
            if engine.endpoint_url is None:
                _valid_credentials(session, region, engine)
        finally:
            client.close()
    if needs.buckets or needs.out_bucket:
        _buckets_usable(session, sources, needs.buckets, needs.out_bucket)


def _reachable(endpoint_url: str, timeout: float, service: str) -> None:
    parts = urlsplit(endpoint_url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=max(timeout, 0.5)):
            pass
    except OSError as exc:
        raise EnvironmentFailure(f"cannot reach the {service} endpoint {host}:{port} ({exc.strerror or exc})",
                                 error_code="endpoint_unreachable") from exc


def _valid_credentials(session: Any, region: str, engine: EngineSettings) -> None:
    sts = aws.make_client("sts", session=session, region=region, connect_timeout=engine.connect_timeout,
                          read_timeout=engine.read_timeout)
    try:
        sts.get_caller_identity()
    except Exception as exc:  # noqa: BLE001 - translated
        err = aws.translate(exc, "STS GetCallerIdentity")
        raise EnvironmentFailure(f"the AWS credentials are not valid: {err.message}",
                                 error_code="invalid_credentials") from exc
    finally:
        sts.close()


def _buckets_usable(session: Any, sources: SourceSettings, buckets: Iterable[str], out_bucket: str | None) -> None:
    s3 = aws.make_client("s3", session=session, region=sources.region, endpoint_url=sources.s3_endpoint_url,
                         connect_timeout=sources.connect_timeout, read_timeout=sources.read_timeout)
    try:
        for bucket in dict.fromkeys([*([out_bucket] if out_bucket else []), *buckets]):
            try:
                s3.head_bucket(Bucket=bucket)
            except Exception as exc:  # noqa: BLE001 - translated
                err = aws.translate(exc, f"S3 HeadBucket {bucket}")
                if isinstance(err, SourceNotFound) and bucket == out_bucket:
                    raise EnvironmentFailure(f"the run folder's S3 bucket {bucket!r} does not exist (--out)",
                                             error_code="out_bucket_not_found") from exc
                if isinstance(err, SourceNotFound):
                    continue  # its documents fail one by one with s3_not_found
                if isinstance(err, (AccessDenied, EnvironmentFailure)):
                    raise EnvironmentFailure(f"access denied to S3 bucket {bucket!r} ({err.message})",
                                             error_code="bucket_access_denied") from exc
                raise EnvironmentFailure(f"S3 bucket {bucket!r} cannot be checked at "
                                         f"{urlsplit(s3.meta.endpoint_url).netloc}: {err.message}",
                                         error_code="s3_unreachable") from exc
    finally:
        s3.close()
