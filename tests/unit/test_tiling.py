"""Regions and tiling (docbatch/regions.py, docbatch/tiling.py) without a server: a capped
reader answers regions of a known full answer (SROIE's perfect lines, synthetic receipts,
or the stripe receipt cropped for real), and the merged answer must be that full answer."""

from __future__ import annotations

import io
import math
import random
from typing import Any, Callable

import pytest
from PIL import Image

from docbatch.records import ImageInput
from docbatch.regions import FULL, Region, answer_seed, cap_words, crop_bytes, reframe, to_full, to_region, within
from docbatch.response import make_detection, validate
from docbatch.tiling import n_words, read_tiled
from evals.capped import reading_order, varied_confidence
from evals.receipts import box_response

from ..conftest import shared
from ..support.long_receipt import (
    StripeReceiptEngine,
    comparable,
    receipt_png,
    receipt_texts,
)

ORDERS = ("reading", "confidence", "random")
#: SROIE receipts of 102 to 218 words (two columns of labels and values, lines printed twice).
SROIE_LONG = ("001", "016", "090", "134", "611")


def capped_reader(full: dict[str, Any], *, order: str = "reading", cap: int = 100,
                  log: list[Region | None] | None = None) -> Callable[[Region | None], dict[str, Any]]:
    """The replay engine's way: the saved words wholly inside the region, in its frame, capped."""

    def read(region: Region | None) -> dict[str, Any]:
        if log is not None:
            log.append(region)
        answer = within(full, region) if region is not None else dict(full)
        seed = answer_seed(answer) + (region.key if region is not None else "")
        answer["TextDetections"] = cap_words(answer["TextDetections"], cap, order=order, seed=seed)
        return answer

    return read


def synthetic(n_lines: int, words_per_line: int | tuple[int, ...] = 3, *, seed: int = 0) -> dict[str, Any]:
    """A receipt of ``n_lines`` evenly spaced full-width lines, in reading order."""
    rng = random.Random(seed)
    pitch = 0.96 / n_lines
    lines, words = [], []
    for i in range(n_lines):
        y, h = 0.02 + i * pitch, pitch * 0.6
        k = words_per_line if isinstance(words_per_line, int) else rng.choice(words_per_line)
        tokens = [f"w{i}.{j}" for j in range(k)]
        lines.append(make_detection(id=i, type="LINE", text=" ".join(tokens), confidence=90 + rng.random() * 9,
                                    polygon=[(0.05, y), (0.95, y), (0.95, y + h), (0.05, y + h)]))
        for j, token in enumerate(tokens):
            x0, x1 = 0.05 + 0.9 * j / k, 0.04 + 0.9 * (j + 1) / k
            words.append(make_detection(id=10_000 + len(words), type="WORD", text=token, parent_id=i,
                                        confidence=50 + rng.random() * 50,
                                        polygon=[(x0, y), (x1, y), (x1, y + h), (x0, y + h)]))
    return {"TextDetections": lines + words, "TextModelVersion": "synthetic"}


def sroie(stem: str) -> dict[str, Any]:
    return reading_order(box_response(shared("sroie-train", "box", f"{stem}.csv")))


# -- regions ----------------------------------------------------------------------------------


def test_a_detection_moves_between_frames_and_back():
    det = make_detection(id=0, type="LINE", text="TOTAL 12.50", confidence=99.0,
                         polygon=[(0.1, 0.62), (0.6, 0.62), (0.6, 0.66), (0.1, 0.66)])
    band = Region.band(0.5, 0.8)
    inside = to_region(det, band)
    assert inside["Geometry"]["BoundingBox"]["Top"] == pytest.approx(0.4)
    assert inside["Geometry"]["BoundingBox"]["Height"] == pytest.approx(0.04 / 0.3)
    back = to_full(inside, band)
    for key, value in det["Geometry"]["BoundingBox"].items():
        assert back["Geometry"]["BoundingBox"][key] == pytest.approx(value, abs=1e-12)
    assert to_full(det, FULL) == det and Region.band(-0.2, 1.4) == FULL


