"""boto3 clients and the one translation of botocore failures into docbatch errors.

Clients are built here, in the main thread before workers start (boto3 sessions are not
thread-safe to create, clients are safe to share), with botocore's retries off so the
tenacity layer in :mod:`docbatch.retry` is the only one.
"""

from __future__ import annotations

import os
import threading
from traceback import walk_tb
from urllib.parse import urlsplit
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from . import errors as e
from .aws_direct import DirectCall

_THROTTLE = {
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "LimitExceededException",
    "Throttling",
    "SlowDown",
    "RequestLimitExceeded",
    "TooManyRequestsException",
}
_NOT_FOUND = {"NoSuchKey", "NoSuchBucket", "NotFound", "404", "NoSuchVersion", "ResourceNotFoundException"}
#: Object- or bucket-level denials: they fail one document (a policy may cover some keys only).
_DENIED = {"AccessDenied", "403", "Forbidden"}
#: The caller itself is refused (bad or expired credentials, no permission for the API):
#: every document would fail the same way, so the run stops instead (EnvironmentFailure).
_CALLER_REFUSED = {"AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
                   "ExpiredTokenException", "ExpiredToken", "InvalidClientTokenId", "SignatureDoesNotMatch",
                   "InvalidAccessKeyId", "TokenRefreshRequired", "InvalidToken", "RequestExpired",
                   "RequestTimeTooSkewed"}
_BAD_IMAGE = {"InvalidImageFormatException": "invalid_image_format", "ImageTooLargeException": "image_too_large",
              # Textract's: not a format it reads (or a multi-page PDF/TIFF), over 10 MB, unreadable content
              "UnsupportedDocumentException": "unsupported_document", "DocumentTooLargeException": "document_too_large",
              "BadDocumentException": "bad_document"}
_INVALID = {"InvalidParameterException": "invalid_parameter", "InvalidS3ObjectException": "invalid_s3_object",
            "ValidationException": "invalid_parameter"}


_LOADER: Any = None
_LOADER_LOCK = threading.Lock()


def make_session(profile: str | None = None, region: str | None = None) -> boto3.session.Session:
    """A boto3 session sharing one botocore data loader per process.

    Every new botocore session re-reads and re-parses the service models and endpoint
    files (0.2-0.4 s each time); a notebook or a test suite calling ``run_batch`` again and
    again pays that on every run unless the (read-only) loader is shared.
    """
    global _LOADER
    try:
        core = botocore.session.get_session()
        with _LOADER_LOCK:
            if _LOADER is None:
                _LOADER = core.get_component("data_loader")
            else:
                core.register_component("data_loader", _LOADER)
        session = boto3.session.Session(botocore_session=core, profile_name=profile, region_name=region)
    except BotoCoreError as exc:  # AWS_PROFILE naming no profile: ProfileNotFound and its kin, at once
        name = profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
        raise _unknown_profile(name, type(exc).__name__) from exc
    # An explicit profile is looked up only when credentials or a client are first asked for:
    # a typo'd --profile would escape there as a ProfileNotFound traceback.
    if profile and profile not in session.available_profiles:
        raise _unknown_profile(profile, "ProfileNotFound")
    return session


def _unknown_profile(name: str | None, why: str) -> e.EnvironmentFailure:
    return e.EnvironmentFailure(f"AWS profile {name!r} is not configured ({why})", error_code="unknown_profile")


def make_client(
    service: str,
    *,
    session: boto3.session.Session,
    region: str | None = None,
    endpoint_url: str | None = None,
    connect_timeout: float = 5.0,
    read_timeout: float = 30.0,
    max_pool: int = 10,
    validate_params: bool = True,
) -> Any:
    """A client with docbatch's timeouts and without botocore's own retries.

    ``validate_params=False`` skips botocore's check of the arguments against the service
    model before each call: for the engines' calls, whose arguments docbatch builds itself
    (``Image``/``Document`` bytes or S3 object, a float filter), and whose answers it validates,
    the check finds nothing and cost 0.03-0.09 ms of a ~1 ms call (``benchmarks/client_config.py``).
    """
    config = Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_pool_connections=max(10, max_pool),
        parameter_validation=validate_params,
    )
    if endpoint_url is not None:
        check_endpoint(endpoint_url)
    return session.client(service, region_name=region, endpoint_url=endpoint_url, config=config)


def check_endpoint(url: str) -> None:
    """Refuse an endpoint URL botocore or pyarrow cannot use, in one line: they raise a bare
    ValueError or ArrowInvalid (a traceback) for ``127.0.0.1:9977`` without its scheme, a port
    past 65535 or a broken IPv6 host, and botocore takes ``ftp://...`` to fail each call instead."""
    try:
        parts = urlsplit(url)
        usable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - read for its ValueError: a port out of range
    except ValueError:
        usable = False
    if not usable:
        raise e.ConfigError(f"endpoint URL {url!r} is not http(s)://host[:port] (e.g. http://127.0.0.1:9977)")


def direct_call(client: Any, session: boto3.session.Session, operation: str) -> DirectCall:
    """``client``'s ``operation`` sent directly (:class:`~docbatch.aws_direct.DirectCall`), with
    what the client was built from: the session's credentials (the object the client signs
    with) and its CA bundle, as ``session.client`` reads it (``AWS_CA_BUNDLE``, the profile's
    ``ca_bundle``; boto3 reaches its botocore session only through ``_session``)."""
    core = session._session  # boto3's own attribute: its botocore session
    return DirectCall(client, session.get_credentials(), operation, ca_bundle=core.get_config_variable("ca_bundle"))


