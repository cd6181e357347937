"""A licence's PDF417 barcode is read from the image in the pipeline and wins over the print."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from docbatch import RunConfig, run_batch
from docbatch.response import make_detection
from docbatch.testing.fake_rekognition import FakeRekognitionServer, image_key

zxingcpp = pytest.importorskip("zxingcpp")

AAMVA = ("@\n\x1e\rANSI 636014080102DL00410279ZC03200024DLDAQI1234562\nDCSSAMPLE\nDACALEXANDER\nDADJOSEPH\n"
         "DBB08311977\nDBA08312030\nDBD08312019\nDBC1\nDAG2570 24TH STREET\nDAIANYTOWN\nDAJCA\n"
         "DAK958180000  \nDCAC\nDCBNONE\nDCDNONE\nDDL1\r\nZCZCAY\r")


def licence_png() -> bytes:
    import numpy as np
    from PIL import Image

    barcode = zxingcpp.create_barcode(AAMVA, zxingcpp.BarcodeFormat.PDF417)
    image = Image.fromarray(np.asarray(zxingcpp.write_barcode_to_image(barcode, scale=3)))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def printed_front() -> dict:
    dets = []
    for i, (text, y) in enumerate([("DRIVER LICENSE", 0.1), ("DL I1234562", 0.2), ("EXP 08/31/2030", 0.3),
                                   ("DOB 08/31/1977", 0.6)]):
        poly = [(0.3, y), (0.3 + 0.012 * len(text), y), (0.3 + 0.012 * len(text), y + 0.04), (0.3, y + 0.04)]
        dets.append(make_detection(id=2 * i, type="LINE", text=text, confidence=95.0, polygon=poly))
        dets.append(make_detection(id=2 * i + 1, type="WORD", text=text, confidence=95.0, polygon=poly,
                                   parent_id=2 * i))
    return {"TextDetections": dets, "TextModelVersion": "3.0"}


def test_barcode_fields_reach_the_ids_table(tmp_path, aws_env, moto_url):
    image = licence_png()
    (tmp_path / "dl.png").write_bytes(image)
    replay = tmp_path / "replay"
    replay.mkdir()
    (replay / f"{image_key(image)}.json").write_text(json.dumps(printed_front()))
    (tmp_path / "m.csv").write_text("source,doc_type\ndl.png,auto\n")
    with FakeRekognitionServer(replay_dir=str(replay)) as server:
        run_batch(RunConfig(manifest=str(tmp_path / "m.csv"), out=str(tmp_path / "out"), engine="rekognition",
                            region="us-east-1", endpoint_url=server.endpoint_url, s3_endpoint_url=moto_url,
                            use_cache=False))
    ids = pd.read_parquet(tmp_path / "out" / "ids")
    row = ids.iloc[0]
    assert (row["last_name"], row["first_name"]) == ("SAMPLE", "ALEXANDER")
    assert row["last_name_source"] == "barcode" and row["document_number"] == "I1234562"
    assert str(row["date_of_birth"]) == "1977-08-31"
    assert row["fields_agree"]
