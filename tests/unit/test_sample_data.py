"""The bundled sample data: reproducible, complete, and right by the rules it claims to follow.

The README's first command runs on ``sample_data/``; the parsers are measured against its
``truth.json``.  So the truth must be internally consistent (receipt sums, ICAO 9303
check digits, computed here independently of the generator) and must be what the
generator writes today.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
SCRIPT = ROOT / "scripts" / "make_sample_data.py"


@functools.cache
def _load_generator() -> Any:
    """Import the script by path (``scripts/`` is not a package); dataclasses need it in sys.modules."""
    spec = importlib.util.spec_from_file_location("make_sample_data", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample_a")
    _load_generator().generate(out)
    return out


@pytest.fixture(scope="module")
def truth() -> dict[str, dict[str, Any]]:
    return json.loads((SAMPLE / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def manifest() -> list[dict[str, str]]:
    with (SAMPLE / "manifest.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow  # renders the whole sample set a second time (seconds of image encoding)
def test_generator_writes_the_same_bytes_twice(generated: Path, tmp_path: Path) -> None:
    _load_generator().generate(tmp_path)
    assert _files(tmp_path) == _files(generated)


@pytest.mark.slow  # renders the whole sample set (seconds of image encoding)
def test_committed_truth_and_manifest_are_what_the_generator_writes(generated: Path) -> None:
    for name in ("truth.json", "manifest.csv"):
        assert (SAMPLE / name).read_text(encoding="utf-8") == (generated / name).read_text(encoding="utf-8")


def test_manifest_has_the_documented_columns_and_doc_types(manifest: list[dict[str, str]]) -> None:
    assert list(manifest[0]) == ["source", "doc_type", "doc_id", "batch", "cost_center"]
    assert {row["doc_type"] for row in manifest} == {"receipt", "id", "auto"}
    assert len({row["doc_id"] for row in manifest}) == len(manifest)


def test_every_manifest_row_is_a_committed_image_relative_to_the_manifest(manifest: list[dict[str, str]]) -> None:
    for row in manifest:
        assert not Path(row["source"]).is_absolute()
        with Image.open(SAMPLE / row["source"]) as image:
            image.verify()


def test_every_manifest_row_has_truth_of_a_concrete_type(manifest, truth) -> None:
    assert {row["source"] for row in manifest} == set(truth)
    for row in manifest:
        record = truth[row["source"]]
        assert record["doc_id"] == row["doc_id"]
        assert record["doc_type"] in {"receipt", "id"}
        assert row["doc_type"] in {record["doc_type"], "auto"}


def test_sample_data_stays_small() -> None:
    assert sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file()) < 2_000_000


# ---------------------------------------------------------------- receipts


def _receipts(truth: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in truth.values() if r["doc_type"] == "receipt"]


def test_receipt_items_sum_to_the_subtotal(truth) -> None:
    for r in _receipts(truth):
        for item in r["items"]:
            assert Decimal(item["quantity"]) * Decimal(item["unit_price"]) == Decimal(item["price"])
        assert sum(Decimal(i["price"]) for i in r["items"]) == Decimal(r["subtotal"]), r["doc_id"]


def test_receipt_subtotal_tax_and_tip_make_the_total(truth) -> None:
    for r in _receipts(truth):
        tip = Decimal(r["tip"] or "0")
        assert Decimal(r["subtotal"]) + Decimal(r["tax"]) + tip == Decimal(r["total"]), r["doc_id"]


def test_cash_change_is_tendered_minus_total_and_never_equals_the_total(truth) -> None:
    for r in _receipts(truth):
        total, paid = Decimal(r["total"]), Decimal(r["amount_paid"])
        if r["payment_method"] == "cash":
            change = Decimal(r["change"])
            assert paid - total == change and change > 0 and change != total, r["doc_id"]
        else:
            assert paid == total and len(r["card_last4"]) == 4, r["doc_id"]


def test_receipts_cover_the_promised_variety(truth) -> None:
    receipts = _receipts(truth)
    assert {r["currency"] for r in receipts} >= {"USD", "MYR", "EUR", "GBP"}
    assert {r["payment_method"] for r in receipts} == {"cash", "card"}
    assert any(r["tip"] for r in receipts)
    for r in receipts:
        dt.date.fromisoformat(r["receipt_date"])
        dt.time.fromisoformat(r["receipt_time"])


# ---------------------------------------------------------------- ICAO 9303 MRZ, checked independently

_VALUES = {**{str(d): d for d in range(10)}, "<": 0, **{chr(65 + i): 10 + i for i in range(26)}}


def _cd(field: str) -> str:
    return str(sum(_VALUES[c] * (7, 3, 1)[i % 3] for i, c in enumerate(field)) % 10)


def _yymmdd(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%y%m%d")


def _mrz_ids(truth) -> list[dict[str, Any]]:
    return [r for r in truth.values() if r.get("mrz_code")]


def test_td3_passport_mrz_check_digits_are_valid(truth) -> None:
    passports = [r for r in _mrz_ids(truth) if r["mrz_code"].startswith("P")]
    assert passports
    for r in passports:
        l1, l2 = r["mrz_code"].split("\n")
        assert len(l1) == len(l2) == 44
        assert _cd(l2[0:9]) == l2[9] and _cd(l2[13:19]) == l2[19] and _cd(l2[21:27]) == l2[27]
        assert _cd(l2[28:42]) == l2[42]
        assert _cd(l2[0:10] + l2[13:20] + l2[21:43]) == l2[43]


def test_td1_card_mrz_check_digits_are_valid(truth) -> None:
    cards = [r for r in _mrz_ids(truth) if r["mrz_code"].startswith(("I", "A", "C"))]
    assert cards
    for r in cards:
        l1, l2, l3 = r["mrz_code"].split("\n")
        assert len(l1) == len(l2) == len(l3) == 30
        assert _cd(l1[5:14]) == l1[14] and _cd(l2[0:6]) == l2[6] and _cd(l2[8:14]) == l2[14]
        assert _cd(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]) == l2[29]


def test_mrz_agrees_with_the_visual_zone_truth(truth) -> None:
    for r in _mrz_ids(truth):
        lines = r["mrz_code"].split("\n")
        td1 = len(lines) == 3
        data, names = (lines[1], lines[2]) if td1 else (lines[1], lines[0][5:])
        number = lines[0][5:14] if td1 else data[0:9]
        dob, sex, exp = (data[0:6], data[7], data[8:14]) if td1 else (data[13:19], data[20], data[21:27])
        surname, _, given = names.rstrip("<").partition("<<")
        assert number.rstrip("<") == r["document_number"]
        assert (dob, exp, sex) == (_yymmdd(r["date_of_birth"]), _yymmdd(r["expiration_date"]), r["sex"])
        assert surname.replace("<", " ") == r["last_name"]
        assert given.replace("<", " ") == " ".join(filter(None, [r["first_name"], r["middle_name"]]))


def test_independent_check_digit_matches_the_icao_specimen() -> None:
    # ICAO 9303 part 4 specimen: L898902C3 -> 6, 740812 -> 2, 120415 -> 9
    assert (_cd("L898902C3"), _cd("740812"), _cd("120415")) == ("6", "2", "9")
