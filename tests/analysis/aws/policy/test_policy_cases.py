"""The hand-computed evaluation table: every case must get its expected decision."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from toxicpath.analysis.aws.policy import (
    CompiledPolicy,
    Decision,
    EvaluationResult,
    PrincipalPolicySet,
    RequestContext,
    allowed_actions,
    evaluate,
    resource_policy_grants,
)

CASES_FILE = (
    Path(__file__).resolve().parents[3]
    / "data"
    / "analysis"
    / "aws"
    / "policy"
    / "evaluation_cases.yaml"
)
DEFAULT_PRINCIPAL = "arn:aws:iam::111111111111:role/app"
DEFAULT_TIME = datetime(2026, 6, 1, tzinfo=UTC)
EXPECTED = {
    "allow": (Decision.ALLOW, False),
    "conditional": (Decision.ALLOW, True),
    "explicit_deny": (Decision.EXPLICIT_DENY, False),
    "implicit_deny": (Decision.IMPLICIT_DENY, False),
}


def _load_cases() -> list[dict[str, Any]]:
    with CASES_FILE.open(encoding="utf-8") as handle:
        cases: list[dict[str, Any]] = yaml.safe_load(handle)["cases"]
    return cases


def _document(entry: Any) -> dict[str, Any]:
    """Wrap a statement or a list of statements in a 2012-10-17 document."""
    if isinstance(entry, dict) and "Statement" in entry:
        return entry
    statements = entry if isinstance(entry, list) else [entry]
    return {"Version": "2012-10-17", "Statement": statements}


def _single(value: Any) -> Any:
    if isinstance(value, list):
        assert len(value) == 1, f"expected one policy entry, got {value!r}"
        return value[0]
    return value


def _compile(entry: Any, policy_id: str) -> CompiledPolicy:
    return CompiledPolicy.compile(_document(entry), policy_id=policy_id)


def _context(case: dict[str, Any], principal: str) -> RequestContext:
    spec = case.get("context", {})
    principal = spec.get("principal", principal)
    account = principal.split(":")[4] if principal.startswith("arn:") else ""
    return RequestContext(
        principal_arn=principal,
        principal_account=account,
        principal_tags=spec.get("tags", {}),
        user_id=spec.get("user_id"),
        principal_org_id=spec.get("org_id"),
        mfa_present=spec.get("mfa"),
        source_account=spec.get("source_account"),
        source_arn=spec.get("source_arn"),
        evaluation_time=spec.get("time", DEFAULT_TIME),
        resource_tags=spec.get("resource_tags"),
        extra=spec.get("extra", {}),
    )


def _run(
    case: dict[str, Any], *, extra_actions: list[str] | None = None
) -> EvaluationResult:
    """Run one case, through `allowed_actions` when `extra_actions` is set."""
    if case.get("kind") == "grants":
        principal = case["principal"]
        context = _context(case, principal) if "context" in case else None
        return resource_policy_grants(
            _compile(_single(case["resource_policy"]), "resource"),
            action=case["action"],
            resource=case["resource"],
            principal=principal,
            context=context,
        )
    policies = PrincipalPolicySet(
        identity_policies=[
            _compile(entry, f"identity-{index}")
            for index, entry in enumerate(case.get("identity", []))
        ],
        boundary=(
            _compile(_single(case["boundary"]), "boundary")
            if "boundary" in case
            else None
        ),
        scp_levels=[
            [_compile(entry, f"scp-{level}-{index}") for index, entry in enumerate(row)]
            for level, row in enumerate(case.get("scps", []))
        ],
    )
    resource_policy = None
    if "resource_policy" in case:
        resource_policy = _compile(_single(case["resource_policy"]), "resource")
    rcp_levels = [
        [_compile(entry, f"rcp-{level}-{index}") for index, entry in enumerate(row)]
        for level, row in enumerate(case.get("rcps", []))
    ]
    if extra_actions is not None:
        results = allowed_actions(
            policies,
            resource=case["resource"],
            candidate_actions=[*extra_actions, case["action"]],
            context=_context(case, DEFAULT_PRINCIPAL),
            resource_policy=resource_policy,
            resource_account=case.get("resource_account"),
            resource_policy_required=case.get("resource_policy_required", False),
            rcp_levels=rcp_levels,
        )
        return results[case["action"]]
    return evaluate(
        action=case["action"],
        resource=case["resource"],
        context=_context(case, DEFAULT_PRINCIPAL),
        principal_policies=policies,
        resource_policy=resource_policy,
        resource_account=case.get("resource_account"),
        resource_policy_required=case.get("resource_policy_required", False),
        rcp_levels=rcp_levels,
    )


CASES = _load_cases()


def test_case_table_size() -> None:
    assert len(CASES) >= 100
    assert all(case.get("reason") for case in CASES)
    assert len({case["name"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_evaluation_case(case: dict[str, Any]) -> None:
    result = _run(case)
    decision, conditional = EXPECTED[case["expect"]]
    message = f"{case['name']}: {case['reason']} -> {result}"
    assert result.decision is decision, message
    assert result.conditional is conditional, message
    if "undecided_keys" in case:
        assert sorted({c.key for c in result.undecided}) == sorted(
            case["undecided_keys"]
        ), message
    if "chosen_region" in case:
        assert result.chosen_keys == (
            ("aws:RequestedRegion", case["chosen_region"]),
        ), message
    if "via_account" in case:
        assert result.via_account is case["via_account"], message
    if result.decision is Decision.EXPLICIT_DENY:
        assert result.denied_by, message
    if result.decision is Decision.ALLOW and case.get("kind") != "grants":
        assert result.allowed_by, message


BATCH_EXTRA_ACTIONS = [
    "s3:GetObject",
    "iam:PassRole",
    "ec2:RunInstances",
    "kms:Decrypt",
]
EVALUATE_CASES = [case for case in CASES if case.get("kind") != "grants"]


@pytest.mark.parametrize(
    "case", EVALUATE_CASES, ids=[case["name"] for case in EVALUATE_CASES]
)
def test_batch_agrees_with_single(case: dict[str, Any]) -> None:
    single = _run(case)
    batch = _run(case, extra_actions=BATCH_EXTRA_ACTIONS)
    assert batch == single
