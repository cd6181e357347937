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
  a lost node) is replaced by a new one, and every document that was waiting on it is sent
  again alone to one more actor kept for that (:mod:`.suspects`): a document queued behind the
  one that killed the worker is answered, and the killer fails ``retries_exhausted:worker_lost``
  past the run's attempt budget, which the next run retries.  (Ray's own restarts and
  ``max_task_retries`` send both back to the same actor, and fail what reaches it restarting.)
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
from .base import Executor
from .suspects import Suspects, copy_outcome, outcome_error

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
        self._alone: Any = None
        self._closed = False
        #: Where results are handled: Ray runs a ref's callbacks on its own thread, where calling
        #: Ray again (a kill, a new actor, a task) deadlocks.
        self._relay = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="docbatch-ray")
        self._suspects = Suspects(self._run_alone, died=lambda error: isinstance(error, ray.exceptions.RayActorError),
                                  deliver=self._deliver, after_death=self._drop_alone,
                                  attempts=self.stages.retry.max_attempts, engine_name=self.engine_class.name,
                                  detail="its Ray worker died")

    def _start_actors(self, ray: Any) -> list[Any]:
        cpus = int(ray.cluster_resources().get("CPU", 0))
        wanted = self.stages.rate.concurrency or cpus
        if wanted < 1 or wanted > cpus:
            raise ConfigError(f"{wanted} Ray workers asked for, the cluster has {cpus} CPUs: "
                              "lower --concurrency (one CPU per worker)")
        self._actor = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(_Worker)
        actors = [self._new_actor() for _ in range(wanted)]
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
            actor = self._actors[index]
        out: cf.Future = cf.Future()
        self._relayed(actor.process.remote(doc, known)).add_done_callback(
            lambda done: self._finish(done, index, actor, doc, known, out))
        return out

    def _relayed(self, ref: Any) -> cf.Future:
        """A future of ``ref``'s outcome whose callbacks run on the relay thread."""
        relayed: cf.Future = cf.Future()

        def relay(done: cf.Future) -> None:
            try:
                self._relay.submit(copy_outcome, done, relayed)
            except RuntimeError:  # closed: the run is over and reads nothing more
                pass

        ref.future().add_done_callback(relay)
        return relayed

    def _new_actor(self, **options: Any) -> Any:
        """A new worker; documents sent to it wait until it has built its processor."""
        return self._actor.options(**options).remote(self.stages, self.engine)

    def _finish(self, done: cf.Future, index: int, actor: Any, doc: Document, known: Known | None,
                out: cf.Future) -> None:
        died = isinstance(outcome_error(done), self._ray.exceptions.RayActorError)
        with self._lock:
            self._outstanding[index] -= 1
            died = died and not self._closed  # closing kills the actors: their documents go unanswered
            if died and self._actors[index] is actor:  # the first document to see the death replaces it
                self._actors[index] = self._new_actor()
        if died:
            self._ray.kill(actor)
            self._suspects.add(doc, known, out)
        else:
            self._deliver(done, out)

    def _run_alone(self, doc: Document, known: Known | None, out: cf.Future) -> cf.Future | None:
        with self._lock:
            if self._closed:
                out.set_exception(RuntimeError("the Ray executor is closed"))
                return None
            if self._alone is None:  # no CPU of its own: it runs while the others wait on their results
                self._alone = self._new_actor(num_cpus=0)
            alone = self._alone
        return self._relayed(alone.process.remote(doc, known))

    def _drop_alone(self) -> None:
        """The lone actor died under its suspect: the next suspect gets a new one."""
        with self._lock:
            alone, self._alone = self._alone, None
        if alone is not None:
            self._ray.kill(alone)

    def _deliver(self, done: cf.Future, out: cf.Future) -> None:
        try:
            out.set_result(done.result())
        except self._ray.exceptions.RayTaskError as exc:  # raised by the processor: RunStopped only (see the contract)
            out.set_exception(exc.cause if isinstance(exc.cause, BaseException) else exc)
        except BaseException as exc:  # noqa: BLE001 - handed to the runner as the pool would
            out.set_exception(exc)

    def in_flight_target(self) -> int:
        return PER_ACTOR * len(self._actors)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            actors = [*self._actors, *([self._alone] if self._alone is not None else [])]
        for actor in actors:
            self._ray.kill(actor)
        self._relay.shutdown(wait=True)
        self._shutdown()

    def _shutdown(self) -> None:
        if self._started:
            self._ray.shutdown()
