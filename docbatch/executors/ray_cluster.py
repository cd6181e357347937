"""Ray actors, each holding one loaded processor: the embedded engine over a cluster's CPUs.

``--executor ray [--ray-address ADDR]`` (the ``docbatch[ray]`` extra).  Why it looks the way
it does:

* **Actors, not tasks.**  An actor builds its processor (engine, S3 client, response cache)
  once and keeps it, as a pool process does: the OCR models load once per worker, not once
  per document.  One actor per CPU of the cluster (``--concurrency`` to choose), one CPU each;
  each document goes to the actor with the fewest documents outstanding, two in flight per
  actor so no worker waits for the driver.
* **Same run as the local pool.**  Actors only turn documents into results; the driver (this
  process) still reads the manifest, journals, writes raw responses and reports progress, so
  outputs, resume and progress are the local pool's.  Sources are read where the actor runs:
  on a cluster of several machines they must be ``s3://`` URIs or paths every node sees.
* **A dead worker is retried, never an answer.**  An actor that dies (a crash, the OOM killer,
  a lost node) is restarted by Ray and its documents sent again (``max_task_retries``, the
  run's attempt budget); past it the document fails ``retries_exhausted:worker_lost``, which the
  next run retries.
* **CPU-bound engines only.**  A paced engine (Rekognition, Textract) paces its calls in one
  process against the account's quota; spreading it over actors would split the pacer.
* **The run keeps its signals.**  ``ray.init`` installs its own SIGTERM handler; the runner's
  (finish in-flight documents, save, exit 130) is put back.  A Ray instance docbatch started
  is shut down at the end; one the caller had connected (a notebook's) is left running.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import signal
import threading
from typing import Any

from ..errors import ConfigError, DocbatchError
from ..pipeline import DocumentProcessor, Known, build_processor
from ..records import Document, DocumentResult
from .base import Executor, worker_lost

#: Documents in flight per actor: one working, one waiting next to it.
PER_ACTOR = 2


class _Worker:
    """The actor's body: one processor, built once in the actor's process."""

    def __init__(self, stages: Any, engine: Any) -> None:
        self._processor: DocumentProcessor = build_processor(stages, engine)

    def ready(self) -> bool:
        return True

    def process(self, doc: Document, known: Known | None) -> DocumentResult:
        return self._processor.process(doc, known)


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("--executor ray needs Ray: pip install 'docbatch[ray]'") from exc
    return ray


def _init(ray: Any, address: str | None) -> bool:
    """Connect to (or start) Ray unless the caller already did; True when docbatch did."""
    if ray.is_initialized():
        return False
    main = threading.current_thread() is threading.main_thread()
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)} if main else {}
    try:
        ray.init(address=address, include_dashboard=False, logging_level=logging.ERROR)
    except (ConnectionError, ValueError, RuntimeError) as exc:
        raise ConfigError(f"cannot reach the Ray cluster at {address or 'the default address'}: {exc}") from exc
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    return True


class RayExecutor(Executor):
    """One actor per worker on a Ray cluster (see the module's docstring)."""

    name = "ray"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.engine_class.parallelism != "processes":
            raise ConfigError(f"--executor ray spreads CPU-bound engines (local); the {self.engine_class.name} "
                              "engine runs in threads of one process (a paid engine is paced there against its "
                              "quota): use --executor local")
        ray = self._ray = _import_ray()
        self._started = _init(ray, self.stages.executor.ray_address)
        try:
            self._actors = self._start_actors(ray)
        except BaseException:
            self._shutdown()
            raise
        self._outstanding = [0] * len(self._actors)
        self._lock = threading.Lock()

    def _start_actors(self, ray: Any) -> list[Any]:
        cpus = int(ray.cluster_resources().get("CPU", 0))
        wanted = self.stages.rate.concurrency or cpus
        if wanted < 1 or wanted > cpus:
            raise ConfigError(f"{wanted} Ray workers asked for, the cluster has {cpus} CPUs: "
                              "lower --concurrency (one CPU per worker)")
        retries = max(0, self.stages.retry.max_attempts - 1)
        self._attempts = retries + 1
        actor = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=retries)(_Worker)
        actors = [actor.remote(self.stages, self.engine) for _ in range(wanted)]
        try:
            ray.get([a.ready.remote() for a in actors])
        except ray.exceptions.RayTaskError as exc:  # the processor could not be built: a broken environment
            cause = exc.cause
            raise cause if isinstance(cause, DocbatchError) else ConfigError(f"a Ray worker cannot start: {exc}")
        return actors

    def submit(self, doc: Document, known: Known | None) -> cf.Future:
        with self._lock:
            index = min(range(len(self._actors)), key=self._outstanding.__getitem__)
            self._outstanding[index] += 1
        out: cf.Future = cf.Future()
        ref = self._actors[index].process.remote(doc, known)
        ref.future().add_done_callback(lambda done: self._finish(done, index, doc, out))
        return out

    def _finish(self, done: cf.Future, index: int, doc: Document, out: cf.Future) -> None:
        with self._lock:
            self._outstanding[index] -= 1
        errors = self._ray.exceptions
        try:
            out.set_result(done.result())
        except errors.RayActorError as exc:  # the worker died under it, every attempt
            out.set_result(worker_lost(doc, self.engine_class.name, self._attempts, type(exc).__name__))
        except errors.RayTaskError as exc:  # raised by the processor: RunStopped only (see the contract)
            out.set_exception(exc.cause if isinstance(exc.cause, BaseException) else exc)
        except BaseException as exc:  # noqa: BLE001 - handed to the runner as the pool would
            out.set_exception(exc)

    def in_flight_target(self) -> int:
        return PER_ACTOR * len(self._actors)

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._shutdown()

    def _shutdown(self) -> None:
        if self._started:
            self._ray.shutdown()
