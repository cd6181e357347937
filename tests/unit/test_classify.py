"""doc_type auto: receipts and identity documents told apart from the detections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docbatch.parse.classify import classify
from docbatch.response import make_detection

from ..conftest import SHARED as DATA


def _lines(texts: list[str]) -> dict:
    dets = []
    for i, text in enumerate(texts):
        y = 0.02 + 0.03 * i
        dets.append(make_detection(id=i, type="LINE", text=text, confidence=95.0,
                                   polygon=[(0.1, y), (0.9, y), (0.9, y + 0.025), (0.1, y + 0.025)]))
    return {"TextDetections": dets}


def _sroie_box(path: Path) -> dict:
    texts = [row.split(",", 8)[8] for row in path.read_text(encoding="utf-8", errors="replace").splitlines()
             if row.count(",") >= 8]
    return _lines(texts)


def test_real_receipts_are_receipts():
    boxes = sorted((DATA / "sroie-train" / "box").glob("*.csv"))[:60]
    if not boxes:
        pytest.skip("SROIE boxes not available")
    assert [p.stem for p in boxes if classify(_sroie_box(p)) != "receipt"] == []


def test_real_rekognition_receipt_responses_are_receipts():
    paths = sorted((DATA / "rekognition-detecttext").glob("aws-sample-response*.json"))
    if not paths:
        pytest.skip("Rekognition samples not available")
    for path in paths:
        assert classify(json.loads(path.read_text(encoding="utf-8"))) == "receipt", path.name


def test_real_licence_text_is_an_id():
    path = DATA / "textract" / "analyze-id" / "fake_id.png.json"
    if not path.exists():
        pytest.skip("Textract sample not available")
    blocks = json.loads(path.read_text(encoding="utf-8"))["IdentityDocuments"][0]["Blocks"]
    assert classify(_lines([b["Text"] for b in blocks if b["BlockType"] == "LINE"])) == "id"


def test_licence_labels_glued_by_ocr_still_count():
    assert classify(_lines(["Arizona", "DRIVER LICENSE", "4dDLN D08954796", "3 DOB 01/01/1974",
                            "4b EXP 03/01/2024 4a ISs 03/01/2016", "15 SEX M"])) == "id"


def test_a_page_with_an_mrz_is_an_id_whatever_else_it_says():
    assert classify(_lines(["TOTAL 10.00", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                            "L898902C36UTO7408122F1204159ZE184226B<<<<<10"])) == "id"


def test_nothing_recognisable_defaults_to_receipt():
    assert classify(_lines([])) == "receipt"
