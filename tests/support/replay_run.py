"""A small real run folder: receipts through ``docbatch run --engine replay`` (no OCR, no AWS).

The analyst-side tests (partitions, CSV, the Athena DDL, the README's examples) read the
folder exactly as a user would; the responses are placed text (:mod:`.responses`).
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from docbatch.cli import main

from .responses import response_from_rows

#: (doc_id, vendor, date, total, cost_center): the cost centre has a leading zero to keep.
RECEIPTS = [
    ("a", "KEDAI BUKU MAJU SDN BHD", "03/12/2018 20:13:39", "12.50", "0420"),
    ("b", "JOES DINER", "04/12/2018", "$8.00", "0077"),  # a bare $ and no country: currency null, flagged
    ("c", "KOPI KING SDN BHD", "05/12/2018", "8.20", "1200"),
]


def receipt_response(vendor: str, date: str, total: str) -> dict:
    """A saved DetectText answer of a receipt with this vendor, date and total, as the folder's
    receipts are written (a test adding one more reads it like the others)."""
    amount = total.lstrip("$")
    rows = [(vendor, 0.2, 0.05), ("NO 12 JALAN SAGU 18, 81100 JOHOR BAHRU, JOHOR" if "SDN" in vendor else
                                  "12 MAIN ROAD", 0.1, 0.1),
            (f"DATE: {date}", 0.1, 0.2), ("9556939040116 KF MODELLING CLAY", 0.1, 0.3),
            ("1 PC * " + amount, 0.1, 0.35), (amount, 0.7, 0.35), ("TOTAL", 0.1, 0.45),
            (total if total.startswith("$") else f"RM {total}", 0.7, 0.45)]
    return response_from_rows(rows)


def replay_run(base: Path, *options: str) -> Path:
    """Run the receipts into ``base/out`` with extra ``docbatch run`` options; the run folder."""
    replay = base / "replay"
    replay.mkdir(parents=True, exist_ok=True)
    lines = ["source,doc_type,doc_id,cost_center"]
    for doc_id, vendor, date, total, centre in RECEIPTS:
        (replay / f"{doc_id}.json").write_text(json.dumps(receipt_response(vendor, date, total)))
        lines.append(f"scans/{doc_id}.jpg,receipt,{doc_id},{centre}")
    (base / "m.csv").write_text("\n".join(lines) + "\n")
    out = base / "out"
    result = CliRunner().invoke(main, ["-q", "run", "--manifest", str(base / "m.csv"), "--out", str(out),
                                       "--engine", "replay", "--replay-dir", str(replay), "--no-cache", *options])
    assert result.exit_code == 0, result.output
    return out
