"""An engine whose worker process dies under one document, and a four-document manifest:
the far side of the executors' crash tests (the process pool's and Ray's)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pandas as pd

from docbatch.engines.base import Engine, EngineSettings, ImageSpec
from docbatch.response import make_detection

from ..conftest import text_png

NAMES = ("alpha", "bravo", "charlie", "delta")


class DiesOn(Engine):
    """Reads one LINE per image, except that its worker process dies on the document
    ``victim``: on the first attempt only, or on every attempt when ``always``; ``after`` seconds
    into it, so that the documents sent behind it are waiting on that worker when it dies."""

    name = "dies-on"
    parallelism = "processes"
    image_spec = ImageSpec(formats=frozenset({"PNG", "JPEG"}), max_bytes=None)

    def __init__(self, victim: str, marker: Path, *, always: bool = False, after: float = 0.0) -> None:
        super().__init__(EngineSettings())
        self.victim, self.marker, self.always, self.after = victim, marker, always, after

    def detect_text(self, image: Any, document: Any, region: Any = None) -> dict[str, Any]:
        if document.doc_id == self.victim and (self.always or not self.marker.exists()):
            self.marker.write_text("died once")
            time.sleep(self.after)
            os._exit(1)
        line = make_detection(id=0, type="LINE", text=document.doc_id.upper(), confidence=99.0,
                              polygon=[(0.1, 0.1), (0.9, 0.1), (0.9, 0.2), (0.1, 0.2)])
        return {"TextDetections": [line], "TextModelVersion": "dies-on-1"}


def four_receipts(tmp_path: Path) -> Path:
    rows = []
    for name in NAMES:
        (tmp_path / f"{name}.png").write_bytes(text_png(name))
        rows.append({"source": f"{name}.png", "doc_id": name, "doc_type": "receipt"})
    path = tmp_path / "manifest.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path
