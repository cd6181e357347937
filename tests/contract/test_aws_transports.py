"""The AWS engines' two ways of sending a call (``direct_calls``: SigV4 as botocore signs, over
docbatch's own connections, parsed by botocore, without the boto3 client's per-call machinery,
the default; or the boto3 client itself) are one behaviour: for every fault the project's protocol server injects, an endpoint
nobody listens on and a caller without credentials, both raise the same docbatch error (type,
code, message) after the same one request, and both return the same answer when there is one."""

from __future__ import annotations

import socket
from typing import Any, Callable, Iterator

import boto3
import pytest

from docbatch.engines.base import EngineSettings, engine_class
from docbatch.errors import DocbatchError
from docbatch.testing.fake_rekognition import FakeRekognitionServer
from docbatch.testing.faults import FAULT_KINDS, Fault

from ..conftest import text_png
from ..support.bench import TinyReceiptEngine
from .test_engine_contract import document, png_input

ENGINES = ("rekognition", "textract")
#: Seconds a ``slow`` fault stalls, past the engines' read timeout here.
READ_TIMEOUT, STALL = 0.5, 1.5


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials; the user's AWS files and profile hidden, so nothing reaches AWS."""
    for key, value in {"AWS_ACCESS_KEY_ID": "transport", "AWS_SECRET_ACCESS_KEY": "transport",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                       "AWS_CONFIG_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE"):
        monkeypatch.delenv(key, raising=False)


def outcome(call: Callable[[], Any]) -> tuple[str, ...]:
    """What a caller can see of one call: the answer, or the error's type, code and message."""
    try:
        return ("answer", repr(call()))
    except DocbatchError as exc:
        return (type(exc).__name__, str(exc.error_code), str(exc))


def both_ways(name: str, endpoint: str, *, session: Any = None) -> Iterator[tuple[bool, Any]]:
    for direct in (True, False):
        settings = EngineSettings(region="us-east-1", endpoint_url=endpoint, connect_timeout=1.0,
                                  read_timeout=READ_TIMEOUT, options={"direct_calls": direct})
        engine = engine_class(name)(settings, session=session)
        try:
            yield direct, engine
        finally:
            engine.close()


def _fault_params() -> list[Any]:
    return [pytest.param(name, kind, id=f"{name}-{kind}", marks=[pytest.mark.slow] if kind == "slow" else [])
            for name in ENGINES for kind in (None, *FAULT_KINDS)]


@pytest.mark.parametrize(("name", "kind"), _fault_params())
def test_both_ways_of_calling_see_the_same_outcome_after_one_request(aws_env: None, name: str,
                                                                     kind: str | None) -> None:
    faults = () if kind is None else (Fault(kind, every=1, seconds=STALL),)
    seen: dict[bool, tuple[tuple[str, ...], int]] = {}
    with FakeRekognitionServer(faults=faults, engine=TinyReceiptEngine()) as server:
        for direct, engine in both_ways(name, server.endpoint_url):
            image = png_input(text_png(f"{name} {kind}"))
            before = len(server.request_log)
            seen[direct] = (outcome(lambda: engine.detect_text(image, document("d1"))),
                            len(server.request_log) - before)
    assert seen[True] == seen[False]
    assert seen[True][1] == 1
    if kind is None:
        assert seen[True][0][0] == "answer"
    elif not kind.endswith("200"):  # a 200 that is no answer is judged by the pipeline's validation
        assert seen[True][0][0] != "answer"


@pytest.mark.parametrize("name", ENGINES)
def test_both_ways_of_calling_see_the_same_outcome_where_nobody_listens(aws_env: None, name: str) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago, with no server on it
        sock.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}"
    image = png_input(text_png("nobody"))
    seen = {direct: outcome(lambda: engine.detect_text(image, document("d1")))
            for direct, engine in both_ways(name, endpoint)}
    assert seen[True] == seen[False]
    assert seen[True][0] == "EndpointUnreachable"


@pytest.mark.parametrize("name", ENGINES)
def test_both_ways_of_calling_see_the_same_outcome_without_credentials(aws_env: None, name: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    image = png_input(text_png("no credentials"))
    with FakeRekognitionServer(engine=TinyReceiptEngine()) as server:
        session = boto3.session.Session(region_name="us-east-1")
        seen = {direct: (outcome(lambda: engine.detect_text(image, document("d1"))), len(server.request_log))
                for direct, engine in both_ways(name, server.endpoint_url, session=session)}
    assert seen[True] == seen[False]
    assert seen[True] == (("EnvironmentFailure", "no_credentials", seen[True][0][2]), 0)
