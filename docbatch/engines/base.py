"""The engine contract and the engine registry.

An engine turns one prepared image into a DetectText-shaped response (a dict with
``TextDetections`` and ``TextModelVersion``).  Contract:

* ``detect_text`` is called from worker threads (``parallelism == "threads"``) or inside
  worker processes (``"processes"``); it must not start its own parallelism.
* It raises only :mod:`docbatch.errors` types: foreign exceptions are translated inside
  the engine, so the retry layer can tell transient from permanent failures.
* It does not retry: the runner owns the one retry layer.
* Engines are built by :func:`create_engine` from a :class:`EngineSettings`; a
  ``"processes"`` engine is built once per worker process, so its constructor must be
  cheap to call there and its settings picklable.

New engines register with :func:`register` or through the ``docbatch.engines`` entry
point group (value: a zero-argument callable returning the engine class).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Callable, ClassVar, Literal, Mapping

from ..errors import ConfigError
from ..records import Document, ImageInput


@dataclass(frozen=True)
class EngineSettings:
    """Options every engine may read; each takes what it needs and ignores the rest."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    replay_dir: str | None = None
    min_confidence: float = 0.0
    options: Mapping[str, Any] = field(default_factory=dict)


class Engine(abc.ABC):
    """One OCR engine returning the DetectText response shape."""

    name: ClassVar[str]
    #: "threads" for network-bound engines, "processes" for CPU-bound ones.
    parallelism: ClassVar[Literal["threads", "processes"]] = "threads"
    #: True when the engine can read an S3 object itself (no download by docbatch).
    accepts_s3_object: ClassVar[bool] = False
    #: True when calls cost money / quota and go through the client-side rate limiter.
    rate_limited: ClassVar[bool] = False
    #: True when the engine needs no image at all (answers from saved responses).
    needs_image: ClassVar[bool] = True

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings

    @abc.abstractmethod
    def detect_text(self, image: ImageInput | None, document: Document) -> dict[str, Any]:
        """Return the DetectText response for ``image`` (``document`` is for keyed engines)."""

    @property
    def model_version(self) -> str:
        """Identifies the model for the response cache: a new model means new responses."""
        return "unknown"

    def close(self) -> None:
        """Release clients or sessions; called once when the run ends."""


_REGISTRY: dict[str, Callable[[], type[Engine]]] = {}


def register(name: str, loader: Callable[[], type[Engine]]) -> None:
    """Register an engine class lazily, so heavy imports happen only when it is used."""
    _REGISTRY[name] = loader


def _builtin() -> None:
    def rekognition() -> type[Engine]:
        from .rekognition import RekognitionEngine

        return RekognitionEngine

    def local() -> type[Engine]:
        from .local import LocalEngine

        return LocalEngine

    def replay() -> type[Engine]:
        from .replay import ReplayEngine

        return ReplayEngine

    for name, loader in (("rekognition", rekognition), ("local", local), ("replay", replay)):
        _REGISTRY.setdefault(name, loader)


def engine_names() -> list[str]:
    _builtin()
    for ep in entry_points(group="docbatch.engines"):
        _REGISTRY.setdefault(ep.name, ep.load())
    return sorted(_REGISTRY)


def engine_class(name: str) -> type[Engine]:
    if name not in engine_names():
        raise ConfigError(f"unknown engine {name!r}; known: {', '.join(engine_names())}")
    return _REGISTRY[name]()


def create_engine(name: str, settings: EngineSettings) -> Engine:
    return engine_class(name)(settings)
