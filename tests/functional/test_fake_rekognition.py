"""The local Rekognition-protocol server, spoken to by the real boto3 client over loopback HTTP."""

from __future__ import annotations

import base64
import hashlib
import http.client
import io
import json
import shutil
import socket
import time
from typing import Any

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config
from PIL import Image

from docbatch.errors import ConfigError
from docbatch.records import Document, ImageInput
from docbatch.response import make_detection, words
from docbatch.testing.fake_rekognition import FakeRekognitionServer, image_key
from docbatch.testing.faults import Fault

from ..conftest import SHARED as DATA

# Whole batches against loopback servers (moto S3, the fake Rekognition/Textract server):
# seconds per module, so outside `-m "not slow"`; the default run (and CI) runs them.
pytestmark = pytest.mark.slow
# total_max_attempts counts the first call: 1 means botocore never resends anything
# ("max_attempts": 1 would still allow one retry).
NO_RETRIES = {"total_max_attempts": 1, "mode": "standard"}
BUCKET = "fake-rekognition-scans"


class WordsEngine:
    """A deterministic engine: one LINE of ``n_words`` WORDs per call, 10 words per line."""

    def __init__(self, n_words: int = 3, confidence: float = 95.0) -> None:
        self.n_words = n_words
        self.confidence = confidence
        self.seen: list[bytes] = []

    def detect_text(self, image: ImageInput, document: Document) -> dict[str, Any]:
        assert image.data is not None
        self.seen.append(image.data)
        n_lines = (self.n_words + 9) // 10
        lines = [
            make_detection(id=i, type="LINE", text=f"line {i}", confidence=self.confidence,
                           polygon=[(0.1, i / 20), (0.9, i / 20), (0.9, i / 20 + 0.04), (0.1, i / 20 + 0.04)])
            for i in range(n_lines)
        ]
        word_dets = []
        for w in range(self.n_words):
            row, col = divmod(w, 10)
            x, y = 0.1 + col * 0.08, row / 20
            word_dets.append(make_detection(
                id=n_lines + w, type="WORD", text=f"w{w}", confidence=self.confidence - (w % 10),
                polygon=[(x, y), (x + 0.07, y), (x + 0.07, y + 0.04), (x, y + 0.04)], parent_id=row,
            ))
        return {"TextDetections": lines + word_dets}


def png_bytes(shade: int = 200, size: tuple[int, int] = (32, 16)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (shade, shade, shade)).save(buf, format="PNG")
    return buf.getvalue()


def jpeg_bytes(shade: int = 120) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 16), (shade, 0, 0)).save(buf, format="JPEG")
    return buf.getvalue()


def client_for(server: FakeRekognitionServer, **config: Any) -> Any:
    return boto3.client(
        "rekognition", endpoint_url=server.endpoint_url, region_name="us-east-1",
        aws_access_key_id="x", aws_secret_access_key="x",
        config=Config(retries=NO_RETRIES, **config),
    )


