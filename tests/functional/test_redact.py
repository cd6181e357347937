"""--redact keeps names, numbers and birth dates of ID holders out of the tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from docbatch import RunConfig, run_batch
from docbatch.response import make_detection

MRZ = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]


def passport_response() -> dict:
    rows = [["PASSPORT"], ["Surname", "ERIKSSON"], ["Given", "names", "ANNA", "MARIA"], [MRZ[0]], [MRZ[1]]]
    lines, words = [], []
    for i, row in enumerate(rows):
        y = 0.1 + i * 0.15
        lines.append(make_detection(id=i, type="LINE", text=" ".join(row), confidence=99.0,
                                    polygon=[(0.05, y), (0.95, y), (0.95, y + 0.05), (0.05, y + 0.05)]))
        x = 0.05
        for w in row:
            width = 0.9 * len(w) / max(len(" ".join(row)), 1)
            words.append(make_detection(id=0, type="WORD", text=w, confidence=99.0, parent_id=i,
                                        polygon=[(x, y), (x + width, y), (x + width, y + 0.05), (x, y + 0.05)]))
            x += width + 0.01
    for n, w in enumerate(words):
        w["Id"] = len(lines) + n
    return {"TextDetections": lines + words, "TextModelVersion": "3.0"}


@pytest.fixture
def replay_run(tmp_path):
    replay = tmp_path / "replay"
    replay.mkdir()
    (replay / "anna.json").write_text(json.dumps(passport_response()))
    manifest = tmp_path / "m.csv"
    manifest.write_text("source,doc_type\nscans/anna.png,id\n")

    def run(redact: bool) -> Path:
        out = tmp_path / f"out-{redact}"
        run_batch(RunConfig(manifest=str(manifest), out=str(out), engine="replay", replay_dir=str(replay),
                            use_cache=False, redact=redact, formats=("parquet", "csv")))
        return out

    return run


def test_without_redact_the_ids_table_holds_the_mrz_values(replay_run):
    ids = pd.read_parquet(replay_run(False) / "ids")
    assert ids.loc[0, "last_name"] == "ERIKSSON" and ids.loc[0, "document_number"] == "L898902C3"


def test_redact_hashes_names_masks_numbers_and_drops_birth_dates(replay_run):
    out = replay_run(True)
    ids = pd.read_parquet(out / "ids")
    row = ids.iloc[0]
    assert row["last_name"].startswith("sha256:") and row["first_name"].startswith("sha256:")
    assert row["document_number"] == "*****02C3"
    assert pd.isna(row["date_of_birth"]) and pd.isna(row["mrz_code"])
    assert row["mrz_valid"]  # validation still reported


def test_redact_leaves_no_holder_text_in_any_table_or_csv(replay_run):
    out = replay_run(True)
    for path in [*out.glob("*/part-*.parquet"), *out.glob("csv/*/part-*.csv")]:
        text = path.read_bytes()
        for secret in (b"ERIKSSON", b"ANNA", b"L898902C3", b"740812"):
            assert secret not in text, (path, secret)


def _replay_one(tmp_path, response: dict, doc_type: str) -> Path:
    replay = tmp_path / "replay-one"
    replay.mkdir()
    (replay / "doc.json").write_text(json.dumps(response))
    manifest = tmp_path / "one.csv"
    manifest.write_text(f"source,doc_type\nscans/doc.png,{doc_type}\n")
    out = tmp_path / "out-one"
    run_batch(RunConfig(manifest=str(manifest), out=str(out), engine="replay", replay_dir=str(replay),
                        use_cache=False, redact=True, formats=("parquet", "csv")))
    return out


def test_an_id_filed_as_a_receipt_is_still_redacted_as_an_id(tmp_path):
    out = _replay_one(tmp_path, passport_response(), "receipt")
    det = pd.read_parquet(out / "detections")
    assert det["text"].isna().all()
    assert "ERIKSSON" not in "".join(p.read_text() for p in (out / "csv").rglob("*.csv"))


def test_card_numbers_on_receipts_keep_only_their_last_four_digits(tmp_path):
    rows = [["SHOP"], ["VISA", "4111", "1111", "1111", "1111"], ["TOTAL", "12.50"]]
    lines, words = [], []
    for i, row in enumerate(rows):
        y = 0.1 + i * 0.1
        lines.append(make_detection(id=i, type="LINE", text=" ".join(row), confidence=99.0,
                                    polygon=[(0.1, y), (0.9, y), (0.9, y + 0.05), (0.1, y + 0.05)]))
    out = _replay_one(tmp_path, {"TextDetections": lines, "TextModelVersion": "3.0"}, "receipt")
    texts = pd.read_parquet(out / "detections")["text"].tolist()
    assert "VISA ************1111" in texts and "TOTAL 12.50" in texts
    assert "4111 1111" not in "".join(p.read_text() for p in (out / "csv").rglob("*.csv"))
