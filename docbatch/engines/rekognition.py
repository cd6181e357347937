"""Amazon Rekognition DetectText through boto3.

The client is built in ``__init__`` (main thread, before workers start) and shared by the
worker threads.  botocore's retries are off (see :mod:`docbatch.aws`); every failure is
translated to a docbatch error here so the runner's one retry layer can judge it.
"""

from __future__ import annotations

from typing import Any

from .. import aws
from ..records import Document, ImageInput
from .base import Engine, EngineSettings

#: Size limits of the service: Bytes up to 5 MB, S3 objects up to 15 MB.
MAX_BYTES = 5 * 1024 * 1024
MAX_S3_OBJECT_BYTES = 15 * 1024 * 1024


class RekognitionEngine(Engine):
    name = "rekognition"
    parallelism = "threads"
    accepts_s3_object = True
    rate_limited = True

    def __init__(self, settings: EngineSettings, *, session: Any = None) -> None:
        super().__init__(settings)
        session = session or aws.make_session(settings.profile, settings.region)
        self.region = settings.region or session.region_name or "us-east-1"
        self._client = aws.make_client(
            "rekognition",
            session=session,
            region=self.region,
            endpoint_url=settings.endpoint_url,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            max_pool=int(settings.options.get("max_pool", 32)),
        )

    @property
    def model_version(self) -> str:
        # The service model changes behind one API; the response carries TextModelVersion,
        # and the cache keys on the engine name plus this marker.
        return f"rekognition-{self.region}"

    def detect_text(self, image: ImageInput | None, document: Document) -> dict[str, Any]:
        if image is None:
            raise ValueError("rekognition needs an image")
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

    def close(self) -> None:
        self._client.close()
