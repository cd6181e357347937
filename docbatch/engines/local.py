"""The embedded engine: rapidocr (PP-OCR on onnxruntime) answering in the DetectText shape.

Why it looks the way it does:

* **Offline by construction.**  The PP-OCR det/rec/cls ONNX files ship inside the rapidocr
  wheel.  They are handed to rapidocr as explicit model paths, the one configuration in
  which rapidocr never reaches its download code; a missing file is a
  :class:`~docbatch.errors.ConfigError`, never a download.
* **Cheap to construct, loaded once per process.**  The runner builds this engine inside
  every worker process; the ONNX sessions are created on the first ``detect_text`` call,
  cached per process id and settings (a forked child never reuses its parent's sessions),
  and reused for every image after it.
* **One core per worker.**  onnxruntime and OpenCV default to one thread per core; the
  runner already runs one process per core, so both are held to ``options["threads"]``
  (default 1) to avoid oversubscription.
* **Pixels where they are needed.**  The picture is decoded less than twice ``max_side``
  long, rapidocr shrinks it to ``max_side`` (the recognizer's lines are cut from that), and
  the detector reads it at its own scale (at most ``det_max_side`` long; :mod:`.local_inputs`).
  A detector input over ``det_strip_pixels`` is read in overlapping horizontal strips and
  the boxes are found on the stitched map (:mod:`.local_strips`), and the heap's free pages
  are handed back after each picture: a worker's peak is a strip's, not a whole scan's.
  Recognition reads the detected lines ``rec_batch`` at a time, on a memory arena of its
  own that is emptied after each picture (:mod:`.local_arena`).  The line orientation
  model (cls, which turns upside-down lines) turns a page's lines all or none, by their
  vote (:mod:`.local_orientation`), and can be switched off (``orientation``).
* **Nothing written under ``$HOME``.**  onnxruntime persists a telemetry device id under
  ``$HOME/.cache`` on import (and warns when it cannot); telemetry is switched off before
  the import unless the user set ``ORT_DISABLE_TELEMETRY`` themselves.  rapidocr's
  logger is held at ERROR so nothing of a document ever reaches the console.
* **Rekognition's shape, real word geometry.**  One LINE per rapidocr text line, then its
  WORDs (whitespace tokens, like the service).  Word boxes come from rapidocr's word
  boxes when they are consistent with the line text; otherwise the line polygon is
  apportioned by character offsets (:func:`line_words`).  A WORD's confidence is its
  weakest glyph's recognition score, a LINE's rapidocr's mean of them
  (:mod:`.local_glyphs`).  The service's 100-word cap is not applied: it is a service
  limit, not a property of OCR.
"""

from __future__ import annotations

import importlib.util
import math
import os
import threading
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, ClassVar, Mapping, Sequence

from ..errors import BadImageError, ConfigError, InvalidRequest
from ..records import Document, ImageInput
from ..regions import Region, pixel_box, reframe
from ..heap import release_memory
from ..response import make_detection
from .base import Engine, EngineOption, EngineSettings, ImageSpec
from .local_arena import ArenaSession
from .local_glyphs import WORD_SCORE_TAG, GlyphRecorder, word_confidences
from .local_inputs import Sizing, decode, reduce
from .local_orientation import PageOrientation
from .local_pixels import bgr_pixels
from .local_strips import StripPlan, StripSession

Point = tuple[float, float]
Polygon = tuple[Point, Point, Point, Point]

#: The ONNX files of the rapidocr wheel's default pipeline (PP-OCRv6 small det/rec, v2 cls; cls
#: only with the ``orientation`` option).
MODEL_FILES: dict[str, str] = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
#: rapidocr's own floor on line scores (0..1); ``settings.min_confidence`` filters above it.
_RAPIDOCR_TEXT_SCORE = 0.5
#: The narrowest input of the recognizer, px at its 48 px height.  Its cost is its width (about
#: 0.13 ms of CPU a column, whatever the batch): rapidocr pads every line to at least 320
#: (PaddleOCR's training width), the default.  96 with one line a call (``rec_batch=1``) reads a
#: SROIE scan in two fifths of the recognizer's time and more of its words, but costs receipt fields
#: even with the detector at its own scale (a line padded to itself, not to the widest of its batch,
#: reads "TEO" as "TED"); in batches of six, 96 or 160 px read a short total without its point
#: ("88.17" as "8817", unflagged): the recognizer was trained on lines padded to 320 px.  All stay
#: options (docs/performance.md, the embedded engine's speed).
_REC_MIN_WIDTH = 320
#: The detector's largest input in one pass, px (:mod:`.local_strips`): ~245 MB of activations a
#: megapixel, so the engine peaks near 650 MB (a benchmark worker at 570-631 MB with the detector mapped apart from the heap, 912 MB whole); larger
#: inputs (7 of the 150 SROIE scans) are read in overlapping strips.  Smaller strips cost words:
#: at 1,600,000 (80 of 150 split) recall on the 8 largest scans fell from 82.8% to 75.1%.
_DET_STRIP_PIXELS = 2_000_000

