"""Which requests the fake server serves, and what the others get: the quota, then the faults.

Why in this order: the service throttles before it does anything else, so the injected
fault schedule (:mod:`.faults`) counts only the requests the quota let through, and a
test's ``every=``/``first=`` counts stay what they say under throttling.  The quota is the
token bucket docbatch paces itself with, used to refuse rather than to wait (the service
starts full: a burst is allowed).  Each fault kind's answer on the wire is here too.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..ratelimit import TokenBucket
from .aws_json import Answer, Reject
from .dialects import Dialect
from .faults import Fault, FaultSchedule

THROTTLE_CODES = ("ThrottlingException", "ProvisionedThroughputExceededException", "LimitExceededException")

#: 200 answers that are not DetectText responses.
_GARBAGE = {
    "html200": b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    "truncated200": b'{"TextDetections": [{"DetectedText": "TOT',
    "notext200": b'{"TextModelVersion": "3.0"}',
    # JSON the SDK's parser cannot lay on the operation's shape (it raises while reading it)
    "null200": b"null",
    "misshapen200": b'{"TextDetections": {"Type": "LINE", "DetectedText": "TOTAL"}}',
}


class Admission:
    """The per-server TPS quota (``tps`` None: none) and the fault schedule, shared by both dialects."""

    def __init__(self, *, tps: float | None, burst: int | None, throttle_code: str,
                 faults: Sequence[Fault], clock: Callable[[], float]) -> None:
        self.throttle_code = throttle_code
        self._bucket = (TokenBucket(tps, capacity=burst or max(1, int(tps)), clock=clock)
                        if tps is not None else None)
        self._schedule = FaultSchedule(faults)

    def admit(self, key: str) -> Fault | None:
        """The fault that fires on this request (None: none); raises :class:`Reject` when throttled."""
        if self._bucket is not None and self._bucket.try_acquire() > 0:
            raise Reject(400, self.throttle_code, "Rate exceeded")
        return self._schedule.pick(key)

    def fault_answer(self, fault: Fault, dialect: Dialect) -> Answer:
        """The answer a fired fault sends instead of the service's (a ``slow`` one only delays)."""
        if fault.kind == "reset":
            return Answer(0, None, "reset", reset=True)
        if fault.kind in _GARBAGE:
            return Answer(200, None, fault.kind, raw=_GARBAGE[fault.kind])
        status, code, message = {
            "http500": (500, "InternalServerError", "Internal server error"),
            "http503": (503, "ServiceUnavailableException", "Service unavailable"),
            "invalid_image": (400, dialect.bad_format, dialect.bad_format_message),
            "throttle": (400, self.throttle_code, "Rate exceeded"),
            "denied": (400, "AccessDeniedException", "User is not authorized to perform: rekognition:DetectText"),
            "expired": (400, "ExpiredTokenException", "The security token included in the request is expired"),
        }[fault.kind]
        return Answer(status, {"__type": code, "message": message}, code)
