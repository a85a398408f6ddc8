"""Tests that secret values in imported AWS responses never reach a snapshot file."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.redact import REDACTED, is_secret_key, redact_response
from toxicpath.ingest.snapshot import RawResponse, write_snapshot

# file name -> (response body, secret sentinels, names that must survive)
EXTRA_RESPONSES: dict[str, tuple[dict[str, Any], list[str], list[str]]] = {
    "cloudformation-describe-stacks.json": (
        {
            "Stacks": [
                {
                    "StackName": "app",
                    "Parameters": [
                        {
                            "ParameterKey": "DbPassword",
                            "ParameterValue": "SENTINEL-CFN",
                        },
                        {
                            "ParameterKey": "Resolved",
                            "ParameterValue": "/ssm/path",
                            "ResolvedValue": "SENTINEL-CFN-RESOLVED",
                        },
                    ],
                }
            ]
        },
        ["SENTINEL-CFN", "SENTINEL-CFN-RESOLVED"],
        ["DbPassword", "Resolved"],
    ),
    "elasticbeanstalk-describe-configuration-settings.json": (
        {
            "ConfigurationSettings": [
                {
                    "ApplicationName": "web",
                    "OptionSettings": [
                        {
                            "Namespace": "aws:elasticbeanstalk:application:environment",
                            "OptionName": "API_KEY",
                            "Value": "SENTINEL-EB",
                        }
                    ],
                }
            ]
        },
        ["SENTINEL-EB"],
        ["API_KEY", "aws:elasticbeanstalk:application:environment"],
    ),
    "glue-get-jobs.json": (
        {
            "Jobs": [
                {
                    "Name": "etl",
                    "DefaultArguments": {"--db-password": "SENTINEL-GLUE"},
                    "NonOverridableArguments": {"--token": "SENTINEL-GLUE-FIXED"},
                }
            ]
        },
        ["SENTINEL-GLUE", "SENTINEL-GLUE-FIXED"],
        ["--db-password", "--token"],
    ),
    "sagemaker-describe-model.json": (
        {
            "ModelName": "churn",
            "PrimaryContainer": {
                "Image": "1.dkr.ecr.us-east-1.amazonaws.com/churn:1",
                "Environment": {"MODEL_SECRET": "SENTINEL-SM-PRIMARY"},
            },
            "Containers": [{"Environment": {"OTHER": "SENTINEL-SM-CONTAINER"}}],
        },
        ["SENTINEL-SM-PRIMARY", "SENTINEL-SM-CONTAINER"],
        ["MODEL_SECRET", "OTHER", "churn:1"],
    ),
    "ecs-describe-task-definition.json": (
        {
            "taskDefinition": {
                "containerDefinitions": [
                    {
                        "name": "api",
                        "environment": [{"name": "ECS_VAR", "value": "SENTINEL-ECS"}],
                    }
                ]
            }
        },
        ["SENTINEL-ECS"],
        ["ECS_VAR"],
    ),
    "batch-describe-job-definitions.json": (
        {
            "jobDefinitions": [
                {
                    "jobDefinitionName": "nightly",
                    "containerProperties": {
                        "environment": [
                            {"name": "BATCH_VAR", "value": "SENTINEL-BATCH"}
                        ]
                    },
                }
            ]
        },
        ["SENTINEL-BATCH"],
        ["BATCH_VAR"],
    ),
    "cognito-idp-describe-user-pool-client.json": (
        {
            "UserPoolClient": {
                "ClientId": "client-id-kept",
                "ClientSecret": "SENTINEL-COGNITO",
            }
        },
        ["SENTINEL-COGNITO"],
        ["client-id-kept"],
    ),
    "rds-describe-db-instances.json": (
        {
            "DBInstances": [
                {
                    "DBInstanceIdentifier": "orders",
                    "MasterUserSecret": {
                        "SecretArn": "arn:aws:secretsmanager:us-east-1:1:secret:kept",
                    },
                    "MasterUserPassword": "SENTINEL-RDS",
                }
            ]
        },
        ["SENTINEL-RDS"],
        ["arn:aws:secretsmanager:us-east-1:1:secret:kept"],
    ),
}


@pytest.fixture
def stored_snapshot(shared_data: Path, tmp_path: Path) -> str:
    folder = tmp_path / "demo"
    shutil.copytree(shared_data / "aws/cloudmapper-demo", folder)
    for name, (body, _, _) in EXTRA_RESPONSES.items():
        (folder / "us-east-1" / name).write_text(json.dumps(body))
    snapshot_path = tmp_path / "scan.jsonl.gz"
    write_snapshot(load_inputs([folder]), snapshot_path)
    return gzip.decompress(snapshot_path.read_bytes()).decode()


@pytest.mark.parametrize("file_name", sorted(EXTRA_RESPONSES))
def test_snapshot_omits_secret_values(stored_snapshot: str, file_name: str) -> None:
    _, secrets, _ = EXTRA_RESPONSES[file_name]
    for secret in secrets:
        assert secret not in stored_snapshot


@pytest.mark.parametrize("file_name", sorted(EXTRA_RESPONSES))
def test_snapshot_keeps_names(stored_snapshot: str, file_name: str) -> None:
    _, _, names = EXTRA_RESPONSES[file_name]
    for name in names:
        assert name in stored_snapshot


def _response(body: Any) -> RawResponse:
    return RawResponse(
        cloud="aws",
        account="123456789012",
        region="us-east-1",
        service="sagemaker",
        operation="describe-model",
        body=body,
    )


@pytest.mark.parametrize(
    "file_name", sorted(EXTRA_RESPONSES), ids=sorted(EXTRA_RESPONSES)
)
def test_redaction_idempotent_per_shape(file_name: str) -> None:
    body, _, _ = EXTRA_RESPONSES[file_name]
    once = redact_response(_response(body))
    twice = redact_response(once)
    assert twice is once


def test_plain_environment_map_redacted() -> None:
    body = {"PrimaryContainer": {"Environment": {"A": "1", "B": "2"}}}
    redacted = redact_response(_response(body)).body
    assert redacted["PrimaryContainer"]["Environment"] == {"A": REDACTED, "B": REDACTED}


def test_codebuild_environment_keeps_image() -> None:
    body = {
        "projects": [
            {
                "environment": {
                    "image": "aws/codebuild/standard:7.0",
                    "environmentVariables": [{"name": "X", "value": "x-value"}],
                }
            }
        ]
    }
    environment = redact_response(_response(body)).body["projects"][0]["environment"]
    assert environment["image"] == "aws/codebuild/standard:7.0"
    assert environment["environmentVariables"][0]["value"] == REDACTED


# (cloud, body, secret sentinels, names that must survive)
OTHER_CLOUD_SHAPES: list[tuple[str, Any, list[str], list[str]]] = [
    (
        "azure",
        [{"name": "DB_PASS", "value": "SENTINEL-AZ-LIST", "slotSetting": False}],
        ["SENTINEL-AZ-LIST"],
        ["DB_PASS"],
    ),
    (
        "azure",
        {
            "name": "appsettings",
            "type": "Microsoft.Web/sites/config",
            "properties": {"API_KEY": "SENTINEL-AZ-MAP"},
        },
        ["SENTINEL-AZ-MAP"],
        ["API_KEY"],
    ),
    (
        "azure",
        {
            "name": "connectionstrings",
            "type": "Microsoft.Web/sites/config",
            "properties": {"Db": {"value": "SENTINEL-AZ-CONN", "type": "SQLAzure"}},
        },
        ["SENTINEL-AZ-CONN"],
        ["Db", "SQLAzure"],
    ),
    (
        "gcp",
        {"resource": {"data": {"envVariables": {"APP_KEY": "SENTINEL-GAE"}}}},
        ["SENTINEL-GAE"],
        ["APP_KEY"],
    ),
]


@pytest.mark.parametrize(("cloud", "body", "secrets", "names"), OTHER_CLOUD_SHAPES)
def test_other_cloud_shapes_redacted(
    cloud: str, body: Any, secrets: list[str], names: list[str]
) -> None:
    response = RawResponse(
        cloud=cloud, account="a", region="r", service="s", operation="o", body=body
    )
    text = json.dumps(redact_response(response).body)
    for secret in secrets:
        assert secret not in text
    for name in names:
        assert name in text


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("Password", True),
        ("MasterUserPassword", True),
        ("SecretString", True),
        ("SecretBinary", True),
        ("SessionToken", True),
        ("SecretAccessKey", True),
        ("AccessKey", True),
        ("PrivateKey", True),
        ("UserData", True),
        ("ENCRYPTED_PASSWORD", True),
        ("--db-password", True),
        ("secureValue", True),
        ("AccessKeyId", False),
        ("SecretArn", False),
        ("PasswordLastUsed", False),
        ("PasswordPolicy", False),
        ("NextToken", False),
        ("HttpTokens", False),
        ("aws:PrincipalTag/token", False),
    ],
)
def test_secret_key_names(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret
