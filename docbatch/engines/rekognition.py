"""Amazon Rekognition DetectText through boto3 (sent directly: see :mod:`docbatch.aws_direct`).

The client is built in ``__init__`` (main thread, before workers start) and shared by the
worker threads.  botocore's retries are off (see :mod:`docbatch.aws`); every failure is
translated to a docbatch error here so the runner's one retry layer can judge it.

The service's facts live here and nowhere else: JPEG or PNG only, at least 80 pixels on
each side, ``Bytes`` up to 5 MB,
``S3Object`` up to 15 MB and only from a bucket in the client's own region, at most 100
WORDs per answer (a region of the image is sent as its own cropped image, so it gets 100
WORDs of its own: how docbatch tiles past the cap).
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidRequest
from ..records import Document, ImageInput
from ..regions import Region
from .aws_engine import AwsEngine
from .base import ImageSpec

_MB = 1024 * 1024


class RekognitionEngine(AwsEngine):
    name = "rekognition"
    aws_service = "rekognition"
    OPERATION = "DetectText"
    price_per_call = 0.001  # DetectText, per image, first 1M images a month
    word_cap = 100
    #: The service refuses images under 80 px on a side: smaller ones are enlarged to it.
    image_spec = ImageSpec(formats=frozenset({"JPEG", "PNG"}), max_bytes=5 * _MB, upscale_below=80)
    #: S3 objects the service reads itself: JPEG/PNG by name (the default suffixes), up to 15 MB.
    MAX_S3_OBJECT_BYTES = 15 * _MB

    def detect_text(self, image: ImageInput | None, document: Document,
                    region: Region | None = None) -> dict[str, Any]:
        if image is None:
            raise InvalidRequest("rekognition needs an image")
        if region is not None and not region.is_full:
            return self.detect_region(image, document, region)
        kwargs: dict[str, Any] = {"Image": self.image_payload(image)}
        if self.settings.min_confidence > 0:
            kwargs["Filters"] = {"WordFilter": {"MinConfidence": float(self.settings.min_confidence)}}
        return self.call(kwargs, "Rekognition DetectText")
