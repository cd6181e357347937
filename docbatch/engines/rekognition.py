"""Amazon Rekognition DetectText through boto3.

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

from pathlib import PurePosixPath
from typing import Any, ClassVar, Mapping

from .. import aws
from ..errors import InvalidRequest
from ..records import Document, ImageInput, S3Head, S3Location
from ..regions import Region, crop_bytes, reframe
from .base import Engine, EngineOption, EngineSettings, ImageSpec

_MB = 1024 * 1024


class RekognitionEngine(Engine):
    name = "rekognition"
    parallelism = "threads"
    rate_limited = True
    paid = True
    reads_s3_objects = True
    aws_service = "rekognition"
    price_per_call = 0.001  # DetectText, per image, first 1M images a month
    word_cap = 100
    #: The service refuses images under 80 px on a side: smaller ones are enlarged to it.
    image_spec = ImageSpec(formats=frozenset({"JPEG", "PNG"}), max_bytes=5 * _MB, upscale_below=80)
    options: ClassVar[Mapping[str, EngineOption]] = {
        "max_pool": EngineOption(int, 32, "HTTP connections in the client's pool", minimum=1),
    }
    #: S3 objects the service reads itself: JPEG/PNG by name, up to 15 MB.
    S3_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
    MAX_S3_OBJECT_BYTES = 15 * _MB

    def __init__(self, settings: EngineSettings, *, session: Any = None) -> None:
        super().__init__(settings)
        session = session or aws.make_session(settings.profile, settings.region)
        self._region = settings.region or session.region_name or "us-east-1"
        self._client = aws.make_client(
            "rekognition",
            session=session,
            region=self._region,
            endpoint_url=settings.endpoint_url,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            max_pool=self.option_values["max_pool"],
        )

    @property
    def region(self) -> str:
        return self._region

    @property
    def model_version(self) -> str:
        # The service model changes behind one API; the response carries TextModelVersion,
        # and the cache keys on the engine name plus this marker.
        return f"rekognition-{self._region}"

    def accepts_s3_object(self, location: S3Location, head: S3Head) -> bool:
        same_region = head.region is None or head.region == self._region
        return (PurePosixPath(location.key).suffix.lower() in self.S3_SUFFIXES
                and 0 < head.size <= self.MAX_S3_OBJECT_BYTES and same_region)

    def detect_text(self, image: ImageInput | None, document: Document,
                    region: Region | None = None) -> dict[str, Any]:
        if image is None:
            raise InvalidRequest("rekognition needs an image")
        if region is not None and not region.is_full:
            return self._detect_region(image, document, region)
        if image.s3 is not None:
            s3obj: dict[str, str] = {"Bucket": image.s3.bucket, "Name": image.s3.key}
            if image.s3.version_id:
                s3obj["Version"] = image.s3.version_id
            payload: dict[str, Any] = {"S3Object": s3obj}
        else:
            payload = {"Bytes": image.data}
        kwargs: dict[str, Any] = {"Image": payload}
        if self.settings.min_confidence > 0:
            kwargs["Filters"] = {"WordFilter": {"MinConfidence": float(self.settings.min_confidence)}}
        try:
            resp = self._client.detect_text(**kwargs)
        except Exception as exc:  # noqa: BLE001 - the one translation point for this engine
            raise aws.translate(exc, "Rekognition DetectText") from exc
        resp.pop("ResponseMetadata", None)
        return resp

    def _detect_region(self, image: ImageInput, document: Document, region: Region) -> dict[str, Any]:
        """A region is read by cropping the bytes, not by ``Filters.RegionsOfInterest``:
        nothing shows that the service applies its 100-word cap after that filter rather
        than before, and a crop is certain to get up to 100 words of its own."""
        if image.data is None:
            raise InvalidRequest("rekognition reads a region from image bytes, not from an S3 object")
        data, seen, width, height = crop_bytes(image.data, region, max_bytes=self.image_spec.max_bytes,
                                               min_side=self.image_spec.upscale_below)
        answer = self.detect_text(ImageInput(data=data, width=width, height=height), document)
        return reframe(answer, seen, region)

    def close(self) -> None:
        self._client.close()
