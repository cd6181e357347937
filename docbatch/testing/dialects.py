"""The two wire dialects the fake server speaks: Rekognition DetectText and Textract DetectDocumentText.

Both are AWS JSON 1.1 (``POST /`` with an ``X-Amz-Target``); they differ in how a request
names its image, what the service accepts, which error codes it answers with, and how
the answer looks.  Everything else (quota, fault schedule, latency, replay folder, the
far-side engine, S3 reads) is the server's and shared, so a test of Textract throttling
meets the same server behaviour as one of Rekognition.

The far side answers in the DetectText shape (an engine's answer, or a saved response).
A saved response may also be a Textract answer (``Blocks``): Textract requests get it
as it is, Rekognition requests get it converted and capped like any other answer.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..engines.textract import detections_from_blocks
from .response_shaping import select_words, word_filter

__all__ = ["DIALECTS", "Dialect", "REKOGNITION", "TEXTRACT", "to_blocks"]

_MB = 1024 * 1024
#: Reported when neither the replayed file nor the engine names a model version.
DEFAULT_TEXT_MODEL_VERSION = "3.0"
DEFAULT_TEXTRACT_MODEL_VERSION = "1.0"

_JPEG, _PNG = b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"
_TIFF_LE, _TIFF_BE, _PDF = b"II*\x00", b"MM\x00*", b"%PDF"
_EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class Dialect:
    """One service's side of the protocol.

    ``shape`` turns the far side's answer (DetectText-shaped, or saved Textract
    ``Blocks``) and the request into the JSON body sent back (``cap_order``: which WORDs
    a capped service keeps, see :mod:`.response_shaping`).
    """

    service: str
    target: str
    #: The request member naming the image ({"Bytes": b64} or {"S3Object": {...}}).
    image_field: str
    max_bytes: int
    max_s3_bytes: int
    magics: tuple[bytes, ...]
    #: Error codes: over the byte limit, not a format the service reads, unreadable content.
    too_large: str
    bad_format: str
    unreadable: str
    bad_format_message: str
    shape: Callable[..., dict[str, Any]]
    #: A JPEG is read turned upright by its EXIF orientation, and the answer's coordinates
    #: are the upright image's (Rekognition documents this; Textract does not say).
    orients_jpeg: bool = False

    def seen(self, data: bytes) -> bytes:
        """The image as the service reads it: an EXIF-oriented JPEG turned upright (given to
        the far side losslessly, as PNG), anything else as it came."""
        if not (self.orients_jpeg and data.startswith(_JPEG)):
            return data
        from PIL import Image, ImageOps

        with Image.open(io.BytesIO(data)) as image:
            if image.getexif().get(_EXIF_ORIENTATION, 1) in (0, 1):
                return data
            buf = io.BytesIO()
            ImageOps.exif_transpose(image).save(buf, format="PNG")
        return buf.getvalue()

    def check(self, data: bytes, limit: int) -> tuple[str, str] | None:
        """(error code, message) when the service would refuse these bytes, else None."""
        if len(data) > limit:
            return self.too_large, f"{self.image_field} size is too large; the limit is {limit} bytes"
        if not data.startswith(self.magics):
            return self.bad_format, self.bad_format_message
        return None


def _rekognition_answer(response: Mapping[str, Any], request: Mapping[str, Any], *,
                        cap_order: str = "reading") -> dict[str, Any]:
    """Filters, then the service's cap of 100 WORDs (see :mod:`.response_shaping`)."""
    answer = dict(response)
    if "TextDetections" not in answer and isinstance(answer.get("Blocks"), list):
        answer = detections_from_blocks(answer["Blocks"], model_version=DEFAULT_TEXT_MODEL_VERSION)
    answer["TextDetections"] = select_words(answer["TextDetections"], word_filter(request.get("Filters") or {}),
                                            order=cap_order)
    answer.setdefault("TextModelVersion", DEFAULT_TEXT_MODEL_VERSION)
    return answer


def _textract_answer(response: Mapping[str, Any], request: Mapping[str, Any], *,
                     cap_order: str = "reading") -> dict[str, Any]:
    """A DetectDocumentText answer: every word (no cap, no filters)."""
    if isinstance(response.get("Blocks"), list):
        blocks = response["Blocks"]
    else:
        blocks = to_blocks(response["TextDetections"])
    return {"DocumentMetadata": {"Pages": 1}, "Blocks": blocks,
            "DetectDocumentTextModelVersion": response.get("DetectDocumentTextModelVersion",
                                                           DEFAULT_TEXTRACT_MODEL_VERSION)}


def to_blocks(detections: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """DetectText detections as Textract blocks: one PAGE, its LINEs, then their WORDs.

    Each LINE lists its WORDs as ``CHILD`` ids in the order they came; a WORD without a
    LINE parent gets a LINE of its own (Textract puts every word in a line).
    """
    def new_id() -> str:
        return str(uuid.uuid4())

    lines = [d for d in detections if d.get("Type") == "LINE"]
    line_of = {d.get("Id"): new_id() for d in lines}
    line_blocks = {line_of[d.get("Id")]: _block("LINE", d, line_of[d.get("Id")]) for d in lines}
    word_blocks: list[dict[str, Any]] = []
    for det in (d for d in detections if d.get("Type") == "WORD"):
        word = _block("WORD", det, new_id())
        word.update(TextType="PRINTED", Page=1)
        parent = line_of.get(det.get("ParentId"))
        if parent is None:
            parent = new_id()
            line_blocks[parent] = _block("LINE", det, parent)
        line_blocks[parent].setdefault("Relationships", [{"Type": "CHILD", "Ids": []}])[0]["Ids"].append(word["Id"])
        word_blocks.append(word)
    page = {"BlockType": "PAGE", "Id": new_id(),
            "Geometry": {"BoundingBox": {"Width": 1.0, "Height": 1.0, "Left": 0.0, "Top": 0.0},
                         "Polygon": [{"X": 0.0, "Y": 0.0}, {"X": 1.0, "Y": 0.0}, {"X": 1.0, "Y": 1.0},
                                     {"X": 0.0, "Y": 1.0}]},
            "Relationships": [{"Type": "CHILD", "Ids": list(line_blocks)}]}
    return [page, *line_blocks.values(), *word_blocks]


def _block(kind: str, det: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    block: dict[str, Any] = {"BlockType": kind, "Confidence": float(det.get("Confidence", 100.0)),
                             "Text": det.get("DetectedText", ""), "Id": block_id}
    if det.get("Geometry"):
        block["Geometry"] = det["Geometry"]
    return block


REKOGNITION = Dialect(
    service="Rekognition", target="RekognitionService.DetectText", image_field="Image",
    max_bytes=5 * _MB, max_s3_bytes=15 * _MB, magics=(_JPEG, _PNG),
    too_large="ImageTooLargeException", bad_format="InvalidImageFormatException",
    unreadable="InvalidImageFormatException", bad_format_message="Request has invalid image format",
    shape=_rekognition_answer, orients_jpeg=True)
TEXTRACT = Dialect(
    service="Textract", target="Textract.DetectDocumentText", image_field="Document",
    max_bytes=10 * _MB, max_s3_bytes=10 * _MB, magics=(_JPEG, _PNG, _TIFF_LE, _TIFF_BE, _PDF),
    too_large="DocumentTooLargeException", bad_format="UnsupportedDocumentException",
    unreadable="BadDocumentException", bad_format_message="Request has unsupported document format",
    shape=_textract_answer)
DIALECTS: dict[str, Dialect] = {d.target: d for d in (REKOGNITION, TEXTRACT)}
