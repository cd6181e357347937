"""The embedded local engine answers like Rekognition DetectText, offline, on real images.

Tests that run the OCR models (directly or through the module's response fixtures) are
marked ``slow``; the contract, option, decoding and word-geometry tests are not.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

import pytest
from PIL import Image, ImageDraw, ImageFont

from docbatch.engines.base import EngineSettings, create_engine
from docbatch.engines.local import LocalEngine
from docbatch.engines.local_orientation import page_flips
from docbatch.engines.local_session import model_paths
from docbatch.engines.local_words import WordPiece, line_words
from docbatch.errors import BadImageError, ConfigError, InvalidRequest
from docbatch.records import Document, ImageInput, S3Location
from docbatch.response import read_by_local_model

from ..conftest import SHARED

REPO = Path(__file__).resolve().parents[2]
SROIE = SHARED / "sroie-train"
DOC = Document(doc_id="t1", source="memory", doc_type="receipt", row_no=0)
RENDERED_LINES = ("TOTAL 12.50", "CASH 20.00")


def rendered_png() -> bytes:
    """Two receipt-like lines in a large TrueType font, with margins like a scan."""
    image = Image.new("RGB", (640, 360), "white")
    ImageDraw.Draw(image).multiline_text(
        (60, 80), "\n".join(RENDERED_LINES), fill="black", font=ImageFont.load_default(size=40), spacing=30
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def engine() -> LocalEngine:
    return LocalEngine(EngineSettings())


@pytest.fixture(scope="module")
def rendered_response(engine: LocalEngine) -> dict[str, Any]:
    return engine.detect_text(ImageInput(data=rendered_png()), DOC)


@pytest.fixture(scope="module")
def receipt_response(engine: LocalEngine) -> dict[str, Any]:
    path = SROIE / "img" / "000.jpg"
    if not path.is_file():
        pytest.skip("shared SROIE images are absent")
    return engine.detect_text(ImageInput(data=path.read_bytes()), DOC)


def by_type(response: Mapping[str, Any], kind: str) -> list[Mapping[str, Any]]:
    return [d for d in response["TextDetections"] if d["Type"] == kind]


def assert_detect_text_shape(response: Mapping[str, Any]) -> None:
    """The DetectText contract parsers rely on: keys, types, 0..1 geometry, LINEs then WORDs."""
    assert set(response) == {"TextDetections", "TextModelVersion"}
    assert response["TextModelVersion"].startswith("local-ppocr-")
    assert read_by_local_model(response)  # the MRZ repair undoes this model's misreads first
    detections = response["TextDetections"]
    lines = by_type(response, "LINE")
    assert [d["Type"] for d in detections] == ["LINE"] * len(lines) + ["WORD"] * (len(detections) - len(lines))
    assert [d["Id"] for d in detections] == list(range(len(detections)))
    for det in detections:
        text = det["DetectedText"]
        assert isinstance(text, str) and text == text.strip() != ""
        assert 0.0 <= det["Confidence"] <= 100.0
        box = det["Geometry"]["BoundingBox"]
        assert all(0.0 <= box[k] <= 1.0 for k in ("Left", "Top", "Width", "Height"))
        assert box["Left"] + box["Width"] <= 1.0 + 1e-9 and box["Top"] + box["Height"] <= 1.0 + 1e-9
        polygon = det["Geometry"]["Polygon"]
        assert len(polygon) == 4
        assert all(0.0 <= p["X"] <= 1.0 and 0.0 <= p["Y"] <= 1.0 for p in polygon)
    for line in lines:
        assert "ParentId" not in line
        children = [w for w in by_type(response, "WORD") if w["ParentId"] == line["Id"]]
        assert " ".join(w["DetectedText"] for w in children) == line["DetectedText"]
    assert {w["ParentId"] for w in by_type(response, "WORD")} <= {line["Id"] for line in lines}


def test_local_engine_is_registered_with_its_contract() -> None:
    engine = create_engine("local", EngineSettings())
    assert isinstance(engine, LocalEngine)
    assert (engine.name, engine.parallelism, engine.reads_s3_objects, engine.rate_limited) == (
        "local",
        "processes",
        False,
        False,
    )


def test_models_are_the_files_bundled_in_the_rapidocr_wheel() -> None:
    spec = importlib.util.find_spec("rapidocr")
    package_dir = Path(next(iter(spec.submodule_search_locations))).resolve()
    paths = model_paths()
    assert set(paths) == {"Det", "Rec", "Cls"}
    for path in paths.values():
        assert path.is_file() and path.stat().st_size > 100_000
        assert path.resolve().is_relative_to(package_dir / "models")


def test_model_version_names_rapidocr_and_each_model_file_it_runs(engine: LocalEngine) -> None:
    version = engine.model_version
    paths = model_paths()
    assert version.startswith("rapidocr-")
    assert paths["Det"].name in version and paths["Rec"].name in version
    assert paths["Cls"].name in version  # line orientation is on by default
    assert paths["Cls"].name not in LocalEngine(EngineSettings(options={"orientation": False})).model_version
    assert version == LocalEngine(EngineSettings()).model_version
    assert LocalEngine(EngineSettings(min_confidence=80)).model_version != version


@pytest.mark.parametrize("option", [{"max_side": 1600}, {"det_min_side": 640}, {"det_max_side": 1600},
                                    {"rec_min_width": 96}, {"rec_batch": 1},
                                    {"det_strip_pixels": 0}])
def test_a_setting_that_changes_what_is_read_changes_the_model_version(engine: LocalEngine, option: dict) -> None:
    assert LocalEngine(EngineSettings(options=option)).model_version != engine.model_version


def test_the_shrink_floor_is_in_the_model_version_only_where_the_detector_shrinks(engine: LocalEngine) -> None:
    def version(**options: int) -> str:
        return LocalEngine(EngineSettings(options=options)).model_version

    assert version(det_max_side=1280, det_shrink_min_side=400) != version(det_max_side=1280)
    assert version(det_shrink_min_side=400) == engine.model_version  # at its own scale: the same answers


def test_threads_do_not_change_the_model_version(engine: LocalEngine) -> None:
    # how, not what, it reads
    assert LocalEngine(EngineSettings(options={"threads": 2})).model_version == engine.model_version


@pytest.mark.parametrize("threads", [0, -1, "2", 1.5, True])
def test_threads_option_must_be_a_positive_integer(threads: object) -> None:
    with pytest.raises(ConfigError):
        LocalEngine(EngineSettings(options={"threads": threads}))


@pytest.mark.parametrize("option", [{"max_side": 10}, {"det_max_side": 0}, {"rec_batch": 0},
                                    {"orientation": "yes"}, {"det_min_side": 1.5},
                                    {"det_strip_pixels": -1}])
def test_size_batch_and_orientation_options_are_checked(option: dict) -> None:
    with pytest.raises(ConfigError):
        LocalEngine(EngineSettings(options=option))


@pytest.mark.slow
def test_rendered_image_gives_a_valid_detect_text_response(rendered_response: dict[str, Any]) -> None:
    assert_detect_text_shape(rendered_response)


@pytest.mark.slow
def test_rendered_lines_are_recognised_top_to_bottom(rendered_response: dict[str, Any]) -> None:
    lines = by_type(rendered_response, "LINE")
    assert [d["DetectedText"] for d in lines] == list(RENDERED_LINES)
    assert lines[0]["Geometry"]["BoundingBox"]["Top"] < lines[1]["Geometry"]["BoundingBox"]["Top"]
    assert all(d["Confidence"] > 90 for d in lines)


@pytest.mark.slow
def test_rendered_words_have_their_own_boxes_left_to_right(rendered_response: dict[str, Any]) -> None:
    for line in by_type(rendered_response, "LINE"):
        words = [w for w in by_type(rendered_response, "WORD") if w["ParentId"] == line["Id"]]
        assert [w["DetectedText"] for w in words] == line["DetectedText"].split()
        boxes = [w["Geometry"]["BoundingBox"] for w in words]
        line_box = line["Geometry"]["BoundingBox"]
        for left, right in zip(boxes, boxes[1:]):
            assert left["Left"] + left["Width"] <= right["Left"] + 1e-6
        for box in boxes:
            assert box["Width"] < line_box["Width"] * 0.8
            assert line_box["Left"] - 0.01 <= box["Left"]
            assert box["Left"] + box["Width"] <= line_box["Left"] + line_box["Width"] + 0.01


@pytest.mark.slow
def test_transparent_png_is_read_as_dark_text_on_white(engine: LocalEngine) -> None:
    image = Image.new("RGBA", (640, 240), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((60, 80), RENDERED_LINES[0], fill=(0, 0, 0, 255), font=ImageFont.load_default(size=40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    response = engine.detect_text(ImageInput(data=out.getvalue()), DOC)
    assert [d["DetectedText"] for d in by_type(response, "LINE")] == [RENDERED_LINES[0]]


@pytest.mark.slow
def test_min_confidence_drops_lines_below_it(rendered_response: dict[str, Any]) -> None:
    strict = LocalEngine(EngineSettings(min_confidence=100.0))
    response = strict.detect_text(ImageInput(data=rendered_png()), DOC)
    assert response == {"TextDetections": [], "TextModelVersion": rendered_response["TextModelVersion"]}


@pytest.mark.slow
def test_receipt_scan_gives_a_valid_response(receipt_response: dict[str, Any]) -> None:
    assert_detect_text_shape(receipt_response)
    assert len(by_type(receipt_response, "LINE")) >= 20


@pytest.mark.slow
def test_receipt_total_is_among_the_recognised_words(receipt_response: dict[str, Any]) -> None:
    truth = json.loads((SROIE / "key" / "000.json").read_text())
    assert truth["total"] in {w["DetectedText"] for w in by_type(receipt_response, "WORD")}


@pytest.mark.slow
def test_receipt_words_lie_inside_their_lines(receipt_response: dict[str, Any]) -> None:
    lines = {d["Id"]: d["Geometry"]["BoundingBox"] for d in by_type(receipt_response, "LINE")}
    for word in by_type(receipt_response, "WORD"):
        box, line = word["Geometry"]["BoundingBox"], lines[word["ParentId"]]
        cx, cy = box["Left"] + box["Width"] / 2, box["Top"] + box["Height"] / 2
        assert line["Left"] <= cx <= line["Left"] + line["Width"]
        assert line["Top"] <= cy <= line["Top"] + line["Height"]


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", rendered_png()[:300]],
    ids=["empty", "text", "truncated-png"],
)
def test_undecodable_bytes_are_a_bad_image(engine: LocalEngine, data: bytes) -> None:
    with pytest.raises(BadImageError, match="cannot decode") as info:
        engine.detect_text(ImageInput(data=data), DOC)
    assert info.value.error_code == "bad_image"


def test_s3_objects_are_refused_since_the_engine_reads_bytes(engine: LocalEngine) -> None:
    with pytest.raises(InvalidRequest):
        engine.detect_text(ImageInput(s3=S3Location("bucket", "key.jpg")), DOC)


# --- word geometry when rapidocr's own word split cannot be used -------------------------


def quad(x0: float, x1: float, y0: float = 11, y1: float = 29) -> tuple:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


LINE = quad(100.0, 210.0, 10.0, 30.0)  # "TOTAL 12.50": 11 characters, 10 px each


def test_pieces_that_spell_the_words_give_the_word_boxes() -> None:
    pieces = [WordPiece("TOTAL", 0.9, quad(101, 148)), WordPiece("12.50", 0.8, quad(161, 209))]
    words = line_words("TOTAL 12.50", LINE, 95.0, pieces)
    assert [(w.text, w.polygon) for w in words] == [("TOTAL", quad(101, 148)), ("12.50", quad(161, 209))]
    assert [round(w.confidence) for w in words] == [90, 80]


def test_character_pieces_are_merged_into_their_word() -> None:
    chars = [WordPiece(c, 1.0, quad(100 + 10 * i, 110 + 10 * i)) for i, c in enumerate("谢谢！")]
    (word,) = line_words("谢谢！", quad(100, 130, 10, 30), 90.0, chars)
    assert (word.text, word.polygon) == ("谢谢！", quad(100, 130))


@pytest.mark.parametrize(
    "pieces",
    [
        None,
        [WordPiece("TOTAL", 0.9, quad(101, 148))],
        [WordPiece("TOT", 0.9, quad(101, 130)), WordPiece("AL12.50", 0.9, quad(131, 209))],
        [WordPiece("TOTAL", 0.9, quad(101, 148, 311, 329)), WordPiece("12.50", 0.9, quad(161, 209))],
        [WordPiece("TOTAL", 0.9, quad(101, 101)), WordPiece("12.50", 0.9, quad(161, 209))],
    ],
    ids=["missing", "too-few", "split-across-space", "off-the-line", "no-area"],
)
def test_unusable_pieces_fall_back_to_apportioning_the_line_by_characters(pieces: list[WordPiece] | None) -> None:
    words = line_words("TOTAL 12.50", LINE, 95.0, pieces)
    assert [(w.text, w.confidence) for w in words] == [("TOTAL", 95.0), ("12.50", 95.0)]
    assert [w.polygon for w in words] == [quad(100.0, 150.0, 10.0, 30.0), quad(160.0, 210.0, 10.0, 30.0)]


# --- runs where $HOME cannot be written and the network is unreachable -------------------

_ISOLATED_RUN = """
import json, socket, sys
def refuse(*args, **kwargs):
    raise OSError("network access attempted")
