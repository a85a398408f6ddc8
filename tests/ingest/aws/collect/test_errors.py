"""Classification of AWS errors into coverage statuses."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
)
from botocore.parsers import ResponseParserError

from toxicpath.ingest.aws.collect.errors import classify


def _client_error(code: str, message: str = "refused") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "ListKeys")


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("AccessDenied", "denied"),
        ("AccessDeniedException", "denied"),
        ("UnauthorizedOperation", "denied"),
        ("AuthorizationError", "denied"),
        ("OptInRequired", "not_enabled"),
        ("Throttling", "throttled"),
        ("ThrottlingException", "throttled"),
        ("TooManyRequestsException", "throttled"),
        ("RequestLimitExceeded", "throttled"),
        ("UnsupportedOperation", "unsupported"),
    ],
)
def test_listed_codes_classified(code: str, status: str) -> None:
    classified = classify(_client_error(code), operation="kms list-keys")
    assert classified is not None
    assert classified.status == status
    assert classified.reason.startswith(f"kms list-keys: {code}")


@pytest.mark.parametrize(
    "code", ["ValidationError", "InvalidParameterValue", "InternalFailure", "500"]
)
def test_unlisted_codes_raise(code: str) -> None:
    assert classify(_client_error(code), operation="kms list-keys") is None


def test_html_error_page_unsupported() -> None:
    error = _client_error("500", "<!doctype html>\n<title>500 Internal Server Error")
    classified = classify(error, operation="ssm describe-instance-information")
    assert classified is not None
    assert classified.status == "unsupported"


def test_missing_endpoint_unsupported() -> None:
    error = EndpointConnectionError(endpoint_url="https://eks.xx-east-9.amazonaws.com")
    classified = classify(error, operation="eks list-clusters")
    assert classified is not None
    assert classified.status == "unsupported"


def test_parser_error_unsupported() -> None:
    classified = classify(ResponseParserError("bad XML"), operation="ec2 x")
    assert classified is not None
    assert classified.status == "unsupported"


@pytest.mark.parametrize(
    "error",
    [
        ConnectTimeoutError(endpoint_url="https://iam.amazonaws.com"),
        NoCredentialsError(),
    ],
)
def test_other_botocore_errors_raise(error: Exception) -> None:
    assert classify(error, operation="iam list-users") is None
