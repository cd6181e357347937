"""Failures the fake Rekognition server injects, and when each fires.

A :class:`Fault` names a kind (``http500``, ``http503``, ``reset``, ``slow``,
``invalid_image``, ``throttle``, and five 200 answers that are not valid responses:
``html200`` as from a proxy, ``truncated200`` cut mid-JSON, ``notext200`` without
``TextDetections``, ``null200`` a JSON ``null`` and ``misshapen200`` an object where the
operation has a list; ``denied`` and ``expired`` refuse the caller as IAM and STS do) and
one trigger (every n-th request, the first n per
image, or a probability); ``docbatch fake-rekognition --fault`` takes the CLI form
``KIND:key=value[:key=value...]`` (:meth:`Fault.parse`).  :class:`FaultSchedule` is the
server's counter that decides, request by request, which fault fires.  How a fired fault
is answered on the wire is the server's admission's business (:mod:`.admission`).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any, Callable, Literal, Sequence, get_args

from ..errors import ConfigError

FaultKind = Literal["http500", "http503", "reset", "slow", "invalid_image", "throttle",
                    "html200", "truncated200", "notext200", "null200", "misshapen200", "denied", "expired"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
_FAULT_OPTIONS: dict[str, Callable[[str], Any]] = {
    "every": int, "first": int, "seed": int, "probability": float, "seconds": float,
}


@dataclass(frozen=True)
class Fault:
    """One injected failure and when it fires; exactly one of ``every``, ``first``, ``probability``.

    * ``every=n``: the n-th, 2n-th, ... admitted request (counted over all images);
    * ``first=n``: the first n requests *for each image* (retry tests: every image fails
      n times, then succeeds);
    * ``probability=p``: each request with chance p, from ``random.Random(seed)`` so a
      run with the same request order is reproducible.

    ``seconds`` is how long a ``slow`` fault stalls before answering (pick more than the
    client's read timeout).  Faults are tried in order; the first that fires wins.
    """

    kind: FaultKind
    every: int | None = None
    first: int | None = None
    probability: float | None = None
    seed: int = 0
    seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ConfigError(f"unknown fault kind {self.kind!r}; known: {', '.join(FAULT_KINDS)}")
        if sum(x is not None for x in (self.every, self.first, self.probability)) != 1:
            raise ConfigError("a Fault needs exactly one of every=, first=, probability=")
        if (self.every is not None and self.every < 1) or (self.first is not None and self.first < 0):
            raise ConfigError("Fault every= must be >= 1 and first= >= 0")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ConfigError("Fault probability= must be within 0..1")
        if self.seconds < 0:
            raise ConfigError("Fault seconds= must be >= 0")

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """Parse the CLI form ``KIND:key=value[:key=value...]``, e.g. ``reset:first=2``
        or ``slow:probability=0.1:seed=7:seconds=30``."""
        kind, *pairs = spec.strip().split(":")
        options: dict[str, Any] = {}
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep or name not in _FAULT_OPTIONS:
                raise ConfigError(f"bad fault option {pair!r} in {spec!r}; known: {', '.join(_FAULT_OPTIONS)}")
            try:
                options[name] = _FAULT_OPTIONS[name](value)
            except ValueError as exc:
                raise ConfigError(f"bad value for {name} in fault {spec!r}") from exc
        return cls(kind, **options)  # type: ignore[arg-type]


class FaultSchedule:
    """Counts admitted requests (overall and per image) and says which fault, if any, fires."""

    def __init__(self, faults: Sequence[Fault]) -> None:
        self._faults = [(f, random.Random(f.seed)) for f in faults]
        self._admitted = 0
        self._per_image: dict[str, int] = {}
        self._lock = threading.Lock()

    def pick(self, key: str) -> Fault | None:
        with self._lock:
            self._admitted += 1
            nth_for_image = self._per_image[key] = self._per_image.get(key, 0) + 1
            for fault, rng in self._faults:
                if fault.every is not None:
                    fires = self._admitted % fault.every == 0
                elif fault.first is not None:
                    fires = nth_for_image <= fault.first
                else:
                    fires = rng.random() < (fault.probability or 0.0)
                if fires:
                    return fault
            return None
