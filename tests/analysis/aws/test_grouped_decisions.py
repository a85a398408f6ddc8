"""Decisions shared across alike resources equal decisions made one by one.

Access and escalation analysis evaluate one member of each group of
resources that a policy set cannot tell apart (`analysis/aws/coverage.py`)
and reuse the result. These tests build estates where the grouping is easy
to get wrong, and compare every edge with a decision made for that
principal and resource alone. The estates hold prefix and object-only
patterns, NotResource, a Deny on one resource, templated resource policies
with and without an extra statement, a policy pattern that names other
buckets, cross-account grants, a condition on aws:ResourceAccount and
principal tag conditions.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from identity_builders import (
    ACCOUNT,
    OTHER_ACCOUNT,
    allow,
    analyze,
    arn,
    deny,
    document,
    edges,
    estate,
    evidence,
    role,
    trust,
    user,
)

from toxicpath.analysis.aws.access.grants import _access, _Grouping
from toxicpath.analysis.aws.access.targets import build_index, collect_targets
from toxicpath.analysis.aws.coverage import ArnSet, CoverageIndex
from toxicpath.analysis.aws.escalation.context import EstateView
from toxicpath.analysis.aws.escalation.run import find_escalations
from toxicpath.analysis.aws.policy import CompiledPolicy, PrincipalPolicySet
from toxicpath.ingest.aws.estate import AwsEstate, Bucket, PolicyResource, Principal

REGION = "us-east-1"


def _bucket(name: str, account: str = ACCOUNT, policy: Any = None) -> Bucket:
    return Bucket(name=name, account_id=account, region=REGION, policy=policy)


def _grant(name: str, principal: Any, action: str = "s3:GetObject") -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": principal,
        "Action": action,
        "Resource": f"arn:aws:s3:::{name}/*",
    }


def _tricky_estate() -> AwsEstate:
    team_blue = {"StringEquals": {"aws:PrincipalTag/team": "blue"}}
    principals: list[Principal] = [
        role(
            "broad",
            inline=document(allow("s3:*"), deny("s3:PutObject", "arn:aws:s3:::logs-*")),
        ),
        role(
            "prefix",
            inline=document(
                allow("s3:GetObject", "arn:aws:s3:::data-*/*"),
                allow("s3:ListBucket", "arn:aws:s3:::data-1"),
            ),
        ),
        role(
            "objects", inline=document(allow("s3:GetObject", "arn:aws:s3:::logs-1/*"))
        ),
        role(
            "not-resource",
            inline=document(
                {
                    "Effect": "Allow",
                    "Action": "s3:*",
                    "NotResource": "arn:aws:s3:::data-2*",
                }
            ),
        ),
        role(
            "own-account-only",
            inline=document(
                allow(
                    "s3:GetObject",
                    "*",
                    {"StringEquals": {"aws:ResourceAccount": ACCOUNT}},
                )
            ),
        ),
        role("kms", inline=document(allow("kms:*", f"arn:aws:kms:*:{ACCOUNT}:key/*"))),
        *(
            role(
                name,
                inline=document(allow("s3:*", "*", team_blue)),
                tags={"team": team},
            )
            for name, team in (("blue-1", "blue"), ("red-1", "red"), ("blue-2", "blue"))
        ),
        user("other-broad", account=OTHER_ACCOUNT, inline=document(allow("s3:*"))),
    ]
    result = estate(*principals, accounts=(ACCOUNT, OTHER_ACCOUNT))
    account_root = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    other_root = {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}
    buckets = [
        _bucket("data-1"),
        _bucket("data-2"),
        _bucket("logs-1"),
        _bucket("logs-2"),
        _bucket("site-1", policy=document(_grant("site-1", "*"))),
        _bucket("site-2", policy=document(_grant("site-2", "*"))),
        _bucket("shared-1", policy=document(_grant("shared-1", other_root))),
        _bucket(
            "shared-2",
            policy=document(
                _grant("shared-2", other_root),
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:DeleteObject",
                    "Resource": "arn:aws:s3:::shared-2/*",
                },
            ),
        ),
        # Its own pattern names other buckets too, so it shares no key.
        _bucket(
            "odd",
            policy=document(
                {
                    "Effect": "Allow",
                    "Principal": account_root,
                    "Action": "s3:PutObject",
                    "Resource": "arn:aws:s3:::od*/*",
                }
            ),
        ),
        # One template whose Deny names a prefix: it covers tpl-a only.
        *(
            _bucket(
                name,
                policy=document(
                    _grant(name, account_root),
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::tpl-*/*",
                    },
                ),
            )
            for name in ("tpl-a", "zzz-b")
        ),
        _bucket("b-public", OTHER_ACCOUNT, document(_grant("b-public", "*"))),
        _bucket("b-named", OTHER_ACCOUNT, document(_grant("b-named", account_root))),
        _bucket("b-plain", OTHER_ACCOUNT),
    ]
    for bucket in buckets:
        result.buckets[bucket.name] = bucket
    key_policy = document(
        {
            "Effect": "Allow",
            "Principal": account_root,
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    for region, key_id in (
        ("us-east-1", "k1"),
        ("us-east-1", "k2"),
        ("eu-west-1", "k3"),
    ):
        key_arn = f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"
        result.resources[key_arn] = PolicyResource(
            arn=key_arn,
            kind="kms_key",
            account_id=ACCOUNT,
            region=region,
            name=key_id,
            policy=key_policy,
        )
    return result


def test_grouped_access_equals_one_by_one() -> None:
    tricky = _tricky_estate()
    records = analyze(tricky)
    view = EstateView.build(tricky)
    targets = collect_targets(view)
    grouping = _Grouping(build_index(targets))
    candidates = {
        principal.arn: {t.arn for t in grouping.candidates(principal)}
        for principal in view.views.values()
    }
    pairs = 0
    for principal in view.views.values():
        for target in targets:
            pairs += 1
            alone = _access(view, principal, target)
            found = edges(
                records, "CAN_ACCESS", source=principal.arn, target=target.arn
            )
            where = f"{principal.arn} -> {target.arn}"
            if target.arn not in candidates[principal.arn]:
                # Neither its identity policies nor a policy naming its
                # account cover the target. A grant to everyone still
                # reaches it, which the anonymous or any-principal edge shows.
                assert found == [], where
                continue
            if alone is None:
                assert found == [], where
                continue
            assert len(found) == 1, where
            level, actions, evidence_text, conditional = alone
            assert found[0].props["level"] == level, where
            assert found[0].props["actions"] == actions, where
            assert found[0].props["conditional"] is conditional, where
            assert found[0].props["evidence"] == evidence_text, where
    assert pairs > 100


def test_one_evaluation_per_group(caplog: pytest.LogCaptureFixture) -> None:
    """Forty plain buckets and ten buckets with one templated public policy
    take two evaluations for a role that may read every bucket."""
    reader = role("reader", inline=document(allow("s3:GetObject")))
    many = estate(reader)
    for n in range(40):
        many.buckets[f"plain-{n}"] = _bucket(f"plain-{n}")
    for n in range(10):
        name = f"public-{n}"
        many.buckets[name] = _bucket(name, policy=document(_grant(name, "*")))
    with caplog.at_level(logging.INFO, logger="toxicpath.analysis.aws.access.grants"):
        records = analyze(many)
    assert len(edges(records, "CAN_ACCESS", source=reader.arn)) == 50
    (message,) = [
        r.getMessage() for r in caplog.records if "evaluations" in r.getMessage()
    ]
    assert message.endswith("from 2 evaluations")


def test_equal_tags_share_results() -> None:
    records = analyze(_tricky_estate())
    blue = {
        e.target for e in edges(records, "CAN_ACCESS", source=arn("role", "blue-1"))
    }
    assert blue
    assert blue == {
        e.target for e in edges(records, "CAN_ACCESS", source=arn("role", "blue-2"))
    }
    red = {e.target for e in edges(records, "CAN_ACCESS", source=arn("role", "red-1"))}
    # Red reaches only what the public bucket policies grant everyone.
    assert "arn:aws:s3:::data-1" in blue
    assert "arn:aws:s3:::data-1" not in red
    assert red < blue


def test_resource_account_condition_splits() -> None:
    records = analyze(_tricky_estate())
    reached = {
        e.target
        for e in edges(records, "CAN_ACCESS", source=arn("role", "own-account-only"))
    }
    assert "arn:aws:s3:::data-1" in reached
    # b-public in the other account grants anyone, but the identity policy
    # only allows resources of its own account.
    assert "arn:aws:s3:::b-public" not in reached


def test_evidence_names_own_policy() -> None:
    records = analyze(_tricky_estate())
    (edge,) = edges(
        records,
        "CAN_ACCESS",
        source=arn("user", "other-broad", OTHER_ACCOUNT),
        target="arn:aws:s3:::shared-1",
    )
    policies = {
        grant["policy"] for item in evidence(edge) for grant in item["allowed_by"]
    }
    assert "resource-policy" in policies
    assert all(item["on"] in ("objects", "resource") for item in evidence(edge))


def _policies(*documents: dict[str, Any]) -> PrincipalPolicySet:
    return PrincipalPolicySet(
        identity_policies=[
            CompiledPolicy.compile(doc, policy_id=f"p{n}")
            for n, doc in enumerate(documents)
        ]
    )


def test_coverage_keys() -> None:
    buckets = ArnSet.build(
        "s3",
        [(f"arn:aws:s3:::{name}", "") for name in ("a-1", "a-2", "b-1", "c")],
        objects=True,
    )
    coverage = CoverageIndex([buckets])
    policies = _policies(
        document(
            allow("s3:GetObject", "*"),
            allow("s3:PutObject", "arn:aws:s3:::a-*"),
            allow("s3:ListBucket", "arn:aws:s3:::c/*"),
        )
    )

    def key(name: str) -> object:
        return coverage.group_key(("set",), policies, "s3", "", f"arn:aws:s3:::{name}")

    # `*` covers everything alike and drops out; `a-*` separates a-1 and a-2
    # from the rest; `c/*` covers only c's objects.
    assert key("a-1") == key("a-2")
    assert key("a-1") != key("b-1")
    assert key("c") != key("b-1")
    variable = _policies(
        document(allow("s3:GetObject", "arn:aws:s3:::${aws:username}/*"))
    )
    assert coverage.group_key(("v",), variable, "s3", "", "arn:aws:s3:::c") is None


def test_grouped_escalation_keeps_each_victim() -> None:
    lambda_trust = trust({"Service": "lambda.amazonaws.com"})
    attacker = user(
        "attacker",
        inline=document(
            allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/dev-*"),
            deny("iam:CreateAccessKey", arn("user", "dev-2")),
            allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/app-*"),
            allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
        ),
    )
    tricky = estate(
        attacker,
        *(user(name) for name in ("dev-1", "dev-2", "dev-3", "ops-1")),
        *(role(name, lambda_trust) for name in ("app-1", "app-2", "other-1")),
    )
    view = EstateView.build(tricky)
    found = find_escalations(view, view.views[attacker.arn], shared={})
    by_technique: dict[str, dict[str, Any]] = {}
    for technique, escalation in found:
        by_technique.setdefault(technique.id, {})[escalation.target] = escalation
    keys = by_technique["aws-iam-create-access-key"]
    assert set(keys) == {arn("user", "dev-1"), arn("user", "dev-3")}
    for target, escalation in keys.items():
        assert escalation.steps[0]["resource"] == target
    passed = by_technique["aws-lambda-create-invoke"]
    assert set(passed) == {arn("role", "app-1"), arn("role", "app-2")}
    for target, escalation in passed.items():
        assert escalation.steps[0]["action"] == "iam:PassRole"
        assert escalation.steps[0]["resource"] == target
