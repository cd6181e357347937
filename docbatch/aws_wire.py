"""HTTP/1.1 keep-alive connections to one AWS endpoint, for the engines' directly sent calls.

botocore's ``URLLib3Session`` sends a call through urllib3 and ``http.client``: a connection
pool manager, a pool per host, the request written header by header, the answer's headers
parsed by the ``email`` package, the body streamed through two layers of response objects.
Against a server that costs nothing that is ~0.5 ms of a ~1 ms DetectText call
(``benchmarks/profile_overhead.py``), for a POST of a few headers and a JSON body and an
answer with a length.  :class:`Wire` writes the request in one ``sendall`` and reads the answer
through one buffered reader (a length, chunks, or up to the close).

What it keeps of botocore's session, so a call fails the same way: the connect and read
timeouts; the socket options; TLS through botocore's own context (its ciphers and options),
the same CA bundle and the host name checked; at most ``max_pool`` idle connections kept, and an
idle one the server has closed is not reused; and botocore's exceptions, raised where
urllib3's would have become them: a connection refused or a name not resolved is
``EndpointConnectionError``, a connect that times out ``ConnectTimeoutError``, a read that
times out ``ReadTimeoutError``, a connection closed or reset or a malformed answer
``ConnectionClosedError``, a TLS failure ``SSLError``.  Proxies and client certificates stay
with botocore's session (:func:`wire_for` says which).
"""

from __future__ import annotations

import select
import socket
import ssl
import threading
from typing import Any, BinaryIO, Iterable
from urllib.parse import urlsplit

from botocore.awsrequest import HeadersDict
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
    SSLError,
)
from botocore.httpsession import create_urllib3_context, get_cert_path

#: As ``http.client``: the longest header line read, and the most header lines.
_MAX_LINE = 65536
_MAX_HEADERS = 100


