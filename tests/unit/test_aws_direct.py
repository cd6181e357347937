"""A directly sent call is signed as the client signs: with the credentials current at that call,
so refreshable credentials (an assumed role, SSO, instance metadata) are refreshed on the way."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import re
import threading
from typing import Any, Iterator

import boto3
import pytest
from botocore.credentials import RefreshableCredentials

from docbatch.aws_direct import DirectCall

ANSWER = {"TextDetections": [], "TextModelVersion": "3.0"}


class _Recorder(http.server.BaseHTTPRequestHandler):
    """The far side: answers every DetectText with no words, keeps each request's key id."""

    keys: list[str] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["Content-Length"]))
        found = re.search(r"Credential=([^/]+)/", self.headers.get("Authorization", ""))
        self.keys.append(found.group(1) if found else "")
        body = json.dumps(ANSWER).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def far_side() -> Iterator[str]:
    _Recorder.keys = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def expiring_credentials() -> RefreshableCredentials:
    """Credentials that are always about to expire: each use refreshes them to the next key."""
    issued = iter(range(1, 100))

    def refresh() -> dict[str, str]:
        soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)
        return {"access_key": f"AKIAROTATED{next(issued):04d}", "secret_key": "s", "token": "t",
                "expiry_time": soon.isoformat()}

    return RefreshableCredentials.create_from_metadata(refresh(), refresh, "test-rotation")


def test_each_call_is_signed_with_the_credentials_current_at_that_call(far_side: str) -> None:
    client = boto3.client("rekognition", region_name="us-east-1", endpoint_url=far_side,
                          aws_access_key_id="unused", aws_secret_access_key="unused")
    call = DirectCall(client, expiring_credentials(), "DetectText")
    answers = [call({"Image": {"Bytes": b"png"}}) for _ in range(3)]
    call.close()
    assert [{k: v for k, v in a.items() if k != "ResponseMetadata"} for a in answers] == [ANSWER] * 3
    assert _Recorder.keys == ["AKIAROTATED0002", "AKIAROTATED0003", "AKIAROTATED0004"]
