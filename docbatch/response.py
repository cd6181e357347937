"""Helpers over the Amazon Rekognition DetectText response shape.

Every engine returns this shape (a plain dict, JSON-serialisable), so parsers and sinks
never learn which engine ran, but for what the answer itself says: the model that read it
(``TextModelVersion``), which the MRZ repair reads to undo the embedded model's measured
misreads first (:func:`read_by_local_model`).  See
https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DetectText.html
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

@dataclass(frozen=True)
class Box:
    """An axis-aligned box in normalised (0..1) image coordinates."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def area(self) -> float:
        return self.width * self.height

    def union(self, other: Box) -> Box:
        """The smallest box holding both."""
        left, top = min(self.left, other.left), min(self.top, other.top)
        return Box(left, top, max(self.right, other.right) - left, max(self.bottom, other.bottom) - top)


#: How the embedded engine's ``TextModelVersion`` opens (``local-ppocr-<rapidocr version>``).
LOCAL_MODEL_PREFIX = "local-"


def read_by_local_model(response: Mapping[str, Any]) -> bool:
    """Whether the embedded engine's model read ``response``: saved answers re-parsed later carry
    no engine, only this, so the version string is the one place that says it."""
    return str(response.get("TextModelVersion", "")).startswith(LOCAL_MODEL_PREFIX)


def make_detection(
    *,
    id: int,
    type: str,
    text: str,
    confidence: float,
    polygon: Sequence[tuple[float, float]],
    parent_id: int | None = None,
) -> dict[str, Any]:
    """Build one TextDetection from a 4-point polygon in normalised coordinates.

    The bounding box is derived from the polygon (as the service does) so the two never
    disagree; coordinates are clamped to 0..1.
    """
    pts = [(min(max(float(x), 0.0), 1.0), min(max(float(y), 0.0), 1.0)) for x, y in polygon]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    det: dict[str, Any] = {
        "DetectedText": text,
        "Type": type,
        "Id": id,
        "Confidence": float(confidence),
        "Geometry": {
            "BoundingBox": {
                "Width": max(xs) - min(xs),
                "Height": max(ys) - min(ys),
                "Left": min(xs),
                "Top": min(ys),
            },
            "Polygon": [{"X": x, "Y": y} for x, y in pts],
        },
    }
    if parent_id is not None:
        det["ParentId"] = parent_id
    return det


def detections(response: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every detection of an answer, in its order; none when it has no ``TextDetections``."""
    return list(response.get("TextDetections") or [])


def lines(response: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The answer's LINE detections, in its order."""
    return [d for d in detections(response) if d.get("Type") == "LINE"]


def words(response: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The answer's WORD detections, in its order."""
    return [d for d in detections(response) if d.get("Type") == "WORD"]


def box_of(detection: Mapping[str, Any]) -> Box | None:
    """The detection's bounding box, or None when the response carries no geometry."""
    bb = (detection.get("Geometry") or {}).get("BoundingBox")
    if not bb:
        return None
    return Box(float(bb["Left"]), float(bb["Top"]), float(bb["Width"]), float(bb["Height"]))


@dataclass(frozen=True)
class ResponseSummary:
    n_lines: int
    n_words: int
    mean_confidence: float | None
    word_cap_hit: bool
    text_model_version: str | None


def summarize(response: Mapping[str, Any], *, word_cap: int | None = None) -> ResponseSummary:
    """Counts of a response; ``word_cap`` is the most WORDs its engine ever returns (None: no cap).

    The engine's cap is the engine's fact (``Engine.word_cap``) and whether a document
    still lost words is the processor's (after tiling, ``DocumentResult.word_cap_hit``);
    this judges an answer alone, for documents journaled before the processor recorded it.
    """
    ls = lines(response)
    ws = words(response)
    confs = [float(d["Confidence"]) for d in (ws or ls) if "Confidence" in d]
    return ResponseSummary(
        n_lines=len(ls),
        n_words=len(ws),
        mean_confidence=(sum(confs) / len(confs)) if confs else None,
        # As many WORDs as the service ever returns: text beyond them was lost.
        word_cap_hit=word_cap is not None and len(ws) >= word_cap,
        text_model_version=response.get("TextModelVersion"),
    )


def validate(response: Any) -> dict[str, Any]:
    """``response`` if it is a DetectText-shaped answer, else :class:`~docbatch.errors.InvalidResponse`.

    Every engine answer passes here before anything keeps it (journal, raw/, cache): a
    200 that is HTML from a proxy, truncated JSON or JSON without ``TextDetections``
    must be sent again, not recorded as a document with no text.
    """
    from .errors import InvalidResponse

    if not isinstance(response, dict):
        raise InvalidResponse(f"the answer is not a JSON object ({type(response).__name__})")
    dets = response.get("TextDetections")
    if not isinstance(dets, list):
        raise InvalidResponse("the answer has no TextDetections list")
    version = response.get("TextModelVersion")
    if version is not None and not (isinstance(version, str) and _unicode(version)):
        raise InvalidResponse("the answer's TextModelVersion is not text (a column of text)")
    for d in dets:
        if not isinstance(d, dict) or d.get("Type") not in ("LINE", "WORD") \
                or not isinstance(d.get("DetectedText"), str):
            raise InvalidResponse("the answer holds a detection without Type LINE/WORD and text")
        problem = _mistyped(d)
        if problem:
            raise InvalidResponse(f"the answer holds a detection whose {problem}")
    return response


#: The range of the detections table's ``id`` and ``parent_id`` columns.
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _unicode(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (JSON can carry a lone surrogate escape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _mistyped(det: Mapping[str, Any]) -> str | None:
    """What in one detection has a type no table column can hold (None: nothing).  Kept
    answers become typed columns: one text Id, polygon point or unencodable text would stop
    every table of the batch from being written, on this run and every re-run."""
    if not _unicode(det["DetectedText"]):
        return "DetectedText is not Unicode text (a lone surrogate)"
    for key in ("Id", "ParentId"):
        value = det.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            return f"{key} is not an integer"
        if value is not None and not _INT32_MIN <= value <= _INT32_MAX:
            return f"{key} is past the int32 range of its column"
    if "Confidence" in det and not _number(det["Confidence"]):
        return "Confidence is not a number"
    geo = det.get("Geometry")
    if geo is None:
        return None
    if not isinstance(geo, dict):
        return "Geometry is malformed"
    box = geo.get("BoundingBox")
    if box is not None and (not isinstance(box, dict) or not all(_number(v) for v in box.values())):
        return "BoundingBox is not numbers"
    polygon = geo.get("Polygon")
    if polygon is not None and (not isinstance(polygon, list) or not all(
            isinstance(p, dict) and _number(p.get("X")) and _number(p.get("Y")) for p in polygon)):
        return "Polygon is not points of numbers"
    return None
