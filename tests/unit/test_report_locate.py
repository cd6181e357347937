"""Finding a flagged field's box among a document's LINEs, and cutting its crop."""

from __future__ import annotations

import base64
import datetime as dt
import io
from decimal import Decimal

import pytest
from PIL import Image

from docbatch.report.crops import MAX_ID_AREA, Cropper, CropRefused, may_crop
from docbatch.report.locate import Box, locate


def line(text: str, left: float, top: float, width: float = 0.3, height: float = 0.04) -> dict:
    return {"text": text, "left": left, "top": top, "width": width, "height": height}


RECEIPT = [line("KEDAI BUKU MAJU SDN BHD", 0.2, 0.05, 0.6), line("NO 12 JALAN SAGU 18,", 0.1, 0.10),
           line("81100 JOHOR BAHRU", 0.1, 0.14), line("DATE: 03-12-2018", 0.1, 0.2),
           line("PEN", 0.1, 0.3), line("12.50", 0.7, 0.3, 0.1), line("TOTAL", 0.1, 0.5), line("RM 12.50", 0.7, 0.5, 0.15),
           line("CASH 20.00", 0.1, 0.6)]


def test_an_amount_is_found_on_the_line_of_its_label_with_the_label_beside_it():
    box = locate("total", "money", Decimal("12.50"), RECEIPT)
    assert (box.left, box.top, box.width, box.height) == pytest.approx((0.1, 0.5, 0.75, 0.04))  # TOTAL .. RM 12.50


def test_a_date_is_found_in_any_usual_rendering():
    assert locate("receipt_date", "date", dt.date(2018, 12, 3), RECEIPT).top == pytest.approx(0.2)
    assert locate("receipt_date", "date", dt.date(2018, 12, 4), RECEIPT) is None


def test_an_address_spans_its_consecutive_lines():
    box = locate("vendor_address", "string", "NO 12 JALAN SAGU 18, 81100 JOHOR BAHRU", RECEIPT)
    assert (box.top, box.bottom) == pytest.approx((0.10, 0.18))


def test_a_missing_value_has_no_place():
    assert locate("tax", "money", None, RECEIPT) is None and locate("tax", "money", Decimal("3.33"), RECEIPT) is None


def png(size=(1000, 500)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, format="PNG")
    return buf.getvalue()


def test_a_crop_is_the_box_with_a_margin_cut_from_the_page(tmp_path):
    (tmp_path / "a.png").write_bytes(png())
    uri = Cropper().crop(str(tmp_path / "a.png"), 1, Box(0.5, 0.5, 0.2, 0.1), kind="receipts")
    crop = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert crop.size[0] == 240 and abs(crop.size[1] - 75) <= 1  # (0.2 + 2 x 0.02) x 1000, (0.1 + 2 x 0.025) x 500


def test_an_identity_crop_never_shows_a_large_part_of_the_page(tmp_path):
    (tmp_path / "id.png").write_bytes(png())
    cropper = Cropper()
    assert cropper.crop(str(tmp_path / "id.png"), 1, Box(0.1, 0.1, 0.3, 0.05), kind="ids").startswith("data:image/")
    with pytest.raises(CropRefused, match="too large"):
        cropper.crop(str(tmp_path / "id.png"), 1, Box(0, 0, 1, MAX_ID_AREA), kind="ids")
    with pytest.raises(CropRefused, match="most of the page"):
        cropper.crop(str(tmp_path / "id.png"), 1, Box(0, 0, 1, 0.6), kind="receipts")
    assert may_crop("ids", redact=False) and not may_crop("ids", redact=True) and may_crop("receipts", redact=True)


def test_an_unreadable_source_is_said_not_raised(tmp_path):
    (tmp_path / "notes.jpg").write_bytes(b"just text")
    with pytest.raises(CropRefused, match="not_an_image"):
        Cropper().crop(str(tmp_path / "notes.jpg"), 1, Box(0, 0, 0.1, 0.1), kind="receipts")
    with pytest.raises(CropRefused, match="file_not_found"):
        Cropper().crop(str(tmp_path / "gone.png"), 1, Box(0, 0, 0.1, 0.1), kind="receipts")


def test_under_redact_nothing_of_an_identity_document_is_shown_but_its_reasons(tmp_path):
    from docbatch.report.review import review_entries

    (tmp_path / "id.png").write_bytes(png())
    row = {"doc_id": "id1", "needs_review": True, "first_name": "JOHN", "first_name_confidence": 30.0,
           "review_reason": "missing: last_name; low confidence: first_name"}
    docs, lines = {"id1": {"source": str(tmp_path / "id.png"), "page": 1}}, {"id1": [line("JOHN", 0.3, 0.3, 0.1)]}
    shown, = review_entries([("ids", row)], docs, lines, Cropper(), redact=False)
    hidden, = review_entries([("ids", row)], docs, lines, Cropper(), redact=True)
    assert [(f.name, f.value, bool(f.crop)) for f in shown.fields] == [("first_name", "JOHN", True),
                                                                     ("last_name", None, False)]
    assert hidden.reasons == shown.reasons == ["missing: last_name", "low confidence: first_name"]
    assert all(f.value is None and f.crop is None and "redact" in f.why_no_crop for f in hidden.fields)
