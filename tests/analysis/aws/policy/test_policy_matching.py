"""Wildcard matching, principal parsing and document validation."""

from __future__ import annotations

from typing import Any

import pytest

from toxicpath.analysis.aws.policy import (
    ACCOUNT,
    ANY,
    DIRECT,
    SESSION,
    CompiledPolicy,
    PrincipalPolicySet,
    RequestContext,
    parse_principal,
    principal_matches,
)
from toxicpath.analysis.aws.policy.context_keys import substitute_variables
from toxicpath.analysis.aws.policy.patterns import (
    ActionMatcher,
    action_universe,
    arn_like,
    resource_matches,
)

RESOURCE_CASES = [
    ("*", "arn:aws:s3:::bucket/key", True),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", True),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", False),
    ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket", True),
    ("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/a", False),
    ("arn:aws:s3:*", "arn:aws:s3:::bucket/a", True),
    ("arn:aws:s3:*", "arn:aws:s3express:us-east-1:1:bucket/a", False),
    ("arn:aws:*", "arn:aws:iam::111111111111:role/x", True),
    ("arn:aws:iam::*:role/x", "arn:aws:iam::111111111111:role/x", True),
    ("arn:aws:iam::*:role/x", "arn:aws:iam::111111111111:role/path/x", False),
    ("arn:aws:iam::1111*:role/x", "arn:aws:iam::111111111111:role/x", True),
    ("arn:aws:ec2:us-*-1:*:instance/*", "arn:aws:ec2:us-east-1:1:instance/i", True),
    ("arn:aws:ec2:us*1:instance/i", "arn:aws:ec2:us-east-1:1:instance/i", False),
    ("arn:aws:ec2:*:instance/i", "arn:aws:ec2:us-east-1:1:instance/i", True),
    ("arn:aws:logs:*:*:log-group:app:*", "arn:aws:logs:r:1:log-group:app:stream", True),
    ("arn:aws:s3:::b/?", "arn:aws:s3:::b/x", True),
    ("arn:aws:s3:::b/?", "arn:aws:s3:::b/xy", False),
    ("arn:aws:s3:::b/a.c", "arn:aws:s3:::b/abc", False),
    ("arn:aws:s3:::b/[a]", "arn:aws:s3:::b/[a]", True),
]


@pytest.mark.parametrize(("pattern", "arn", "expected"), RESOURCE_CASES)
def test_resource_pattern_matching(pattern: str, arn: str, expected: bool) -> None:
    assert resource_matches(pattern, arn) is expected


ARN_LIKE_CASES = [
    ("arn:aws:sns:*:111111111111:*", "arn:aws:sns:us-east-1:111111111111:t", True),
    ("arn:aws:sns:*:alerts", "arn:aws:sns:us-east-1:111111111111:alerts", False),
    ("arn:aws:iam::*:role/admin*", "arn:aws:iam::1:role/admin-2", True),
    ("arn:aws:iam::*:role/admin*", "arn:aws:iam::1:user/admin", False),
    ("arn:aws:lambda:*:*:function:f:*", "arn:aws:lambda:r:1:function:f:prod", True),
]


@pytest.mark.parametrize(("pattern", "value", "expected"), ARN_LIKE_CASES)
def test_arn_like_segments(pattern: str, value: str, expected: bool) -> None:
    assert arn_like(pattern, value) is expected


def test_action_matcher_agrees_batch() -> None:
    matcher = ActionMatcher.compile(
        ["s3:Get*", "iam:Pass?ole", "ec2:RunInstances", "*:Describe*"]
    )
    candidates = [
        "s3:GetObject",
        "s3:PutObject",
        "iam:PassRole",
        "iam:PassRoles",
        "ec2:RunInstances",
        "ec2:DescribeInstances",
        "rds:DescribeDBInstances",
    ]
    universe = action_universe(candidates)
    batch = matcher.matching(universe)
    single = {
        action.lower() for action in candidates if matcher.matches(action.lower())
    }
    assert batch == single
    assert batch == {
        "s3:getobject",
        "iam:passrole",
        "ec2:runinstances",
        "ec2:describeinstances",
        "rds:describedbinstances",
    }


def test_substitution_unknown_variable() -> None:
    context = RequestContext(
        principal_arn="arn:aws:iam::111111111111:role/app",
        principal_account="111111111111",
    )
    result = substitute_variables("home/${aws:userid}/*", context)
    assert result.text is None
    assert result.unknown_keys == ("aws:userid",)


def test_substitution_known_variable() -> None:
    context = RequestContext(
        principal_arn="arn:aws:iam::111111111111:user/alice",
        principal_account="111111111111",
    )
    result = substitute_variables("home/${aws:username}/*", context)
    assert result.text == "home/alice/*"
    assert result.unknown_keys == ()


PRINCIPAL_CASES = [
    ("*", "anonymous", "*"),
    ("111111111111", "aws", "arn:aws:iam::111111111111:root"),
    ("arn:aws:iam::111111111111:role/app", "aws", "arn:aws:iam::111111111111:role/app"),
    ("lambda.amazonaws.com", "service", "lambda.amazonaws.com"),
    ("cognito-identity.amazonaws.com", "federated", "cognito-identity.amazonaws.com"),
    (
        "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
        "federated",
        "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
    ),
]


@pytest.mark.parametrize(("principal", "kind", "value"), PRINCIPAL_CASES)
def test_parse_principal_kinds(principal: str, kind: str, value: str) -> None:
    parsed = parse_principal(principal)
    assert parsed.kind == kind
    assert parsed.value == value