socket.socket.connect = refuse
socket.create_connection = refuse
from docbatch.engines.base import EngineSettings
from docbatch.engines.local import LocalEngine
from docbatch.records import Document, ImageInput
engine = LocalEngine(EngineSettings())
assert "onnxruntime" not in sys.modules and "rapidocr" not in sys.modules, "models loaded at construction"
data = open(sys.argv[1], "rb").read()
response = engine.detect_text(ImageInput(data=data), Document("d", "s", "receipt", 0))
print(json.dumps([d["DetectedText"] for d in response["TextDetections"] if d["Type"] == "LINE"]))
"""


@pytest.mark.slow
def test_runs_offline_with_an_unwritable_home_and_prints_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    image = tmp_path / "rendered.png"
    image.write_bytes(rendered_png())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ORT_"))}
    env.update(HOME=str(blocker / "home"), PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", _ISOLATED_RUN, str(image)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == list(RENDERED_LINES)
    assert done.stderr == ""
    assert not (blocker.parent / "home").exists()


@pytest.mark.slow
def test_a_scan_over_max_side_is_shrunk_by_rapidocr_and_reads_its_address_digits(engine: LocalEngine) -> None:
    # SROIE 114 (932 x 2172): shrunk to 2,000 px with PIL's antialiased resize instead, its
    # address read "NO 29O" (the receipt evaluation's held-out addresses fell 89.2% -> 86.5%).
    path = SROIE / "img" / "114.jpg"
    if not path.is_file():
        pytest.skip("shared SROIE images are absent")
    response = engine.detect_text(ImageInput(data=path.read_bytes()), DOC)
    assert "NO 290, JALAN AIR PANAS," in [d["DetectedText"] for d in by_type(response, "LINE")]


# ---- one orientation per page ---------------------------------------------------------------


def test_lines_are_turned_all_or_none_by_the_page_majority() -> None:
    assert page_flips([False, True, False, False]) == [False] * 4
    assert page_flips([True, True, False, True]) == [True] * 4
    assert page_flips([True, False]) == [True, False]  # too few lines to vote: each keeps its call


def _passport_page(*, turned: bool) -> bytes:
    """Four printed lines and a TD3 zone in a monospaced face, as a scan or upside down."""
    lines = ["PASSPORT", "Surname ERIKSSON", "Given names ANNA MARIA", "Date of birth 12 AUG 1974",
             "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
    image = Image.new("RGB", (1300, 100 + 70 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        draw.text((40, 40 + 70 * k), line, font=ImageFont.truetype("DejaVuSansMono.ttf", 34), fill="black")
    out = io.BytesIO()
    (image.rotate(180) if turned else image).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.slow
def test_an_upside_down_page_is_read_upright_even_where_the_model_doubts_a_line(engine: LocalEngine) -> None:
    # The orientation model calls the first MRZ line upside down at only 0.77, under its own
    # 0.9 threshold; alone it would be read upside down ("L82>>>>0800810"). The page votes.
    lines = [d["DetectedText"] for d in by_type(engine.detect_text(ImageInput(data=_passport_page(turned=True)), DOC),
                                                "LINE")]
    assert "Surname ERIKSSON" in lines
    assert any(line.startswith("L898902C36") for line in lines), lines


@pytest.mark.slow
def test_an_upright_receipt_has_no_line_turned(engine: LocalEngine) -> None:
    # On SROIE 008 the orientation model turns 6 of 78 upright lines (dashes, short codes),
    # which were then read upside down. With the page's vote the lines read as with no model.
    path = SROIE / "img" / "008.jpg"
    if not path.is_file():
        pytest.skip("shared SROIE images are absent")
    unturned = LocalEngine(EngineSettings(options={"orientation": False}))
    image = ImageInput(data=path.read_bytes())
    texts = [[d["DetectedText"] for d in by_type(e.detect_text(image, DOC), "LINE")] for e in (engine, unturned)]
    assert texts[0] == texts[1]


@pytest.mark.slow
def test_a_curled_scans_address_lines_keep_their_words(engine: LocalEngine) -> None:
    # SROIE 014: the header rises to the right, the foot falls (the page's median skew is level),
    # and the second address line's end sits level with the first's. Placed word by word, its
    # last word (the state) went into the first line's row and pushed the first's last word out.
    path = SROIE / "img" / "014.jpg"
    if not path.is_file():
        pytest.skip("shared SROIE images are absent")
    from docbatch.parse.receipt.parser import parse_receipt

    address = parse_receipt(engine.detect_text(ImageInput(data=path.read_bytes()), DOC)).fields["vendor_address"]
    assert "TAMAN SENTOSA" in address and address.endswith("KLANG, SELANGOR.")