def error_code(excinfo: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine() -> WordsEngine:
    return WordsEngine()


@pytest.fixture
def server(engine: WordsEngine):
    with FakeRekognitionServer(engine=engine) as srv:
        yield srv


@pytest.fixture(scope="module")
def moto_s3_url(moto_url):
    return moto_url


@pytest.fixture
def s3(moto_s3_url: str, monkeypatch: pytest.MonkeyPatch):
    # the fake server's own S3 client reads credentials from the environment, as in production
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=moto_s3_url, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


# -- answers ---------------------------------------------------------------------------


def test_bytes_are_answered_from_the_engine_with_a_model_version(server, engine):
    image = png_bytes()
    response = client_for(server).detect_text(Image={"Bytes": image})
    assert [d["DetectedText"] for d in words(response)] == ["w0", "w1", "w2"]
    assert response["TextModelVersion"] == "3.0"
    assert engine.seen == [image]


def test_bytes_are_answered_from_a_replay_file_named_by_their_sha256(tmp_path, engine):
    image = jpeg_bytes()
    saved = {"TextDetections": [make_detection(id=0, type="LINE", text="SAVED", confidence=99.0,
                                               polygon=[(0, 0), (1, 0), (1, 0.1), (0, 0.1)])],
             "TextModelVersion": "3.0"}
    (tmp_path / f"{hashlib.sha256(image).hexdigest()}.json").write_text(json.dumps(saved))
    with FakeRekognitionServer(replay_dir=tmp_path, engine=engine) as srv:
        response = client_for(srv).detect_text(Image={"Bytes": image})
    assert response["TextDetections"] == saved["TextDetections"]
    assert engine.seen == []


def test_a_real_saved_response_replays_identically_by_object_key_stem(tmp_path, engine):
    sample = DATA / "rekognition-detecttext" / "aws-sample-response1.json"
    if not sample.is_file():
        pytest.skip("shared data absent")
    shutil.copy(sample, tmp_path / "receipt-0001.json")
    # replay by key stem needs no S3 at all: the object is never read
    with FakeRekognitionServer(replay_dir=tmp_path, engine=engine) as srv:
        response = client_for(srv).detect_text(
            Image={"S3Object": {"Bucket": "receipts", "Name": "in/receipt-0001.jpg"}})
    response.pop("ResponseMetadata")
    assert response == json.loads(sample.read_text())
    assert engine.seen == []


def test_an_s3_object_is_read_from_the_s3_endpoint(s3, moto_s3_url, engine):
    image = png_bytes(shade=10)
    s3.put_object(Bucket=BUCKET, Key="a/receipt.png", Body=image)
    with FakeRekognitionServer(s3_endpoint_url=moto_s3_url, engine=engine) as srv:
        response = client_for(srv).detect_text(Image={"S3Object": {"Bucket": BUCKET, "Name": "a/receipt.png"}})
        assert srv.calls_for(f"s3://{BUCKET}/a/receipt.png") == 1
    assert len(words(response)) == 3
    assert engine.seen == [image]


@pytest.mark.parametrize("bucket,key", [(BUCKET, "missing.png"), ("no-such-bucket", "x.png")])
def test_a_missing_s3_object_or_bucket_is_invalid_s3_object(s3, moto_s3_url, engine, bucket, key):
    with FakeRekognitionServer(s3_endpoint_url=moto_s3_url, engine=engine) as srv:
        client = client_for(srv)
        with pytest.raises(client.exceptions.InvalidS3ObjectException) as excinfo:
            client.detect_text(Image={"S3Object": {"Bucket": bucket, "Name": key}})
    assert error_code(excinfo) == "InvalidS3ObjectException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_an_s3_object_that_is_not_an_image_is_an_invalid_image_format(s3, moto_s3_url, engine):
    s3.put_object(Bucket=BUCKET, Key="notes.txt", Body=b"plain text, not an image")
    with FakeRekognitionServer(s3_endpoint_url=moto_s3_url, engine=engine) as srv:
        client = client_for(srv)
        with pytest.raises(client.exceptions.InvalidImageFormatException):
            client.detect_text(Image={"S3Object": {"Bucket": BUCKET, "Name": "notes.txt"}})


# -- validation ------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"GIF89a" + b"\0" * 64, b"%PDF-1.7\n", b"not an image at all"])
def test_bytes_that_are_not_jpeg_or_png_are_an_invalid_image_format(server, engine, data):
    client = client_for(server)
    with pytest.raises(client.exceptions.InvalidImageFormatException) as excinfo:
        client.detect_text(Image={"Bytes": data})
    assert error_code(excinfo) == "InvalidImageFormatException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == \
        "InvalidImageFormatException"
    assert engine.seen == []


def test_bytes_over_5_mb_are_too_large(server):
    client = client_for(server)
    with pytest.raises(client.exceptions.ImageTooLargeException):
        client.detect_text(Image={"Bytes": png_bytes() + b"\0" * (5 * 1024 * 1024)})


def raw_post(server: FakeRekognitionServer, target: str, body: bytes) -> tuple[int, dict[str, Any], str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("POST", "/", body=body, headers={
            "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read()), resp.getheader("x-amzn-ErrorType") or ""
    finally:
        conn.close()


def test_a_request_without_an_image_is_an_invalid_parameter(server):
    status, body, header = raw_post(server, "RekognitionService.DetectText", b'{"Filters": {}}')
    assert (status, body["__type"], header) == (400, "InvalidParameterException", "InvalidParameterException")


def test_an_unknown_operation_is_rejected(server):
    status, body, _ = raw_post(server, "RekognitionService.DetectLabels", b"{}")
    assert (status, body["__type"]) == (400, "UnknownOperationException")


# -- response shaping ------------------------------------------------------------------


def test_words_are_capped_at_100_and_lines_without_kept_words_dropped():
    engine = WordsEngine(n_words=150)
    with FakeRekognitionServer(engine=engine) as srv:
        response = client_for(srv).detect_text(Image={"Bytes": png_bytes()})
    kept = words(response)
    assert [w["DetectedText"] for w in kept] == [f"w{i}" for i in range(100)]
    line_ids = [d["Id"] for d in response["TextDetections"] if d["Type"] == "LINE"]
    assert line_ids == list(range(10))


def test_a_word_filter_drops_low_confidence_words(server):
    response = client_for(server).detect_text(
        Image={"Bytes": png_bytes()}, Filters={"WordFilter": {"MinConfidence": 94.0}})
    assert [w["DetectedText"] for w in words(response)] == ["w0", "w1"]  # confidences 95, 94, 93


def test_regions_of_interest_keep_only_words_mostly_inside():
    with FakeRekognitionServer(engine=WordsEngine(n_words=20)) as srv:
        response = client_for(srv).detect_text(
            Image={"Bytes": png_bytes()},
            Filters={"RegionsOfInterest": [
                {"BoundingBox": {"Left": 0.0, "Top": 0.04, "Width": 0.5, "Height": 0.1}}]})
    # second line (y 0.05..0.09), words starting left of x=0.45
    assert [w["DetectedText"] for w in words(response)] == ["w10", "w11", "w12", "w13", "w14"]
    assert [d["Id"] for d in response["TextDetections"] if d["Type"] == "LINE"] == [1]


# -- quota -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException"])
def test_the_tps_quota_throttles_excess_calls_until_the_clock_advances(engine, code):
    clock = FakeClock()
    with FakeRekognitionServer(engine=engine, tps=2, clock=clock, throttle_code=code) as srv:
        client = client_for(srv)
        image = png_bytes()
        client.detect_text(Image={"Bytes": image})
        client.detect_text(Image={"Bytes": image})
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            client.detect_text(Image={"Bytes": image})
        assert error_code(excinfo) == code
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        clock.now += 0.5  # one token at 2 TPS
        client.detect_text(Image={"Bytes": image})
        with pytest.raises(botocore.exceptions.ClientError):
            client.detect_text(Image={"Bytes": image})
        assert [r.outcome for r in srv.request_log] == ["ok", "ok", code, "ok", code]
    assert len(engine.seen) == 3


def test_burst_sets_the_bucket_capacity(engine):
    clock = FakeClock()
    with FakeRekognitionServer(engine=engine, tps=1, burst=3, clock=clock) as srv:
        client = client_for(srv)
        for _ in range(3):
            client.detect_text(Image={"Bytes": png_bytes()})
        with pytest.raises(client.exceptions.ThrottlingException):
            client.detect_text(Image={"Bytes": png_bytes()})


# -- faults ----------------------------------------------------------------------------


@pytest.mark.parametrize("fault,expected_code", [
    (Fault("http500", every=1), "InternalServerError"),
    (Fault("http503", every=1), "ServiceUnavailableException"),
    (Fault("invalid_image", every=1), "InvalidImageFormatException"),
    (Fault("throttle", every=1), "ThrottlingException"),
])
def test_error_faults_reach_boto3_as_client_errors(engine, fault, expected_code):
    with FakeRekognitionServer(engine=engine, faults=[fault]) as srv:
        with pytest.raises(botocore.exceptions.ClientError) as excinfo:
            client_for(srv).detect_text(Image={"Bytes": png_bytes()})
        assert srv.request_log[0].fault == fault.kind
    assert error_code(excinfo) == expected_code
    assert engine.seen == []


def test_a_reset_fault_closes_the_connection_without_an_answer(engine):
    with FakeRekognitionServer(engine=engine, faults=[Fault("reset", every=1)]) as srv:
        with pytest.raises(botocore.exceptions.ConnectionClosedError):
            client_for(srv).detect_text(Image={"Bytes": png_bytes()})
        assert [(r.status, r.outcome) for r in srv.request_log] == [(None, "reset")]


def test_a_slow_fault_outlasts_the_client_read_timeout(engine):
    # A 60 s stall against a 0.3 s read timeout: the bounds below leave a loaded machine
    # 30 s for the client's start and the stop, and still tell the timeout from the stall.
    with FakeRekognitionServer(engine=engine, faults=[Fault("slow", every=1, seconds=60.0)]) as srv:
        client = client_for(srv, read_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(botocore.exceptions.ReadTimeoutError):
            client.detect_text(Image={"Bytes": png_bytes()})
        assert time.monotonic() - started < 30.0  # the read timeout ended the call, not the stall
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 30.0  # stop() wakes the stalled answer


def test_first_n_faults_fail_each_image_n_times_then_succeed(engine):
    a, b = png_bytes(shade=1), png_bytes(shade=2)
    with FakeRekognitionServer(engine=engine, faults=[Fault("http500", first=2)]) as srv:
        client = client_for(srv)
        outcomes = []
        for image in (a, b, a, b, a, b):
            try:
                client.detect_text(Image={"Bytes": image})
                outcomes.append("ok")
            except client.exceptions.InternalServerError:
                outcomes.append("500")
        assert outcomes == ["500", "500", "500", "500", "ok", "ok"]
        assert srv.calls_for(a) == srv.calls_for(b) == 3


def test_every_nth_request_faults_across_images(engine):
    with FakeRekognitionServer(engine=engine, faults=[Fault("http503", every=3)]) as srv:
        client = client_for(srv)
        for shade in range(6):
            try:
                client.detect_text(Image={"Bytes": png_bytes(shade=shade)})
            except botocore.exceptions.ClientError:
                pass
        assert [r.status for r in srv.request_log] == [200, 200, 503, 200, 200, 503]


def test_probability_faults_repeat_exactly_with_the_same_seed(engine):
    def statuses(seed: int) -> list[int | None]:
        with FakeRekognitionServer(engine=engine, faults=[Fault("http500", probability=0.5, seed=seed)]) as srv:
            client = client_for(srv)
            for _ in range(12):
                try:
                    client.detect_text(Image={"Bytes": png_bytes()})
                except client.exceptions.InternalServerError:
                    pass
            return [r.status for r in srv.request_log]

    first = statuses(7)
    assert first == statuses(7)
    assert {200, 500} == set(first)


def test_faults_parse_from_the_cli_form():
    assert Fault.parse("reset:first=2") == Fault("reset", first=2)
    assert Fault.parse("slow:probability=0.25:seed=3:seconds=30") == \
        Fault("slow", probability=0.25, seed=3, seconds=30.0)
    with pytest.raises(ConfigError):
        Fault.parse("http500")  # no schedule
    with pytest.raises(ConfigError):
        Fault.parse("meteor:every=1")


# -- latency and the request log -------------------------------------------------------


def test_latency_delays_every_answer(engine):
    with FakeRekognitionServer(engine=engine, latency=0.3) as srv:
        started = time.monotonic()
        client_for(srv).detect_text(Image={"Bytes": png_bytes()})
    assert time.monotonic() - started >= 0.3


def test_the_request_log_counts_calls_per_image(server):
    client = client_for(server)
    a, b = png_bytes(shade=1), jpeg_bytes()
    for image in (a, b, a):
        client.detect_text(Image={"Bytes": image})
    with pytest.raises(client.exceptions.InvalidImageFormatException):
        client.detect_text(Image={"Bytes": b"nope"})
    assert server.calls_for(a) == 2
    assert server.calls_for(image_key(b)) == 1
    assert server.calls_for(b"nope") == 1
    assert [r.image_key for r in server.request_log] == [image_key(x) for x in (a, b, a, b"nope")]
    assert [r.status for r in server.request_log] == [200, 200, 200, 400]


def _until(condition: Any, seconds: float = 30.0) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass (a loaded machine may take long)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(condition())


def test_a_connection_stays_open_until_the_request_on_it_is_logged_and_the_client_closes(server):
    """What a test waits for after killing a client: its request half-sent is not logged yet,
    but its connection is open, so no one may take the log as settled."""
    body = json.dumps({"Image": {"Bytes": base64.b64encode(png_bytes()).decode()}}).encode()
    head = (f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: RekognitionService.DetectText\r\n"
            f"Content-Type: application/x-amz-json-1.1\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head + body[:10])
        assert _until(lambda: server.open_connections == 1)
        assert server.request_log == []
        sock.sendall(body[10:])
        assert sock.recv(12) == b"HTTP/1.1 200"
        assert [r.status for r in server.request_log] == [200]
    assert _until(lambda: server.open_connections == 0)


def test_endpoint_url_names_the_bound_port(server):
    assert server.endpoint_url == f"http://127.0.0.1:{server.port}"
    assert server.port > 0


# -- the default engine ----------------------------------------------------------------


@pytest.mark.slow
def test_without_an_injected_engine_the_local_ocr_engine_answers():
    pytest.importorskip("docbatch.engines.local")
    sample = DATA / "sroie-train" / "img" / "000.jpg"
    if not sample.is_file():
        pytest.skip("shared data absent")
    with FakeRekognitionServer() as srv:
        response = client_for(srv, read_timeout=120).detect_text(Image={"Bytes": sample.read_bytes()})
    assert 0 < len(words(response)) <= 100
    assert response["TextModelVersion"]
