"""docs/aws-permissions.md grants every API call the collector makes."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import pytest

from toxicpath.ingest.snapshot import Snapshot

DOC = Path(__file__).resolve().parents[4] / "docs" / "aws-permissions.md"

# IAM action prefix of each botocore service whose prefix differs.
_ACTION_PREFIX = {
    "elb": "elasticloadbalancing",
    "elbv2": "elasticloadbalancing",
    "opensearch": "es",
}

# API operations whose IAM action has another name.
_ACTION_NAME = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
}

# Calls that need no permission, or a permission granted in its own statement.
_NOT_IN_READ_POLICY = {("sts", "GetCallerIdentity"), ("sts", "AssumeRole")}


def _iam_action(service: str, operation: str) -> str:
    if (service, operation) in _ACTION_NAME:
        return _ACTION_NAME[(service, operation)]
    return f"{_ACTION_PREFIX.get(service, service)}:{operation}"


def _json_blocks() -> list[dict[str, Any]]:
    text = DOC.read_text()
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


def _statement(sid: str) -> dict[str, Any]:
    for document in _json_blocks():
        for statement in document.get("Statement", []):
            if statement.get("Sid") == sid:
                return dict(statement)
    raise AssertionError(f"no statement {sid} in {DOC}")


def _allows(actions: list[str], action: str) -> bool:
    return any(fnmatch.fnmatch(action.lower(), item.lower()) for item in actions)


@pytest.fixture(scope="module")
def called_actions(
    lab_snapshot: Snapshot, lab_api_calls: set[tuple[str, str]]
) -> set[str]:
    assert len(lab_api_calls) > 50
    return {
        _iam_action(service, operation)
        for service, operation in lab_api_calls
        if (service, operation) not in _NOT_IN_READ_POLICY
    }


def test_least_privilege_policy_covers_calls(called_actions: set[str]) -> None:
    granted = _statement("ToxicPathCollectorReads")["Action"]
    missing = sorted(
        action for action in called_actions if not _allows(granted, action)
    )
    assert missing == []


def test_security_audit_plus_extra_covers_calls(
    called_actions: set[str], shared_data: Path
) -> None:
    audit = json.loads(
        (
            shared_data / "aws" / "managed-policies" / "policies" / "SecurityAudit"
        ).read_text()
    )
    granted = [
        action
        for statement in audit["PolicyVersion"]["Document"]["Statement"]
        if statement["Effect"] == "Allow"
        for action in statement["Action"]
    ]
    granted += _statement("ToxicPathBeyondSecurityAudit")["Action"]
    missing = sorted(
        action for action in called_actions if not _allows(granted, action)
    )
    assert missing == []


def test_deny_statement_blocks_secret_reads() -> None:
    denied = _statement("ToxicPathNeverReadsSecrets")["Action"]
    for action in (
        "secretsmanager:GetSecretValue",
        "ssm:GetParameter",
        "lambda:GetFunction",
        "s3:GetObject",
    ):
        assert action in denied
