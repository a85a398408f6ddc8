"""CAN_ASSUME edges from role trust policies.

For every principal a trust policy's Allow statements name, the edge's
source is:

- a user or role of the estate named by ARN: that principal, when the
  evaluator allows `sts:AssumeRole` (across accounts its identity policies
  must allow too);
- an account root of the estate: each non-admin user and role of that
  account whose identity policies allow `sts:AssumeRole` on the role. The
  account's `account_admin` gets one edge too, because an admin can always
  grant itself `sts:AssumeRole`, so admins do not get one edge per role;
- an account or principal outside the estate: the external account's root
  node (the exact principal is in the evidence);
- `*`: `aws:any_principal`, reachable from the internet;
- a service principal: the service's node;
- a SAML or OIDC provider: the provider's node. An OIDC trust for GitHub
  Actions without a `sub` condition admits every GitHub repository, so the
  evidence flags it and the provider node is exposed to the internet.

A condition the snapshot cannot decide keeps the edge with
`conditional=True` and the condition in the evidence. Role chains need no
special case: a role that can assume another role gets its own edge.

NOTE: principals named by unique id (AIDA..., AROA...) are principals that
were deleted after the policy was written, so they produce no edge.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.analysis.aws.escalation.evidence import statement_evidence
from toxicpath.analysis.aws.identity import (
    add_external_identity,
    add_internet_node,
    add_outside_principal,
)
from toxicpath.analysis.aws.policy import (
    CompiledPolicy,
    EvaluationResult,
    resource_policy_grants,
)
from toxicpath.analysis.aws.policy.patterns import glob_match
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.aws.estate import Principal
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

ASSUME_ACTIONS = {
    "AWS": "sts:AssumeRole",
    "Service": "sts:AssumeRole",
    "SAML": "sts:AssumeRoleWithSAML",
    "OIDC": "sts:AssumeRoleWithWebIdentity",
}
GITHUB_ACTIONS_PROVIDER = "token.actions.githubusercontent.com"
# A principal outside every estate, standing for "the attacker's own account".
OUTSIDER_ARN = "arn:aws:iam::000000000000:user/outsider"
# Per account: policy sets that may allow sts:AssumeRole, with their members.
Assumers = dict[str, list[tuple[PrincipalView, list[Principal]]]]


@dataclass(frozen=True)
class NamedPrincipal:
    """One principal a trust statement's Principal element names."""

    kind: str  # AWS, Service, Federated
    value: str
    statement_index: int
    conditions: dict[str, Any]


def derive_trust_edges(
    view: EstateView, records: GraphRecords, context: TransformContext
) -> None:
    """Write CAN_ASSUME edges for every role with a trust policy."""
    count = 0
    # Per account, the principals that may call sts:AssumeRole at all.
    assumers: Assumers = {}
    for role in view.estate.principals.values():
        if role.kind != "role":
            continue
        trust = view.trust_policy(role)
        if trust is None:
            continue
        seen: set[tuple[str, str]] = set()
        for named in named_principals(role.trust_policy):
            if (named.kind, named.value) in seen:
                continue
            seen.add((named.kind, named.value))
            count += _edges_for(view, records, context, role, trust, named, assumers)
    logger.info("derived %d CAN_ASSUME edges", count)


def named_principals(document: Any) -> Iterator[NamedPrincipal]:
    """Yield the principals of Allow statements that cover an assume action."""
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else list(actions)
        if not any(
            glob_match(a, "sts:AssumeRole", ignore_case=True)
            or glob_match(a, "sts:AssumeRoleWithSAML", ignore_case=True)
            or glob_match(a, "sts:AssumeRoleWithWebIdentity", ignore_case=True)
            for a in actions
        ):
            continue
        conditions = statement.get("Condition") or {}
        element = statement.get("Principal")
        if element == "*":
            yield NamedPrincipal("AWS", "*", index, conditions)
            continue
        if not isinstance(element, dict):
            continue
        for kind, values in element.items():
            values = [values] if isinstance(values, str) else list(values)
            for value in values:
                yield NamedPrincipal(kind, str(value), index, conditions)


