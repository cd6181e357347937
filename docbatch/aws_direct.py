"""One AWS JSON operation called without the boto3 client's per-call machinery.

A DetectText call through a boto3 client costs ~0.9-1.2 ms of client CPU against a server that
costs nothing, and part of it is not the request: the event chain, the endpoint ruleset resolved
again for every call, the retry handler, the user-agent string rebuilt, the history recorder.
For the engines' one operation each, with botocore's retries off (:mod:`docbatch.aws`), none of
that changes the request: :class:`DirectCall` builds the same request from the same pieces and
sends it once: 0.2-0.3 ms of CPU less a call, about a quarter, in the 32-thread overhead round
(``benchmarks/stage_cpu.py``; docs/performance.md, session 18).  Session 19 took the signing
(:mod:`docbatch.aws_sign`) and the connections (:mod:`docbatch.aws_wire`) off botocore's
general-purpose objects too: ~1.0 -> ~0.3 ms a call, one thread, same server.

What it takes from the client and from botocore, so that what a call sends and raises is the
client's own: the resolved endpoint, region, service model and config (``client.meta``); the
session's credentials, the same (refreshable) object the client signs with; botocore's
serializer for the protocol; SigV4 as botocore's signer computes it (held to it header for
header); connections that fail as botocore's HTTP session fails (connection refused, connect
and read timeouts, a closed connection, TLS), or that session itself where a proxy or a client
certificate is configured; its parser for the protocol, and the client's modeled error classes
(``client.exceptions.from_code``), so an error answer is the ``ClientError`` the client would
raise.  The caller translates exceptions exactly as it does the client's
(:func:`docbatch.aws.translate`).  Not for clients whose calls other code hooks (botocore
events, moto's in-process mock): none of docbatch's do.
"""

from __future__ import annotations

import os
import socket
from typing import Any, Mapping

import botocore
from botocore.awsrequest import AWSPreparedRequest, prepare_request_dict
from botocore.endpoint import convert_to_response_dict
from botocore.exceptions import NoCredentialsError
from botocore.httpsession import URLLib3Session
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from botocore.utils import get_environ_proxies

from . import __version__
from .aws_sign import Signer
from .aws_wire import Wire

_USER_AGENT = f"docbatch/{__version__} Botocore/{botocore.__version__}"


class DirectCall:
    """``client.<operation>(**params)`` for one JSON-protocol operation, sent directly.

    Thread-safe as the client is: the serializer, signer inputs and HTTP session are shared,
    the credentials object refreshes itself under its own lock.
    """

    def __init__(self, client: Any, credentials: Any, operation: str, *, ca_bundle: str | None = None) -> None:
        meta = client.meta
        model = meta.service_model
        protocol = model.resolved_protocol  # the one the client speaks (Textract lists CBOR first)
        if protocol not in ("json", "rest-json"):
            raise ValueError(f"DirectCall serves JSON operations, not {protocol!r}")
        config = meta.config
        self._client = client
        self._operation = model.operation_model(operation)
        self._protocol = protocol
        self._serializer = create_serializer(protocol, include_validation=False)
        self._endpoint_url = meta.endpoint_url
        self._region = meta.region_name
        self._signing_name = model.signing_name
        self._credentials = credentials
        self._signer = Signer(self._signing_name, self._region)
        socket_options = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]  # as botocore's clients
        if config.tcp_keepalive:
            socket_options.append((socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1))
        verify = ca_bundle or os.environ.get("REQUESTS_CA_BUNDLE", True)
        proxies = config.proxies if config.proxies is not None else get_environ_proxies(self._endpoint_url)
        timeout = (config.connect_timeout, config.read_timeout)
        self._http: Wire | URLLib3Session
        if proxies or config.client_cert or config.proxies_config:
            # What docbatch's own connections do not do: botocore's session does it.
            self._http = URLLib3Session(verify=verify, proxies=proxies, timeout=timeout,
                                        max_pool_connections=config.max_pool_connections,
                                        socket_options=socket_options, client_cert=config.client_cert,
                                        proxies_config=config.proxies_config)
        else:
            self._http = Wire(self._endpoint_url, timeout=timeout, max_pool=config.max_pool_connections,
                              socket_options=socket_options, verify=verify)

    @property
    def signing_name(self) -> str:
        """The service's name in its signatures (and IAM actions): ``rekognition``, ``textract``."""
        return str(self._signing_name)

    @property
    def operation_name(self) -> str:
        """The operation sent: ``DetectText``, ``DetectDocumentText``."""
        return str(self._operation.name)

    def __call__(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The parsed answer (with ``ResponseMetadata``), or the exception the client raises."""
        request_dict = self._serializer.serialize_to_request(dict(params), self._operation)
        prepare_request_dict(request_dict, endpoint_url=self._endpoint_url, user_agent=_USER_AGENT)
        if self._credentials is None:
            raise NoCredentialsError()
        headers, body = dict(request_dict["headers"]), request_dict["body"]
        self._signer.sign(request_dict["method"], request_dict["url"], headers, body,
                          self._credentials.get_frozen_credentials())
        headers["Content-Length"] = str(len(body))  # after signing: botocore's request gets it when prepared
        http = self._http.send(AWSPreparedRequest(request_dict["method"], request_dict["url"], headers, body,
                                                  stream_output=False))
        parsed: dict[str, Any] = create_parser(self._protocol).parse(
            convert_to_response_dict(http, self._operation), self._operation.output_shape)
        if http.status_code >= 300:
            code = parsed.get("Error", {}).get("Code")
            raise self._client.exceptions.from_code(code)(parsed, self._operation.name)
        return parsed

    def close(self) -> None:
        self._http.close()
