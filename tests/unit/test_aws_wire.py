"""docbatch's own connections for the engines' calls (:mod:`docbatch.aws_wire`) send what
botocore's HTTP session sends and read an answer as it reads one: the same request on the wire,
the same status, headers and body back (a length, chunks, a header given twice), an idle
connection the server closed not reused, and TLS checked against the same CA bundle."""

from __future__ import annotations

import os
import resource
import socket
import ssl
import subprocess
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from botocore.awsrequest import AWSRequest
from botocore.exceptions import SSLError
from botocore.httpsession import URLLib3Session

from docbatch.aws_wire import Wire

OPTIONS = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
BODY = b'{"Image": {"Bytes": "aGVsbG8="}}'


class FarSide:
    """A loopback server that keeps every request's raw bytes and answers each with ``answer``
    (raw HTTP bytes); ``close_after`` closes the connection after each answer without saying so."""

    def __init__(self, answer: bytes, *, close_after: bool = False, tls: ssl.SSLContext | None = None) -> None:
        self.answer, self.close_after, self.tls = answer, close_after, tls
        self.requests: list[bytes] = []
        self.connections = 0
        self.closed = threading.Semaphore(0)  # released as each connection closes
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            buf = b""
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                head, _, buf = buf.partition(b"\r\n\r\n")
                length = int(next((line.split(b":")[1] for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), b"0"))
                while len(buf) < length:
                    buf += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + buf[:length])
                buf = buf[length:]
                conn.sendall(self.answer)
                if self.close_after:
                    return
        except (OSError, ssl.SSLError):
            return
        finally:
            conn.close()
            self.closed.release()

    def close(self) -> None:
        self.sock.close()


def answer(body: bytes, *, headers: tuple[str, ...] = (), chunked: bool = False) -> bytes:
    lines = ["HTTP/1.1 200 OK", "Content-Type: application/x-amz-json-1.1", *headers]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
        half = len(body) // 2
        payload = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:half], body[half:])) + b"0\r\n\r\n"
    else:
        lines.append(f"Content-Length: {len(body)}")
        payload = body
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def prepared(url: str) -> Any:
    request = AWSRequest(method="POST", url=url, data=BODY, headers={
        "X-Amz-Target": "RekognitionService.DetectText", "Content-Type": "application/x-amz-json-1.1",
        "User-Agent": "docbatch-test", "Authorization": "AWS4-HMAC-SHA256 Credential=x"})
    return request.prepare()


def botocore_session(verify: bool | str = True) -> URLLib3Session:
    return URLLib3Session(verify=verify, timeout=(2, 2), max_pool_connections=4, socket_options=OPTIONS)


def wire(url: str, verify: bool | str = True) -> Wire:
    return Wire(url, timeout=(2, 2), max_pool=4, socket_options=OPTIONS, verify=verify)


def seen(send: Callable[[Any], Any], url: str) -> tuple[int, dict[str, str], bytes]:
    got = send(prepared(url))
    return got.status_code, dict(got.headers.items()), got.content


def request_parts(raw: bytes) -> tuple[bytes, set[bytes], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    first, *fields = head.split(b"\r\n")
    return first, set(fields), body


@pytest.fixture
def far_side() -> Iterator[Callable[..., FarSide]]:
    made: list[FarSide] = []

    def make(*args: Any, **kwargs: Any) -> FarSide:
        made.append(FarSide(*args, **kwargs))
        return made[-1]

    yield make
    for server in made:
        server.close()


def test_a_request_goes_out_as_botocores_session_sends_it(far_side: Callable[..., FarSide]) -> None:
    server = far_side(answer(b"{}"))
    url = f"http://127.0.0.1:{server.port}/"
    seen(botocore_session().send, url)
    seen(wire(url).send, url)
    assert request_parts(server.requests[1]) == request_parts(server.requests[0])


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_an_answer_is_read_as_botocores_session_reads_it(far_side: Callable[..., FarSide], chunked: bool) -> None:
    body = b'{"TextDetections": [], "TextModelVersion": "3.0"}'
    server = far_side(answer(body, headers=("x-amzn-RequestId: r1", "X-Seen: a", "X-Seen: b"), chunked=chunked))
    url = f"http://127.0.0.1:{server.port}/"
    theirs, ours = seen(botocore_session().send, url), seen(wire(url).send, url)
    assert ours == theirs
    assert ours[2] == body


def test_a_connection_the_server_closed_while_idle_is_not_used_again(far_side: Callable[..., FarSide]) -> None:
    server = far_side(answer(b"{}"), close_after=True)
    url = f"http://127.0.0.1:{server.port}/"
    ours = wire(url)
    first = seen(ours.send, url)
    assert server.closed.acquire(timeout=5)  # the server has closed it: the idle socket reads as ready
    second = seen(ours.send, url)
    assert server.closed.acquire(timeout=5)
    assert [second, seen(ours.send, url)] == [first, first]
    assert server.connections == 3


def test_an_answer_kept_alive_leaves_its_connection_for_the_next_request(far_side: Callable[..., FarSide]) -> None:
    server = far_side(answer(b"{}"))
    url = f"http://127.0.0.1:{server.port}/"
    ours = wire(url)
    for _ in range(3):
        seen(ours.send, url)
    assert server.connections == 1


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def tls_server(far_side: Callable[..., FarSide], certificate: tuple[Path, Path]) -> FarSide:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return far_side(answer(b"{}"), tls=context)


def test_tls_is_checked_against_the_ca_bundle_given(far_side: Callable[..., FarSide],
                                                   certificate: tuple[Path, Path]) -> None:
    server = tls_server(far_side, certificate)
    url = f"https://localhost:{server.port}/"
    bundle = str(certificate[0])
    assert seen(wire(url, bundle).send, url) == seen(botocore_session(bundle).send, url)


def test_a_certificate_no_bundle_vouches_for_is_refused_as_botocore_refuses_it(
        far_side: Callable[..., FarSide], certificate: tuple[Path, Path]) -> None:
    server = tls_server(far_side, certificate)
    url = f"https://localhost:{server.port}/"
    with pytest.raises(SSLError):
        botocore_session().send(prepared(url))
    with pytest.raises(SSLError):
        wire(url).send(prepared(url))
    assert server.requests == []


def test_a_connection_past_descriptor_1024_is_kept_alive_too(far_side: Callable[..., FarSide]) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip("this process may not hold 1,200 files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1030)]  # the next socket's number is past 1,024
    try:
        server = far_side(answer(b"{}"))
        url = f"http://127.0.0.1:{server.port}/"
        ours = wire(url)
        for _ in range(3):
            seen(ours.send, url)
        ours.close()
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert server.connections == 1


def test_a_ca_bundle_that_cannot_be_read_fails_the_call_as_botocore_fails_it(
        far_side: Callable[..., FarSide], certificate: tuple[Path, Path], tmp_path: Path) -> None:
    server = tls_server(far_side, certificate)
    url = f"https://localhost:{server.port}/"
    missing = str(tmp_path / "no-such-bundle.pem")
    failures = []
    for send in (botocore_session(missing).send, wire(url, missing).send):
        with pytest.raises(SSLError) as caught:
            send(prepared(url))
        failures.append(str(caught.value))
    assert failures[0] == failures[1]
