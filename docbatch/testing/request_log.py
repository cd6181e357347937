"""What the fake Rekognition server saw: every request's record, and the per-second counts.

Why a log at all: the functional tests and the benchmarks judge a client by what reached
the far side (how many calls an image cost, how the calls met the quota second by
second), not by what the client says of itself.  Records are kept in the order requests
were answered, times on the server's injected ``clock``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .admission import THROTTLE_CODES
from .aws_json import image_key


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it (``time``: its arrival, on the server's ``clock``).

    ``image_key`` is :func:`~.aws_json.image_key` of the image (None when the request named none);
    ``status`` is the HTTP status sent (None when the connection was reset instead);
    ``outcome`` is ``"ok"``, the error code, or ``"reset"``; ``fault`` the injected kind;
    ``service`` the protocol spoken (``"Rekognition"`` or ``"Textract"``; None: unknown).
    """

    time: float
    image_key: str | None
    status: int | None
    outcome: str
    fault: str | None = None
    service: str | None = None


class RequestLog:
    """The records, and per second since ``t0`` how many requests were admitted and throttled."""

    def __init__(self, t0: float) -> None:
        self._t0 = t0
        self._records: list[RequestRecord] = []
        self._seconds: dict[int, list[int]] = {}  # second since start -> [admitted, throttled]
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)
            second = self._seconds.setdefault(int(record.time - self._t0), [0, 0])
            second[record.outcome in THROTTLE_CODES] += 1

    def records(self) -> list[RequestRecord]:
        """A snapshot of every request so far, in the order they were answered."""
        with self._lock:
            return list(self._records)

    def per_second(self) -> list[tuple[int, int, int]]:
        """(second, admitted, throttled) for every second since ``t0`` (throttled: a
        throttling code was sent)."""
        with self._lock:
            last = max(self._seconds, default=-1)
            return [(s, *self._seconds.get(s, (0, 0))) for s in range(last + 1)]

    def calls_for(self, image: bytes | str) -> int:
        """How many requests named this image (bytes, ``s3://`` URI or key)."""
        key = image_key(image)
        with self._lock:
            return sum(1 for r in self._records if r.image_key == key)
