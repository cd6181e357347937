"""The engine contract and the engine registry.

An engine turns one prepared image into a DetectText-shaped response (a dict with
``TextDetections`` and ``TextModelVersion``).  Contract:

* ``detect_text`` is called from worker threads (``parallelism == "threads"``) or inside
  worker processes (``"processes"``); it must not start its own parallelism.
* It raises only :mod:`docbatch.errors` types: foreign exceptions are translated inside
  the engine, so the retry layer can tell transient from permanent failures.
* It does not retry: the runner owns the one retry layer.
* A ``"processes"`` engine is built once per worker process (or pickled there when a
  caller passes an engine object), so its constructor must be cheap and its state
  picklable.
* It honours a region request: ``detect_text(image, document, region=r)`` answers about
  that :class:`~docbatch.regions.Region` of the image (a box in the full image's 0..1
  coordinates) as if it were the whole image: coordinates in the *region's* frame, within
  0..1, and at most ``word_cap`` WORDs from the region.  Engines that read bytes crop them
  (:func:`~docbatch.regions.crop_bytes`), engines that answer from saved responses keep
  what lies wholly inside (:func:`~docbatch.regions.within`); a region needs image bytes,
  never an S3 object (the pipeline downloads one when it tiles).  The pipeline asks for
  regions only of engines with a ``word_cap`` (tiling); it calls ``detect_text(image,
  document)`` otherwise, so an engine written before regions existed still runs.

**An engine owns its facts.**  What it accepts (:class:`ImageSpec`: formats, byte and
pixel limits), whether it reads S3 objects itself and which ones
(:meth:`Engine.accepts_s3_object`), the region its client uses, its options with types
and defaults (:attr:`Engine.options`), whether calls are paid and rate limited, and its
word cap are declared on the class; the pipeline and image preparation ask the engine and
name no service limit themselves.  Adding an engine is one module plus its registration
(:func:`register`, or the ``docbatch.engines`` entry point group whose value is a
zero-argument callable returning the engine class).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Callable, ClassVar, Literal, Mapping

from ..config import EngineSettings
from ..errors import ConfigError
from ..prep import ImageSpec
from ..records import Document, ImageInput, S3Head, S3Location
from ..regions import Region

__all__ = ["Engine", "EngineOption", "EngineSettings", "ImageSpec", "create_engine", "engine_class",
           "engine_names", "register"]


@dataclass(frozen=True)
class EngineOption:
    """One engine-specific option (``engine_options`` in a job, ``RunConfig.engine_options``)."""

    type: type
    default: Any
    help: str
    minimum: float | None = None

    def check(self, engine: str, name: str, value: Any) -> Any:
        if value is None and self.default is None:
            return None  # an option whose default is "not set" may be left unset
        # bool is an int in Python; an option typed int must not accept True.
        if isinstance(value, bool) and self.type is not bool or not isinstance(value, self.type):
            raise ConfigError(f"{engine} engine option {name!r} must be {self.type.__name__}, got {value!r}")
        if self.minimum is not None and value < self.minimum:
            raise ConfigError(f"{engine} engine option {name!r} must be >= {self.minimum:g}, got {value!r}")
        return value


class Engine(abc.ABC):
    """One OCR engine returning the DetectText response shape."""

    name: ClassVar[str]
    #: "threads" for network-bound engines, "processes" for CPU-bound ones.
    parallelism: ClassVar[Literal["threads", "processes"]] = "threads"
    #: True when calls cost money / quota and go through the client-side rate limiter.
    rate_limited: ClassVar[bool] = False
    #: True when each call is billed (the cost estimate and run.json count them).
    paid: ClassVar[bool] = False
    #: List price of one call in USD (first pricing tier), for cost estimates; None when free.
    price_per_call: ClassVar[float | None] = None
    #: False when the engine needs no image at all (answers from saved responses).
    needs_image: ClassVar[bool] = True
    #: True when the engine may read some S3 objects itself (see accepts_s3_object).
    reads_s3_objects: ClassVar[bool] = False
    #: The boto3 service the engine calls (checked before a run: credentials, region, endpoint).
    aws_service: ClassVar[str | None] = None
    #: The most WORDs one answer can hold (None: no cap).  An option may set it per engine
    #: object (the replay engine's ``word_cap``): the pipeline asks the object, not the class.
    word_cap: ClassVar[int | None] = None
    #: What image bytes it accepts.
    image_spec: ClassVar[ImageSpec] = ImageSpec()
    #: Its own options, by name.
    options: ClassVar[Mapping[str, EngineOption]] = {}

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.option_values = self._check_options(settings.options)

    @classmethod
    def _check_options(cls, given: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(given) - set(cls.options))
        if unknown:
            known = ", ".join(sorted(cls.options)) or "none"
            raise ConfigError(f"unknown {cls.name} engine option(s) {', '.join(unknown)}; known: {known}")
        return {name: opt.check(cls.name, name, given[name]) if name in given else opt.default
                for name, opt in cls.options.items()}

    @property
    def region(self) -> str | None:
        """The AWS region the engine's client uses (None for engines without one)."""
        return None

    def accepts_s3_object(self, location: S3Location, head: S3Head) -> bool:
        """Whether the engine reads this S3 object itself (no download by docbatch)."""
        return False

    def page_count(self, document: Document) -> int:
        """How many pages ``document``'s source has, for an engine that reads no image
        (``needs_image`` False): nothing decodes the source, so the engine says, and each
        page is then asked for on its own (doc_id ``<doc_id>#p<N>``).  One by default."""
        return 1

    @abc.abstractmethod
    def detect_text(self, image: ImageInput | None, document: Document,
                    region: Region | None = None) -> dict[str, Any]:
        """Return the DetectText response for ``image`` (``document`` is for keyed engines),
        or for ``region`` of it, in the region's frame (see the module's contract)."""

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

    def textract() -> type[Engine]:
        from .textract import TextractEngine

        return TextractEngine

    def local() -> type[Engine]:
        from .local import LocalEngine

        return LocalEngine

    def replay() -> type[Engine]:
        from .replay import ReplayEngine

        return ReplayEngine

    for name, loader in (("rekognition", rekognition), ("textract", textract), ("local", local),
                         ("replay", replay)):
        _REGISTRY.setdefault(name, loader)


def engine_names() -> list[str]:
    """Every engine a run may name: the built-in ones and those installed packages declare in the
    ``docbatch.engines`` entry-point group, looked for on each call (a path added since is seen)."""
    _builtin()
    for ep in entry_points(group="docbatch.engines"):
        _REGISTRY.setdefault(ep.name, ep.load())
    return sorted(_REGISTRY)


def engine_class(name: str) -> type[Engine]:
    """The engine class registered under ``name``; ``ConfigError`` naming the known ones if none is.

    A name already registered is answered without reading the installed packages' entry points
    again (a scan costs tens of milliseconds, and every run asks): a scan only adds names the
    registry does not hold, so it could not change the answer."""
    _builtin()
    if name not in _REGISTRY and name not in engine_names():
        raise ConfigError(f"unknown engine {name!r}; known: {', '.join(engine_names())}")
    return _REGISTRY[name]()


def create_engine(name: str, settings: EngineSettings) -> Engine:
    """A new engine of the class registered under ``name``, built with the run's engine settings."""
    return engine_class(name)(settings)