def test_within_keeps_the_lines_wholly_inside_with_their_words_in_the_regions_frame():
    full = synthetic(10)
    band = Region.band(0.3, 0.62)
    part = within(full, band)
    lines = [d for d in part["TextDetections"] if d["Type"] == "LINE"]
    expected = [d["DetectedText"] for d in full["TextDetections"] if d["Type"] == "LINE"
                and d["Geometry"]["BoundingBox"]["Top"] >= 0.3
                and d["Geometry"]["BoundingBox"]["Top"] + d["Geometry"]["BoundingBox"]["Height"] <= 0.62]
    assert [d["DetectedText"] for d in lines] == expected and expected
    ids = {d["Id"] for d in lines}
    assert all(d["ParentId"] in ids for d in part["TextDetections"] if d["Type"] == "WORD")
    assert n_words(part) == 3 * len(lines)
    for d in part["TextDetections"]:
        bb = d["Geometry"]["BoundingBox"]
        assert 0 <= bb["Top"] and bb["Top"] + bb["Height"] <= 1 + 1e-9


@pytest.mark.parametrize("order", ORDERS)
def test_the_cap_keeps_its_words_in_the_order_asked_and_lines_with_their_full_text(order: str):
    full = varied_confidence(synthetic(50))  # 150 words
    kept = cap_words(full["TextDetections"], 100, order=order, seed="s")
    words = [d for d in kept if d["Type"] == "WORD"]
    assert len(words) == 100
    all_words = [d for d in full["TextDetections"] if d["Type"] == "WORD"]
    if order == "reading":
        assert words == all_words[:100]
    elif order == "confidence":
        assert min(w["Confidence"] for w in words) >= max(w["Confidence"] for w in all_words if w not in words)
    else:
        assert cap_words(full["TextDetections"], 100, order=order, seed="s") == kept  # seeded: repeatable
    parents = {w["ParentId"] for w in words}
    lines = [d for d in kept if d["Type"] == "LINE"]
    assert {d["Id"] for d in lines} == parents  # a line stays while one of its words does
    assert all(len(d["DetectedText"].split()) == 3 for d in lines)  # with its full text


def test_a_crop_is_pixel_exact_and_an_answer_about_it_is_reframed_to_the_region_asked():
    png = receipt_png(receipt_texts(6))
    with Image.open(io.BytesIO(png)) as img:
        width, height = img.size
    asked = Region.band(0.3333, 0.71)
    data, seen, w, h = crop_bytes(png, asked)
    with Image.open(io.BytesIO(data)) as crop:
        assert crop.size == (w, h) == (width, math.ceil(0.71 * height) - math.floor(0.3333 * height))
    assert seen.top <= asked.top and seen.bottom >= asked.bottom
    answer = {"TextDetections": [make_detection(id=0, type="LINE", text="X", confidence=90.0,
                                                polygon=[(0, 0), (1, 0), (1, 1), (0, 1)])]}
    moved = reframe(answer, seen, asked)["TextDetections"][0]["Geometry"]["BoundingBox"]
    assert (moved["Top"], moved["Top"] + moved["Height"]) == (0.0, 1.0)  # clamped to the frame asked


# -- tiling ------------------------------------------------------------------------------------


