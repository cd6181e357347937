"""The embedded engine: rapidocr (PP-OCR on onnxruntime) answering in the DetectText shape.

This module holds the engine's facts (its options, the model version that keys the cache,
how a region is read); its rooms: preparing the picture (:mod:`.local_inputs`,
:mod:`.local_pixels`), the process's model sessions (:mod:`.local_session`) and the answer's
shape (:mod:`.local_words`).

Why it looks the way it does:

* **Offline by construction.**  The PP-OCR det/rec/cls ONNX files ship inside the rapidocr
  wheel.  They are handed to rapidocr as explicit model paths, the one configuration in
  which rapidocr never reaches its download code; a missing file is a
  :class:`~docbatch.errors.ConfigError`, never a download (:mod:`.local_session`).
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
  apportioned by character offsets (:func:`.local_words.line_words`).  A WORD's confidence is its
  weakest glyph's recognition score, a LINE's rapidocr's mean of them
  (:mod:`.local_glyphs`).  The service's 100-word cap is not applied: it is a service
  limit, not a property of OCR.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from ..errors import BadImageError, InvalidRequest
from ..records import Document, ImageInput
from ..regions import Region, pixel_box, reframe
from ..response import LOCAL_MODEL_PREFIX
from .base import Engine, EngineOption, EngineSettings, ImageSpec
from .local_glyphs import WORD_SCORE_TAG
from .local_inputs import Sizing, decode, reduce
from .local_pixels import bgr_pixels
from .local_session import MODEL_FILES, OcrPipeline, PipelineConfig, pipeline_for, rapidocr_version
from .local_words import detections

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
        self._config = PipelineConfig(threads=values["threads"], rec_batch=values["rec_batch"],
                                      rec_min_width=values["rec_min_width"], orientation=values["orientation"],
                                      det_strip_pixels=values["det_strip_pixels"],
                                      sizing=Sizing(values["max_side"], values["det_min_side"],
                                                    values["det_max_side"], values["det_shrink_min_side"]))
        self._version = rapidocr_version()

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

    def pipeline(self) -> OcrPipeline:
        """This process's OCR pipeline for this engine's settings, built on the first picture."""
        return pipeline_for(self._config)

    def _read(self, picture: Any) -> dict[str, Any]:
        ocr = self.pipeline()
        width, height = picture.size
        pixels = bgr_pixels(picture)
        del picture  # not held while the detector runs (the caller passes its only reference)
        try:
            result = ocr(pixels)
        except Exception as exc:  # the one boundary where rapidocr/onnxruntime errors are translated
            raise BadImageError(f"the local OCR engine failed on this image ({type(exc).__name__})") from exc
        return {
            "TextDetections": detections(
                result,
                width=width,
                height=height,
                min_confidence=self.settings.min_confidence,
            ),
            "TextModelVersion": f"{LOCAL_MODEL_PREFIX}ppocr-{self._version}",
        }
