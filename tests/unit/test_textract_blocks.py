"""Textract Blocks -> the DetectText shape, on real Textract answers (shared data) and edge cases."""

from __future__ import annotations

import json
from typing import Any

import pytest

from docbatch.engines.textract import detections_from_blocks, to_detect_text
from docbatch.errors import InvalidResponse
from docbatch.response import lines, summarize, validate, words
from docbatch.testing.dialects import to_blocks

from ..conftest import shared

#: Real answers holding LINE/WORD blocks: (file under textract/, the member holding the pages).
REAL = [("analyze-expense/receipt.jpg.json", "ExpenseDocuments"), ("analyze-id/fake_id.png.json", "IdentityDocuments")]


def real_blocks(name: str, member: str) -> list[dict[str, Any]]:
    answer = json.loads(shared("textract", name).read_text())
    return answer[member][0]["Blocks"]


@pytest.mark.parametrize(("name", "member"), REAL, ids=[n.split("/")[0] for n, _ in REAL])
def test_real_blocks_become_lines_then_words_with_their_parents(name: str, member: str) -> None:
    blocks = real_blocks(name, member)
    response = validate(detections_from_blocks(blocks, model_version="textract-1.0"))
    by_id = {b["Id"]: b for b in blocks}
    line_blocks = [b for b in blocks if b["BlockType"] == "LINE"]
    dets = response["TextDetections"]
    n = len(line_blocks)
    # LINEs first, Ids 0..n-1 in Textract's reading order, with Textract's text and confidence
    assert [d["Type"] for d in dets[:n]] == ["LINE"] * n and [d["Id"] for d in dets[:n]] == list(range(n))
    assert [d["DetectedText"] for d in dets[:n]] == [b["Text"] for b in line_blocks]
    assert [d["Confidence"] for d in dets[:n]] == pytest.approx([b["Confidence"] for b in line_blocks])
    # then every WORD, each under the LINE whose CHILD ids name it, in that order
    expected = [(parent, by_id[i]["Text"]) for parent, line in enumerate(line_blocks)
                for rel in line.get("Relationships", []) if rel["Type"] == "CHILD" for i in rel["Ids"]]
    assert [(d["ParentId"], d["DetectedText"]) for d in dets[n:]] == expected
    assert [d["Id"] for d in dets[n:]] == list(range(n, len(dets)))
    assert len(words(response)) == sum(1 for b in blocks if b["BlockType"] == "WORD")
    # each LINE's text is its words joined (what parsers rely on), geometry kept as Textract's polygon
    for line in lines(response):
        assert " ".join(w["DetectedText"] for w in words(response) if w["ParentId"] == line["Id"]) \
            == line["DetectedText"]
    first_word = by_id[line_blocks[0]["Relationships"][0]["Ids"][0]]
    polygon = dets[n]["Geometry"]["Polygon"]
    assert [c for p in polygon for c in (p["X"], p["Y"])] == pytest.approx(
        [c for p in first_word["Geometry"]["Polygon"] for c in (p["X"], p["Y"])])
    box = dets[n]["Geometry"]["BoundingBox"]
    assert box["Left"] == pytest.approx(min(p["X"] for p in polygon))
    assert box["Top"] + box["Height"] == pytest.approx(max(p["Y"] for p in polygon))
    assert summarize(response, word_cap=None).word_cap_hit is False


def test_the_receipt_reads_its_total_line() -> None:
    response = detections_from_blocks(real_blocks(*REAL[0]), model_version="textract-1.0")
    texts = [d["DetectedText"] for d in lines(response)]
    assert texts[0] == "MEGA BIGBOK" and any("TOTAL" in t.upper() for t in texts)


def test_a_detect_document_text_answer_names_its_model() -> None:
    answer = {"DocumentMetadata": {"Pages": 1}, "DetectDocumentTextModelVersion": "1.0",
              "Blocks": real_blocks(*REAL[1]), "ResponseMetadata": {"HTTPStatusCode": 200}}
    response = to_detect_text(answer)
    assert response["TextModelVersion"] == "textract-1.0" and "ResponseMetadata" not in response
    assert set(response) == {"TextDetections", "TextModelVersion"}


@pytest.mark.parametrize("answer", [{}, {"Blocks": None}, [], "<html>", {"TextModelVersion": "3.0"}])
def test_an_answer_without_blocks_is_invalid_and_retried(answer: Any) -> None:
    with pytest.raises(InvalidResponse):
        to_detect_text(answer)


def test_a_line_or_word_without_geometry_is_invalid() -> None:
    blocks = [{"BlockType": "LINE", "Id": "l", "Text": "TOTAL", "Confidence": 99.0}]
    with pytest.raises(InvalidResponse):
        detections_from_blocks(blocks, model_version="textract-1.0")


def box(left: float, top: float) -> dict[str, Any]:
    return {"BoundingBox": {"Left": left, "Top": top, "Width": 0.1, "Height": 0.05}}


def test_other_blocks_are_skipped_orphan_words_get_a_line_and_min_confidence_drops_words() -> None:
    blocks = [
        {"BlockType": "PAGE", "Id": "p", "Geometry": box(0, 0), "Relationships": [{"Type": "CHILD", "Ids": ["l1"]}]},
        {"BlockType": "LINE", "Id": "l1", "Text": "TOTAL 9.99", "Confidence": 90.0, "Geometry": box(0.1, 0.1),
         "Relationships": [{"Type": "CHILD", "Ids": ["w1", "w2"]}]},
        {"BlockType": "LINE", "Id": "l2", "Text": "smudge", "Confidence": 20.0, "Geometry": box(0.1, 0.3),
         "Relationships": [{"Type": "CHILD", "Ids": ["w3"]}]},
        {"BlockType": "WORD", "Id": "w1", "Text": "TOTAL", "Confidence": 95.0, "Geometry": box(0.1, 0.1)},
        {"BlockType": "WORD", "Id": "w2", "Text": "9.99", "Confidence": 85.0, "Geometry": box(0.2, 0.1)},
        {"BlockType": "WORD", "Id": "w3", "Text": "smudge", "Confidence": 20.0, "Geometry": box(0.1, 0.3)},
        {"BlockType": "WORD", "Id": "w4", "Text": "THANKS", "Confidence": 99.0, "Geometry": box(0.1, 0.5)},
        {"BlockType": "SELECTION_ELEMENT", "Id": "s", "Geometry": box(0.5, 0.5)},
    ]
    everything = detections_from_blocks(blocks, model_version="m")["TextDetections"]
    assert [(d["Type"], d["DetectedText"], d.get("ParentId")) for d in everything] == [
        ("LINE", "TOTAL 9.99", None), ("LINE", "smudge", None), ("LINE", "THANKS", None),
        ("WORD", "TOTAL", 0), ("WORD", "9.99", 0), ("WORD", "smudge", 1), ("WORD", "THANKS", 2)]
    filtered = detections_from_blocks(blocks, model_version="m", min_confidence=50.0)["TextDetections"]
    assert [(d["Type"], d["DetectedText"], d.get("ParentId")) for d in filtered] == [
        ("LINE", "TOTAL 9.99", None), ("LINE", "THANKS", None),
        ("WORD", "TOTAL", 0), ("WORD", "9.99", 0), ("WORD", "THANKS", 1)]


def test_the_fake_servers_blocks_convert_back_to_the_same_detections() -> None:
    original = detections_from_blocks(real_blocks(*REAL[0]), model_version="textract-1.0")
    again = detections_from_blocks(to_blocks(original["TextDetections"]), model_version="textract-1.0")
    assert again == original
