"""An AWS profile named with --profile that no config file holds stops a command with one line."""

from __future__ import annotations

import os

import pytest

from docbatch.config import EngineSettings, SourceSettings
from docbatch.errors import EnvironmentFailure
from docbatch.preflight import Needs, check


@pytest.fixture
def no_aws_files(monkeypatch):
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.parametrize("keys", [False, True], ids=["no-keys", "keys-in-environment"])
def test_an_unknown_profile_option_is_an_environment_failure_naming_it(no_aws_files, monkeypatch, keys):
    if keys:  # static keys in the environment do not make a typo'd profile go unnoticed
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    engine = EngineSettings(region="us-east-1", profile="nightly-typo", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(EnvironmentFailure, match="profile 'nightly-typo' is not configured") as caught:
        check(Needs(aws_engine="rekognition", buckets=()), engine, SourceSettings(profile="nightly-typo"))
    assert caught.value.error_code == "unknown_profile"


@pytest.mark.slow  # builds a botocore client (~0.2 s on a fresh loader)
def test_a_profile_the_credentials_file_holds_passes_the_profile_check(no_aws_files, monkeypatch, tmp_path):
    creds = tmp_path / "credentials"
    creds.write_text("[nightly]\naws_access_key_id = x\naws_secret_access_key = y\n", encoding="utf-8")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    engine = EngineSettings(region="us-east-1", profile="nightly", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(EnvironmentFailure) as caught:  # the endpoint (nothing listens on port 9) is next
        check(Needs(aws_engine="rekognition", buckets=()), engine, SourceSettings(profile="nightly"))
    assert caught.value.error_code == "endpoint_unreachable"


def test_docbatch_manifest_with_an_unknown_profile_is_one_line_and_exit_2(no_aws_files):
    from click.testing import CliRunner

    from docbatch.cli import main

    result = CliRunner().invoke(main, ["manifest", "s3://bucket/incoming/", "--profile", "nightly-typo",
                                       "--region", "us-east-1"])
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.output.strip() == "docbatch: error: AWS profile 'nightly-typo' is not configured " \
                                    "(ProfileNotFound) [unknown_profile]"
