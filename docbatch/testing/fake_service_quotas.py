"""A local server speaking the Service Quotas API, enough for ``--tps auto``.

Why: moto's Service Quotas knows only the VPC quotas, so ``--tps auto`` (which reads the
Rekognition or Textract TPS quota, :mod:`docbatch.quota`) is tested through the real
boto3 ``service-quotas`` client against this far-side stub instead of a mock of docbatch.

Protocol (AWS JSON 1.1, target prefix ``ServiceQuotasV20190624``):
``ListAWSDefaultServiceQuotas`` (paginated, ``page_size`` per page),
``GetAWSDefaultServiceQuota`` and ``GetServiceQuota`` (the applied value; a quota with no
applied value answers ``NoSuchResourceException``, as the service does).  ``denied``
answers every call with ``AccessDeniedException``.  Point a client at it with
``AWS_ENDPOINT_URL_SERVICE_QUOTAS=<endpoint_url>`` (botocore's own setting).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Mapping

_PREFIX = "ServiceQuotasV20190624."
_CONTENT_TYPE = "application/x-amz-json-1.1"

#: A service's TPS quotas as the stub lists them: (service, operation) -> code.
_CODES = {
    ("rekognition", "DetectLabels"): "L-FAKE0001",
    ("rekognition", "DetectFaces"): "L-FAKE0002",
    ("rekognition", "DetectText"): "L-FAKE0003",
    ("rekognition", "StartTextDetection"): "L-FAKE0004",
    ("textract", "AnalyzeDocument"): "L-FAKE0101",
    ("textract", "DetectDocumentText"): "L-FAKE0102",
    ("textract", "StartDocumentTextDetection"): "L-FAKE0103",
}


@dataclass(frozen=True)
class _Quota:
    service: str
    code: str
    name: str
    default: float
    applied: float | None

    def shape(self, value: float) -> dict[str, Any]:
        return {"ServiceCode": self.service, "ServiceName": self.service, "QuotaCode": self.code,
                "QuotaArn": f"arn:aws:servicequotas:us-east-1::{self.service}/{self.code}",
                "QuotaName": self.name, "Value": value, "Unit": "None", "Adjustable": True, "GlobalQuota": False}


class FakeServiceQuotas:
    """Service Quotas on 127.0.0.1: every TPS quota of the stub's list defaults to ``default``;
    ``applied`` maps an operation (e.g. ``"DetectText"``) to the account's applied value."""

    def __init__(self, *, applied: Mapping[str, float] | None = None, default: float = 5.0,
                 page_size: int = 2, denied: bool = False, host: str = "127.0.0.1", port: int = 0) -> None:
        applied = dict(applied or {})
        self.quotas = [
            _Quota(service, code, f"Transactions per second per account for operation {op}", default, applied.get(op))
            for (service, op), code in _CODES.items()
        ]
        self.page_size = page_size
        self.denied = denied
        self.calls: list[str] = []
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.app = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> FakeServiceQuotas:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def answer(self, operation: str, request: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(operation)
        if self.denied:
            return 400, {"__type": "AccessDeniedException", "message": "not authorized: servicequotas"}
        listed = [q for q in self.quotas if q.service == request.get("ServiceCode")]
        if operation == "ListAWSDefaultServiceQuotas":
            if not listed:
                return 400, {"__type": "NoSuchResourceException", "message": "no such service"}
            start = int(request.get("NextToken") or 0)
            size = int(request.get("MaxResults") or self.page_size)
            page = listed[start:start + size]
            body: dict[str, Any] = {"Quotas": [q.shape(q.default) for q in page]}
            if start + size < len(listed):
                body["NextToken"] = str(start + size)
            return 200, body
        quota = next((q for q in listed if q.code == request.get("QuotaCode")), None)
        if operation == "GetAWSDefaultServiceQuota" and quota is not None:
            return 200, {"Quota": quota.shape(quota.default)}
        if operation == "GetServiceQuota" and quota is not None and quota.applied is not None:
            return 200, {"Quota": quota.shape(quota.applied)}
        if operation in ("GetAWSDefaultServiceQuota", "GetServiceQuota"):
            return 400, {"__type": "NoSuchResourceException", "message": "The request failed because the "
                         "specified resource does not exist."}
        return 400, {"__type": "UnknownOperationException", "message": f"Unknown operation {operation}"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        app: FakeServiceQuotas = self.server.app  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target", "")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            request = None
        if not target.startswith(_PREFIX) or not isinstance(request, dict):
            status, payload = 400, {"__type": "SerializationException", "message": "bad request"}
        else:
            status, payload = app.answer(target[len(_PREFIX):], request)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", _CONTENT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        if status >= 400:
            self.send_header("x-amzn-ErrorType", payload["__type"])
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass
