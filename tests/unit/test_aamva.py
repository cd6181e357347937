"""AAMVA PDF417 barcodes: decode generated images, parse leniently, cross-check the print."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from docbatch.parse.identity.aamva import decode_barcode, parse_aamva, parse_date
from docbatch.parse.identity.parser import parse_identity
from docbatch.response import make_detection

RUN = dt.date(2026, 6, 1)
# A version 8 card as the standard lays it out (header, one DL subfile designator, elements).
V8 = ("@\n\x1e\rANSI 636014080102DL00410279ZC03200024DLDAQI1234562\nDCSSAMPLE\nDACALEXANDER\nDADJOSEPH\n"
      "DBB08311977\nDBA08312030\nDBD08312019\nDBC1\nDAG2570 24TH STREET\nDAIANYTOWN\nDAJCA\n"
      "DAK958180000  \nDCAC\nDCBNONE\nDCDNONE\nDDL1\r\nZCZCAY\r")


def _pdf417_png(text: str) -> bytes:
    zxingcpp = pytest.importorskip("zxingcpp")
    np = pytest.importorskip("numpy")
    from PIL import Image

    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.PDF417)
    image = Image.fromarray(np.asarray(zxingcpp.write_barcode_to_image(barcode, scale=3)))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def test_generated_pdf417_decodes_back_to_the_same_text():
    assert decode_barcode(_pdf417_png(V8)) == V8


def test_image_without_barcode_decodes_to_none():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (200, 100), 255).save(buf, "PNG")
    assert decode_barcode(buf.getvalue()) is None
    assert decode_barcode(b"not an image") is None


def test_version_8_elements_become_id_fields():
    rec = parse_aamva(decode_barcode(_pdf417_png(V8)))
    f = rec.fields
    assert (rec.version, rec.iin, rec.errors) == (8, "636014", {})
    assert (f["last_name"], f["first_name"], f["middle_name"]) == ("SAMPLE", "ALEXANDER", "JOSEPH")
    assert f["document_number"] == "I1234562"
    assert (f["date_of_birth"], f["expiration_date"]) == (dt.date(1977, 8, 31), dt.date(2030, 8, 31))
    assert (f["sex"], f["zip_code_in_address"], f["veteran"]) == ("M", "95818", "VETERAN")
    assert "restrictions" not in f  # NONE is no value


def test_version_1_full_name_and_canadian_date_order_are_read():
    rec = parse_aamva("@\n\rAAMVA6360000101DL00290179DAQ123456\nDAAPUBLIC,JOHN,Q\nDBB19700102\nDBA20300102\n")
    assert (rec.fields["last_name"], rec.fields["first_name"], rec.fields["middle_name"]) == ("PUBLIC", "JOHN", "Q")
    assert rec.fields["date_of_birth"] == dt.date(1970, 1, 2)


def test_crlf_separators_and_bad_elements_give_per_field_errors():
    rec = parse_aamva("@\r\n\x1e\r\nANSI 636045090001DL00310100DLDAQWDLABCD456DG\r\nDCSSAMPLE\r\nDBB13451958\r\nDAKXYZ\r\n")
    assert rec.fields["document_number"] == "WDLABCD456DG"
    assert rec.errors == {"DBB": "unreadable date", "DAK": "unreadable postal code"}


def test_date_formats():
    assert parse_date("08311977") == dt.date(1977, 8, 31)
    assert parse_date("19770831") == dt.date(1977, 8, 31)
    assert parse_date("0831") is None


def _printed(texts: list[tuple[str, float, float]]) -> dict:
    dets = []
    for i, (text, x, y) in enumerate(texts):
        poly = [(x, y), (x + 0.012 * len(text), y), (x + 0.012 * len(text), y + 0.04), (x, y + 0.04)]
        dets.append(make_detection(id=2 * i, type="LINE", text=text, confidence=95.0, polygon=poly))
        dets.append(make_detection(id=2 * i + 1, type="WORD", text=text, confidence=95.0, polygon=poly, parent_id=2 * i))
    return {"TextDetections": dets}


def test_barcode_is_the_strongest_source_and_agrees_with_the_print():
    printed = _printed([("DL I1234562", 0.3, 0.2), ("EXP 08/31/2030", 0.3, 0.3), ("DOB 08/31/1977", 0.3, 0.6)])
    f = parse_identity(printed, barcode=V8, run_date=RUN).fields
    assert (f["document_number_source"], f["last_name_source"]) == ("barcode", "barcode")
    assert f["fields_agree"] is True and f["needs_review"] is False


def test_print_contradicting_the_barcode_is_flagged_without_revealing_values():
    printed = _printed([("DL I7654321", 0.3, 0.2), ("DOB 08/31/1977", 0.3, 0.6)])
    f = parse_identity(printed, barcode=V8, run_date=RUN).fields
    assert f["document_number"] == "I1234562"
    assert f["fields_agree"] is False and f["needs_review"] is True
    assert "document_number" in f["review_reason"] and "7654321" not in f["review_reason"]
