"""What the AWS engines share: one boto3 client per run, S3 objects read by the service, regions by crop.

Rekognition and Textract differ in their API call, limits and answer shape (each in its
own module); how they are reached does not: a client built in the main thread before
workers start and shared by them (botocore's retries off, see :mod:`docbatch.aws`), an
``S3Object`` passed through when the object is of a format the service reads itself, in
the client's region and under its size limit, and a region of the image read from a crop
of the bytes (the pipeline tiles past a word cap this way).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, ClassVar, Mapping
from urllib.parse import urlsplit

from botocore import xform_name

from .. import aws
from ..errors import InvalidRequest
from ..records import Document, ImageInput, S3Head, S3Location
from ..regions import Region, crop_bytes, reframe
from .base import Engine, EngineOption, EngineSettings

#: Hosts of AWS's own endpoints (regional, FIPS, dual-stack, VPC endpoints, China).
_AWS_HOST = re.compile(r"(^|\.)amazonaws\.com(\.cn)?$", re.IGNORECASE)


class AwsEngine(Engine):
    """An engine calling one AWS service through a shared boto3 client."""

    parallelism = "threads"
    rate_limited = True
    paid = True
    reads_s3_objects = True
    options: ClassVar[Mapping[str, EngineOption]] = {
        # 64: as many connections as the pacer keeps calls in flight at most (quota.DEFAULT_MAX_IN_FLIGHT)
        "max_pool": EngineOption(int, 64, "HTTP connections in the client's pool", minimum=1),
        "direct_calls": EngineOption(bool, True, "send the engine's call directly: signed as botocore "
                                     "signs, over docbatch's own keep-alive connections (botocore's where a "
                                     "proxy or client certificate is set), parsed by botocore, without the "
                                     "client's per-call machinery (~0.7 ms of CPU less a call); false: "
                                     "through the client"),
    }
    #: The service's operation the engine calls (its name in the service model).
    OPERATION: ClassVar[str]
    #: S3 objects the service reads itself, by name suffix, and their size limit.
    S3_SUFFIXES: ClassVar[frozenset[str]] = frozenset({".jpg", ".jpeg", ".png"})
    MAX_S3_OBJECT_BYTES: ClassVar[int]

    def __init__(self, settings: EngineSettings, *, session: Any = None) -> None:
        super().__init__(settings)
        session = session or aws.make_session(settings.profile, settings.region)
        self._region = settings.region or session.region_name or "us-east-1"
        self._client = aws.make_client(
            str(self.aws_service),
            session=session,
            region=self._region,
            endpoint_url=settings.endpoint_url,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            max_pool=self.option_values["max_pool"],
            validate_params=False,  # its arguments are docbatch's own (see aws.make_client)
        )
        self._direct = (aws.direct_call(self._client, session, self.OPERATION)
                        if self.option_values["direct_calls"] else None)
        self._method = getattr(self._client, xform_name(self.OPERATION))

    @property
    def region(self) -> str:
        return self._region

    @property
    def model_version(self) -> str:
        # The service's model changes behind one API; the answer names its model, and the
        # cache keys on the engine name plus this marker.  An endpoint other than the
        # service's own (a local protocol server, a proxy) answers its own way: its answers
        # are kept apart, never served as the service's.
        endpoint = self.settings.endpoint_url
        own = endpoint is None or _AWS_HOST.search(urlsplit(endpoint).hostname or "") is not None
        return f"{self.name}-{self._region}" + ("" if own else f"@{endpoint.rstrip('/')}")

    def accepts_s3_object(self, location: S3Location, head: S3Head) -> bool:
        same_region = head.region is None or head.region == self._region
        return (PurePosixPath(location.key).suffix.lower() in self.S3_SUFFIXES
                and 0 < head.size <= self.MAX_S3_OBJECT_BYTES and same_region)

    @staticmethod
    def image_payload(image: ImageInput) -> dict[str, Any]:
        """The ``Image``/``Document`` argument both services take: an S3Object or Bytes."""
        if image.s3 is not None:
            s3obj: dict[str, str] = {"Bucket": image.s3.bucket, "Name": image.s3.key}
            if image.s3.version_id:
                s3obj["Version"] = image.s3.version_id
            return {"S3Object": s3obj}
        return {"Bytes": image.data}

    def detect_region(self, image: ImageInput, document: Document, region: Region) -> dict[str, Any]:
        """A region read from a crop of the bytes, answered in the region's frame.

        Not ``Filters.RegionsOfInterest``: nothing shows that a service applies its word cap
        after that filter rather than before, and a crop is certain to get a cap of its own.
        """
        if image.data is None:
            raise InvalidRequest(f"{self.name} reads a region from image bytes, not from an S3 object")
        data, seen, width, height = crop_bytes(image.data, region, max_bytes=self.image_spec.max_bytes,
                                               min_side=self.image_spec.upscale_below)
        answer = self.detect_text(ImageInput(data=data, width=width, height=height), document)
        return reframe(answer, seen, region)

    def call(self, params: dict[str, Any], what: str) -> dict[str, Any]:
        """The service's answer to :attr:`OPERATION` with ``params`` (``ResponseMetadata``
        dropped), every failure translated to a docbatch error (``what`` names the call)."""
        try:
            resp = self._direct(params) if self._direct is not None else self._method(**params)
        except Exception as exc:  # noqa: BLE001 - the one translation point for the AWS engines
            raise aws.translate(exc, what) from exc
        resp.pop("ResponseMetadata", None)
        return resp

    def close(self) -> None:
        if self._direct is not None:
            self._direct.close()
        self._client.close()
