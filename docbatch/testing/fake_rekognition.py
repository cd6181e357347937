"""A local server speaking Amazon Rekognition's DetectText and Textract's DetectDocumentText wire protocols.

Why: pipelines (and docbatch's own functional tests) must be testable offline, through
the *real* boto3 client, against the failures that matter in production: throttling,
5xx, connection resets, read timeouts, bad images, missing S3 objects.  A mock of the
client would test nothing of that; this is a real HTTP server on the loopback.

Protocol (AWS JSON 1.1, as boto3's ``rekognition`` client sends it): ``POST /`` with
``X-Amz-Target: RekognitionService.DetectText`` and a body ``{"Image": {"Bytes": b64}}``
or ``{"Image": {"S3Object": {"Bucket", "Name", "Version"}}}`` plus optional ``Filters``.
Signatures are accepted unchecked.  Errors use the AWS JSON error shape (HTTP status,
body ``{"__type": code, "message": ...}``, header ``x-amzn-ErrorType``), which botocore
turns into ``ClientError.response["Error"]["Code"]``.

The same server answers ``X-Amz-Target: Textract.DetectDocumentText`` (``{"Document":
...}``, as boto3's ``textract`` client sends it) with the same quota (one bucket for both
protocols), faults, latency, replay folder and far-side engine; the answer is converted to
``Blocks`` and nothing is capped.  What differs per service (limits, error codes, answer
shape) is in :mod:`.dialects`.

How a request is answered, in order:

1. the per-server TPS quota (token bucket on the injected ``clock``) -> throttling error;
2. the injected fault schedule (:mod:`.faults`; it sees only requests the quota let through;
   both in :mod:`.admission`);
3. validation like the service: JPEG/PNG magic bytes, 5 MB for Bytes (15 MB for S3);
   Textract: JPEG/PNG/TIFF/PDF, 10 MB;
4. a saved response from ``replay_dir`` (``<sha256 of bytes>.json``, or for S3Object
   ``<object key stem>.json``, which answers without reading S3 at all, so replay works
   offline), else the engine (the local OCR engine, built on first use), which reads a
   Rekognition JPEG turned upright by its EXIF orientation, as the service does
   (:mod:`.far_side`);
5. ``Filters`` (WordFilter, RegionsOfInterest), then the service's cap of 100 WORDs:
   the first 100 in reading order unless ``word_cap_order`` says otherwise (the service
   does not document its choice; see :mod:`.response_shaping`), a LINE kept with its full
   text while one of its WORDs is (Textract: every word, as Blocks);
6. ``latency`` (and a ``slow`` fault's delay) before the answer is sent.

How an answer goes over HTTP is :mod:`.aws_json`'s; what the server saw, :mod:`.request_log`'s.

Use it as a context manager in tests, or block in a CLI::

    FakeRekognitionServer(port=9000, replay_dir="responses").serve_forever()
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from ..errors import ConfigError
from ..regions import CAP_ORDERS
from .admission import THROTTLE_CODES, Admission
from .aws_json import Answer, AwsJsonHttpServer, Connections, Reject, image_key, image_of, json_object
from .dialects import DIALECTS, Dialect
from .far_side import FarSide, ReplayOnly, TextEngine
from .faults import Fault
from .request_log import RequestLog, RequestRecord

__all__ = ["FakeRekognitionServer", "Fault", "ReplayOnly", "RequestRecord", "TextEngine", "THROTTLE_CODES",
           "image_key"]

log = logging.getLogger(__name__)


class FakeRekognitionServer:
    """A threaded HTTP server answering DetectText like the service; see the module docstring.

    ``tps``/``burst`` set the quota (``burst`` defaults to ``tps``; ``None`` = unlimited);
    ``throttle_code`` is the error code of a throttled call; ``latency`` seconds are
    added before every answer; ``engine`` replaces the local OCR engine (tests inject a
    deterministic one); ``clock`` drives the quota and the request log's times;
    ``word_cap_order`` is which 100 WORDs a DetectText answer keeps (``reading``, the
    default, ``confidence`` or ``random``; see :mod:`.response_shaping`).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        replay_dir: str | Path | None = None,
        s3_endpoint_url: str | None = None,
        s3_region: str = "us-east-1",
        tps: float | None = None,
        burst: int | None = None,
        throttle_code: str = "ThrottlingException",
        latency: float = 0.0,
        faults: Sequence[Fault] = (),
        engine: TextEngine | None = None,
        clock: Callable[[], float] = time.monotonic,
        word_cap_order: str = "reading",
    ) -> None:
        if word_cap_order not in CAP_ORDERS:
            raise ConfigError(f"word_cap_order must be one of {', '.join(CAP_ORDERS)}")
        self.word_cap_order = word_cap_order
        if throttle_code not in THROTTLE_CODES:
            raise ConfigError(f"throttle_code must be one of {', '.join(THROTTLE_CODES)}")
        if tps is not None and tps <= 0:
            raise ConfigError("tps must be > 0 (or None for no quota)")
        if burst is not None and (tps is None or burst < 1):
            raise ConfigError("burst needs a tps and must be >= 1")
        if latency < 0:
            raise ConfigError("latency must be >= 0")
        self.host = host
        self.port = port
        self.replay_dir = Path(replay_dir) if replay_dir is not None else None
        self.s3_endpoint_url = s3_endpoint_url
        self.s3_region = s3_region
        self.tps = tps
        self.throttle_code = throttle_code
        self.latency = latency
        self.faults = tuple(faults)
        self._clock = clock
        self._admission = Admission(tps=tps, burst=burst, throttle_code=throttle_code, faults=self.faults,
                                    clock=clock)
        self._far_side = FarSide(replay_dir=self.replay_dir, engine=engine, s3_endpoint_url=s3_endpoint_url,
                                 s3_region=s3_region)
        self._t0 = clock()
        self._log = RequestLog(self._t0)
        self._connections = Connections()
        self._stopping = threading.Event()
        self._httpd: AwsJsonHttpServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> FakeRekognitionServer:
        """Bind and serve in a daemon thread; returns self (``port=0`` picks a free port)."""
        if self._httpd is not None or self._stopping.is_set():
            raise ConfigError("a FakeRekognitionServer can be started once")
        httpd = AwsJsonHttpServer((self.host, self.port), self, self._connections)
        self._httpd = httpd
        self.port = httpd.server_address[1]
        # a short poll keeps stop() quick: shutdown() waits for the loop to look again
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-rekognition", daemon=True)
        self._thread.start()
        log.info("fake Rekognition listening on %s", self.endpoint_url)
        return self

    def stop(self) -> None:
        """Stop serving, cut open keep-alive connections and wake stalled answers; idempotent."""
        self._stopping.set()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            self._connections.cut()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._far_side.close()

    def serve_forever(self) -> None:
        """Start if needed and block until :meth:`stop` (from another thread) or Ctrl-C."""
        if self._httpd is None:
            self.start()
        try:
            logged = 0  # seconds already logged (the one under way is not over)
            while not self._stopping.wait(1.0):
                over = int(self._clock() - self._t0)
                for second, admitted, throttled in self.per_second()[logged:over]:
                    if admitted or throttled:
                        log.info("second %d: %d admitted, %d throttled", second, admitted, throttled)
                logged = max(logged, over)
        finally:
            self.stop()

    def __enter__(self) -> FakeRekognitionServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def endpoint_url(self) -> str:
        if self._httpd is None:
            raise ConfigError("the server is not running")
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host  # where a client can connect
        return f"http://{host}:{self.port}"

    # -- observation -------------------------------------------------------------------

    @property
    def request_log(self) -> list[RequestRecord]:
        """A snapshot of every request so far, in the order they were answered."""
        return self._log.records()

    def per_second(self) -> list[tuple[int, int, int]]:
        """(second, admitted, throttled) for every second since the server was made, on its
        ``clock``: how a client's calls met the quota (throttled: a throttling code was sent)."""
        return self._log.per_second()

    @property
    def open_connections(self) -> int:
        """Client connections not yet closed: while one is open a request on it may still be logged."""
        return len(self._connections)

    def calls_for(self, image: bytes | str) -> int:
        """How many DetectText requests named this image (bytes, ``s3://`` URI or key)."""
        return self._log.calls_for(image)

    # -- answering ---------------------------------------------------------------------

    def answer(self, target: str, body: bytes) -> Answer:
        """Decide the whole answer to one request (its ``X-Amz-Target`` and body), record it,
        then wait out any delay; never raises (a server thread must answer)."""
        arrived = self._clock()
        key: str | None = None
        fault: Fault | None = None
        dialect = DIALECTS.get(target)
        try:
            if dialect is None:
                raise Reject(400, "UnknownOperationException", f"Unknown operation {target}")
            request = json_object(body)
            key, data, s3_object = image_of(request.get(dialect.image_field))
            fault = self._admission.admit(key)
            if fault is not None and fault.kind != "slow":
                answer = self._admission.fault_answer(fault, dialect)
            else:
                answer = Answer(200, self._detect(dialect, request, data, s3_object), "ok")
        except Reject as rej:
            answer = rej.answer()
        except Exception:  # a server thread must answer, whatever broke
            log.exception("fake Rekognition failed on a request")
            answer = Answer(500, {"__type": "InternalServerError", "message": "Internal server error"},
                            "InternalServerError")
        record = RequestRecord(arrived, key, None if answer.reset else answer.status, answer.outcome,
                               fault.kind if fault is not None else None, dialect.service if dialect else None)
        self._log.add(record)
        delay = self.latency + (fault.seconds if fault is not None and fault.kind == "slow" else 0.0)
        if delay and not answer.reset:
            self._stopping.wait(delay)
        return answer

    def _detect(self, dialect: Dialect, request: Mapping[str, Any], data: bytes | None,
                s3_object: Mapping[str, Any] | None) -> dict[str, Any]:
        response = dict(self._far_side.response(dialect, data, s3_object))
        response.pop("ResponseMetadata", None)
        if not isinstance(response.get("TextDetections", response.get("Blocks")), list):
            raise Reject(500, "InternalServerError", "the saved or computed response has no TextDetections")
        return dialect.shape(response, request, cap_order=self.word_cap_order)
