"""PassRole fan-outs collapse into one edge through a per-account service node."""

from __future__ import annotations

from identity_builders import (
    ACCOUNT,
    ADMIN_DOCUMENT,
    allow,
    analyze,
    arn,
    document,
    edges,
    estate,
    role,
    trust,
    user,
)

from toxicpath.analysis.aws.escalation.fanout import (
    FANOUT_LIMIT,
    service_account_node,
)

TECHNIQUE = "aws-lambda-create-invoke"
LAMBDA = "lambda.amazonaws.com"
ROLES = FANOUT_LIMIT + 5
ACTIONS = ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]


def _lambda_roles() -> list:  # type: ignore[type-arg]
    return [
        role(f"fn-{n}", trust({"Service": LAMBDA}), inline=ADMIN_DOCUMENT)
        for n in range(ROLES)
    ]


def test_full_fanout_collapses() -> None:
    dev = user("dev", inline=document(allow(ACTIONS)))
    records = analyze(estate(dev, *_lambda_roles()))
    node = service_account_node(LAMBDA, ACCOUNT)
    found = edges(records, "CAN_ESCALATE", source=dev.arn, technique=TECHNIQUE)
    assert [e.target for e in found] == [node]
    assert f"any of the {ROLES} roles" in found[0].props["reason"]
    assume = edges(records, "CAN_ASSUME", source=node)
    assert len(assume) == ROLES
    assert records.nodes[node].props["type"] == "service"


def test_partial_fanout_stays_individual() -> None:
    excluded = arn("role", "fn-0")
    dev = user(
        "dev",
        inline=document(
            allow(ACTIONS),
            {"Effect": "Deny", "Action": "iam:PassRole", "Resource": excluded},
        ),
    )
    records = analyze(estate(dev, *_lambda_roles()))
    found = edges(records, "CAN_ESCALATE", source=dev.arn, technique=TECHNIQUE)
    targets = {e.target for e in found}
    assert len(targets) == ROLES - 1
    assert excluded not in targets
    assert service_account_node(LAMBDA, ACCOUNT) not in records.nodes


def test_small_fanout_stays_individual() -> None:
    dev = user("dev", inline=document(allow(ACTIONS)))
    few = _lambda_roles()[:3]
    records = analyze(estate(dev, *few))
    found = edges(records, "CAN_ESCALATE", source=dev.arn, technique=TECHNIQUE)
    assert {e.target for e in found} == {r.arn for r in few}


def test_conditional_fanout_collapses_conditional() -> None:
    dev = user(
        "dev",
        inline=document(
            allow(ACTIONS, condition={"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}})
        ),
    )
    records = analyze(estate(dev, *_lambda_roles()))
    found = edges(records, "CAN_ESCALATE", source=dev.arn, technique=TECHNIQUE)
    assert [e.target for e in found] == [service_account_node(LAMBDA, ACCOUNT)]
    assert found[0].props["conditional"] is True