def _edges_for(
    view: EstateView,
    records: GraphRecords,
    context: TransformContext,
    role: Principal,
    trust: CompiledPolicy,
    named: NamedPrincipal,
    assumers: Assumers,
) -> int:
    if named.kind == "Service":
        return _service_edge(records, context, role, trust, named)
    if named.kind == "Federated":
        return _federated_edge(view, records, context, role, trust, named)
    if named.kind != "AWS":
        return 0
    if named.value == "*":
        result = resource_policy_grants(
            trust, action="sts:AssumeRole", resource=role.arn, principal=OUTSIDER_ARN
        )
        if not result.allowed:
            return 0
        add_outside_principal(records, ids.ANY_AWS_PRINCIPAL_NODE, context.scan_id)
        _add(
            records,
            context,
            ids.ANY_AWS_PRINCIPAL_NODE,
            role,
            result,
            named,
            f"Any AWS principal of any account can assume role {role.name}.",
        )
        return 1
    account = _account_of(named.value)
    if account is None:
        return 0
    if (
        account not in view.estate.accounts
        and named.value not in view.estate.principals
    ):
        return _external_edge(records, context, role, trust, named, account)
    if named.value.endswith(":root") or named.value == account:
        return _account_edges(
            view, records, context, role, trust, named, account, assumers
        )
    principal_view = view.views.get(named.value)
    if principal_view is None:
        # NOTE: a principal of a scanned account that the snapshot lacks
        # (partial collection) gets no edge rather than a guess.
        logger.info(
            "role %s trusts %s, which the snapshot does not contain",
            role.arn,
            named.value,
        )
        return 0
    return _principal_edge(
        view, records, context, role, trust, named, principal_view.principal
    )


def _account_of(value: str) -> str | None:
    if value.isdigit() and len(value) == 12:
        return value
    parts = value.split(":")
    if len(parts) >= 5 and parts[0] == "arn" and parts[4].isdigit():
        return parts[4]
    return None


def _evaluate_member(
    view: EstateView, principal: Principal, role: Principal, trust: CompiledPolicy
) -> EvaluationResult:
    return view.evaluate(
        view.views[principal.arn],
        "sts:AssumeRole",
        role.arn,
        resource_policy=trust,
        resource_account=role.account_id,
        resource_policy_required=True,
    )


def _principal_edge(
    view: EstateView,
    records: GraphRecords,
    context: TransformContext,
    role: Principal,
    trust: CompiledPolicy,
    named: NamedPrincipal,
    principal: Principal,
) -> int:
    result = _evaluate_member(view, principal, role, trust)
    if not result.allowed:
        return 0
    _add(
        records,
        context,
        principal.arn,
        role,
        result,
        named,
        f"{principal.kind.capitalize()} {principal.name} is trusted by role "
        f"{role.name} and can assume it.",
        view=view,
    )
    if not result.conditional:
        view.assumable.setdefault(principal.arn, set()).add(role.arn)
    return 1


def _account_edges(
    view: EstateView,
    records: GraphRecords,
    context: TransformContext,
    role: Principal,
    trust: CompiledPolicy,
    named: NamedPrincipal,
    account: str,
    assumers: Assumers,
) -> int:
    count = 0
    root_check = resource_policy_grants(
        trust,
        action="sts:AssumeRole",
        resource=role.arn,
        principal=f"arn:aws:iam::{account}:root",
    )
    if root_check.allowed:
        admin_node = ids.account_admin_node(account)
        if admin_node in records.nodes:
            _add(
                records,
                context,
                admin_node,
                role,
                root_check,
                named,
                f"An administrator of account {account} can grant itself "
                f"sts:AssumeRole and assume role {role.name}, which trusts the "
                "account.",
            )
            count += 1
    if account not in assumers:
        assumers[account] = _assumers(view, account)
    for set_view, members in assumers[account]:
        if not view.may_allow_on(set_view, "sts:AssumeRole", role.arn):
            continue
        for principal in members:
            if principal.arn == role.arn:
                continue
            result = _evaluate_member(view, principal, role, trust)
            if not result.allowed:
                continue
            _add(
                records,
                context,
                principal.arn,
                role,
                result,
                named,
                f"{principal.kind.capitalize()} {principal.name} may call "
                f"sts:AssumeRole on role {role.name}, which trusts account "
                f"{account}.",
                view=view,
            )
            if not result.conditional:
                view.assumable.setdefault(principal.arn, set()).add(role.arn)
            count += 1
    return count


def _assumers(
    view: EstateView, account: str
) -> list[tuple[PrincipalView, list[Principal]]]:
    """Non-admin users and roles of `account` whose policies may allow
    `sts:AssumeRole`, grouped by policy set, so that a role trusting the
    account is checked once per policy set rather than once per principal."""
    by_set: dict[tuple[str, ...], tuple[PrincipalView, list[Principal]]] = {}
    for kind in ("user", "role"):
        for principal in view.principals_in(account, kind):
            principal_view = view.views.get(principal.arn)
            if principal_view is None or view.is_admin(principal.arn):
                continue
            if view.may_allow(principal_view, "sts:AssumeRole"):
                entry = by_set.setdefault(principal_view.key, (principal_view, []))
                entry[1].append(principal)
    return list(by_set.values())


