"""A run's pacer: ``--tps N``, or ``--tps auto`` from the account's quota in Service Quotas.

``--tps auto`` asks the Service Quotas API (``service-quotas``) of the engine's region for
the engine's TPS quota (Rekognition DetectText, Textract DetectDocumentText): the quota
code is found by name among the service's default quotas, then the account's applied
value is read with ``GetServiceQuota`` (the default when none was ever applied).  The run
starts at that rate and adapts from there (:class:`~docbatch.ratelimit.RateLimiter`): a
quota shared with other jobs throttles, and the rate comes down to what is left.

The client is an ordinary boto3 client, so its endpoint can be redirected as botocore's
own configuration allows (``AWS_ENDPOINT_URL_SERVICE_QUOTAS``; tests and the benchmark
point it at :mod:`docbatch.testing.fake_service_quotas`).  Reading the quota needs the
``servicequotas:ListAWSDefaultServiceQuotas`` and ``servicequotas:GetServiceQuota``
permissions; without them (or without a network) the run warns and paces at
:data:`FALLBACK_TPS`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from . import aws
from .config import AUTO_TPS, RateSettings
from .ratelimit import RateLimiter

log = logging.getLogger("docbatch")

#: The operation whose TPS quota paces each AWS engine, by the engine's ``aws_service``.
OPERATIONS = {"rekognition": "DetectText", "textract": "DetectDocumentText"}
#: Calls per second when ``--tps auto`` cannot read the quota.
FALLBACK_TPS = 5.0
#: Calls in flight at most when ``--concurrency`` does not say (the engine's connection
#: pool, its ``max_pool`` option, caps it too: more calls than connections would open and
#: drop a connection per call).
DEFAULT_MAX_IN_FLIGHT = 64


@dataclass(frozen=True)
class Quota:
    """A TPS quota as Service Quotas holds it (``applied``: the account's own value)."""

    service: str
    code: str
    name: str
    value: float
    applied: bool


class QuotaUnavailable(Exception):
    """The quota could not be read (no permission, no endpoint, no such quota); never leaves this module."""


def _is_tps_quota(name: str, operation: str) -> bool:
    """``Transactions per second ... DetectText`` (not ``StartTextDetection``, not a job count)."""
    lower = name.lower()
    per_second = "per second" in lower or re.search(r"\btps\b", lower) is not None
    return per_second and re.search(rf"\b{re.escape(operation.lower())}\b", lower) is not None


def read_tps_quota(client: Any, service: str, operation: str) -> Quota:
    """The account's TPS quota of ``operation`` through a ``service-quotas`` ``client``."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        found = None
        for page in client.get_paginator("list_aws_default_service_quotas").paginate(ServiceCode=service):
            found = next((q for q in page.get("Quotas", []) if _is_tps_quota(q.get("QuotaName", ""), operation)), None)
            if found is not None:
                break
        if found is None:
            raise QuotaUnavailable(f"no {operation} TPS quota among the {service} quotas")
        code = found["QuotaCode"]
        try:
            quota = client.get_service_quota(ServiceCode=service, QuotaCode=code)["Quota"]
            applied = True
        except ClientError as exc:
            if aws.error_code(exc) != "NoSuchResourceException":
                raise
            quota, applied = found, False  # never changed for this account: the default holds
        value = float(quota["Value"])
    except ClientError as exc:
        raise QuotaUnavailable(aws.error_code(exc) or str(exc)) from exc
    except (BotoCoreError, KeyError, TypeError, ValueError) as exc:
        raise QuotaUnavailable(f"{type(exc).__name__}: {exc}") from exc
    if value <= 0:
        raise QuotaUnavailable(f"quota {code} reads {value}")
    return Quota(service=service, code=code, name=str(found.get("QuotaName", "")), value=value, applied=applied)


def auto_rate(service: str | None, *, region: str | None, profile: str | None,
              client: Any = None) -> tuple[float, str]:
    """(calls/s, where it came from) for ``--tps auto``; warns and falls back when unreadable."""
    operation = OPERATIONS.get(service or "")
    if operation is None:
        log.warning("--tps auto: no known TPS quota for this engine; pacing at %g calls/s", FALLBACK_TPS)
        return FALLBACK_TPS, "fallback"
    try:
        if client is None:
            session = aws.make_session(profile, region)
            client = aws.make_client("service-quotas", session=session, region=region or session.region_name)
        quota = read_tps_quota(client, service or "", operation)
    except QuotaUnavailable as exc:
        log.warning("--tps auto: could not read the %s %s quota from Service Quotas (%s); pacing at %g calls/s "
                    "(give --tps N to choose)", service, operation, exc, FALLBACK_TPS)
        return FALLBACK_TPS, "fallback"
    log.info("--tps auto: %s %s quota %s is %g calls/s%s", service, operation, quota.code, quota.value,
             "" if quota.applied else " (the default)")
    return quota.value, f"service-quotas:{quota.code}"


def limiter_for(rate: RateSettings, engine: Any, *, clock: Callable[[], float] = time.monotonic,
                sleep: Callable[[float], None] = time.sleep, stop: threading.Event | None = None) -> RateLimiter:
    """The pacer of a run of ``engine`` (call in the main thread, before workers start);
    no call leaves it once ``stop`` (the run's) is set."""
    if rate.tps == AUTO_TPS:
        tps, source = auto_rate(engine.aws_service, region=engine.region, profile=engine.settings.profile)
    else:
        tps, source = float(rate.tps), "option"
    if rate.share > 1:  # shards of one run share the account's quota evenly
        tps, source = tps / rate.share, f"{source}/{rate.share} shards"
    ceiling = rate.concurrency or DEFAULT_MAX_IN_FLIGHT
    pool = getattr(engine, "option_values", {}).get("max_pool")
    if isinstance(pool, int) and pool > 0:
        ceiling = min(ceiling, pool)
    return RateLimiter(tps, burst=rate.burst or 1.0, max_in_flight=ceiling, source=source, clock=clock, sleep=sleep,
                       stop=stop)
