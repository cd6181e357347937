"""moto's S3 on loopback whose writes can be cut after the Nth: the far side of a run that
crashes between two objects (every later PUT, POST, COPY or DELETE is refused, reads still
answer, so a test can look at what a reader would see at that instant)."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Iterable

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

_WRITES = ("PUT", "POST", "DELETE")
_REFUSED = b"<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>fused</Message></Error>"


class FusedS3:
    """``with FusedS3() as s3:`` a moto S3 server; ``s3.blow_after(n, at="/_published.json")``
    refuses every write after the ``n``th from the first whose path holds ``at`` (that one
    counted first); ``s3.writes`` lists the writes let through (method and path)."""

    def __init__(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
        self._app = DomainDispatcherApplication(create_backend_app)
        self._guard = threading.Lock()
        self._left: int | None = None
        self._at = ""
        self._hooks: list[tuple[str, Callable[[], None]]] = []
        self.writes: list[str] = []
        self._server = make_server("127.0.0.1", 0, self._wsgi, True, request_handler=MotoRequestHandler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def blow_after(self, n: int | None, *, at: str = "") -> None:
        """From the first write whose path holds ``at`` on, let ``n`` writes through, then refuse
        every write (None: never)."""
        with self._guard:
            self._left, self._at = n, at

    def before_write(self, at: str, action: Callable[[], None]) -> None:
        """Run ``action`` once, before the first write whose path holds ``at`` is answered (another
        client's change landing at exactly that moment)."""
        with self._guard:
            self._hooks.append((at, action))

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] in _WRITES:
            with self._guard:
                due = [h for h in self._hooks if h[0] in environ.get("PATH_INFO", "")]
                self._hooks = [h for h in self._hooks if h not in due]
            for _, action in due:
                action()
            with self._guard:
                if self._at and self._at in environ.get("PATH_INFO", ""):
                    self._at = ""  # counting starts here
                counting = self._left is not None and not self._at
                refused = counting and self._left <= 0  # type: ignore[operator]
                if counting:
                    self._left -= 1  # type: ignore[operator]
                if not refused:
                    self.writes.append(f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}")
            if refused:
                environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
                start_response("403 Forbidden", [("Content-Type", "application/xml"),
                                                 ("Content-Length", str(len(_REFUSED)))])
                return [_REFUSED]
        return self._app(environ, start_response)

    def __enter__(self) -> FusedS3:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._thread.join()