def error_code(exc: BaseException) -> str:
    """The code an AWS error answer carries (``"NoSuchKey"``; the bare status, ``"404"``, for
    an answer without a body such as a HEAD's), or ``""`` for any other exception."""
    response = getattr(exc, "response", None)
    return str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


def is_missing(exc: BaseException) -> bool:
    """Whether an S3 answer says the object is not there (a GET's ``NoSuchKey``, a HEAD's bare 404)."""
    return error_code(exc) in ("NoSuchKey", "404")


def is_overtaken(exc: BaseException) -> bool:
    """Whether S3 refused a conditional request because the object is no longer the version it
    was made against (412 ``PreconditionFailed``) or changed under it (409)."""
    return error_code(exc) in ("PreconditionFailed", "ConditionalRequestConflict")


def put_if_unchanged(client: Any, bucket: str, key: str, body: bytes, etag: str | None) -> str | None:
    """Put ``body`` at ``key`` only while the object is still version ``etag`` (still absent when
    ``etag`` is None): the new ETag, or None when S3 says another writer got there first
    (:func:`is_overtaken`).  The tables' pointer and the journal's checkpoint both rest on this
    compare-and-swap; each caller says in its own words what being overtaken means for it."""
    condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
    try:
        return client.put_object(Bucket=bucket, Key=key, Body=body, **condition)["ETag"]
    except ClientError as exc:
        if is_overtaken(exc):
            return None
        raise


def environment_failure(exc: BotoCoreError) -> e.DocbatchError:
    """A botocore error that reached a command's top untranslated (the credential chain,
    a config file botocore cannot parse): a broken environment, said in one line."""
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError, CredentialRetrievalError)):
        return translate(exc, "AWS credentials")
    return e.EnvironmentFailure(f"AWS: {exc} ({type(exc).__name__})", error_code="aws_environment")


def translate(exc: BaseException, what: str) -> e.DocbatchError:
    """Map a botocore exception to a docbatch error; ``what`` names the call, never data."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = error_code(exc)
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        msg = f"{what}: {code or status} {err.get('Message', '')}".strip()
        if code in _THROTTLE or status == 429:
            return e.ThrottledError(msg, error_code=f"throttled:{code}" if code else "throttled")
        if code in _CALLER_REFUSED:
            return e.EnvironmentFailure(f"{msg} (check the credentials and the IAM policy)",
                                        error_code="caller_refused")
        if code in _NOT_FOUND or status == 404:
            return e.SourceNotFound(msg, error_code="s3_not_found" if "S3" in what else "not_found")
        if code in _DENIED or status == 403:
            return e.AccessDenied(msg)
        if code in _BAD_IMAGE:
            return e.BadImageError(msg, error_code=_BAD_IMAGE[code])
        if code in _INVALID:
            return e.InvalidRequest(msg, error_code=_INVALID[code])
        if status >= 500 or code in {"InternalServerError", "ServiceUnavailableException", "InternalError"}:
            return e.ServiceError(msg, error_code=f"service_error:{status or code}")
        return e.InvalidRequest(msg, error_code=f"aws:{code or status}")
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError)):
        endpoint = getattr(exc, "kwargs", {}).get("endpoint_url")
        return e.EndpointUnreachable(f"{what}: {type(exc).__name__}" + (f" ({endpoint})" if endpoint else ""))
    if isinstance(exc, ReadTimeoutError):
        return e.RequestTimeout(f"{what}: {type(exc).__name__}")
    if isinstance(exc, ConnectionClosedError):
        return e.ConnectionFailed(f"{what}: {type(exc).__name__}")
    if isinstance(exc, NoCredentialsError):
        return e.EnvironmentFailure(f"{what}: no AWS credentials found", error_code="no_credentials")
    if isinstance(exc, (PartialCredentialsError, CredentialRetrievalError)):
        return e.EnvironmentFailure(f"{what}: {exc}", error_code="no_credentials")
    if isinstance(exc, NoRegionError):
        return e.EnvironmentFailure(f"{what}: no AWS region: pass --region or set AWS_DEFAULT_REGION",
                                    error_code="no_region")
    if _raised_reading_an_answer(exc):
        # A 200 whose JSON does not fit the operation's shape (``null``, an object for a list):
        # botocore's parser raises on it (AttributeError, TypeError, its ResponseParserError): the
        # far side's answer is wrong, not docbatch, so it is sent again like any invalid answer.
        return e.InvalidResponse(f"{what}: the answer does not fit the operation's shape ({type(exc).__name__})")
    if isinstance(exc, ParamValidationError):  # botocore's own check, before any request: a retry fails alike
        return e.InvalidRequest(f"{what}: {exc}", error_code="invalid_parameter")
    if isinstance(exc, BotoCoreError):
        # urllib3 protocol errors, connection resets and the like surface as plain
        # BotoCoreError subclasses (HTTPClientError): all of them are worth a retry.
        return e.ConnectionFailed(f"{what}: {type(exc).__name__}")
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return e.ConnectionFailed(f"{what}: {type(exc).__name__}")
    raise exc


def _raised_reading_an_answer(exc: BaseException) -> bool:
    """Whether ``exc`` was raised inside botocore's response parser (not docbatch's code)."""
    return any(frame.f_globals.get("__name__") == "botocore.parsers" for frame, _ in walk_tb(exc.__traceback__))
