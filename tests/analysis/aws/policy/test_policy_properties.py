"""Property tests: adding a Deny never grants, adding an Allow never removes."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from toxicpath.analysis.aws.policy import (
    CompiledPolicy,
    Decision,
    EvaluationResult,
    PrincipalPolicySet,
    RequestContext,
    allowed_actions,
    evaluate,
)

ACCOUNT = "111111111111"
PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:role/app"
ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "iam:PassRole",
    "iam:CreateUser",
    "ec2:RunInstances",
    "sts:AssumeRole",
]
ACTION_PATTERNS = [
    *ACTIONS,
    "s3:*",
    "iam:*",
    "*",
    "s3:Get*",
    "iam:Pass?ole",
    "ec2:*Instances",
]
RESOURCES = [
    "arn:aws:s3:::data/x",
    f"arn:aws:iam::{ACCOUNT}:role/admin",
    "*",
    f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1",
]
RESOURCE_PATTERNS = [
    *RESOURCES,
    "arn:aws:s3:::data/*",
    f"arn:aws:iam::{ACCOUNT}:role/*",
    "arn:aws:s3:::other/*",
    "arn:aws:iam::*:*",
    "arn:aws:s3:*",
]
CONDITIONS: list[dict[str, Any] | None] = [
    None,
    {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
    {"StringEquals": {"aws:PrincipalAccount": "222222222222"}},
    {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"StringNotEquals": {"aws:PrincipalArn": PRINCIPAL}},
    {"StringEqualsIfExists": {"aws:username": "alice"}},
    {"ForAnyValue:StringLike": {"aws:TagKeys": ["team*"]}},
    {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}},
    {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
]
PRINCIPALS: list[Any] = [
    "*",
    {"AWS": PRINCIPAL},
    {"AWS": ACCOUNT},
    {"AWS": "arn:aws:iam::222222222222:root"},
    {"Service": "lambda.amazonaws.com"},
]


@st.composite
def statements(
    draw: st.DrawFn, *, effect: str | None = None, principal: bool = False
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))
    }
    action_key = draw(st.sampled_from(["Action", "Action", "NotAction"]))
    statement[action_key] = draw(
        st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3)
    )
    resource_key = draw(st.sampled_from(["Resource", "Resource", "NotResource"]))
    statement[resource_key] = draw(
        st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2)
    )
    condition = draw(st.sampled_from(CONDITIONS))
    if condition is not None:
        statement["Condition"] = condition
    if principal:
        principal_key = draw(
            st.sampled_from(["Principal", "Principal", "NotPrincipal"])
        )
        statement[principal_key] = draw(st.sampled_from(PRINCIPALS))
    return statement


def _documents(
    draw: st.DrawFn, *, min_size: int, max_size: int, principal: bool = False
) -> list[dict[str, Any]]:
    return draw(
        st.lists(
            st.lists(statements(principal=principal), min_size=1, max_size=3).map(
                lambda items: {"Version": "2012-10-17", "Statement": items}
            ),
            min_size=min_size,
            max_size=max_size,
        )
    )


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "identity": _documents(draw, min_size=0, max_size=3),
        "boundary": draw(st.one_of(st.none(), st.just(True)))
        and _documents(draw, min_size=1, max_size=1)[0],
        "scps": [
            _documents(draw, min_size=1, max_size=2)
            for _ in range(draw(st.integers(min_value=0, max_value=2)))
        ],
        "resource_policy": draw(st.booleans())
        and _documents(draw, min_size=1, max_size=1, principal=True)[0],
        "resource_account": draw(st.sampled_from([None, ACCOUNT, "222222222222"])),
        "required": draw(st.booleans()),
        "action": draw(st.sampled_from(ACTIONS)),
        "resource": draw(st.sampled_from(RESOURCES)),
        "mfa": draw(st.sampled_from([None, True, False])),
    }


def _evaluate(scenario: dict[str, Any]) -> EvaluationResult:
    def compiled(document: dict[str, Any], policy_id: str) -> CompiledPolicy:
        return CompiledPolicy.compile(document, policy_id=policy_id)

    policies = PrincipalPolicySet(
        identity_policies=[
            compiled(document, f"id-{index}")
            for index, document in enumerate(scenario["identity"])
        ],
        boundary=compiled(scenario["boundary"], "boundary")
        if scenario["boundary"]
        else None,
        scp_levels=[
            [
                compiled(document, f"scp-{level}-{index}")
                for index, document in enumerate(row)
            ]
            for level, row in enumerate(scenario["scps"])
        ],
    )
    resource_policy = (
        compiled(scenario["resource_policy"], "resource")
        if scenario["resource_policy"]
        else None
    )
    return evaluate(
        action=scenario["action"],
        resource=scenario["resource"],
        context=RequestContext(
            principal_arn=PRINCIPAL,
            principal_account=ACCOUNT,
            mfa_present=scenario["mfa"],
        ),
        principal_policies=policies,
        resource_policy=resource_policy,
        resource_account=scenario["resource_account"],
        resource_policy_required=scenario["required"],
    )


def _add_statement(
    scenario: dict[str, Any], statement: dict[str, Any], place: int, principal: Any
) -> dict[str, Any]:
    """Return a copy of `scenario` with `statement` added to an existing policy.

    Places that do not exist yet (a boundary, an SCP level) are replaced by
    a new identity policy, because creating a boundary or an SCP level is
    not adding an Allow: it narrows access.
    """
    changed = copy.deepcopy(scenario)
    targets: list[list[dict[str, Any]]] = [
        document["Statement"] for document in changed["identity"]
    ]
    if changed["boundary"]:
        targets.append(changed["boundary"]["Statement"])
    for row in changed["scps"]:
        targets.extend(document["Statement"] for document in row)
    resource_index = -1
    if changed["resource_policy"]:
        resource_index = len(targets)
        targets.append(changed["resource_policy"]["Statement"])
    choice = place % (len(targets) + 2)
    if choice < len(targets):
        entry = dict(statement)
        if choice == resource_index:
            entry["Principal"] = principal
        targets[choice].append(entry)
    elif choice == len(targets):
        changed["identity"].append({"Version": "2012-10-17", "Statement": [statement]})
    else:
        entry = dict(statement, Principal=principal)
        if changed["resource_policy"]:
            changed["resource_policy"]["Statement"].append(entry)
        else:
            changed["resource_policy"] = {"Version": "2012-10-17", "Statement": [entry]}
    return changed


@settings(max_examples=400, deadline=None)
@given(
    scenario=scenarios(),
    deny=statements(effect="Deny"),
    place=st.integers(min_value=0, max_value=50),
    principal=st.sampled_from(PRINCIPALS),
)
def test_added_deny_never_grants(
    scenario: dict[str, Any], deny: dict[str, Any], place: int, principal: Any
) -> None:
    before = _evaluate(scenario)
    after = _evaluate(_add_statement(scenario, deny, place, principal))
    if not before.allowed:
        assert not after.allowed
    if after.allowed:
        assert before.allowed
    if before.decision is Decision.EXPLICIT_DENY:
        assert after.decision is Decision.EXPLICIT_DENY


@settings(max_examples=400, deadline=None)
@given(
    scenario=scenarios(),
    allow=statements(effect="Allow"),
    place=st.integers(min_value=0, max_value=50),
    principal=st.sampled_from(PRINCIPALS),
)
def test_added_allow_never_removes(
    scenario: dict[str, Any], allow: dict[str, Any], place: int, principal: Any
) -> None:
    before = _evaluate(scenario)
    after = _evaluate(_add_statement(scenario, allow, place, principal))
    if before.allowed:
        assert after.allowed
    if before.allowed and not before.conditional:
        assert not after.conditional
    if before.decision is Decision.EXPLICIT_DENY:
        assert after.decision is Decision.EXPLICIT_DENY


@settings(max_examples=200, deadline=None)
@given(scenario=scenarios())
def test_fast_path_matches_evaluate(scenario: dict[str, Any]) -> None:
    policies = PrincipalPolicySet(
        identity_policies=[
            CompiledPolicy.compile(document, policy_id=f"id-{index}")
            for index, document in enumerate(scenario["identity"])
        ]
    )
    context = RequestContext(principal_arn=PRINCIPAL, principal_account=ACCOUNT)
    batch = allowed_actions(
        policies,
        resource=scenario["resource"],
        candidate_actions=ACTIONS,
        context=context,
    )
    for action in ACTIONS:
        single = evaluate(
            action=action,
            resource=scenario["resource"],
            context=context,
            principal_policies=policies,
        )
        assert batch[action] == single


@settings(max_examples=200, deadline=None)
@given(scenario=scenarios(), seed=st.randoms(use_true_random=False))
def test_order_does_not_matter(scenario: dict[str, Any], seed: Any) -> None:
    shuffled = copy.deepcopy(scenario)
    seed.shuffle(shuffled["identity"])
    for document in shuffled["identity"]:
        seed.shuffle(document["Statement"])
    for row in shuffled["scps"]:
        seed.shuffle(row)
    if shuffled["resource_policy"]:
        seed.shuffle(shuffled["resource_policy"]["Statement"])
    before = _evaluate(scenario)
    after = _evaluate(shuffled)
    assert after.decision is before.decision
    assert after.conditional is before.conditional
