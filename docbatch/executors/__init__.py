"""Where documents are processed: this machine's pool, or a Ray cluster (``--executor``).

One small interface (:class:`~docbatch.executors.base.Executor`), a registry by name, and
:func:`open_executor`, so the runner never asks which executor it has.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from ..config import EXECUTORS, Stages
from ..engines.base import Engine
from ..errors import ConfigError
from .base import Executor


def _local() -> type[Executor]:
    from .pool import LocalPool

    return LocalPool


def _ray() -> type[Executor]:
    from .ray_cluster import RayExecutor

    return RayExecutor


_REGISTRY: dict[str, Callable[[], type[Executor]]] = {"local": _local, "ray": _ray}
assert set(_REGISTRY) == set(EXECUTORS), "config.EXECUTORS names the registered executors"


def open_executor(stages: Stages, engine_class: type[Engine], engine: Engine | str, *,
                  sleep: Callable[[float], None], clock: Callable[[], float] = time.monotonic,
                  stop: threading.Event | None = None) -> Executor:
    """The executor ``stages.executor`` names, started (use it in a ``with`` block)."""
    kind = stages.executor.kind
    if kind not in _REGISTRY:
        raise ConfigError(f"unknown executor {kind!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[kind]()(engine_class=engine_class, stages=stages, engine=engine, sleep=sleep, clock=clock,
                                  stop=stop)


__all__ = ["Executor", "open_executor"]
