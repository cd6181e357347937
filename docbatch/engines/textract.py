"""Amazon Textract DetectDocumentText through boto3, answered in the DetectText shape.

Textract reads documents rather than scenes and has no word cap: one call per page reads
every line of a long receipt, where Rekognition DetectText stops at 100 words.  The
client is built in ``__init__`` (main thread, before workers start) and shared by the
worker threads; botocore's retries are off (see :mod:`docbatch.aws`) and every failure is
translated to a docbatch error here, so the runner's one retry layer and rate limiter
treat a Textract call like any other paid call.

The service's facts live here and nowhere else ("Set Quotas in Amazon Textract" in the
Textract Developer Guide): JPEG, PNG, TIFF and PDF; synchronous operations take at most
10 MB and, for TIFF and PDF, one page; images up to 10,000 pixels on every side; an
``S3Object`` only from a bucket in the client's own region.  docbatch passes S3 objects
through only when they are JPEG or PNG by name: a TIFF or PDF may hold several pages,
which the synchronous API refuses, so those are read and prepared (pages split) first.

:func:`detections_from_blocks` turns Textract's ``Blocks`` (PAGE, LINE, WORD with
``CHILD`` relationships; geometry already normalised to 0..1) into ``TextDetections``:
LINEs get Ids ``0..n-1`` in Textract's reading order, then the WORDs of each line in
order, each with ``ParentId`` = its LINE.  The same function reads the LINE/WORD blocks
of AnalyzeExpense and AnalyzeID answers.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from .. import aws
from ..errors import InvalidRequest, InvalidResponse
from ..records import Document, ImageInput
from ..regions import Region
from ..response import make_detection
from .aws_engine import AwsEngine
from .base import ImageSpec

_MB = 1024 * 1024

__all__ = ["TextractEngine", "detections_from_blocks", "to_detect_text"]


class TextractEngine(AwsEngine):
    name = "textract"
    aws_service = "textract"
    OPERATION = "DetectDocumentText"
    price_per_call = 0.0015  # DetectDocumentText, per page, first 1M pages a month
    word_cap = None
    #: TIFF and PDF only with one page (prep refuses or splits the others); 10 MB inline.
    image_spec = ImageSpec(formats=frozenset({"JPEG", "PNG", "TIFF", "PDF"}), max_bytes=10 * _MB)
    #: S3 objects the service reads itself: single-page formats by name (JPEG/PNG), up to 10 MB.
    MAX_S3_OBJECT_BYTES = 10 * _MB

    def detect_text(self, image: ImageInput | None, document: Document,
                    region: Region | None = None) -> dict[str, Any]:
        if image is None:
            raise InvalidRequest("textract needs an image")
        if region is not None and not region.is_full:
            return self.detect_region(image, document, region)
        resp = self.call({"Document": self.image_payload(image)}, "Textract DetectDocumentText")
        return to_detect_text(resp, min_confidence=self.settings.min_confidence)


def to_detect_text(response: Any, *, min_confidence: float = 0.0) -> dict[str, Any]:
    """A DetectDocumentText answer as a DetectText-shaped response.

    An answer without a ``Blocks`` list (a proxy's page, a truncated body) is an
    :class:`~docbatch.errors.InvalidResponse`, sent again and never kept.
    """
    if not isinstance(response, Mapping) or not isinstance(response.get("Blocks"), list):
        raise InvalidResponse("the Textract answer has no Blocks list")
    version = response.get("DetectDocumentTextModelVersion")
    return detections_from_blocks(response["Blocks"], model_version=f"textract-{version or 'unknown'}",
                                  min_confidence=min_confidence)


def detections_from_blocks(blocks: Sequence[Any], *, model_version: str,
                           min_confidence: float = 0.0) -> dict[str, Any]:
    """Textract LINE/WORD blocks as ``{"TextDetections": [...], "TextModelVersion": ...}``.

    Other block types (PAGE, TABLE, KEY_VALUE_SET, ...) are skipped.  WORDs under
    ``min_confidence`` are dropped (Textract has no server-side word filter), and a LINE
    whose WORDs were all dropped goes with them.  A WORD no LINE claims becomes a LINE of
    its own, after the others, so no text is lost and every WORD has a parent.
    """
    by_id: dict[str, Mapping[str, Any]] = {}
    line_blocks: list[Mapping[str, Any]] = []
    word_order: list[str] = []
    for block in blocks:
        if not isinstance(block, Mapping) or block.get("BlockType") not in ("LINE", "WORD"):
            continue
        if not isinstance(block.get("Id"), str) or not isinstance(block.get("Text"), str):
            raise InvalidResponse("the Textract answer holds a LINE or WORD block without Id or Text")
        by_id[block["Id"]] = block
        if block["BlockType"] == "LINE":
            line_blocks.append(block)
        else:
            word_order.append(block["Id"])
    claimed: set[str] = set()
    groups: list[tuple[Mapping[str, Any], list[Mapping[str, Any]]]] = []
    for line in line_blocks:
        children = [by_id[i] for i in _child_ids(line)
                    if i in by_id and i not in claimed and by_id[i].get("BlockType") == "WORD"]
        claimed.update(c["Id"] for c in children)
        groups.append((line, children))
    groups += [(by_id[i], [by_id[i]]) for i in word_order if i not in claimed]

    kept: list[tuple[Mapping[str, Any], list[Mapping[str, Any]]]] = []
    for line, children in groups:
        words = [w for w in children if w["Text"].strip() and _confidence(w) >= min_confidence]
        if (children and not words) or not line["Text"].strip():
            continue
        kept.append((line, words))
    lines_out = [_detection(line, id=n, type="LINE") for n, (line, _) in enumerate(kept)]
    words_out: list[dict[str, Any]] = []
    for parent, (_, words) in enumerate(kept):
        for word in words:
            words_out.append(_detection(word, id=len(kept) + len(words_out), type="WORD", parent_id=parent))
    return {"TextDetections": lines_out + words_out, "TextModelVersion": model_version}


def _child_ids(block: Mapping[str, Any]) -> Iterable[str]:
    for rel in block.get("Relationships") or []:
        if isinstance(rel, Mapping) and rel.get("Type") == "CHILD":
            yield from (i for i in rel.get("Ids") or [] if isinstance(i, str))


def _confidence(block: Mapping[str, Any]) -> float:
    try:
        return min(max(float(block.get("Confidence", 0.0)), 0.0), 100.0)
    except (TypeError, ValueError):
        return 0.0


def _detection(block: Mapping[str, Any], *, id: int, type: str, parent_id: int | None = None) -> dict[str, Any]:
    return make_detection(id=id, type=type, text=block["Text"], confidence=_confidence(block),
                          polygon=_polygon(block), parent_id=parent_id)


def _polygon(block: Mapping[str, Any]) -> list[tuple[float, float]]:
    """The block's polygon (the box's corners when it has none); the box is derived from it."""
    geometry = block.get("Geometry") if isinstance(block.get("Geometry"), Mapping) else {}
    try:
        points = [(float(p["X"]), float(p["Y"])) for p in geometry.get("Polygon") or []]
        if len(points) >= 3:
            return points
        bb = geometry["BoundingBox"]
        left, top, width, height = (float(bb[k]) for k in ("Left", "Top", "Width", "Height"))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidResponse("the Textract answer holds a LINE or WORD block without geometry") from exc
    return [(left, top), (left + width, top), (left + width, top + height), (left, top + height)]
