"""Signature Version 4 for the engines' directly sent calls, as botocore's ``SigV4Auth`` signs them.

botocore's signer works on an ``AWSRequest`` whose headers are an ``email`` message: it lists
the headers to sign twice, derives the host from the URL twice, and derives the signing key
(four HMACs) for every request.  For the one JSON POST of :mod:`docbatch.aws_direct` that was
~0.15 ms of a ~0.5 ms call.  :class:`Signer` computes the same canonical request, string to
sign and ``Authorization`` header from a plain header dict (the rules are SigV4's: lower-cased
names but botocore's unsigned ones, the host as the URL gives it, values with their white
space collapsed, the body's SHA-256), keeps the signing key for the day, and adds
``X-Amz-Date`` and ``X-Amz-Security-Token`` where botocore adds them.  ``tests/unit/test_aws_sign.py``
holds it to botocore's signer header for header.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Callable
from urllib.parse import quote, urlsplit

from botocore.auth import SIGNED_HEADERS_BLACKLIST, SIGV4_TIMESTAMP
from botocore.compat import get_current_datetime
from botocore.utils import normalize_url_path

_UNSIGNED = frozenset(SIGNED_HEADERS_BLACKLIST)


class Signer:
    """SigV4 for requests of one service in one region; thread-safe (the key kept is replaced whole)."""

    def __init__(self, service: str, region: str, *, now: Callable[[], Any] = get_current_datetime) -> None:
        self._service = service
        self._region = region
        self._now = now
        self._key: tuple[str, str, bytes] = ("", "", b"")  # (secret, day, signing key)
        self._urls: dict[str, tuple[str, str, str]] = {}  # url -> (host, canonical path, canonical query)

    def sign(self, method: str, url: str, headers: dict[str, str], body: bytes, credentials: Any) -> None:
        """Add ``X-Amz-Date``, the session token if any, and ``Authorization`` to ``headers``
        (``credentials``: frozen ones, as botocore signs with)."""
        stamp = self._now().strftime(SIGV4_TIMESTAMP)
        day = stamp[:8]
        headers.pop("Authorization", None)
        headers["X-Amz-Date"] = stamp
        if credentials.token:
            headers["X-Amz-Security-Token"] = credentials.token
        host, path, query = self._url(url)
        signed = {name.lower(): " ".join(value.split()) for name, value in headers.items()
                  if name.lower() not in _UNSIGNED}
        signed.setdefault("host", host)
        names = sorted(signed)
        signed_names = ";".join(names)
        canonical = "\n".join((method.upper(), path, query, "".join(f"{n}:{signed[n]}\n" for n in names),
                               signed_names, hashlib.sha256(body).hexdigest()))
        scope = f"{day}/{self._region}/{self._service}/aws4_request"
        to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"
        signature = hmac.new(self._signing_key(credentials.secret_key, day), to_sign.encode("utf-8"),
                             hashlib.sha256).hexdigest()
        headers["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
                                    f"SignedHeaders={signed_names}, Signature={signature}")

    def _signing_key(self, secret: str, day: str) -> bytes:
        kept = self._key
        if kept[0] == secret and kept[1] == day:
            return kept[2]
        key = f"AWS4{secret}".encode()
        for part in (day, self._region, self._service, "aws4_request"):
            key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
        self._key = (secret, day, key)
        return key

    def _url(self, url: str) -> tuple[str, str, str]:
        known = self._urls.get(url)
        if known is None:
            parts = urlsplit(url)
            host = parts.hostname or ""
            if ":" in host:
                host = f"[{host}]"
            if parts.port is not None and parts.port != {"http": 80, "https": 443}.get(parts.scheme):
                host = f"{host}:{parts.port}"
            pairs = sorted(tuple(pair.partition("=")[::2]) for pair in parts.query.split("&")) if parts.query else []
            query = "&".join(f"{k}={v}" for k, v in pairs)
            known = (host, quote(normalize_url_path(parts.path), safe="/~"), query)
            self._urls[url] = known
        return known
