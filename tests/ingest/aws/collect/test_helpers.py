"""Pure helpers of the collector: host fix, environment stripping, JSON values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from botocore.awsrequest import AWSRequest

from toxicpath.ingest.aws.collect.local_endpoint import strip_loopback_account_prefix
from toxicpath.ingest.aws.collect.recorder import to_json_value
from toxicpath.ingest.aws.collect.services.lambda_ import strip_environment_values
from toxicpath.ingest.redact import REDACTED


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock",
            "http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock",
        ),
        ("http://123456789012.localhost/x", "http://localhost/x"),
        # Real AWS hosts keep the account prefix.
        (
            "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/x",
            "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/x",
        ),
        # Only a 12-digit account label is removed.
        ("http://bucket.127.0.0.1:5000/x", "http://bucket.127.0.0.1:5000/x"),
    ],
)
def test_account_prefix_stripped_on_loopback(url: str, expected: str) -> None:
    request = AWSRequest(method="GET", url=url)
    strip_loopback_account_prefix(request)
    assert request.url == expected


def test_environment_values_replaced() -> None:
    function = {
        "FunctionName": "f",
        "Environment": {"Variables": {"DB_PASSWORD": "hunter2", "STAGE": "prod"}},
    }
    stripped = strip_environment_values(function)
    assert stripped["Environment"]["Variables"] == {
        "DB_PASSWORD": REDACTED,
        "STAGE": REDACTED,
    }
    assert function["Environment"]["Variables"]["DB_PASSWORD"] == "hunter2"


def test_function_without_environment_unchanged() -> None:
    function = {"FunctionName": "f"}
    assert strip_environment_values(function) is function


def test_json_value_conversion() -> None:
    value = {
        "ResponseMetadata": {"RequestId": "x"},
        "When": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "Text": b"user,arn\n",
        "Binary": b"\xff\x00",
        "Items": ({"n": 1},),
    }
    converted = to_json_value(value)
    assert "ResponseMetadata" not in converted
    assert converted["When"] == "2026-01-02T03:04:05+00:00"
    assert converted["Text"] == "user,arn\n"
    assert converted["Binary"] == "/wA="
    assert converted["Items"] == [{"n": 1}]
