"""The response cache keys an AWS engine's answers on where they came from."""

from __future__ import annotations

import pytest

from docbatch.engines.base import EngineSettings
from docbatch.engines.rekognition import RekognitionEngine


def _version(endpoint_url: str | None) -> str:
    return RekognitionEngine(EngineSettings(region="eu-west-1", endpoint_url=endpoint_url)).model_version


@pytest.mark.parametrize("url", ["https://rekognition.eu-west-1.amazonaws.com",
                                 "https://vpce-0a1b-c2d3.rekognition.eu-west-1.vpce.amazonaws.com/",
                                 "https://rekognition-fips.cn-north-1.amazonaws.com.cn"])
def test_the_services_own_endpoints_share_the_services_answers(url, aws_env):
    assert _version(url) == _version(None) == "rekognition-eu-west-1"


@pytest.mark.parametrize("url", ["http://127.0.0.1:9977", "http://localhost:4566", "https://amazonaws.com.example.org"])
def test_another_endpoints_answers_are_kept_apart_per_url(url, aws_env):
    assert _version(url) == f"rekognition-eu-west-1@{url}"
    assert _version(url + "/") == _version(url) != _version("http://127.0.0.1:9978")
