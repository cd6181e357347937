"""The embedded engine's WORD confidence is its weakest glyph's recognition score.

The OCR tests (marked ``slow``) read SROIE 034, whose address prints ``PERMAS 9/5``: the
recognizer reads ``9/6`` with the ``6`` in doubt (its runner-up is ``5``) inside a line it
scores 98%.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from docbatch.engines.base import EngineSettings
from docbatch.engines.local import LocalEngine
from docbatch.engines.local_glyphs import GlyphRecorder, word_confidences
from docbatch.records import Document, ImageInput

from ..conftest import SHARED

SROIE = SHARED / "sroie-train"
DOC = Document(doc_id="034", source="memory", doc_type="receipt", row_no=0)


def test_a_word_scores_as_its_weakest_letter_or_digit() -> None:
    scores = [1.0, 0.99, 0.98, 1.0, 1.0, 0.67, 1.0]
    assert word_confidences("NO 9/6 X", scores + [1.0]) == pytest.approx([99.0, 67.0, 100.0])


def test_punctuation_beside_letters_does_not_lower_a_word_but_scores_a_word_of_its_own() -> None:
    # "ALAM," with a doubtful comma; "&" alone, doubtful.
    scores = [1.0, 0.99, 1.0, 0.98, 0.40, 1.0, 0.55]
    assert word_confidences("ALAM, &", scores) == pytest.approx([98.0, 55.0])


class _Recognizer:
    """Stands in for rapidocr's TextRecognizer: answers its lines with per-character scores."""

    def __init__(self, lines: list[tuple[str, float, list[float]]]) -> None:
        self.lines = lines
        self.rec_batch_num = 6

    def __call__(self, args: Any) -> Any:
        return SimpleNamespace(txts=tuple(t for t, _, _ in self.lines), scores=tuple(s for _, s, _ in self.lines),
                               word_results=tuple(SimpleNamespace(confs=c) for _, _, c in self.lines))


def test_each_final_line_gets_its_own_recorded_scores_past_the_lines_rapidocr_dropped() -> None:
    recorder = GlyphRecorder(_Recognizer([("AB", 0.4, [0.3, 0.5]), ("", 0.0, [0.0]), ("AB", 0.95, [0.9, 1.0]),
                                          ("C", 1.0, [1.0])]))
    recorder(None)
    # rapidocr dropped the empty line and the first "AB" (below its score floor).
    assert recorder.take(["AB", "C"], [0.95, 1.0]) == [[0.9, 1.0], [1.0]]
    assert recorder.take(["AB"], [0.95]) == [None]  # taken once: the record is emptied
    assert recorder.rec_batch_num == 6  # the recognizer's settings stay reachable


def test_the_recognizers_settings_are_set_on_the_recognizer_through_the_recorder() -> None:
    recognizer = _Recognizer([])
    GlyphRecorder(recognizer).rec_batch_num = 1
    assert recognizer.rec_batch_num == 1


@pytest.fixture(scope="module")
def scan_034() -> dict[str, Any]:
    path = SROIE / "img" / "034.jpg"
    if not path.is_file():
        pytest.skip("shared SROIE images are absent")
    return LocalEngine(EngineSettings()).detect_text(ImageInput(data=path.read_bytes()), DOC)


@pytest.mark.slow
def test_a_word_with_one_doubtful_glyph_has_a_low_confidence_in_a_confident_line(scan_034: dict[str, Any]) -> None:
    detections = scan_034["TextDetections"]
    line = next(d for d in detections if d["Type"] == "LINE" and d["DetectedText"].endswith("PERMAS 9/6"))
    words = {d["DetectedText"]: d["Confidence"] for d in detections if d.get("ParentId") == line["Id"]}
    assert line["Confidence"] > 98
    assert words["9/6"] < 80
    assert words["PERMAS"] > 99


def test_the_word_scores_are_part_of_the_model_version() -> None:
    assert "words=weakest_glyph" in LocalEngine(EngineSettings()).model_version