_SIZING = Sizing()
_build_lock = threading.Lock()
_ocr_by_key: dict[tuple[int, Any], Any] = {}


@dataclass(frozen=True)
class WordPiece:
    """Text with its confidence and pixel polygon: a piece of a line as rapidocr reports it
    (a word in Latin script, a character in CJK), or a WORD that docbatch makes of pieces."""

    text: str
    confidence: float
    polygon: Polygon


def _rapidocr_version() -> str:
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


class LocalEngine(Engine):
    """CPU OCR in-process; no network, no credentials, no per-call cost."""

    name = "local"
    parallelism = "processes"
    # Any size the memory guard allows: no service limit applies to bytes read in-process.
    image_spec = ImageSpec(formats=frozenset({"JPEG", "PNG"}), max_bytes=None)
    options: ClassVar[Mapping[str, EngineOption]] = {
        "threads": EngineOption(int, 1, "onnxruntime/OpenCV threads per worker process", minimum=1),
        "max_side": EngineOption(int, _SIZING.max_side, "longest side of the picture the text is read from, px",
                                 minimum=64),
        "det_min_side": EngineOption(int, _SIZING.det_min_side, "text detector's input: short side enlarged to "
                                     "at least this, px", minimum=32),
        "det_max_side": EngineOption(int, _SIZING.det_max_side, "text detector's input: long side shrunk to at "
                                     "most this, px", minimum=64),
        "det_shrink_min_side": EngineOption(int, _SIZING.det_shrink_min_side, "text detector's input: a large "
                                            "picture's short side shrunk to no less than this, px", minimum=32),
        "rec_batch": EngineOption(int, 6, "text lines per recognition call (a batch is padded to its widest "
                                  "line: with one thread, 1 is fastest)", minimum=1),
        "rec_min_width": EngineOption(int, _REC_MIN_WIDTH, "recognizer's narrowest input, px (rapidocr's own "
                                      "is 320)", minimum=16),
        "det_strip_pixels": EngineOption(int, _DET_STRIP_PIXELS, "text detector's largest input in one pass, "
                                         "px; larger ones are read in overlapping strips (0: whole)", minimum=0),
        "orientation": EngineOption(bool, True, "classify each line as upright or upside down (the cls "
                                    "model; false saves its time on upright scans)", ),
    }

    def __init__(self, settings: EngineSettings) -> None:
        super().__init__(settings)
        values = self.option_values
        self._config = _Config(threads=values["threads"], rec_batch=values["rec_batch"],
                               rec_min_width=values["rec_min_width"], orientation=values["orientation"],
                               det_strip_pixels=values["det_strip_pixels"],
                               sizing=Sizing(values["max_side"], values["det_min_side"], values["det_max_side"],
                                             values["det_shrink_min_side"]))
        self._version = _rapidocr_version()

    @property
    def model_version(self) -> str:
        """Models and every setting that changes what is read (the response cache's key).

        The recognition batch is one: a batch is padded to its widest line, and the padding
        changes what is read (SROIE 000: 4 of 45 lines differ between batches of 6 and 1).
        """
        tasks = ("Det", "Rec", "Cls") if self._config.orientation else ("Det", "Rec")
        names = "+".join(MODEL_FILES[t] for t in tasks) + (";cls=page" if self._config.orientation else "")
        s = self._config.sizing
        # The shrink floor matters only where the detector shrinks (det_max_side under max_side):
        # elsewhere the answers, and so the cached ones, are the same whatever its value.
        floor = f",shrunk>={s.det_shrink_min_side}" if s.det_max_side < s.max_side else ""
        tag = (f"rapidocr-{self._version}:{names};side={s.max_side};det>={s.det_min_side},<={s.det_max_side}{floor};"
               f"rec={self._config.rec_min_width};batch={self._config.rec_batch};shrunk_by=rapidocr;{WORD_SCORE_TAG}")
        if self._config.det_strip_pixels:
            tag += f";det_strips<={self._config.det_strip_pixels},tall"
        if self.settings.min_confidence > 0:
            tag += f";min_confidence={self.settings.min_confidence:g}"
        return tag

    def detect_text(self, image: ImageInput | None, document: Document,
                    region: Region | None = None) -> dict[str, Any]:
        if image is None or image.data is None:
            raise InvalidRequest("the local engine reads image bytes, not S3 objects")
        max_side = self._config.sizing.max_side
        if region is not None and not region.is_full:
            # A region is read from the pixels it covers (at full resolution), then answered in its own frame.
            picture = decode(image.data, None)
            l, t, r, b = pixel_box(region, picture.width, picture.height)
            seen = Region(l / picture.width, t / picture.height, (r - l) / picture.width, (b - t) / picture.height)
            return reframe(self._read(reduce(picture.crop((l, t, r, b)), max_side)), seen, region)
        return self._read(decode(image.data, max_side))

    def _read(self, picture: Any) -> dict[str, Any]:
        ocr = _ocr(self._config)
        width, height = picture.size
        pixels = bgr_pixels(picture)
        del picture  # not held while the detector runs (the caller passes its only reference)
        try:
            result = ocr(pixels)
        except Exception as exc:  # the one boundary where rapidocr/onnxruntime errors are translated
            raise BadImageError(f"the local OCR engine failed on this image ({type(exc).__name__})") from exc
        return {
            "TextDetections": _detections(
                result,
                width=width,
                height=height,
                min_confidence=self.settings.min_confidence,
            ),
            "TextModelVersion": f"local-ppocr-{self._version}",
        }


@dataclass(frozen=True)
class _Config:
    """What a process's rapidocr pipeline is built with (one pipeline per distinct config)."""

    threads: int
    rec_batch: int
    rec_min_width: int
    orientation: bool
    sizing: Sizing
    det_strip_pixels: int = 0


def _ocr(config: _Config) -> Any:
    """This process's rapidocr pipeline for ``config``, built on first use and reused for every image."""
    key = (os.getpid(), config)
    ocr = _ocr_by_key.get(key)
    if ocr is None:
        with _build_lock:
            ocr = _ocr_by_key.get(key)
            if ocr is None:
                ocr = _ocr_by_key[key] = _build(config)
    return ocr


def _build(config: _Config) -> Any:
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
    return _Pipeline(ocr, config.sizing, arena)


class _Pipeline:
    """A process's rapidocr pipeline, reused for every picture, with the detector's scale
    chosen for each (:meth:`Sizing.detector_limit`) on the one detector session."""

    def __init__(self, ocr: Any, sizing: Sizing, arena: ArenaSession) -> None:
        self._ocr = ocr
        self._sizing = sizing
        self._arena = arena
        self._lock = threading.Lock()

    def __call__(self, pixels: Any) -> Any:
        """rapidocr's result on a ``(H, W, 3)`` BGR array (:func:`.local_pixels.bgr_pixels`), with
        ``char_scores``: per line, its characters' scores (or None)."""
        with self._lock:  # the limit is state of the shared detector until the call returns
            det = self._ocr.text_det
            det.limit_type, det.limit_side_len = self._sizing.detector_limit(pixels.shape[1], pixels.shape[0])
            glyphs = self._ocr.text_rec
            glyphs.clear()
            try:
                result = self._ocr(pixels)
                result.char_scores = glyphs.take(getattr(result, "txts", None) or (),
                                                 getattr(result, "scores", None) or ())
                return result
            finally:
                self._arena.release()  # the recognizer's arena is not held while the next detector runs
                release_memory()


def _detections(result: Any, *, width: int, height: int, min_confidence: float) -> list[dict[str, Any]]:
    """rapidocr output -> LINE detections (Ids 0..n-1), then their WORDs (Ids n..)."""
    texts = getattr(result, "txts", None) or ()
    boxes = getattr(result, "boxes", None)
    scores = getattr(result, "scores", None) or ()
    if not texts or boxes is None:
        return []
    char_scores = list(getattr(result, "char_scores", None) or ())
    char_scores += [None] * (len(texts) - len(char_scores))
    kept: list[tuple[str, float, Polygon]] = []
    word_scores: list[list[float] | None] = []
    for raw_text, box, score, chars in zip(texts, boxes, scores, char_scores):
        text = " ".join(str(raw_text).split())
        confidence = float(score) * 100
        polygon = _polygon(box)
        if text and confidence >= min_confidence and polygon is not None:
            kept.append((text, confidence, polygon))
            word_scores.append(word_confidences(str(raw_text), chars) if chars is not None else None)
    groups = _match_word_groups(kept, getattr(result, "word_results", None) or ())

    def norm(poly: Polygon) -> list[Point]:
        return [(x / width, y / height) for x, y in poly]

    lines = [
        make_detection(id=i, type="LINE", text=text, confidence=conf, polygon=norm(poly))
        for i, (text, conf, poly) in enumerate(kept)
    ]
    words: list[dict[str, Any]] = []
    for line_id, ((text, conf, poly), pieces, glyphs) in enumerate(zip(kept, groups, word_scores)):
        line = line_words(text, poly, conf, pieces)
        for word, confidence in zip(line, glyphs or [w.confidence for w in line]):
            words.append(
                make_detection(
                    id=len(kept) + len(words),
                    type="WORD",
                    text=word.text,
                    confidence=confidence,
                    polygon=norm(word.polygon),
                    parent_id=line_id,
                )
            )
    return lines + words