def test_parse_principal_bad_type() -> None:
    with pytest.raises(ValueError, match="invalid principal_type"):
        parse_principal("x", principal_type="Group")


MATCH_CASES: list[tuple[Any, str, str | None]] = [
    (
        {"AWS": "arn:aws:iam::111111111111:role/app"},
        "arn:aws:iam::111111111111:role/app",
        DIRECT,
    ),
    (
        {"AWS": "arn:aws:iam::111111111111:role/p/app"},
        "arn:aws:sts::111111111111:assumed-role/app/s",
        DIRECT,
    ),
    (
        {"AWS": "arn:aws:sts::111111111111:assumed-role/app/s"},
        "arn:aws:iam::111111111111:role/app",
        SESSION,
    ),
    ({"AWS": "111111111111"}, "arn:aws:iam::111111111111:role/app", ACCOUNT),
    (
        {"AWS": "arn:aws:iam::111111111111:root"},
        "arn:aws:iam::111111111111:root",
        DIRECT,
    ),
    ({"AWS": "222222222222"}, "arn:aws:iam::111111111111:role/app", None),
    ({"AWS": "*"}, "arn:aws:iam::111111111111:role/app", ANY),
    ("*", "lambda.amazonaws.com", ANY),
    (
        {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
        "lambda.amazonaws.com",
        DIRECT,
    ),
    (
        {"AWS": "arn:aws:iam::111111111111:role/*"},
        "arn:aws:iam::111111111111:role/app",
        None,
    ),
]


@pytest.mark.parametrize(("element", "principal", "expected"), MATCH_CASES)
def test_principal_match_kinds(
    element: Any, principal: str, expected: str | None
) -> None:
    policy = CompiledPolicy.compile(
        {"Statement": [{"Effect": "Allow", "Principal": element, "Action": "*"}]},
        policy_id="trust",
    )
    assert principal_matches(policy, 0, principal) == expected


INVALID_DOCUMENTS: list[tuple[Any, str]] = [
    ({"Version": "2012-10-17"}, "missing Statement"),
    ({"Statement": "Allow"}, "Statement must be an object or a list"),
    (
        {"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]},
        "statement 0: Effect",
    ),
    (
        {"Statement": [{"Effect": "Allow", "Resource": "*"}]},
        "exactly one of Action or NotAction",
    ),
    (
        {
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "*"}
            ]
        },
        "both Resource and NotResource",
    ),
    (
        {"Statement": [{"Effect": "Allow", "Action": 5, "Resource": "*"}]},
        "Action: expected a string",
    ),
    (
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"Bool": "x"},
                }
            ]
        },
        "must map keys to values",
    ),
    (
        {
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Principal": {"Group": "x"}}
            ]
        },
        "unknown principal type",
    ),
    ([], "must be a JSON object"),
]


@pytest.mark.parametrize(("document", "message"), INVALID_DOCUMENTS)
def test_invalid_document_rejected(document: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        CompiledPolicy.compile(document, policy_id="arn:aws:iam::1:policy/bad")
    assert "arn:aws:iam::1:policy/bad" in str(raised.value)


def test_compile_reuses_equal_documents() -> None:
    document = {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
    first = CompiledPolicy.compile(document, policy_id="p")
    second = CompiledPolicy.compile(dict(document), policy_id="p")
    assert first is second
    assert len(first) == 1


DEPENDENCE_CASES: list[tuple[dict[str, Any], bool]] = [
    ({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, False),
    (
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        },
        False,
    ),
    (
        {
            "Effect": "Deny",
            "Action": "iam:*",
            "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}},
        },
        True,
    ),
    (
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::home/${aws:username}/*",
        },
        True,
    ),
    (
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::home/${aws:PrincipalTag/team, 'none'}/*",
        },
        True,
    ),
    (
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:role/app"},
            "Action": "s3:*",
            "Resource": "*",
        },
        True,
    ),
]


@pytest.mark.parametrize(("statement", "expected"), DEPENDENCE_CASES)
def test_policy_depends_on_principal(statement: dict[str, Any], expected: bool) -> None:
    policy = CompiledPolicy.compile(
        {"Version": "2012-10-17", "Statement": [statement]}, policy_id="p"
    )
    assert policy.depends_on_principal is expected


def test_context_keys_lists_reads() -> None:
    policy = CompiledPolicy.compile(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::${aws:username}/${*}",
                "Condition": {
                    "StringEquals": {"aws:SourceVpc": "${aws:PrincipalTag/vpc}"}
                },
            },
        },
        policy_id="p",
    )
    assert policy.context_keys == {
        "aws:username",
        "aws:sourcevpc",
        "aws:principaltag/vpc",
    }


def test_policy_set_scp_dependence() -> None:
    plain = CompiledPolicy.compile(
        {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}},
        policy_id="plain",
    )
    exempting = CompiledPolicy.compile(
        {
            "Statement": {
                "Effect": "Deny",
                "Action": "iam:*",
                "Resource": "*",
                "Condition": {
                    "StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/x"}
                },
            }
        },
        policy_id="scp",
    )
    without_scp = PrincipalPolicySet(identity_policies=[plain])
    with_scp = PrincipalPolicySet(identity_policies=[plain], scp_levels=[[exempting]])
    assert not without_scp.depends_on_principal
    assert with_scp.depends_on_principal
