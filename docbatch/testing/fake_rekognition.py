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
2. the injected fault schedule (:mod:`.faults`; it sees only requests the quota let through);
3. validation like the service: JPEG/PNG magic bytes, 5 MB for Bytes (15 MB for S3);
   Textract: JPEG/PNG/TIFF/PDF, 10 MB;
4. a saved response from ``replay_dir`` (``<sha256 of bytes>.json``, or for S3Object
   ``<object key stem>.json``, which answers without reading S3 at all, so replay works
   offline), else the engine (the local OCR engine, built on first use), which reads a
   Rekognition JPEG turned upright by its EXIF orientation, as the service does;
5. ``Filters`` (WordFilter, RegionsOfInterest), then the service's cap of 100 WORDs:
   the first 100 in reading order unless ``word_cap_order`` says otherwise (the service
   does not document its choice; see :mod:`.response_shaping`), a LINE kept with its full
   text while one of its WORDs is (Textract: every word, as Blocks);
6. ``latency`` (and a ``slow`` fault's delay) before the answer is sent.

Use it as a context manager in tests, or block in a CLI::

    FakeRekognitionServer(port=9000, replay_dir="responses").serve_forever()
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Mapping, Protocol, Sequence

from ..errors import BadImageError, ConfigError
from ..records import Document, ImageInput
from ..ratelimit import TokenBucket
from ..regions import CAP_ORDERS
from .dialects import DIALECTS, Dialect
from .faults import Fault, FaultSchedule

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/x-amz-json-1.1"
THROTTLE_CODES = ("ThrottlingException", "ProvisionedThroughputExceededException", "LimitExceededException")

_S3_UNREADABLE = "Unable to get object metadata from S3. Check object key, region and/or access permissions."


class TextEngine(Protocol):
    """Anything with docbatch's engine method; the server serialises calls to it."""

    def detect_text(self, image: ImageInput, document: Document) -> dict[str, Any]: ...


class ReplayOnly:
    """A far side for a server that must answer from ``replay_dir`` alone: an image without
    a saved answer is refused like an unreadable one (visibly), never read by an OCR."""

    def detect_text(self, image: ImageInput, document: Document) -> dict[str, Any]:
        raise BadImageError("no saved answer for these bytes")


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it (``time``: its arrival, on the server's ``clock``).

    ``image_key`` is :func:`image_key` of the image (None when the request named none);
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


def image_key(image: bytes | str) -> str:
    """The server's per-image key: sha256 of the bytes, or of the ``s3://bucket/key`` URI.

    Any other string is taken to be a key already.
    """
    if isinstance(image, bytes):
        return hashlib.sha256(image).hexdigest()
    if image.startswith("s3://"):
        return hashlib.sha256(image.encode("utf-8")).hexdigest()
    return image


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
        self.throttle_code = throttle_code
        self.latency = latency
        self.faults = tuple(faults)
        self._clock = clock
        # The quota is the same token bucket docbatch paces itself with, used to refuse
        # rather than to wait (the service starts full: a burst is allowed).
        self._bucket = (TokenBucket(tps, capacity=burst or max(1, int(tps)), clock=clock)
                        if tps is not None else None)
        self._schedule = FaultSchedule(self.faults)
        self._engine = engine
        self._owns_engine = engine is None
        self._engine_lock = threading.Lock()
        self._s3_client: Any = None
        self._s3_lock = threading.Lock()
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._t0 = clock()
        self._seconds: dict[int, list[int]] = {}  # second since start -> [admitted, throttled]
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> FakeRekognitionServer:
        """Bind and serve in a daemon thread; returns self (``port=0`` picks a free port)."""
        if self._httpd is not None or self._stopping.is_set():
            raise ConfigError("a FakeRekognitionServer can be started once")
        httpd = ThreadingHTTPServer((self.host, self.port), _Handler)
        httpd.daemon_threads = True
        httpd.app = self  # type: ignore[attr-defined]
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
            with self._log_lock:
                connections = list(self._connections)
            for conn in connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._owns_engine and self._engine is not None and hasattr(self._engine, "close"):
            self._engine.close()

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
        with self._log_lock:
            return list(self._log)

    def per_second(self) -> list[tuple[int, int, int]]:
        """(second, admitted, throttled) for every second since the server was made, on its
        ``clock``: how a client's calls met the quota (throttled: a throttling code was sent)."""
        with self._log_lock:
            last = max(self._seconds, default=-1)
            return [(s, *self._seconds.get(s, (0, 0))) for s in range(last + 1)]

    @property
    def open_connections(self) -> int:
        """Client connections not yet closed: while one is open a request on it may still be logged."""
        with self._log_lock:
            return len(self._connections)

    def calls_for(self, image: bytes | str) -> int:
        """How many DetectText requests named this image (bytes, ``s3://`` URI or key)."""
        key = image_key(image)
        with self._log_lock:
            return sum(1 for r in self._log if r.image_key == key)

    # -- answering ---------------------------------------------------------------------

    def _answer(self, target: str, body: bytes) -> _Answer:
        """Decide the whole answer to one request, record it, then wait out any delay."""
        arrived = self._clock()
        key: str | None = None
        fault: Fault | None = None
        dialect = DIALECTS.get(target)
        try:
            if dialect is None:
                raise _Reject(400, "UnknownOperationException", f"Unknown operation {target}")
            request = _json_object(body)
            key, data, s3_object = _image_of(request.get(dialect.image_field))
            if self._bucket is not None and self._bucket.try_acquire() > 0:
                raise _Reject(400, self.throttle_code, "Rate exceeded")
            fault = self._schedule.pick(key)
            if fault is not None and fault.kind != "slow":
                answer = _fault_answer(fault, self.throttle_code, dialect)
            else:
                answer = _Answer(200, self._detect(dialect, request, data, s3_object), "ok")
        except _Reject as rej:
            answer = _Answer(rej.status, {"__type": rej.code, "message": rej.message}, rej.code)
        except Exception:  # a server thread must answer, whatever broke
            log.exception("fake Rekognition failed on a request")
            answer = _Answer(500, {"__type": "InternalServerError", "message": "Internal server error"},
                             "InternalServerError")
        record = RequestRecord(arrived, key, None if answer.reset else answer.status, answer.outcome,
                               fault.kind if fault is not None else None, dialect.service if dialect else None)
        with self._log_lock:
            self._log.append(record)
            self._seconds.setdefault(int(arrived - self._t0), [0, 0])[answer.outcome in THROTTLE_CODES] += 1
        delay = self.latency + (fault.seconds if fault is not None and fault.kind == "slow" else 0.0)
        if delay and not answer.reset:
            self._stopping.wait(delay)
        return answer

    def _detect(self, dialect: Dialect, request: Mapping[str, Any], data: bytes | None,
                s3_object: Mapping[str, Any] | None) -> dict[str, Any]:
        response: dict[str, Any] | None = None
        if s3_object is not None:
            response = self._replay(PurePosixPath(s3_object["Name"]).stem)
            if response is None:
                image, limit = self._fetch(s3_object), dialect.max_s3_bytes
        else:
            image, limit = data or b"", dialect.max_bytes
        if response is None:
            refused = dialect.check(image, limit)
            if refused is not None:
                raise _Reject(400, *refused)
            response = self._replay(hashlib.sha256(image).hexdigest())
            if response is None:
                response = self._run_engine(image, dialect)
        response = dict(response)
        response.pop("ResponseMetadata", None)
        if not isinstance(response.get("TextDetections", response.get("Blocks")), list):
            raise _Reject(500, "InternalServerError", "the saved or computed response has no TextDetections")
        return dialect.shape(response, request, cap_order=self.word_cap_order)

    def _replay(self, name: str) -> dict[str, Any] | None:
        if self.replay_dir is None:
            return None
        path = self.replay_dir / f"{name}.json"
        if not path.is_file():
            return None
        return _json_object(path.read_bytes())

    def _run_engine(self, data: bytes, dialect: Dialect) -> dict[str, Any]:
        digest = hashlib.sha256(data).hexdigest()
        document = Document(doc_id=digest[:16], source=f"sha256:{digest}", doc_type="auto", row_no=0)
        with self._engine_lock:  # one OCR at a time: the local engine is CPU-bound, not re-entrant
            if self._engine is None:
                from ..engines.base import EngineSettings, create_engine

                self._engine = create_engine("local", EngineSettings())
            try:
                return self._engine.detect_text(ImageInput(data=dialect.seen(data)), document)
            except BadImageError as exc:
                raise _Reject(400, dialect.unreadable, dialect.bad_format_message) from exc

    def _fetch(self, s3_object: Mapping[str, Any]) -> bytes:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        with self._s3_lock:
            if self._s3_client is None:
                self._s3_client = boto3.client("s3", endpoint_url=self.s3_endpoint_url, region_name=self.s3_region)
        params = {"Bucket": s3_object["Bucket"], "Key": s3_object["Name"]}
        if s3_object.get("Version"):
            params["VersionId"] = s3_object["Version"]
        try:
            return self._s3_client.get_object(**params)["Body"].read()
        except ClientError as exc:
            raise _Reject(400, "InvalidS3ObjectException", _S3_UNREADABLE) from exc
        except BotoCoreError as exc:
            log.warning("fake Rekognition could not reach S3: %s", exc)
            raise _Reject(500, "InternalServerError", "Internal server error") from exc


# -- the HTTP side ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    status: int
    payload: Mapping[str, Any] | None
    outcome: str
    reset: bool = False
    #: Bytes sent instead of the JSON payload (garbage answers).
    raw: bytes | None = None


class _Reject(Exception):
    """An answer in the AWS JSON error shape; never leaves this module."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pooled connections expect
    server_version = "docbatch-fake-rekognition"
    timeout = 120  # drop idle keep-alive connections eventually
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms ACK stalls

    def setup(self) -> None:
        super().setup()
        app: FakeRekognitionServer = self.server.app  # type: ignore[attr-defined]
        with app._log_lock:
            app._connections.add(self.connection)

    def finish(self) -> None:
        app: FakeRekognitionServer = self.server.app  # type: ignore[attr-defined]
        with app._log_lock:
            app._connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def do_POST(self) -> None:
        app: FakeRekognitionServer = self.server.app  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = app._answer(self.headers.get("X-Amz-Target", ""), body)
        if answer.reset:
            # SO_LINGER 0 makes close() send RST: the client sees a reset, not an answer.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        payload = answer.raw if answer.raw is not None else json.dumps(answer.payload).encode("utf-8")
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", CONTENT_TYPE)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            if answer.status >= 400:
                self.send_header("x-amzn-ErrorType", answer.outcome)
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up (e.g. read timeout during a slow fault)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("fake Rekognition: " + format, *args)


# -- request parsing and validation -----------------------------------------------------


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError as exc:
        raise _Reject(400, "SerializationException", "Request body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise _Reject(400, "SerializationException", "Request body is not a JSON object")
    return value


def _image_of(image: Any) -> tuple[str, bytes | None, Mapping[str, Any] | None]:
    """(key, bytes, S3Object) of the request's Image; exactly one of bytes and S3Object."""
    if not isinstance(image, dict) or ("Bytes" in image) == ("S3Object" in image):
        raise _Reject(400, "InvalidParameterException", "Request has invalid parameters")
    if "Bytes" in image:
        try:
            data = base64.b64decode(image["Bytes"], validate=True)
        except (binascii.Error, TypeError, ValueError) as exc:
            raise _Reject(400, "InvalidParameterException", "Request has invalid parameters") from exc
        return image_key(data), data, None
    s3_object = image["S3Object"]
    if not isinstance(s3_object, dict) or not s3_object.get("Bucket") or not s3_object.get("Name"):
        raise _Reject(400, "InvalidParameterException", "Request has invalid parameters")
    return image_key(f"s3://{s3_object['Bucket']}/{s3_object['Name']}"), None, s3_object


#: 200 answers that are not DetectText responses.
_GARBAGE = {
    "html200": b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    "truncated200": b'{"TextDetections": [{"DetectedText": "TOT',
    "notext200": b'{"TextModelVersion": "3.0"}',
}


def _fault_answer(fault: Fault, throttle_code: str, dialect: Dialect) -> _Answer:
    if fault.kind == "reset":
        return _Answer(0, None, "reset", reset=True)
    if fault.kind in _GARBAGE:
        return _Answer(200, None, fault.kind, raw=_GARBAGE[fault.kind])
    status, code, message = {
        "http500": (500, "InternalServerError", "Internal server error"),
        "http503": (503, "ServiceUnavailableException", "Service unavailable"),
        "invalid_image": (400, dialect.bad_format, dialect.bad_format_message),
        "throttle": (400, throttle_code, "Rate exceeded"),
        "denied": (400, "AccessDeniedException", "User is not authorized to perform: rekognition:DetectText"),
        "expired": (400, "ExpiredTokenException", "The security token included in the request is expired"),
    }[fault.kind]
    return _Answer(status, {"__type": code, "message": message}, code)