def _polygon(box: Any) -> Polygon | None:
    """A 4-point polygon of finite floats from rapidocr's box, or None if malformed."""
    try:
        pts = [(float(p[0]), float(p[1])) for p in box]
    except (TypeError, ValueError, IndexError):
        return None
    if len(pts) != 4 or not all(math.isfinite(c) for p in pts for c in p):
        return None
    return (pts[0], pts[1], pts[2], pts[3])


def _match_word_groups(
    lines: Sequence[tuple[str, float, Polygon]], word_results: Sequence[Any]
) -> list[list[WordPiece] | None]:
    """Pair each line with rapidocr's word pieces by content and position, not by index.

    rapidocr leaves lines without word boxes out of ``word_results`` (or keeps raw,
    box-less records there), so the two sequences can drift apart.  A group belongs to a
    line when its pieces spell the line's text (whitespace ignored) and lie on the line.
    """
    unused = [g for g in (_pieces(group) for group in word_results) if g is not None]
    out: list[list[WordPiece] | None] = []
    for text, _, polygon in lines:
        key = "".join(text.split())
        match = next(
            (
                g
                for g in unused
                if "".join(p.text for p in g) == key and all(_on_line(p.polygon, polygon) for p in g)
            ),
            None,
        )
        if match is not None:
            unused.remove(match)
        out.append(match)
    return out


def _pieces(group: Any) -> list[WordPiece] | None:
    """rapidocr's ``(text, score, box)`` triples of one line, or None when not in that form."""
    try:
        pieces = []
        for text, conf, box in group:
            polygon = _polygon(box)
            if polygon is None or not isinstance(text, str):
                return None
            if text.strip():
                pieces.append(WordPiece("".join(text.split()), float(conf), polygon))
    except (TypeError, ValueError):
        return None
    return pieces or None


def line_words(
    text: str, polygon: Polygon, confidence: float, pieces: Sequence[WordPiece] | None
) -> list[WordPiece]:
    """Split a line into whitespace WORDs, each with its own polygon (pixel coordinates).

    The OCR's own pieces are used when they tile the words exactly and lie on the line;
    otherwise each word gets the slice of the line polygon its characters occupy.
    ``confidence`` (0..100) is the line's, used for words without a piece score.
    """
    tokens = text.split()
    from_pieces = _words_from_pieces(tokens, polygon, pieces) if pieces else None
    if from_pieces is not None:
        return from_pieces
    words = []
    length = len(text)
    start = 0
    for token in tokens:
        begin = text.index(token, start)
        start = begin + len(token)
        words.append(WordPiece(token, confidence, _slice(polygon, begin / length, start / length)))
    return words


def _words_from_pieces(
    tokens: Sequence[str], line: Polygon, pieces: Sequence[WordPiece]
) -> list[WordPiece] | None:
    """Group consecutive pieces into the tokens they spell; None if they miss a token or leave the line."""
    if not all(_on_line(p.polygon, line) for p in pieces):
        return None
    words = []
    i = 0
    for token in tokens:
        spelled = ""
        first = i
        while i < len(pieces) and len(spelled) < len(token):
            spelled += pieces[i].text
            i += 1
        if spelled != token:
            return None
        group = pieces[first:i]
        polygon = (group[0].polygon[0], group[-1].polygon[1], group[-1].polygon[2], group[0].polygon[3])
        conf = 100 * sum(p.confidence for p in group) / len(group)
        words.append(WordPiece(token, conf, polygon))
    if i != len(pieces):
        return None
    return words


def _on_line(piece: Polygon, line: Polygon) -> bool:
    """A sane piece has area and its centre inside the line's box (half a line height slack)."""
    xs = [x for x, _ in piece]
    ys = [y for _, y in piece]
    if max(xs) - min(xs) <= 0 or max(ys) - min(ys) <= 0:
        return False
    lx = [x for x, _ in line]
    ly = [y for _, y in line]
    slack = (max(ly) - min(ly)) / 2
    cx = sum(xs) / 4
    cy = sum(ys) / 4
    return min(lx) - slack <= cx <= max(lx) + slack and min(ly) - slack <= cy <= max(ly) + slack


def _slice(polygon: Polygon, t0: float, t1: float) -> Polygon:
    """The part of a (top-left, top-right, bottom-right, bottom-left) quad from t0 to t1 of its length."""
    tl, tr, br, bl = polygon

    def lerp(a: Point, b: Point, t: float) -> Point:
        return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

    return (lerp(tl, tr, t0), lerp(tl, tr, t1), lerp(bl, br, t1), lerp(bl, br, t0))
