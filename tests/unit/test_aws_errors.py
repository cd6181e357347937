"""botocore failures map to the right side of the error hierarchy."""

import pytest
from botocore.exceptions import (ClientError, ConnectionClosedError, CredentialRetrievalError, NoRegionError,
                                 ParamValidationError, PartialCredentialsError, ReadTimeoutError)

from docbatch import errors as e
from docbatch.aws import translate


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "DetectText")


@pytest.mark.parametrize(
    "code, status, cls",
    [
        ("ThrottlingException", 400, e.ThrottledError),
        ("ProvisionedThroughputExceededException", 400, e.ThrottledError),
        ("LimitExceededException", 400, e.ThrottledError),
        ("InternalServerError", 500, e.ServiceError),
        ("ServiceUnavailableException", 503, e.ServiceError),
        ("AccessDeniedException", 400, e.EnvironmentFailure),
        ("UnrecognizedClientException", 400, e.EnvironmentFailure),
        ("ExpiredTokenException", 400, e.EnvironmentFailure),
        ("InvalidSignatureException", 400, e.EnvironmentFailure),
        ("ExpiredToken", 400, e.EnvironmentFailure),  # S3's spelling
        ("InvalidToken", 400, e.EnvironmentFailure),
        ("RequestTimeTooSkewed", 403, e.EnvironmentFailure),  # this machine's clock
        ("RequestExpired", 400, e.EnvironmentFailure),
        ("AccessDenied", 403, e.AccessDenied),
        ("NoSuchKey", 404, e.SourceNotFound),
        ("InvalidImageFormatException", 400, e.BadImageError),
        ("InvalidS3ObjectException", 400, e.InvalidRequest),
    ],
)
def test_client_errors(code, status, cls):
    err = translate(client_error(code, status), "Rekognition DetectText")
    assert isinstance(err, cls)
    assert err.retryable == issubclass(cls, e.TransientError)


def test_connection_reset_and_timeout_are_retryable():
    assert isinstance(translate(ConnectionClosedError(endpoint_url="http://x"), "x"), e.ConnectionFailed)
    assert isinstance(translate(ReadTimeoutError(endpoint_url="http://x"), "x"), e.RequestTimeout)


def test_an_argument_botocore_refuses_before_sending_is_permanent_not_a_connection_failure():
    # botocore's own check (on for S3 reads) raises before any request: a retry would fail the same way.
    err = translate(ParamValidationError(report="Invalid length for parameter Key, value: 0"), "S3 GetObject")
    assert isinstance(err, e.InvalidRequest) and not err.retryable
    assert err.error_code == "invalid_parameter"


@pytest.mark.parametrize("exc", [PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
                                 CredentialRetrievalError(provider="sso", error_msg="token expired"),
                                 NoRegionError()])
def test_credentials_or_a_region_that_cannot_be_had_stop_the_run(exc):
    err = translate(exc, "Rekognition DetectText")
    assert isinstance(err, e.EnvironmentFailure)