class Answer:
    """An HTTP answer as botocore's response parsers read one (``convert_to_response_dict``)."""

    __slots__ = ("status_code", "headers", "content")

    def __init__(self, status_code: int, headers: HeadersDict, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


class _Broken(Exception):
    """The answer cannot be read as HTTP/1.1 (urllib3's ``ProtocolError``)."""


class _Connection:
    __slots__ = ("sock", "reader")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader: BinaryIO = sock.makefile("rb")

    def dropped(self) -> bool:
        """Closed by the server while idle (or holding bytes nobody asked for): urllib3's check
        (``poll``, which any descriptor number fits, unlike ``select``)."""
        try:
            if not hasattr(select, "poll"):  # Windows
                return bool(select.select([self.sock], [], [], 0)[0])
            poller = select.poll()
            poller.register(self.sock, select.POLLIN)
            return bool(poller.poll(0))
        except (OSError, ValueError):
            return True

    def close(self) -> None:
        _close(self.reader)
        _close(self.sock)


class Wire:
    """Requests to one endpoint (``scheme://host[:port]``) over kept-alive connections; thread-safe."""

    def __init__(self, endpoint_url: str, *, timeout: tuple[float, float], max_pool: int,
                 socket_options: Iterable[tuple[int, int, int]], verify: bool | str = True) -> None:
        parts = urlsplit(endpoint_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._https else 80)
        default = parts.port is None or parts.port == (443 if self._https else 80)
        bracketed = f"[{self._host}]" if ":" in self._host else self._host
        self._host_header = bracketed if default else f"{bracketed}:{parts.port}"
        self._connect_timeout, self._read_timeout = timeout
        self._max_pool = max_pool
        self._socket_options = list(socket_options)
        self._verify = verify
        self._tls: ssl.SSLContext | None = None
        self._idle: list[_Connection] = []
        self._lock = threading.Lock()

    def _tls_context(self) -> ssl.SSLContext:
        """botocore's context with the CA bundle loaded, made at the first connection and kept."""
        if self._tls is None:
            context = create_urllib3_context()
            if self._verify:
                context.check_hostname = True
                context.load_verify_locations(cafile=get_cert_path(self._verify))
            else:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            self._tls = context
        return self._tls

    def send(self, request: Any) -> Answer:
        """Send botocore's prepared ``request`` (method, url, headers, body) and read the answer."""
        url = request.url
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        head = [f"{request.method} {target} HTTP/1.1", f"Host: {self._host_header}", "Accept-Encoding: identity"]
        head.extend(f"{name}: {value}" for name, value in request.headers.items())
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        conn = self._take(url)
        try:
            conn.sock.sendall(data)
            status, headers, content, reusable = _read_answer(conn.reader)
        except ssl.SSLError as exc:
            conn.close()
            raise SSLError(endpoint_url=url, error=exc) from exc
        except (socket.timeout, TimeoutError) as exc:
            conn.close()
            raise ReadTimeoutError(endpoint_url=url, error=exc) from exc
        except (OSError, _Broken, ValueError) as exc:
            conn.close()
            raise ConnectionClosedError(endpoint_url=url, error=exc, request=request) from exc
        if reusable:
            self._give_back(conn)
        else:
            conn.close()
        return Answer(status, headers, content)

    def _take(self, url: str) -> _Connection:
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return self._connect(url)
            if not conn.dropped():
                return conn
            conn.close()

    def _give_back(self, conn: _Connection) -> None:
        with self._lock:
            if len(self._idle) < self._max_pool:
                self._idle.append(conn)
                return
        conn.close()

    def _connect(self, url: str) -> _Connection:
        plain: socket.socket | None = None
        try:
            plain = socket.create_connection((self._host, self._port), timeout=self._connect_timeout)
            for option in self._socket_options:
                plain.setsockopt(*option)
        except (socket.timeout, TimeoutError) as exc:
            _close(plain)
            raise ConnectTimeoutError(endpoint_url=url, error=exc) from exc
        except OSError as exc:  # refused, unreachable, a name not resolved (socket.gaierror)
            _close(plain)
            raise EndpointConnectionError(endpoint_url=url, error=exc) from exc
        sock = plain
        if self._https:
            # As urllib3 does it once the socket is open: the context (a CA bundle that cannot be
            # read is an SSLError of the call, not of the engine's start), then the handshake.
            try:
                sock = self._tls_context().wrap_socket(plain, server_hostname=self._host)
            except (socket.timeout, TimeoutError) as exc:  # urllib3: a timeout of the handshake is a read timeout
                _close(plain)
                raise ReadTimeoutError(endpoint_url=url, error=exc) from exc
            except OSError as exc:  # ssl.SSLError is one
                _close(plain)
                raise SSLError(endpoint_url=url, error=exc) from exc
        sock.settimeout(self._read_timeout)
        return _Connection(sock)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _close(part: socket.socket | BinaryIO | None) -> None:
    try:
        if part is not None:
            part.close()
    except OSError:
        pass


def _line(reader: BinaryIO) -> bytes:
    line = reader.readline(_MAX_LINE + 1)
    if len(line) > _MAX_LINE:
        raise _Broken("header line too long")
    return line


def _read_answer(reader: BinaryIO) -> tuple[int, HeadersDict, bytes, bool]:
    """Status, headers, body and whether the connection may carry another request."""
    while True:
        status_line = _line(reader)
        if not status_line:
            raise _Broken("the server closed the connection without an answer")
        version, _, rest = status_line.decode("latin-1").rstrip("\r\n").partition(" ")
        if not version.startswith("HTTP/1."):
            raise _Broken(f"not an HTTP/1.x status line: {status_line[:40]!r}")
        status = int(rest[:3])
        fields = _headers(reader)
        if status != 100:  # 100 Continue: its headers are skipped, the answer follows (http.client)
            break
    headers = HeadersDict()
    for name, value in fields:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value  # urllib3's joined duplicates
    keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    if status in (204, 304) or 100 <= status < 200:
        return status, headers, b"", keep
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return status, headers, _chunked(reader), keep
    length = headers.get("content-length")
    if length is None:
        return status, headers, reader.read(), False
    want = int(length)
    body = reader.read(want)
    # Short of its length: what arrived, as urllib3 does with enforce_content_length off
    # (the parser then judges it); the connection is not reused.
    return status, headers, body, keep and len(body) == want


def _headers(reader: BinaryIO) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    while True:
        line = _line(reader)
        if line in (b"\r\n", b"\n", b""):
            return fields
        if len(fields) >= _MAX_HEADERS:
            raise _Broken("too many headers")
        name, sep, value = line.decode("latin-1").partition(":")
        if not sep:
            raise _Broken("malformed header line")
        fields.append((name.strip(), value.strip()))


def _chunked(reader: BinaryIO) -> bytes:
    parts = []
    while True:
        size = int(_line(reader).split(b";", 1)[0].strip() or b"x", 16)
        if size == 0:
            _headers(reader)  # the trailer
            return b"".join(parts)
        chunk = reader.read(size)
        if len(chunk) < size:
            raise _Broken("the connection closed inside a chunk")
        parts.append(chunk)
        reader.read(2)
