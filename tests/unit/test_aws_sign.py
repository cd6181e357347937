"""A directly sent call is signed as botocore's ``SigV4Auth`` signs the client's request: the
same headers added (date, session token, authorization), to the letter, for any endpoint,
credentials and moment, including a new day and a rotated secret after a key was kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from docbatch.aws_sign import Signer

BODY = b'{"Image": {"Bytes": "aGVsbG8="}}'
HEADERS = {"X-Amz-Target": "RekognitionService.DetectText", "Content-Type": "application/x-amz-json-1.1",
           "User-Agent": "docbatch/0 Botocore/1"}


def botocores(url: str, headers: dict[str, str], credentials: Credentials, moment: dt.datetime,
              monkeypatch: pytest.MonkeyPatch, service: str = "rekognition", region: str = "us-east-1") -> dict[str, str]:
    monkeypatch.setattr("botocore.auth.get_current_datetime", lambda: moment)
    request = AWSRequest(method="POST", url=url, data=BODY, headers=dict(headers))
    SigV4Auth(credentials, service, region).add_auth(request)
    return dict(request.headers.items())


def ours(signer: Signer, url: str, headers: dict[str, str], credentials: Credentials) -> dict[str, str]:
    sent = dict(headers)
    signer.sign("POST", url, sent, BODY, credentials)
    return sent


class Clock:
    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> Any:
        return self.moment


MOMENT = dt.datetime(2026, 12, 4, 23, 59, 58)
PLAIN = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TOKEN = Credentials("ASIAEXAMPLE", "secret", "a-session-token")


@pytest.mark.parametrize("url", ["https://rekognition.us-east-1.amazonaws.com/", "http://127.0.0.1:8123/",
                                 "https://textract.eu-west-1.amazonaws.com:443/", "http://[::1]:9000/",
                                 "http://LocalHost:80/a//b/../c?z=1&a=2"])
@pytest.mark.parametrize("credentials", [PLAIN, TOKEN], ids=["keys", "session-token"])
def test_a_request_is_signed_as_botocore_signs_it(url: str, credentials: Credentials,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    headers = {**HEADERS, "X-Spaced": "  two   words  "}
    assert ours(Signer("rekognition", "us-east-1", now=Clock(MOMENT)), url, headers, credentials) == \
        botocores(url, headers, credentials, MOMENT, monkeypatch)


def test_a_kept_signing_key_gives_way_to_a_new_day_and_a_rotated_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://textract.eu-west-1.amazonaws.com/"
    clock = Clock(MOMENT)
    signer = Signer("textract", "eu-west-1", now=clock)
    rotated = Credentials("AKIDEXAMPLE", "another-secret")
    seen = []
    for moment, credentials in [(MOMENT, PLAIN), (MOMENT + dt.timedelta(seconds=3), PLAIN),
                                (MOMENT + dt.timedelta(seconds=4), rotated)]:
        clock.moment = moment
        seen.append(ours(signer, url, HEADERS, credentials)
                    == botocores(url, HEADERS, credentials, moment, monkeypatch, "textract", "eu-west-1"))
    assert seen == [True, True, True]


def test_an_authorization_left_from_an_earlier_attempt_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://rekognition.us-east-1.amazonaws.com/"
    stale = {**HEADERS, "Authorization": "AWS4-HMAC-SHA256 stale", "X-Amz-Date": "20200101T000000Z"}
    assert ours(Signer("rekognition", "us-east-1", now=Clock(MOMENT)), url, stale, PLAIN) == \
        botocores(url, stale, PLAIN, MOMENT, monkeypatch)
