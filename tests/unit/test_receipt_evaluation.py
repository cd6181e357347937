"""The receipt evaluation reads a finished run's ``raw/`` folder as well as plain JSON, and scores image
readings against both human readings of a receipt where its key and its box lines disagree."""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from docbatch.answerpack import PackWriter
from evals.pipeline import run_folder_name, saved_responses
from docbatch.parse.receipt.parser import ReceiptHints
from evals.receipts import box_response, engine_option, receipt_outcomes, response_stem
from evals.sroie_labels import box_spellings


def test_stems_of_saved_responses_drop_image_and_json_suffixes():
    assert [response_stem(n) for n in ("000.jpg.json.gz", "001.json", "002.jpg.json")] == ["000", "001", "002"]


def test_a_runs_gzipped_raw_response_loads_by_image_path(tmp_path: Path):
    response = {"TextDetections": [], "TextModelVersion": "x"}
    (tmp_path / "007.jpg.json.gz").write_bytes(gzip.compress(json.dumps(response).encode()))
    assert saved_responses(tmp_path)(Path("/anywhere/img/007.jpg")) == response


def test_a_runs_packed_response_loads_by_image_path(tmp_path: Path):
    response = {"TextDetections": [], "TextModelVersion": "x"}
    writer = PackWriter(tmp_path, "answers-20261202T000000Z-abcdef")
    writer.append("007.jpg", json.dumps(response).encode())
    writer.close()
    assert saved_responses(tmp_path)(Path("/anywhere/img/007.jpg")) == response


def test_an_engine_option_value_is_read_as_json_else_kept_as_text():
    assert engine_option("rec_batch=1") == ("rec_batch", 1)
    assert engine_option("orientation=false") == ("orientation", False)
    assert engine_option("mode=fast") == ("mode", "fast")


def test_an_engine_option_without_a_value_is_refused():
    with pytest.raises(argparse.ArgumentTypeError):
        engine_option("rec_batch")


def test_each_set_of_engine_options_is_run_in_its_own_folder():
    # a run resumed with other options would keep the answers of the first
    assert run_folder_name({}) == "run"
    assert run_folder_name({"rec_batch": 1, "orientation": False}) == "run-orientation=false,rec_batch=1"
    assert run_folder_name({"rec_batch": 1}) != run_folder_name({"rec_batch": 6})


def test_a_key_word_the_box_line_beside_its_neighbour_spells_otherwise_is_found():
    lines = ["NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI", "SELANGOR DARUL EHSAN", "BERJAYA MART"]
    key = "NO.53, JALAN BESAR, 45600 BATANG BEJUNTAL SELANGOR DARUL EHSAN"
    assert box_spellings(key, lines) == [("BEJUNTAL", "BERJUNTAI")]
    assert box_spellings(key.replace("BEJUNTAL", "BERJUNTAI"), lines) == []
    # a word close only to one on a line none of its neighbours is on says nothing
    assert box_spellings("BERJAYO SUPERSTORE", ["BERJAYA", "SUPER STORE"]) == []


def _sroie_receipt(root: Path, stem: str, box: list[str], key: dict[str, str]) -> Path:
    (root / "box").mkdir(parents=True, exist_ok=True)
    (root / "key").mkdir(exist_ok=True)
    rows = [f"10,{20 + 30 * i},400,{20 + 30 * i},400,{45 + 30 * i},10,{45 + 30 * i},{text}" for i, text in enumerate(box)]
    (root / "box" / f"{stem}.csv").write_text("\n".join(rows) + "\n")
    (root / "key" / f"{stem}.json").write_text(json.dumps(key))
    return root / "box" / f"{stem}.csv"


def test_an_image_address_spelt_as_the_box_lines_where_the_key_differs_counts_right_only_on_images(tmp_path: Path):
    box = _sroie_receipt(tmp_path, "024", [
        "KEDAI BATANG SDN BHD", "NO. 53, JALAN BESAR, 45600 BATANG BERJUNTAI", "SELANGOR DARUL EHSAN",
        "TAX INVOICE", "DATE: 01/02/2018", "ITEM A 5.00", "TOTAL 5.00"],
        {"company": "KEDAI BATANG SDN BHD", "address": "NO.53, JALAN BESAR, 45600 BATANG BEJUNTAL SELANGOR DARUL EHSAN",
         "date": "01/02/2018", "total": "5.00"})
    response = box_response(box)
    hints = ReceiptHints(run_date=dt.date(2026, 12, 1))

    def address_right(box_spelt: bool) -> bool:
        outcomes, _ = receipt_outcomes(tmp_path, ["024"], lambda stem: response, hints, False, box_spelt=box_spelt)
        return next(o.right for o in outcomes if o.field == "vendor_address")

    assert (address_right(True), address_right(False)) == (True, False)
