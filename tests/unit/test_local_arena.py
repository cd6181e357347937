"""The recognizer runs on a memory arena of its own, emptied after each picture.

Both tests build the engine's models (marked ``slow``).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from docbatch.engines.base import EngineSettings
from docbatch.engines.local import LocalEngine
from docbatch.engines.local_arena import ArenaSession
from docbatch.records import Document, ImageInput

DOC = Document(doc_id="t1", source="memory", doc_type="receipt", row_no=0)


def rendered(text: str) -> bytes:
    image = Image.new("RGB", (640, 200), "white")
    ImageDraw.Draw(image).text((40, 60), text, fill="black", font=ImageFont.load_default(size=40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.slow
def test_the_recognizer_runs_on_an_arena_and_the_detector_without_one() -> None:
    ocr = LocalEngine(EngineSettings()).pipeline().ocr
    recognizer = ocr.text_rec.session.session
    assert isinstance(recognizer, ArenaSession)
    assert recognizer.get_session_options().enable_cpu_mem_arena
    assert not ocr.text_det.session.session.session.get_session_options().enable_cpu_mem_arena


@pytest.mark.slow
def test_the_arena_is_emptied_after_each_picture_before_the_next_detector_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = LocalEngine(EngineSettings())
    ocr = engine.pipeline().ocr
    arena = ocr.text_rec.session.session
    strips = ocr.text_det.session
    detector = strips.session
    calls: list[str] = []
    release = arena.release

    def releasing() -> None:
        calls.append("release")
        release()

    def detecting(tensor: Any) -> Any:  # the far side: the detector's ONNX session
        calls.append("detector")
        return detector(tensor)

    monkeypatch.setattr(arena, "release", releasing)
    monkeypatch.setattr(strips, "session", detecting)
    texts = [engine.detect_text(ImageInput(data=rendered(t)), DOC)["TextDetections"][0]["DetectedText"]
             for t in ("TOTAL 12.50", "CASH 20.00")]
    assert calls == ["detector", "release", "detector", "release"]
    assert texts == ["TOTAL 12.50", "CASH 20.00"]