def _external_edge(
    records: GraphRecords,
    context: TransformContext,
    role: Principal,
    trust: CompiledPolicy,
    named: NamedPrincipal,
    account: str,
) -> int:
    result = resource_policy_grants(
        trust, action="sts:AssumeRole", resource=role.arn, principal=named.value
    )
    if not result.allowed:
        return 0
    node_id = ids.external_account_node(account)
    add_external_identity(
        records,
        node_id,
        kind="external_account",
        name=f"account {account} (outside the scan)",
        scan_id=context.scan_id,
        account_id=account,
    )
    _add(
        records,
        context,
        node_id,
        role,
        result,
        named,
        f"Account {account}, outside the scanned estate, is trusted by role "
        f"{role.name} through {named.value}.",
    )
    return 1


def _service_edge(
    records: GraphRecords,
    context: TransformContext,
    role: Principal,
    trust: CompiledPolicy,
    named: NamedPrincipal,
) -> int:
    result = resource_policy_grants(
        trust,
        action="sts:AssumeRole",
        resource=role.arn,
        principal=named.value,
        principal_type="Service",
    )
    if not result.allowed:
        return 0
    node_id = ids.service_principal_node(named.value)
    add_external_identity(
        records, node_id, kind="service", name=named.value, scan_id=context.scan_id
    )
    _add(
        records,
        context,
        node_id,
        role,
        result,
        named,
        f"The service {named.value} can assume role {role.name} for code it runs.",
    )
    return 1


def _federated_edge(
    view: EstateView,
    records: GraphRecords,
    context: TransformContext,
    role: Principal,
    trust: CompiledPolicy,
    named: NamedPrincipal,
) -> int:
    provider = named.value
    is_saml = ":saml-provider/" in provider
    action = ASSUME_ACTIONS["SAML" if is_saml else "OIDC"]
    result = resource_policy_grants(
        trust,
        action=action,
        resource=role.arn,
        principal=provider,
        principal_type="Federated",
    )
    if not result.allowed:
        return 0
    node_id = ids.federated_provider_node(provider)
    host = provider.split("oidc-provider/", 1)[-1]
    add_external_identity(
        records, node_id, kind="federated_provider", name=host, scan_id=context.scan_id
    )
    extra: dict[str, Any] = {"provider": provider, "action": action}
    reason = f"Users of identity provider {host} can assume role {role.name}."
    if host == GITHUB_ACTIONS_PROVIDER and not _has_subject_condition(named.conditions):
        extra["unrestricted"] = True
        extra["warning"] = (
            "no condition on the token's sub claim, so a workflow in any GitHub "
            "repository can assume the role"
        )
        reason = (
            f"Any GitHub Actions workflow, in any repository, can assume role "
            f"{role.name} because its trust policy does not check the token's sub "
            "claim."
        )
        add_internet_node(records, context.scan_id)
        records.add_edge(
            "EXPOSED_TO",
            "internet",
            node_id,
            scan_id=context.scan_id,
            reason="Anyone can run a GitHub Actions workflow and get a token "
            "from this provider.",
            evidence=to_json_text([{"provider": provider, **extra}]),
            conditional=False,
            ports=[],
            protocol="all",
            cidrs=["0.0.0.0/0", "::/0"],
        )
    if provider.startswith("arn:") and provider not in view.estate.identity_providers:
        extra["provider_missing"] = True
    _add(records, context, node_id, role, result, named, reason, extra=extra)
    return 1


def _has_subject_condition(conditions: dict[str, Any]) -> bool:
    for operator_block in conditions.values():
        if isinstance(operator_block, dict) and any(
            key.lower().endswith(":sub") for key in operator_block
        ):
            return True
    return False


def _add(
    records: GraphRecords,
    context: TransformContext,
    source: str,
    role: Principal,
    result: EvaluationResult,
    named: NamedPrincipal,
    reason: str,
    *,
    view: EstateView | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    principal_view = view.views.get(source) if view is not None else None
    evidence: dict[str, Any] = {
        "trust_policy": ids.trust_policy_node(role.arn),
        "statement": f"#{named.statement_index}",
        "principal": f"{named.kind}:{named.value}",
        "allowed_by": statement_evidence(principal_view, result),
    }
    if named.conditions:
        evidence["conditions"] = named.conditions
    if extra:
        evidence.update(extra)
    records.add_edge(
        "CAN_ASSUME",
        source,
        role.arn,
        scan_id=context.scan_id,
        reason=reason,
        evidence=to_json_text([evidence]),
        conditional=result.conditional,
    )
