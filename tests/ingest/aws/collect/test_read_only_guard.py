"""The collector's sessions reject every operation that is not a plain read."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from labs.aws_lab import AwsLab

from toxicpath.ingest.aws.collect import AwsCollectOptions, ReadOnlyViolationError
from toxicpath.ingest.aws.collect.credentials import (
    caller_credentials,
    new_boto3_session,
    new_botocore_session,
)
from toxicpath.ingest.aws.collect.readonly import is_allowed_operation


def _collector_session(sent: list[str]) -> boto3.Session:
    options = AwsCollectOptions()
    credentials = caller_credentials(new_botocore_session(options))
    session = new_boto3_session(options, credentials=credentials, region="us-east-1")

    def count_request(event_name: str, **_: Any) -> None:
        sent.append(event_name)

    session.events.register("before-send", count_request)
    return session


def test_mutating_call_never_sent(aws_lab: AwsLab) -> None:
    sent: list[str] = []
    iam = _collector_session(sent).client("iam")
    with pytest.raises(ReadOnlyViolationError, match="iam:CreateUser"):
        iam.create_user(UserName="created-by-collector")
    assert sent == []
    users = boto3.client("iam").list_users()["Users"]
    assert "created-by-collector" not in [user["UserName"] for user in users]


def test_secret_read_never_sent(aws_lab: AwsLab) -> None:
    sent: list[str] = []
    secrets = _collector_session(sent).client("secretsmanager")
    with pytest.raises(ReadOnlyViolationError, match="GetSecretValue"):
        secrets.get_secret_value(SecretId=aws_lab.secret_arn)
    assert sent == []


def test_read_call_is_sent(aws_lab: AwsLab) -> None:
    sent: list[str] = []
    iam = _collector_session(sent).client("iam")
    iam.list_roles()
    assert sent == ["before-send.iam.ListRoles"]


@pytest.mark.parametrize(
    ("operation", "allowed"),
    [
        ("DescribeInstances", True),
        ("GetAccountAuthorizationDetails", True),
        ("ListBuckets", True),
        ("HeadBucket", True),
        ("GenerateCredentialReport", True),
        ("AssumeRole", True),
        ("CreateUser", False),
        ("PutBucketPolicy", False),
        ("DeleteBucket", False),
        ("RunInstances", False),
        ("UpdateAssumeRolePolicy", False),
        ("InvokeFunction", False),
        ("GetSecretValue", False),
        ("BatchGetSecretValue", False),
        ("GetParameter", False),
        ("GetParametersByPath", False),
        ("GetFunction", False),
        ("GetPasswordData", False),
        ("GetObject", False),
        ("GetSessionToken", False),
    ],
)
def test_operation_allow_list(operation: str, allowed: bool) -> None:
    assert is_allowed_operation(operation) is allowed