def test_an_answer_under_the_cap_comes_back_untouched_in_one_call():
    full = synthetic(20)
    log: list[Region | None] = []
    tiled = read_tiled(capped_reader(full, log=log), word_cap=100)
    assert (tiled.response, tiled.tiles, tiled.lost, log) == (full, 1, False, [None])


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("stem", SROIE_LONG)
def test_long_sroie_receipts_come_back_whole_whatever_words_the_cap_keeps(stem: str, order: str):
    full = sroie(stem)
    if order == "confidence":
        full = varied_confidence(full)
    tiled = read_tiled(capped_reader(full, order=order), word_cap=100)
    assert comparable(tiled.response) == comparable(full)
    assert not tiled.lost
    if order == "reading":  # one call per 100 words, give or take the re-read rows
        assert tiled.tiles <= math.ceil(n_words(full) / 100) + 1


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("shape", [1, 2, (1, 2, 3, 4)], ids=["1-word", "2-word", "mixed"])
def test_synthetic_receipts_come_back_whole_whatever_words_the_cap_keeps(order: str, shape: Any):
    for seed, n_lines in enumerate((60, 110)):
        full = synthetic(n_lines if shape != (1, 2, 3, 4) else n_lines // 2, shape, seed=seed)
        tiled = read_tiled(capped_reader(full, order=order), word_cap=100)
        assert comparable(tiled.response) == comparable(full), (seed, tiled.tiles)
        assert not tiled.lost


def test_reading_order_costs_one_call_per_hundred_words_and_cuts_between_lines():
    full = synthetic(84)  # 252 words: three answers at least
    log: list[Region | None] = []
    tiled = read_tiled(capped_reader(full, log=log), word_cap=100)
    assert tiled.tiles == len(log) == 3 and not tiled.lost
    boxes = [d["Geometry"]["BoundingBox"] for d in full["TextDetections"] if d["Type"] == "LINE"]
    assert tiled.cuts and all(not (b["Top"] < cut < b["Top"] + b["Height"]) for cut in tiled.cuts for b in boxes)


def test_the_merged_answer_is_one_detect_text_answer_with_consistent_ids():
    full = synthetic(90, (1, 2, 3, 4, 5), seed=3)
    tiled = read_tiled(capped_reader(full, order="random"), word_cap=100)
    dets = validate(tiled.response)["TextDetections"]
    assert [d["Id"] for d in dets] == list(range(len(dets)))
    kinds = [d["Type"] for d in dets]
    assert kinds == sorted(kinds)  # LINEs first, then WORDs
    lines = {d["Id"]: d for d in dets if d["Type"] == "LINE"}
    for w in (d for d in dets if d["Type"] == "WORD"):
        assert w["DetectedText"] in lines[w["ParentId"]]["DetectedText"].split()
    assert tiled.response["TextModelVersion"] == "synthetic"


def test_the_first_answers_detections_keep_their_exact_geometry():
    full = synthetic(60)
    first = capped_reader(full)(None)
    tiled = read_tiled(capped_reader(full), word_cap=100)
    geometry = {d["DetectedText"]: d["Geometry"] for d in first["TextDetections"]}
    top_line = next(d for d in tiled.response["TextDetections"] if d["DetectedText"] == "w0.0 w0.1 w0.2")
    assert top_line["Geometry"] == geometry["w0.0 w0.1 w0.2"]  # bit for bit, not re-derived


def test_lines_printed_twice_in_one_answer_are_both_kept():
    full = synthetic(40)
    dets = full["TextDetections"]
    twin = dict(dets[5], Id=999)  # the same text at the same place, as SROIE 001 has
    twin_words = [dict(w, Id=2000 + i, ParentId=999) for i, w in enumerate(dets) if w.get("ParentId") == 5]
    after = max(i for i, w in enumerate(dets) if w.get("ParentId") == 5) + 1
    full["TextDetections"] = [*dets[:6], twin, *dets[6:after], *twin_words, *dets[after:]]
    tiled = read_tiled(capped_reader(full), word_cap=100)
    texts = [d["DetectedText"] for d in tiled.response["TextDetections"] if d["Type"] == "LINE"]
    assert texts.count(twin["DetectedText"]) == 2 and tiled.tiles == 2


def test_a_row_holding_the_whole_cap_cannot_be_cut_and_is_reported_lost():
    tokens = [f"t{i}" for i in range(150)]
    line = make_detection(id=0, type="LINE", text=" ".join(tokens), confidence=99.0,
                          polygon=[(0.0, 0.4), (1.0, 0.4), (1.0, 0.45), (0.0, 0.45)])
    words = [make_detection(id=1 + i, type="WORD", text=t, confidence=99.0, parent_id=0,
                            polygon=[(i / 150, 0.4), ((i + 1) / 150, 0.4), ((i + 1) / 150, 0.45), (i / 150, 0.45)])
             for i, t in enumerate(tokens)]
    tiled = read_tiled(capped_reader({"TextDetections": [line, *words]}), word_cap=100)
    assert tiled.lost and n_words(tiled.response) == 100 and tiled.tiles == 1


def test_an_engine_that_ignores_regions_stops_at_the_call_budget_with_words_lost():
    full = synthetic(60)  # 180 words, answered whole (and capped) whatever region is asked
    calls: list[int] = []

    def stubborn(region: Region | None) -> dict[str, Any]:
        calls.append(1)
        answer = dict(full)
        answer["TextDetections"] = cap_words(full["TextDetections"], 100)
        return answer

    tiled = read_tiled(stubborn, word_cap=100, max_tiles=6)
    assert (len(calls), tiled.tiles, tiled.lost) == (6, 6, True)


def test_crops_read_by_an_ocr_merge_back_to_the_whole_answer_without_half_lines():
    """The stripe receipt cropped for real: half lines at a crop's edge come back garbled
    (``#####``) and must not reach the merged answer."""
    texts = receipt_texts(60)
    png = receipt_png(texts)
    engine = StripeReceiptEngine(texts)
    with Image.open(io.BytesIO(png)) as img:
        height = img.height

    def read(region: Region | None) -> dict[str, Any]:
        if region is None:
            answer = engine.detect_text(ImageInput(data=png))
        else:
            data, seen, _, _ = crop_bytes(png, region)
            answer = reframe(engine.detect_text(ImageInput(data=data)), seen, region)
        answer["TextDetections"] = cap_words(answer["TextDetections"], 100)
        return answer

    tiled = read_tiled(read, word_cap=100, image_height=height)
    whole = engine.detect_text(ImageInput(data=png))
    assert comparable(tiled.response) == comparable(whole)
    assert (tiled.tiles, tiled.lost) == (3, False)
    assert not any("#" in d["DetectedText"] for d in tiled.response["TextDetections"])


def test_the_replay_engine_honours_regions_and_replays_a_capped_service(tmp_path):
    import json

    from docbatch.engines.base import EngineSettings, create_engine
    from docbatch.errors import ConfigError
    from docbatch.records import Document

    full = synthetic(60)  # 180 words
    (tmp_path / "r1.json").write_text(json.dumps(full))
    doc = Document(doc_id="r1", source="r1.png", doc_type="receipt", row_no=1)
    plain = create_engine("replay", EngineSettings(replay_dir=str(tmp_path)))
    capped = create_engine("replay", EngineSettings(replay_dir=str(tmp_path), options={"word_cap": 100}))
    assert (plain.word_cap, capped.word_cap) == (None, 100) and plain.model_version != capped.model_version
    assert n_words(plain.detect_text(None, doc)) == 180 and n_words(capped.detect_text(None, doc)) == 100
    band = Region.band(0.5, 1.0)
    assert capped.detect_text(None, doc, region=band) == capped_reader(full)(band)
    tiled = read_tiled(lambda region: capped.detect_text(None, doc, region=region), word_cap=100)
    assert comparable(tiled.response) == comparable(full)
    with pytest.raises(ConfigError):
        create_engine("replay", EngineSettings(replay_dir=str(tmp_path), options={"word_cap_order": "alphabetical"}))


def test_tiling_is_a_run_option_built_into_the_stage_settings():
    from docbatch.config import RunConfig
    from docbatch.errors import ConfigError

    assert RunConfig(manifest="m.csv", out="o").stages().tiling.enabled
    assert not RunConfig(manifest="m.csv", out="o", tiling="off").stages().tiling.enabled
    with pytest.raises(ConfigError):
        RunConfig(manifest="m.csv", out="o", tiling="sideways")


def test_a_crop_under_the_services_minimum_side_is_enlarged_with_the_same_frame():
    png = receipt_png(receipt_texts(6))
    data, seen, w, h = crop_bytes(png, Region.band(0.40, 0.45), min_side=80)
    with Image.open(io.BytesIO(data)) as crop:
        assert crop.size == (w, h) and h == 80 and w > 80
    assert seen == crop_bytes(png, Region.band(0.40, 0.45))[1]
