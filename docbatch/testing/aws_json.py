"""The fake Rekognition server's wire: AWS JSON 1.1 over keep-alive HTTP on the loopback.

Why apart from the server: what is answered (quota, faults, the far side, the answer's
shape) does not depend on how it is sent, and how it is sent is where botocore's
expectations live: pooled keep-alive connections, the AWS JSON error shape (HTTP status,
body ``{"__type": code, "message": ...}``, header ``x-amzn-ErrorType``, which botocore
turns into ``ClientError.response["Error"]["Code"]``), a connection reset sent as a real
RST.  Here: the request body and its ``Image`` member read as the service reads them,
the :class:`Answer` a request gets, and the HTTP handler that sends it.
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
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Mapping, Protocol

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/x-amz-json-1.1"


@dataclass(frozen=True)
class Answer:
    """What one request gets: a status and JSON payload, raw bytes, or a connection reset.

    ``outcome`` is what the request log records (``"ok"``, the error code, ``"reset"``).
    """

    status: int
    payload: Mapping[str, Any] | None
    outcome: str
    reset: bool = False
    #: Bytes sent instead of the JSON payload (garbage answers).
    raw: bytes | None = None


class Reject(Exception):
    """An answer in the AWS JSON error shape, raised wherever a request is refused and
    turned into its :class:`Answer` by the server (:meth:`answer`)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def answer(self) -> Answer:
        return Answer(self.status, {"__type": self.code, "message": self.message}, self.code)


def image_key(image: bytes | str) -> str:
    """The server's per-image key: sha256 of the bytes, or of the ``s3://bucket/key`` URI.

    Any other string is taken to be a key already.
    """
    if isinstance(image, bytes):
        return hashlib.sha256(image).hexdigest()
    if image.startswith("s3://"):
        return hashlib.sha256(image.encode("utf-8")).hexdigest()
    return image


def json_object(body: bytes) -> dict[str, Any]:
    """A request body (or a saved response) as a JSON object, refused as the service does."""
    try:
        value = json.loads(body or b"{}")
    except ValueError as exc:
        raise Reject(400, "SerializationException", "Request body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise Reject(400, "SerializationException", "Request body is not a JSON object")
    return value


def image_of(image: Any) -> tuple[str, bytes | None, Mapping[str, Any] | None]:
    """(key, bytes, S3Object) of the request's Image; exactly one of bytes and S3Object."""
    if not isinstance(image, dict) or ("Bytes" in image) == ("S3Object" in image):
        raise Reject(400, "InvalidParameterException", "Request has invalid parameters")
    if "Bytes" in image:
        try:
            data = base64.b64decode(image["Bytes"], validate=True)
        except (binascii.Error, TypeError, ValueError) as exc:
            raise Reject(400, "InvalidParameterException", "Request has invalid parameters") from exc
        return image_key(data), data, None
    s3_object = image["S3Object"]
    if not isinstance(s3_object, dict) or not s3_object.get("Bucket") or not s3_object.get("Name"):
        raise Reject(400, "InvalidParameterException", "Request has invalid parameters")
    return image_key(f"s3://{s3_object['Bucket']}/{s3_object['Name']}"), None, s3_object


class Responder(Protocol):
    """The side that decides answers (the fake server)."""

    def answer(self, target: str, body: bytes) -> Answer: ...


class Connections:
    """The client connections open now, so stopping can cut keep-alive ones a client holds."""

    def __init__(self) -> None:
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._open)

    def add(self, conn: socket.socket) -> None:
        with self._lock:
            self._open.add(conn)

    def discard(self, conn: socket.socket) -> None:
        with self._lock:
            self._open.discard(conn)

    def cut(self) -> None:
        with self._lock:
            connections = list(self._open)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class AwsJsonHttpServer(ThreadingHTTPServer):
    """A threaded HTTP server whose every ``POST`` is answered by ``responder``."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], responder: Responder, connections: Connections) -> None:
        super().__init__(address, _Handler)
        self.responder = responder
        self.connections = connections


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pooled connections expect
    server_version = "docbatch-fake-rekognition"
    timeout = 120  # drop idle keep-alive connections eventually
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms ACK stalls
    server: AwsJsonHttpServer

    def setup(self) -> None:
        super().setup()
        self.server.connections.add(self.connection)

    def finish(self) -> None:
        self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = self.server.responder.answer(self.headers.get("X-Amz-Target", ""), body)
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
