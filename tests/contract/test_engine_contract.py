"""The engine contract of ``docbatch/engines/base.py``, run against every registered engine.

Each engine is built the way it runs for real: ``rekognition`` and ``textract`` through
boto3 against the project's fake AWS server on loopback, which speaks both protocols
(dummy credentials); ``local`` with the embedded OCR (``slow``); ``replay`` over a folder
of saved responses (the real service responses of the shared data set, and one generated
here and saved the way a run saves it).  An engine registered without a harness here
fails every test of the suite: a new engine cannot skip the contract.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

import pytest
from PIL import Image

from docbatch.engines import local as local_engine
from docbatch.engines.base import Engine, EngineOption, EngineSettings, ImageSpec, engine_class, engine_names
from docbatch.errors import BadImageError, ConfigError, DocbatchError, PermanentError, TransientError
from docbatch.records import Document, ImageInput, S3Head, S3Location
from docbatch.regions import Region
from docbatch.response import make_detection
from docbatch.runfolder import RunFolder
from docbatch.testing.fake_rekognition import FakeRekognitionServer, Fault

from ..conftest import shared, text_png

#: Real DetectText responses (with geometry) in ``rekognition-detecttext/`` of the shared data.
REAL = ("aws-sample-response1", "aws-sample-response2")
#: Real Textract answers whose LINE/WORD blocks a DetectDocumentText answer would hold
#: (``textract/`` of the shared data: AnalyzeExpense and AnalyzeID responses).
REAL_TEXTRACT = ("analyze-expense/receipt.jpg", "analyze-id/fake_id.png")
#: The requests each engine is checked on (a harness below knows how to make each one).
SAMPLES: dict[str, tuple[str, ...]] = {
    "rekognition": ("generated", *REAL),
    "textract": ("generated", *REAL_TEXTRACT),
    "local": ("printed-text",),
    "replay": ("generated", *REAL),
}
#: Engines whose harness runs the embedded OCR.
SLOW = {"local"}
#: Float slack of coordinates: the service's own output is float32 (e.g. Left + Width =
#: 1.0000000037 in aws-sample-response2), so exact 0..1 bounds would fail real answers.
EPS = 1e-6


#: Engines with two ways of sending a call: each is held to the contract both ways, as
#: ``<name>`` (the default, ``direct_calls``) and ``<name>+client`` (through the boto3 client).
TRANSPORTS = {"rekognition": ("", "+client"), "textract": ("", "+client")}


def _harness_names() -> list[str]:
    return [name + way for name in engine_names() for way in TRANSPORTS.get(name, ("",))]


def _engine_params() -> list[Any]:
    return [pytest.param(name, id=name, marks=[pytest.mark.slow] if name in SLOW else [])
            for name in _harness_names()]


def _sample_params() -> list[Any]:
    return [pytest.param(name, sample, id=f"{name}-{sample}", marks=[pytest.mark.slow] if name in SLOW else [])
            for name in _harness_names() for sample in SAMPLES.get(name.partition("+")[0], ("no-harness",))]


def document(doc_id: str, source: str | None = None) -> Document:
    return Document(doc_id=doc_id, source=source or f"scans/{doc_id}.png", doc_type="receipt", row_no=1)


def png_input(data: bytes) -> ImageInput:
    with Image.open(io.BytesIO(data)) as img:
        return ImageInput(data=data, width=img.width, height=img.height, format="PNG")


def generated_response() -> dict[str, Any]:
    """A receipt-like answer in the service's shape: slanted quads, one row on the image's edge."""
    rows = [("CORNER SHOP", 0.10, 0.08), ("25/12/2025 14:05", 0.10, 0.20), ("TOTAL 12.50", 0.45, 0.60),
            ("EDGE ROW", 0.80, 0.955)]
    lines: list[dict[str, Any]] = []
    words: list[dict[str, Any]] = []
    for line_id, (text, left, top) in enumerate(rows):
        right = min(1.0, left + 0.018 * len(text))
        slant = 0.005
        lines.append(make_detection(id=line_id, type="LINE", text=text, confidence=97.5 - line_id,
                                    polygon=[(left, top), (right, top + slant), (right, top + 0.045),
                                             (left, top + 0.045 - slant)]))
        offset = 0
        for token in text.split():
            x0 = left + (right - left) * offset / len(text)
            x1 = left + (right - left) * (offset + len(token)) / len(text)
            words.append(make_detection(id=len(rows) + len(words), type="WORD", text=token,
                                        confidence=91.0 + len(words) % 9, parent_id=line_id,
                                        polygon=[(x0, top), (x1, top), (x1, top + 0.045), (x0, top + 0.045)]))
            offset += len(token) + 1
    return {"TextDetections": lines + words, "TextModelVersion": "3.0"}


def real_response(name: str) -> dict[str, Any]:
    return json.loads(shared("rekognition-detecttext", f"{name}.json").read_text())


class FarSide:
    """What answers behind the fake server for generated samples: it decodes the image as
    the service would (undecodable bytes -> BadImageError, which the server turns into
    InvalidImageFormatException) and answers :func:`generated_response`."""

    def detect_text(self, image: ImageInput, document: Document) -> dict[str, Any]:
        try:
            with Image.open(io.BytesIO(image.data or b"")) as img:
                img.load()
        except Exception as exc:  # noqa: BLE001 - any undecodable image is a bad image here
            raise BadImageError("undecodable image") from exc
        return generated_response()


class FailingCall(NamedTuple):
    """One call that fails on the far side, and how to count what the engine sent."""

    label: str
    engine: Engine
    image: ImageInput | None
    document: Document
    calls: Callable[[], int]
    expected: type[DocbatchError]


# -- harnesses: each builds its engine the way it runs for real -----------------------------------


class Harness:
    name: str
    #: Held to the contract through the boto3 client rather than directly (AWS engines only).
    through_client = False

    def __init__(self, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        self.request = request
        self.tmp_path = tmp_path
        self.stack = contextlib.ExitStack()

    def settings(self, **overrides: Any) -> EngineSettings:
        return EngineSettings(**overrides)

    def build(self, **overrides: Any) -> Engine:
        engine = engine_class(self.name)(self.settings(**overrides))
        self.stack.callback(engine.close)
        return engine

    def request_for(self, sample: str) -> tuple[ImageInput | None, Document]:
        raise NotImplementedError

    def bad_requests(self) -> list[tuple[str, ImageInput | None, Document]]:
        """Requests the engine must refuse with a PermanentError."""
        garbage = b"this is not an image, just bytes"
        truncated = text_png("TRUNCATED")[:80]  # a PNG signature and header, then nothing
        return [("garbage bytes", ImageInput(data=garbage), document("garbage")),
                ("truncated PNG", ImageInput(data=truncated), document("truncated"))]

    def failing_calls(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[FailingCall]:
        raise NotImplementedError

    def close(self) -> None:
        self.stack.close()


class AwsHarness(Harness):
    """boto3 against the project's fake server, which speaks each AWS engine's protocol:
    generated samples are answered by :class:`FarSide`, real ones are saved in the
    server's replay folder under the sha256 of a PNG made for them (the server answers
    such a request from the file, in the engine's own dialect).  Engines share one boto3
    session (the engine's ``session=`` argument), so a build costs milliseconds instead of
    a fresh session's tenth of a second."""

    #: Far-side failures the services really return, one per request in this order
    #: (``every=`` counts all requests; the first fault that fires wins).
    FAULTS = (Fault("reset", every=4), Fault("throttle", every=3), Fault("http503", every=2),
              Fault("http500", every=1))

    def __init__(self, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        super().__init__(request, tmp_path)
        self.server: FakeRekognitionServer = request.getfixturevalue("fake_aws")
        self.session = request.getfixturevalue("boto_session")

    def settings(self, **overrides: Any) -> EngineSettings:
        base: dict[str, Any] = {"region": "us-east-1", "endpoint_url": self.server.endpoint_url,
                                "connect_timeout": 2.0, "read_timeout": 5.0,
                                "options": {"direct_calls": not self.through_client}}
        return EngineSettings(**{**base, **overrides})

    def build(self, **overrides: Any) -> Engine:
        engine = engine_class(self.name)(self.settings(**overrides), session=self.session)
        self.stack.callback(engine.close)
        return engine

    def saved_answer(self, sample: str) -> dict[str, Any]:
        """What the far side answers for a real sample (saved in the server's replay folder)."""
        return real_response(sample)

    def request_for(self, sample: str) -> tuple[ImageInput | None, Document]:
        image = png_input(text_png(f"{self.name} {sample}"))
        if sample != "generated":
            assert self.server.replay_dir is not None
            saved = self.server.replay_dir / f"{hashlib.sha256(image.data or b'').hexdigest()}.json"
            saved.write_text(json.dumps(self.saved_answer(sample)))
        return image, document(sample.replace("/", "-"))

    def failing_calls(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[FailingCall]:
        server = self.stack.enter_context(FakeRekognitionServer(faults=self.FAULTS, engine=FarSide()))
        engine = self.build(endpoint_url=server.endpoint_url)
        for kind in ("http500", "http503", "throttle", "reset"):
            before = len(server.request_log)
            image, doc = png_input(text_png(f"fault {kind}")), document(f"fault-{kind}")
            yield FailingCall(f"injected {kind}", engine, image, doc,
                              lambda before=before: len(server.request_log) - before, TransientError)
        assert [r.fault for r in server.request_log] == ["http500", "http503", "throttle", "reset"]


class RekognitionHarness(AwsHarness):
    name = "rekognition"


class TextractHarness(AwsHarness):
    """Real samples are the LINE/WORD blocks of real Textract answers (AnalyzeExpense and
    AnalyzeID hold the same blocks DetectDocumentText returns), which the server sends as
    they are."""

    name = "textract"

    def saved_answer(self, sample: str) -> dict[str, Any]:
        answer = json.loads(shared("textract", f"{sample}.json").read_text())
        (document_,) = answer.get("ExpenseDocuments") or answer.get("IdentityDocuments")
        return {"Blocks": document_["Blocks"], "DetectDocumentTextModelVersion": "1.0"}


class LocalHarness(Harness):
    """The embedded OCR on a generated PNG with printed text."""

    name = "local"

    def request_for(self, sample: str) -> tuple[ImageInput | None, Document]:
        return png_input(text_png("TOTAL 12.50")), document(sample)

    def failing_calls(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[FailingCall]:
        calls: list[int] = []

        def broken_ocr(picture: Any) -> Any:
            calls.append(1)
            raise RuntimeError("onnxruntime: session failed")

        monkeypatch.setattr(local_engine, "pipeline_for", lambda config: broken_ocr)
        yield FailingCall("the OCR call raises", self.build(), png_input(text_png("OCR FAILS")),
                          document("ocr-fails"), lambda: len(calls), PermanentError)


class ReplayHarness(Harness):
    """A folder that is a run folder (the generated response saved by :class:`RunFolder`
    under a doc_id that is not a file name) and also holds plain ``<doc_id>.json`` files."""

    name = "replay"
    GENERATED_ID = "scan 01#a"

    def __init__(self, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        super().__init__(request, tmp_path)
        self.root = tmp_path / "saved"
        self.root.mkdir()
        RunFolder(self.root).write_raw(self.GENERATED_ID, generated_response())
        (self.root / "corrupt.json").write_text('{"TextDetections": [')
        (self.root / "no-detections.json").write_text('{"TextModelVersion": "3.0"}')
        (tmp_path / "outside.json").write_text(json.dumps(generated_response()))

    def settings(self, **overrides: Any) -> EngineSettings:
        return EngineSettings(**{"replay_dir": str(self.root), **overrides})

    def request_for(self, sample: str) -> tuple[ImageInput | None, Document]:
        if sample == "generated":
            return None, document(self.GENERATED_ID)
        shutil.copy(shared("rekognition-detecttext", f"{sample}.json"), self.root / f"{sample}.json")
        return None, document(sample, source=f"s3://never-read/{sample}.jpg")

    def bad_requests(self) -> list[tuple[str, ImageInput | None, Document]]:
        return [("no saved response", None, document("never-saved")),
                ("corrupt saved response", None, document("corrupt")),
                ("saved response without TextDetections", None, document("no-detections")),
                ("doc_id naming a file outside the folder", None, document("../outside", source="../outside.png"))]

    def failing_calls(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[FailingCall]:
        pytest.skip("replay only reads local files: it calls nothing that fails transiently")
        yield  # pragma: no cover


HARNESSES: dict[str, type[Harness]] = {h.name: h for h in (RekognitionHarness, TextractHarness, LocalHarness,
                                                            ReplayHarness)}


@pytest.fixture(scope="module")
def fake_aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeRekognitionServer]:
    with FakeRekognitionServer(replay_dir=tmp_path_factory.mktemp("far-side"), engine=FarSide()) as server:
        yield server


@pytest.fixture(scope="module")
def boto_session() -> Any:
    import boto3

    return boto3.session.Session(aws_access_key_id="contract", aws_secret_access_key="contract",
                                 region_name="us-east-1")


@pytest.fixture
def harness(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Harness]:
    # Dummy credentials; the user's AWS files and profile are hidden, so nothing reaches AWS.
    for key, value in {"AWS_ACCESS_KEY_ID": "contract", "AWS_SECRET_ACCESS_KEY": "contract",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                       "AWS_CONFIG_FILE": os.devnull, "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    name, _, way = request.param.partition("+")
    if name not in HARNESSES:
        pytest.fail(f"engine {name!r} is registered but has no contract harness: add one to {__name__}")
    h = HARNESSES[name](request, tmp_path)
    h.through_client = way == "client"
    yield h
    h.close()


def raised(call: Callable[[], Any]) -> BaseException:
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the point is to see whatever comes out
        return exc
    pytest.fail("no error was raised")


def describe(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"


# -- the contract ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("harness", "sample"), _sample_params(), indirect=["harness"])
def test_the_response_has_the_detect_text_shape(harness: Harness, sample: str) -> None:
    image, doc = harness.request_for(sample)
    resp = harness.build().detect_text(image, doc)
    assert isinstance(resp, dict) and "ResponseMetadata" not in resp
    assert isinstance(resp.get("TextModelVersion"), str) and resp["TextModelVersion"]
    dets = resp["TextDetections"]
    assert isinstance(dets, list) and dets, "the sample holds text: an empty answer checks nothing"
    ids = [d["Id"] for d in dets]
    assert all(type(i) is int for i in ids) and len(set(ids)) == len(ids)
    assert {d["Type"] for d in dets} <= {"LINE", "WORD"}
    line_ids = {d["Id"] for d in dets if d["Type"] == "LINE"}
    assert line_ids
    for d in dets:
        assert isinstance(d["DetectedText"], str) and d["DetectedText"]
        assert isinstance(d["Confidence"], (int, float)) and 0.0 <= d["Confidence"] <= 100.0
        if d["Type"] == "WORD":
            assert d.get("ParentId") in line_ids, f"WORD {d['Id']} has no LINE parent"
        else:
            assert "ParentId" not in d


@pytest.mark.parametrize(("harness", "sample"), _sample_params(), indirect=["harness"])
def test_coordinates_are_within_0_1_and_the_box_holds_the_polygon(harness: Harness, sample: str) -> None:
    image, doc = harness.request_for(sample)
    dets = harness.build().detect_text(image, doc)["TextDetections"]
    for d in dets:
        box, polygon = d["Geometry"]["BoundingBox"], d["Geometry"]["Polygon"]
        left, top, width, height = box["Left"], box["Top"], box["Width"], box["Height"]
        assert width >= 0 and height >= 0
        for value in (left, top, left + width, top + height):
            assert -EPS <= value <= 1 + EPS, f"detection {d['Id']}: box {box} leaves the image"
        assert len(polygon) >= 3
        for point in polygon:
            x, y = point["X"], point["Y"]
            assert -EPS <= x <= 1 + EPS and -EPS <= y <= 1 + EPS, f"detection {d['Id']}: {point} leaves the image"
            assert left - EPS <= x <= left + width + EPS and top - EPS <= y <= top + height + EPS, \
                f"detection {d['Id']}: polygon point {point} outside its box {box}"


#: A band of the image the engines are asked about: the lower part, where the samples
#: hold text (the generated receipt's total and its edge row).
BAND = Region.band(0.5, 1.0)


@pytest.mark.parametrize(("harness", "sample"), _sample_params(), indirect=["harness"])
def test_a_region_answer_is_in_the_regions_frame_within_0_1(harness: Harness, sample: str) -> None:
    """Asked for a region, the engine answers as if the region were the image: coordinates
    within 0..1 of the region, which mapped back lie inside the region of the full image."""
    image, doc = harness.request_for(sample)
    dets = harness.build().detect_text(image, doc, region=BAND)["TextDetections"]
    for d in dets:
        box, polygon = d["Geometry"]["BoundingBox"], d["Geometry"]["Polygon"]
        for value in (box["Left"], box["Top"], box["Left"] + box["Width"], box["Top"] + box["Height"]):
            assert -EPS <= value <= 1 + EPS, f"detection {d['Id']}: box {box} leaves the region's frame"
        for point in polygon:
            assert -EPS <= point["X"] <= 1 + EPS and -EPS <= point["Y"] <= 1 + EPS, f"{point} leaves the frame"
            full_y = BAND.top + point["Y"] * BAND.height
            assert BAND.top - EPS <= full_y <= BAND.bottom + EPS, f"{point} maps outside the region"


@pytest.mark.parametrize("harness", _engine_params(), indirect=True)
def test_errors_are_permanent_docbatch_errors(harness: Harness) -> None:
    engine = harness.build()
    for label, image, doc in harness.bad_requests():
        exc = raised(lambda: engine.detect_text(image, doc))
        assert isinstance(exc, PermanentError), f"{label}: {describe(exc)} is not a docbatch PermanentError"
        assert isinstance(exc.error_code, str) and exc.error_code, label


@pytest.mark.parametrize("harness", _engine_params(), indirect=True)
def test_an_image_engine_asked_without_an_image_raises_a_docbatch_error(harness: Harness) -> None:
    engine = harness.build()
    if not engine.needs_image:
        pytest.skip(f"{harness.name} needs no image")
    exc = raised(lambda: engine.detect_text(None, document("no-image")))
    assert isinstance(exc, PermanentError), describe(exc)


@pytest.mark.parametrize("harness", _engine_params(), indirect=True)
def test_no_retries_inside(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """One failing call on the far side is one attempt: the runner owns the only retry layer."""
    for call in harness.failing_calls(monkeypatch):
        exc = raised(lambda: call.engine.detect_text(call.image, call.document))
        assert isinstance(exc, call.expected), f"{call.label}: {describe(exc)} is not a {call.expected.__name__}"
        assert call.calls() == 1, f"{call.label}: the engine made {call.calls()} calls for one detect_text"


S3_PROBES = [
    (S3Location("scans", "a.png"), S3Head(size=200_000, content_type="image/png", etag=None, region="us-east-1")),
    (S3Location("scans", "b.jpg", "v1"), S3Head(size=1_000, content_type="image/jpeg", etag='"x"', region=None)),
    (S3Location("scans", "c.tiff"), S3Head(size=1_000, content_type="image/tiff", etag=None, region="us-east-1")),
    (S3Location("scans", "d.png"), S3Head(size=40_000_000, content_type="image/png", etag=None, region="eu-west-1")),
]


@pytest.mark.parametrize("harness", _engine_params(), indirect=True)
def test_declared_facts_are_consistent(harness: Harness) -> None:
    cls = engine_class(harness.name)
    assert cls.name == harness.name
    assert cls.parallelism in ("threads", "processes")
    assert isinstance(cls.image_spec, ImageSpec)
    assert cls.word_cap is None or (type(cls.word_cap) is int and cls.word_cap > 0)
    if cls.rate_limited:
        assert cls.paid, "a rate-limited engine is a paid one (the limiter paces paid calls)"
    for option, spec in cls.options.items():
        assert isinstance(spec, EngineOption)
        assert spec.check(cls.name, option, spec.default) == spec.default, f"default of {option} fails its check"
    exc = raised(lambda: harness.build(options={"no_such_option": 1}))
    assert isinstance(exc, ConfigError), describe(exc)

    engine = harness.build()
    chosen = harness.settings().options  # the harness's own choices (the way an AWS engine sends)
    assert engine.option_values == {option: chosen.get(option, spec.default) for option, spec in cls.options.items()}
    assert engine.region is None or (isinstance(engine.region, str) and engine.region)
    for location, head in S3_PROBES:
        accepted = engine.accepts_s3_object(location, head)
        assert isinstance(accepted, bool)
        if not cls.reads_s3_objects:
            assert accepted is False, f"{location.uri}: accepted by an engine that reads no S3 objects"
    if not cls.needs_image:
        _, doc = harness.request_for(SAMPLES[harness.name][0])
        assert engine.detect_text(None, doc)["TextDetections"]


@pytest.mark.parametrize("harness", _engine_params(), indirect=True)
def test_model_version_is_a_stable_non_empty_string(harness: Harness) -> None:
    first, second = harness.build().model_version, harness.build().model_version
    assert isinstance(first, str) and first.strip()
    assert first == second
