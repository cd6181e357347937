"""This process's rapidocr pipeline: the bundled model files, its ONNX sessions, one call a picture.

Why built here, once: the runner builds the engine inside every worker process, and the
engine must be cheap to construct; the ONNX sessions are created on the first picture,
cached per process id and settings (a forked child never reuses its parent's sessions),
and reused for every picture after it.  The models are handed to rapidocr as explicit
paths, the one configuration in which rapidocr never reaches its download code (a
missing file is a :class:`~docbatch.errors.ConfigError`, never a download); telemetry is
switched off before onnxruntime is imported (it would write under ``$HOME``); onnxruntime
and OpenCV are held to the configured threads.  The sessions are wrapped where the
engine's memory is kept flat: the detector reads in strips (:mod:`.local_strips`), the
recognizer runs on an arena of its own, emptied after each picture (:mod:`.local_arena`),
and the line orientation model turns a page's lines all or none (:mod:`.local_orientation`).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..heap import release_memory
from .local_arena import ArenaSession
from .local_glyphs import GlyphRecorder
from .local_inputs import Sizing
from .local_orientation import PageOrientation
from .local_strips import StripPlan, StripSession

#: The ONNX files of the rapidocr wheel's default pipeline (PP-OCRv6 small det/rec, v2 cls; cls
#: only with the ``orientation`` option).
MODEL_FILES: dict[str, str] = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
#: rapidocr's own floor on line scores (0..1); ``settings.min_confidence`` filters above it.
_RAPIDOCR_TEXT_SCORE = 0.5
_build_lock = threading.Lock()
_ocr_by_key: dict[tuple[int, Any], Any] = {}


def rapidocr_version() -> str:
    """The installed rapidocr's version: it names the answers' model and keys the response cache."""
    try:
        return version("rapidocr")
    except PackageNotFoundError as exc:
        raise ConfigError("the local engine needs the 'rapidocr' package") from exc


def model_paths() -> dict[str, Path]:
    """The wheel-bundled model files, located without importing rapidocr (cheap)."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the local engine needs the 'rapidocr' package")
    models = Path(next(iter(spec.submodule_search_locations))) / "models"
    paths = {task: models / name for task, name in MODEL_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise ConfigError(
            "rapidocr's bundled models are missing (docbatch never downloads models): "
            + ", ".join(missing)
        )
    return paths


@dataclass(frozen=True)
class PipelineConfig:
    """What a process's rapidocr pipeline is built with (one pipeline per distinct config)."""

    threads: int
    rec_batch: int
    rec_min_width: int
    orientation: bool
    sizing: Sizing
    det_strip_pixels: int = 0


def pipeline_for(config: PipelineConfig) -> OcrPipeline:
    """This process's rapidocr pipeline for ``config``, built on first use and reused for every image."""
    key = (os.getpid(), config)
    ocr = _ocr_by_key.get(key)
    if ocr is None:
        with _build_lock:
            ocr = _ocr_by_key.get(key)
            if ocr is None:
                ocr = _ocr_by_key[key] = _build(config)
    return ocr


def _build(config: PipelineConfig) -> OcrPipeline:
    """A rapidocr pipeline on the bundled models, with its ONNX sessions loaded."""
    paths = model_paths()
    if not config.orientation:
        del paths["Cls"]
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    import cv2
    from rapidocr import RapidOCR

    cv2.setNumThreads(config.threads)
    params: dict[str, Any] = {
        "Global.log_level": "error",
        "Global.return_word_box": True,
        "Global.text_score": _RAPIDOCR_TEXT_SCORE,
        "Global.use_cls": config.orientation,
        # The picture arrives less than twice max_side long (local_inputs): rapidocr shrinks it to max_side.
        "Global.max_side_len": config.sizing.max_side,
        "Rec.rec_batch_num": config.rec_batch,
        "Rec.rec_img_shape": [3, 48, config.rec_min_width],
        "EngineConfig.onnxruntime.intra_op_num_threads": config.threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    for task, path in paths.items():
        params[f"{task}.model_path"] = str(path)
    try:
        ocr = RapidOCR(params=params)
        # rapidocr loads each ONNX session on first use; load them now so a broken install
        # fails here as a ConfigError instead of as a bad image on every document.
        ocr._load_det_model()
        if config.orientation:
            ocr.text_cls = PageOrientation(ocr._load_cls_model())
        recognizer = ocr._load_rec_model()
        arena = recognizer.session.session = ArenaSession(str(paths["Rec"]), config.threads)
        ocr.text_rec = GlyphRecorder(recognizer)
        ocr.text_det.session = StripSession(ocr.text_det.session, StripPlan(config.det_strip_pixels))
    except Exception as exc:
        raise ConfigError(f"cannot start the local OCR engine ({type(exc).__name__}: {exc})") from exc
    return OcrPipeline(ocr, config.sizing, arena)


class OcrPipeline:
    """A process's rapidocr pipeline, reused for every picture, with the detector's scale
    chosen for each (:meth:`Sizing.detector_limit`) on the one detector session."""

    def __init__(self, ocr: Any, sizing: Sizing, arena: ArenaSession) -> None:
        #: rapidocr's ``RapidOCR``, its sessions wrapped as :func:`pipeline_for` built them.
        self.ocr = ocr
        self._sizing = sizing
        self._arena = arena
        self._lock = threading.Lock()

    def __call__(self, pixels: Any) -> Any:
        """rapidocr's result on a ``(H, W, 3)`` BGR array (:func:`.local_pixels.bgr_pixels`), with
        ``char_scores``: per line, its characters' scores (or None)."""
        with self._lock:  # the limit is state of the shared detector until the call returns
            det = self.ocr.text_det
            det.limit_type, det.limit_side_len = self._sizing.detector_limit(pixels.shape[1], pixels.shape[0])
            glyphs = self.ocr.text_rec
            glyphs.clear()
            try:
                result = self.ocr(pixels)
                result.char_scores = glyphs.take(getattr(result, "txts", None) or (),
                                                 getattr(result, "scores", None) or ())
                return result
            finally:
                self._arena.release()  # the recognizer's arena is not held while the next detector runs
                release_memory()
