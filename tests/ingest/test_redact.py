"""Tests of secret-value redaction in raw responses."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from toxicpath.ingest.redact import REDACTED, redact_response
from toxicpath.ingest.snapshot import RawResponse


def _response(service: str, operation: str, body: Any) -> RawResponse:
    return RawResponse(
        cloud="aws",
        account="111122223333",
        region="eu-west-1",
        service=service,
        operation=operation,
        body=body,
    )


LAMBDA_FUNCTIONS = {
    "Functions": [
        {
            "FunctionName": "billing",
            "Environment": {
                "Variables": {"DB_PASSWORD": "hunter2", "STAGE": "prod"},
            },
        }
    ]
}

ECS_TASK_DEFINITION = {
    "taskDefinition": {
        "containerDefinitions": [
            {
                "name": "api",
                "environment": [
                    {"name": "API_SECRET", "value": "plaintext-secret"},
                    {"name": "LOG_LEVEL", "value": "debug"},
                ],
                "secrets": [
                    {
                        "name": "DB_PASS",
                        "valueFrom": "arn:aws:ssm:eu-west-1:1:parameter/db",
                    }
                ],
            }
        ]
    }
}

# (service, operation, body, secret values that must disappear, text that must stay)
CASES = [
    (
        "lambda",
        "list-functions",
        LAMBDA_FUNCTIONS,
        ["hunter2", "prod"],
        ["DB_PASSWORD"],
    ),
    (
        "lambda",
        "get-function",
        {
            "Configuration": {"Environment": {"Variables": {"TOKEN": "abc123"}}},
            "Code": {"Location": "https://example.s3.amazonaws.com/?X-Amz-Signature=1"},
        },
        ["abc123", "X-Amz-Signature"],
        ["TOKEN"],
    ),
    (
        "ecs",
        "describe-task-definition",
        ECS_TASK_DEFINITION,
        ["plaintext-secret", "debug"],
        ["API_SECRET", "LOG_LEVEL", "arn:aws:ssm:eu-west-1:1:parameter/db"],
    ),
    (
        "ecs",
        "describe-tasks",
        {
            "tasks": [
                {
                    "overrides": {
                        "containerOverrides": [
                            {"environment": [{"name": "KEY", "value": "override-v"}]}
                        ]
                    }
                }
            ]
        },
        ["override-v"],
        ["KEY"],
    ),
    (
        "codebuild",
        "batch-get-projects",
        {
            "projects": [
                {
                    "environment": {
                        "environmentVariables": [
                            {"name": "PLAIN", "value": "plain-v", "type": "PLAINTEXT"},
                            {
                                "name": "REF",
                                "value": "/ssm/name",
                                "type": "PARAMETER_STORE",
                            },
                        ]
                    }
                }
            ]
        },
        ["plain-v"],
        ["PLAIN", "/ssm/name"],
    ),
    (
        "ssm",
        "get-parameter",
        {"Parameter": {"Name": "/app/token", "Type": "SecureString", "Value": "tok-v"}},
        ["tok-v"],
        ["/app/token"],
    ),
    (
        "ssm",
        "get-parameters",
        {
            "Parameters": [
                {"Name": "/a", "Value": "a-v"},
                {"Name": "/b", "Value": "b-v"},
            ]
        },
        ["a-v", "b-v"],
        ["/a", "/b"],
    ),
    (
        "secretsmanager",
        "get-secret-value",
        {"Name": "db", "SecretString": '{"password": "pw-v"}'},
        ["pw-v"],
        ["db"],
    ),
    (
        "sts",
        "assume-role",
        {
            "Credentials": {
                "AccessKeyId": "ASIAEXAMPLE",
                "SecretAccessKey": "secret-key-v",
                "SessionToken": "session-token-v",
            }
        },
        ["secret-key-v", "session-token-v"],
        ["ASIAEXAMPLE"],
    ),
    (
        "ec2",
        "describe-instance-attribute",
        {"InstanceId": "i-1", "UserData": {"Value": "IyEvYmluL2Jhc2g="}},
        ["IyEvYmluL2Jhc2g="],
        ["i-1"],
    ),
    (
        "apprunner",
        "describe-service",
        {"Service": {"RuntimeEnvironmentVariables": {"KEY": "runtime-v"}}},
        ["runtime-v"],
        ["KEY"],
    ),
    (
        "glue",
        "get-connections",
        {
            "ConnectionList": [
                {"ConnectionProperties": {"USERNAME": "u", "PASSWORD": "p-v"}}
            ]
        },
        ["p-v"],
        ["USERNAME"],
    ),
]


@pytest.mark.parametrize(
    ("service", "operation", "body", "secrets", "kept"),
    CASES,
    ids=[f"{case[0]}-{case[1]}" for case in CASES],
)
def test_redaction_removes_values(
    service: str, operation: str, body: Any, secrets: list[str], kept: list[str]
) -> None:
    redacted = redact_response(_response(service, operation, body))
    text = json.dumps(redacted.body)
    for secret in secrets:
        assert secret not in text
    for name in kept:
        assert name in text
    assert REDACTED in text


@pytest.mark.parametrize(
    ("service", "operation", "body"),
    [(case[0], case[1], case[2]) for case in CASES],
    ids=[f"{case[0]}-{case[1]}" for case in CASES],
)
def test_redaction_idempotent(service: str, operation: str, body: Any) -> None:
    once = redact_response(_response(service, operation, body))
    twice = redact_response(once)
    assert twice.body == once.body
    assert twice is once


def test_redaction_leaves_input_unchanged() -> None:
    body = copy.deepcopy(LAMBDA_FUNCTIONS)
    redact_response(_response("lambda", "list-functions", body))
    assert body == LAMBDA_FUNCTIONS


def test_redaction_keeps_clean_response() -> None:
    response = _response("s3", "list-buckets", {"Buckets": [{"Name": "logs"}]})
    assert redact_response(response) is response


def test_redaction_keeps_variable_names() -> None:
    redacted = redact_response(_response("lambda", "list-functions", LAMBDA_FUNCTIONS))
    variables = redacted.body["Functions"][0]["Environment"]["Variables"]
    assert variables == {"DB_PASSWORD": REDACTED, "STAGE": REDACTED}
