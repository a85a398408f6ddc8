"""The evaluator on real policy documents: AWS managed policies and CloudGoat's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from toxicpath.analysis.aws.policy import (
    CompiledPolicy,
    Decision,
    EvaluationResult,
    PrincipalPolicySet,
    RequestContext,
    evaluate,
)

ACCOUNT = "111111111111"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _managed(shared_data: Path, name: str) -> CompiledPolicy:
    path = shared_data / "aws" / "managed-policies" / "policies" / name
    document = json.loads(path.read_text(encoding="utf-8"))["PolicyVersion"]["Document"]
    return CompiledPolicy.compile(document, policy_id=f"arn:aws:iam::aws:policy/{name}")


def _rollback(shared_data: Path, version: str) -> CompiledPolicy:
    path = shared_data / "aws" / "cloudgoat-rollback" / f"{version}.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return CompiledPolicy.compile(document, policy_id=f"rollback-{version}")


def _decide(
    policies: list[CompiledPolicy],
    action: str,
    resource: str = "*",
    principal: str = ROLE,
) -> EvaluationResult:
    return evaluate(
        action=action,
        resource=resource,
        context=RequestContext(
            principal_arn=principal, principal_account=ACCOUNT, evaluation_time=NOW
        ),
        principal_policies=PrincipalPolicySet(identity_policies=policies),
    )


def test_all_managed_policies_compile(shared_data: Path) -> None:
    folder = shared_data / "aws" / "managed-policies" / "policies"
    names = sorted(path.name for path in folder.iterdir())
    assert len(names) > 1000
    for name in names:
        policy = _managed(shared_data, name)
        assert policy.statements, name


def test_administrator_access_allows_all(shared_data: Path) -> None:
    admin = _managed(shared_data, "AdministratorAccess")
    result = _decide([admin], "iam:CreateUser")
    assert result.decision is Decision.ALLOW
    assert not result.conditional


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("s3:GetObject", True),
        ("iam:GetRole", True),
        ("iam:ListAttachedRolePolicies", True),
        ("iam:PassRole", False),
        ("s3:PutObject", False),
        ("iam:CreateAccessKey", False),
    ],
)
def test_read_only_access_actions(
    shared_data: Path, action: str, allowed: bool
) -> None:
    result = _decide([_managed(shared_data, "ReadOnlyAccess")], action)
    assert result.allowed is allowed


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        ("ec2:RunInstances", True),
        ("lambda:CreateFunction", True),
        ("iam:CreateServiceLinkedRole", True),
        ("iam:ListRoles", True),
        ("iam:CreateUser", False),
        ("iam:PassRole", False),
        ("organizations:LeaveOrganization", False),
    ],
)
def test_power_user_access_actions(
    shared_data: Path, action: str, allowed: bool
) -> None:
    result = _decide([_managed(shared_data, "PowerUserAccess")], action)
    assert result.allowed is allowed


def test_deny_all_overrides_admin(shared_data: Path) -> None:
    policies = [
        _managed(shared_data, "AdministratorAccess"),
        _managed(shared_data, "AWSDenyAll"),
    ]
    result = _decide(policies, "s3:GetObject", "arn:aws:s3:::data/x")
    assert result.decision is Decision.EXPLICIT_DENY
    assert result.denied_by[0].sid == "DenyAll"


@pytest.mark.parametrize(
    ("principal", "resource", "allowed"),
    [
        (
            f"arn:aws:iam::{ACCOUNT}:user/alice",
            f"arn:aws:iam::{ACCOUNT}:user/alice",
            True,
        ),
        (
            f"arn:aws:iam::{ACCOUNT}:user/dev/alice",
            f"arn:aws:iam::{ACCOUNT}:user/dev/alice",
            True,
        ),
        (
            f"arn:aws:iam::{ACCOUNT}:user/alice",
            f"arn:aws:iam::{ACCOUNT}:user/bob",
            False,
        ),
        (ROLE, f"arn:aws:iam::{ACCOUNT}:user/app", False),
    ],
)
def test_change_password_own_user(
    shared_data: Path, principal: str, resource: str, allowed: bool
) -> None:
    policy = _managed(shared_data, "IAMUserChangePassword")
    result = _decide([policy], "iam:ChangePassword", resource, principal)
    assert result.allowed is allowed


def test_rollback_v1_sets_default_version(shared_data: Path) -> None:
    result = _decide([_rollback(shared_data, "v1")], "iam:SetDefaultPolicyVersion")
    assert result.decision is Decision.ALLOW
    assert not result.conditional


def test_rollback_v2_deny_is_undecided(shared_data: Path) -> None:
    policies = [_rollback(shared_data, "v3"), _rollback(shared_data, "v2")]
    result = _decide(policies, "iam:CreateUser")
    assert result.decision is Decision.ALLOW
    assert result.conditional
    assert [c.key for c in result.undecided] == ["aws:SourceIp"]
    assert result.denied_by[0].policy_id == "rollback-v2"


def test_rollback_v4_window_expired(shared_data: Path) -> None:
    result = _decide([_rollback(shared_data, "v4")], "iam:GetRole")
    assert result.decision is Decision.IMPLICIT_DENY


def test_rollback_v5_reads_objects(shared_data: Path) -> None:
    policy = _rollback(shared_data, "v5")
    read = _decide([policy], "s3:GetObject", "arn:aws:s3:::data/x")
    write = _decide([policy], "s3:PutObject", "arn:aws:s3:::data/x")
    assert read.allowed
    assert not write.allowed
