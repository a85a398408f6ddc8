"""Basic behaviour of the AWS policy evaluator's public API."""

from __future__ import annotations

from typing import Any

from toxicpath.analysis.aws.policy import (
    CompiledPolicy,
    Decision,
    PrincipalPolicySet,
    RequestContext,
    allowed_actions,
    evaluate,
    resource_policy_grants,
)

ACCOUNT = "111111111111"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
CONTEXT = RequestContext(principal_arn=ROLE, principal_account=ACCOUNT)


def _policy(*statements: dict[str, Any], policy_id: str = "p") -> CompiledPolicy:
    return CompiledPolicy.compile(
        {"Version": "2012-10-17", "Statement": list(statements)}, policy_id=policy_id
    )


def test_allow_statement_grants() -> None:
    policy = _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    result = evaluate(
        action="s3:GetObject",
        resource="arn:aws:s3:::bucket/key",
        context=CONTEXT,
        principal_policies=PrincipalPolicySet(identity_policies=[policy]),
    )
    assert result.decision is Decision.ALLOW
    assert result.allowed
    assert not result.conditional
    assert result.allowed_by[0].policy_id == "p"


def test_explicit_deny_wins() -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"},
    )
    result = evaluate(
        action="s3:GetObject",
        resource="arn:aws:s3:::bucket/key",
        context=CONTEXT,
        principal_policies=PrincipalPolicySet(identity_policies=[policy]),
    )
    assert result.decision is Decision.EXPLICIT_DENY
    assert result.denied_by[0].statement_index == 1


def test_no_statement_is_implicit_deny() -> None:
    result = evaluate(
        action="iam:PassRole",
        resource="*",
        context=CONTEXT,
        principal_policies=PrincipalPolicySet(),
    )
    assert result.decision is Decision.IMPLICIT_DENY
    assert not result.allowed


def test_undecided_condition_is_conditional() -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        }
    )
    result = evaluate(
        action="s3:GetObject",
        resource="arn:aws:s3:::bucket/key",
        context=CONTEXT,
        principal_policies=PrincipalPolicySet(identity_policies=[policy]),
    )
    assert result.allowed
    assert result.conditional
    assert result.undecided[0].key == "aws:SourceIp"


def test_allowed_actions_many_actions() -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": ["iam:Get*", "s3:*"], "Resource": "*"}
    )
    results = allowed_actions(
        PrincipalPolicySet(identity_policies=[policy]),
        resource="*",
        candidate_actions=["iam:GetRole", "iam:PassRole", "s3:PutObject"],
        context=CONTEXT,
    )
    assert results["iam:GetRole"].allowed
    assert not results["iam:PassRole"].allowed
    assert results["s3:PutObject"].allowed


def test_trust_policy_grants_service() -> None:
    trust = _policy(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    granted = resource_policy_grants(
        trust, action="sts:AssumeRole", resource=ROLE, principal="lambda.amazonaws.com"
    )
    not_granted = resource_policy_grants(
        trust, action="sts:AssumeRole", resource=ROLE, principal="ec2.amazonaws.com"
    )
    assert granted.allowed
    assert not not_granted.allowed


def test_explain_names_evidence() -> None:
    policy = _policy(
        {
            "Sid": "Read",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        },
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:ViaAWSService": "false"}},
        },
        policy_id="arn:aws:iam::111111111111:policy/read",
    )
    result = evaluate(
        action="s3:GetObject",
        resource="arn:aws:s3:::bucket/key",
        context=CONTEXT,
        principal_policies=PrincipalPolicySet(identity_policies=[policy]),
    )
    text = result.explain()
    assert text.startswith(
        "allowed by arn:aws:iam::111111111111:policy/read statement 0 (Read)"
    )
    assert "only if IpAddress aws:SourceIp ['10.0.0.0/8']" in text
    assert "unless Bool aws:ViaAWSService ['false']" in text


def test_explain_explicit_deny() -> None:
    policy = _policy({"Effect": "Deny", "Action": "*", "Resource": "*"})
    result = evaluate(
        action="iam:PassRole",
        resource="*",
        context=CONTEXT,
        principal_policies=PrincipalPolicySet(identity_policies=[policy]),
    )
    assert result.explain() == "denied by p statement 0"


def test_allowed_actions_keeps_spellings() -> None:
    policy = _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    results = allowed_actions(
        PrincipalPolicySet(identity_policies=[policy]),
        resource="*",
        candidate_actions=["s3:GetObject", "S3:GETOBJECT"],
        context=CONTEXT,
    )
    assert sorted(results) == ["S3:GETOBJECT", "s3:GetObject"]
    assert results["s3:GetObject"].allowed
    assert results["S3:GETOBJECT"].allowed
