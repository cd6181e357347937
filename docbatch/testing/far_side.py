"""Where the fake server's answers come from: a saved response, else an OCR engine.

Why a saved response first: replay makes a test (or an offline pipeline) deterministic and
free.  A request naming an S3 object is answered from ``<object key stem>.json`` without
reading S3 at all, so replay works offline; otherwise the image is read (from the request,
or fetched from S3), checked like the service checks it (:mod:`.dialects`), and answered
from ``<sha256 of bytes>.json`` or by the engine: the local OCR engine, built on first
use, one call at a time (it is CPU-bound and not re-entrant).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path, PurePosixPath
from typing import Any, Mapping, Protocol

from ..errors import BadImageError
from ..records import Document, ImageInput
from .aws_json import Reject, json_object
from .dialects import Dialect

log = logging.getLogger(__name__)

_S3_UNREADABLE = "Unable to get object metadata from S3. Check object key, region and/or access permissions."


class TextEngine(Protocol):
    """Anything with docbatch's engine method; the server serialises calls to it."""

    def detect_text(self, image: ImageInput, document: Document) -> dict[str, Any]: ...


class ReplayOnly:
    """A far side for a server that must answer from ``replay_dir`` alone: an image without
    a saved answer is refused like an unreadable one (visibly), never read by an OCR."""

    def detect_text(self, image: ImageInput, document: Document) -> dict[str, Any]:
        raise BadImageError("no saved answer for these bytes")


class FarSide:
    """The replay folder, the engine (``None``: the local engine, made on first use and closed
    by :meth:`close`) and the S3 client the server reads objects with."""

    def __init__(self, *, replay_dir: Path | None, engine: TextEngine | None,
                 s3_endpoint_url: str | None, s3_region: str) -> None:
        self.replay_dir = replay_dir
        self._engine = engine
        self._owns_engine = engine is None
        self._engine_lock = threading.Lock()
        self._s3_endpoint_url = s3_endpoint_url
        self._s3_region = s3_region
        self._s3_client: Any = None
        self._s3_lock = threading.Lock()

    def response(self, dialect: Dialect, data: bytes | None, s3_object: Mapping[str, Any] | None) -> dict[str, Any]:
        """The saved or computed answer to the request's image (bytes, or an S3Object)."""
        response: dict[str, Any] | None = None
        if s3_object is not None:
            response = self._replay(PurePosixPath(s3_object["Name"]).stem)
            if response is None:
                image, limit = self._fetch(s3_object), dialect.max_s3_bytes
        else:
            image, limit = data or b"", dialect.max_bytes
        if response is None:
            refused = dialect.check(image, limit)
            if refused is not None:
                raise Reject(400, *refused)
            response = self._replay(hashlib.sha256(image).hexdigest())
            if response is None:
                response = self._run_engine(image, dialect)
        return response

    def close(self) -> None:
        if self._owns_engine and self._engine is not None and hasattr(self._engine, "close"):
            self._engine.close()

    def _replay(self, name: str) -> dict[str, Any] | None:
        if self.replay_dir is None:
            return None
        path = self.replay_dir / f"{name}.json"
        if not path.is_file():
            return None
        return json_object(path.read_bytes())

    def _run_engine(self, data: bytes, dialect: Dialect) -> dict[str, Any]:
        digest = hashlib.sha256(data).hexdigest()
        document = Document(doc_id=digest[:16], source=f"sha256:{digest}", doc_type="auto", row_no=0)
        with self._engine_lock:  # one OCR at a time: the local engine is CPU-bound, not re-entrant
            if self._engine is None:
                from ..engines.base import EngineSettings, create_engine

                self._engine = create_engine("local", EngineSettings())
            try:
                return self._engine.detect_text(ImageInput(data=dialect.seen(data)), document)
            except BadImageError as exc:
                raise Reject(400, dialect.unreadable, dialect.bad_format_message) from exc

    def _fetch(self, s3_object: Mapping[str, Any]) -> bytes:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        with self._s3_lock:
            if self._s3_client is None:
                self._s3_client = boto3.client("s3", endpoint_url=self._s3_endpoint_url, region_name=self._s3_region)
        params = {"Bucket": s3_object["Bucket"], "Key": s3_object["Name"]}
        if s3_object.get("Version"):
            params["VersionId"] = s3_object["Version"]
        try:
            return self._s3_client.get_object(**params)["Body"].read()
        except ClientError as exc:
            raise Reject(400, "InvalidS3ObjectException", _S3_UNREADABLE) from exc
        except BotoCoreError as exc:
            log.warning("fake Rekognition could not reach S3: %s", exc)
            raise Reject(500, "InternalServerError", "Internal server error") from exc
