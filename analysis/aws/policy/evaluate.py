"""AWS's policy evaluation logic over compiled policies.

The order follows the IAM User Guide's "Policy evaluation logic" and
"Cross-account policy evaluation logic" pages:

1. An explicit Deny in any applicable policy (identity, resource,
   permissions boundary, SCP, RCP) decides the request.
2. SCPs: every level of the OU path, from the root down to the account,
   must allow. SCPs do not apply to service-linked roles, and the caller
   leaves `scp_levels` empty for principals of the management account.
   RCPs limit the resource's side in the same way.
3. Within one account, an identity-policy Allow or a resource-policy Allow
   grants. A resource policy that names the account delegates to identity
   policies and grants nothing by itself. A permissions boundary must allow
   what identity policies grant, and what a resource policy grants to a role
   ARN. Its implicit deny does not limit a resource-policy grant that names
   an IAM user or a role session.
4. Across accounts, the identity policy in the principal's account and the
   resource policy in the resource's account must both allow.

Every result is three-valued: a condition the snapshot cannot decide keeps
an Allow as conditional, and a Deny with such a condition leaves the result
allowed but conditional rather than denied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from toxicpath.analysis.aws.policy.collect import (
    Collected,
    LimitAllow,
    PrincipalPolicySet,
    Request,
    StatementHits,
    applicable_statements,
    collect,
    principal_ref,
)
from toxicpath.analysis.aws.policy.compiled import CompiledPolicy
from toxicpath.analysis.aws.policy.context_keys import arn_account
from toxicpath.analysis.aws.policy.model import (
    Decision,
    EvaluationResult,
    RequestContext,
    UndecidedCondition,
)
from toxicpath.analysis.aws.policy.patterns import ActionUniverse, action_universe
from toxicpath.analysis.aws.policy.principals import (
    ACCOUNT,
    match_principal,
    parse_principal,
)
from toxicpath.analysis.aws.policy.request_choices import (
    REQUESTED_REGION,
    most_permissive,
    region_choices,
)
from toxicpath.analysis.aws.policy.tristate import Tri, tri_and, tri_or


def _limit_hits(allows: list[LimitAllow], action: str) -> StatementHits:
    hits = StatementHits()
    for matched, ref, undecided in allows:
        if action in matched:
            hits.add(ref, undecided)
    return hits


def _certainly_allows(allows: list[LimitAllow], action: str) -> bool:
    return any(action in matched and not undecided for matched, _, undecided in allows)


def _limits_certainly_allow(
    action: str, collected: Collected, principal_policies: PrincipalPolicySet
) -> bool:
    if principal_policies.boundary is not None and not _certainly_allows(
        collected.boundary_allows, action
    ):
        return False
    levels = collected.scp_level_allows + collected.rcp_level_allows
    return all(_certainly_allows(level, action) for level in levels)


_IMPLICIT_DENY = EvaluationResult(decision=Decision.IMPLICIT_DENY)


def _combine(
    action: str,
    collected: Collected,
    *,
    principal_policies: PrincipalPolicySet,
    resource_policy: CompiledPolicy | None,
    cross_account: bool,
    resource_policy_required: bool,
) -> EvaluationResult:
    hits = collected.per_action.get(action)
    if hits is None:
        return _IMPLICIT_DENY
    if hits.deny.certain:
        return EvaluationResult(
            decision=Decision.EXPLICIT_DENY, denied_by=tuple(hits.deny.certain)
        )
    if resource_policy is None and (resource_policy_required or cross_account):
        return _IMPLICIT_DENY
    if not (
        hits.identity_allow.certain
        or hits.identity_allow.maybe
        or hits.resource_direct.certain
        or hits.resource_direct.maybe
        or hits.resource_exempt.certain
        or hits.resource_exempt.maybe
    ):
        # Nothing grants: an account-level resource grant needs an identity
        # allow as well.
        return _IMPLICIT_DENY

    if (
        resource_policy is None
        and hits.identity_allow.certain
        and not hits.deny.maybe
        and _limits_certainly_allow(action, collected, principal_policies)
    ):
        # The common case: an identity policy grants and nothing is undecided.
        return EvaluationResult(
            decision=Decision.ALLOW, allowed_by=tuple(hits.identity_allow.refs())
        )

    undecided: list[UndecidedCondition] = []

    def term(bucket: StatementHits) -> Tri:
        value = bucket.tri
        if value is Tri.MAYBE:
            undecided.extend(bucket.undecided())
        return value

    identity = term(hits.identity_allow)
    boundary = Tri.TRUE
    if principal_policies.boundary is not None:
        boundary = term(_limit_hits(collected.boundary_allows, action))
    organization_levels = collected.scp_level_allows + collected.rcp_level_allows
    scp_and_rcp = tri_and(
        term(_limit_hits(level, action)) for level in organization_levels
    )
    direct = term(hits.resource_direct)
    exempt = term(hits.resource_exempt)
    via_account = term(hits.resource_account)

    if resource_policy is None:
        grant = tri_and((identity, boundary))
    elif cross_account:
        grant = tri_and((identity, boundary, tri_or((direct, exempt, via_account))))
    elif resource_policy_required:
        grant = tri_or(
            (
                exempt,
                tri_and((direct, boundary)),
                tri_and((identity, boundary, via_account)),
            )
        )
    else:
        grant = tri_or(
            (tri_and((identity, boundary)), exempt, tri_and((direct, boundary)))
        )
    allow = tri_and((grant, scp_and_rcp))

    if allow is Tri.FALSE:
        return _IMPLICIT_DENY

    deny_possible = bool(hits.deny.maybe)
    if deny_possible:
        undecided.extend(hits.deny.undecided())
    elif allow is Tri.TRUE:
        # Some grant is certain, so the undecided alternatives do not matter.
        undecided.clear()
    granting = (
        hits.identity_allow.refs()
        + hits.resource_exempt.refs()
        + hits.resource_direct.refs()
        + hits.resource_account.refs()
    )
    return EvaluationResult(
        decision=Decision.ALLOW,
        conditional=allow is Tri.MAYBE or deny_possible,
        allowed_by=tuple(dict.fromkeys(granting)),
        denied_by=tuple(ref for ref, _ in hits.deny.maybe),
        undecided=tuple(dict.fromkeys(undecided)),
    )


def _resource_account(resource: str, resource_account: str | None) -> str | None:
    if resource_account is not None:
        return resource_account
    account = arn_account(resource)
    # AWS managed policies carry "aws" as their account. They belong to no
    # customer account, so reading them is never cross-account.
    return None if account == "aws" else account


def allowed_actions(
    principal_policies: PrincipalPolicySet,
    *,
    resource: str,
    candidate_actions: Iterable[str],
    context: RequestContext,
    resource_policy: CompiledPolicy | None = None,
    resource_account: str | None = None,
    resource_policy_required: bool = False,
    rcp_levels: Sequence[Sequence[CompiledPolicy]] = (),
) -> dict[str, EvaluationResult]:
    """Evaluate many actions on one resource for one principal.

    Each statement's Resource and Condition are tested once per call, and
    each action pattern is matched against a given candidate set once (the
    result is cached), so the cost grows with statements rather than with
    statements times actions. Returns a result for every candidate action,
    keyed as given. The keyword arguments are those of `evaluate`.
    """
    universe = action_universe(candidate_actions)
    account = _resource_account(resource, resource_account)
    results = _allowed_actions_in(
        principal_policies,
        universe,
        resource=resource,
        context=context,
        resource_policy=resource_policy,
        resource_account=account,
        resource_policy_required=resource_policy_required,
        rcp_levels=rcp_levels,
    )
    # Only results that still depend on the region can change when the
    # caller picks one, so only those actions are evaluated again.
    region_dependent = [
        action
        for action, result in results.items()
        if any(c.key.lower() == REQUESTED_REGION for c in result.undecided)
    ]
    if not region_dependent:
        return results
    choices = _region_choices(
        principal_policies, resource_policy, rcp_levels, resource, context
    )
    if not choices:
        return results
    best: dict[str, EvaluationResult] = {}
    for region in choices:
        chosen = replace(
            context, extra={**context.extra, "aws:RequestedRegion": region}
        )
        in_region = _allowed_actions_in(
            principal_policies,
            action_universe(region_dependent),
            resource=resource,
            context=chosen,
            resource_policy=resource_policy,
            resource_account=account,
            resource_policy_required=resource_policy_required,
            rcp_levels=rcp_levels,
        )
        for action, result in in_region.items():
            with_choice = replace(
                result, chosen_keys=(("aws:RequestedRegion", region),)
            )
            best[action] = most_permissive(best.get(action), with_choice)
    results.update(best)
    return results


def _region_choices(
    principal_policies: PrincipalPolicySet,
    resource_policy: CompiledPolicy | None,
    rcp_levels: Sequence[Sequence[CompiledPolicy]],
    resource: str,
    context: RequestContext,
) -> tuple[str, ...]:
    """Return the regions to try when the caller picks the request's region.

    Only a request on `*` leaves the region to the caller. A resource ARN
    without a region (an S3 object, an IAM role) still belongs to one region
    or endpoint that the snapshot does not record, so it gets no choice.
    """
    if resource != "*":
        return ()
    if any(name.lower() == REQUESTED_REGION for name in context.extra):
        return ()
    policies = [
        *principal_policies.identity_policies,
        *(policy for level in principal_policies.scp_levels for policy in level),
        *(policy for level in rcp_levels for policy in level),
    ]
    if principal_policies.boundary is not None:
        policies.append(principal_policies.boundary)
    if resource_policy is not None:
        policies.append(resource_policy)
    return region_choices(policies)


def _allowed_actions_in(
    principal_policies: PrincipalPolicySet,
    universe: ActionUniverse,
    *,
    resource: str,
    context: RequestContext,
    resource_policy: CompiledPolicy | None,
    resource_account: str | None,
    resource_policy_required: bool,
    rcp_levels: Sequence[Sequence[CompiledPolicy]],
) -> dict[str, EvaluationResult]:
    """Evaluate every candidate of `universe` for one fixed request context."""
    aws_principal = principal_ref(context).kind == "aws"
    if not aws_principal:
        # Service principals and anonymous or federated callers have no
        # identity policies, boundary or SCPs. Only a resource policy can
        # grant them access, in whichever account the resource is.
        principal_policies = PrincipalPolicySet()
    cross_account = (
        aws_principal
        and resource_account is not None
        and resource_account != context.principal_account
    )
    collected = collect(
        principal_policies,
        universe,
        resource=resource,
        context=context,
        resource_policy=resource_policy,
        resource_account=resource_account,
        rcp_levels=rcp_levels,
    )
    results: dict[str, EvaluationResult] = {}
    by_lowered: dict[str, EvaluationResult] = {}
    for lowered in universe.lowered:
        if lowered not in by_lowered:
            by_lowered[lowered] = _combine(
                lowered,
                collected,
                principal_policies=principal_policies,
                resource_policy=resource_policy,
                cross_account=cross_account,
                resource_policy_required=resource_policy_required,
            )
    # Spellings that differ only in case name the same action.
    for original, lowered in zip(universe.actions, universe.lowered, strict=True):
        results[original] = by_lowered[lowered]
    return results


def evaluate(
    *,
    action: str,
    resource: str,
    context: RequestContext,
    principal_policies: PrincipalPolicySet,
    resource_policy: CompiledPolicy | None = None,
    resource_account: str | None = None,
    resource_policy_required: bool = False,
    rcp_levels: Sequence[Sequence[CompiledPolicy]] = (),
) -> EvaluationResult:
    """Decide one request the way AWS would, as far as the snapshot allows.

    `resource_account` defaults to the account in the resource ARN. Pass it
    for ARNs without one (S3). Set `resource_policy_required` for resources
    whose policy must allow even within the account, such as KMS key
    policies and role trust policies. `rcp_levels` contains the resource
    control policies of the resource's account, one list per level of its
    OU path like `PrincipalPolicySet.scp_levels`. Leave it empty when the
    resource is in the management account or its service is not one RCPs
    cover.
    """
    return allowed_actions(
        principal_policies,
        resource=resource,
        candidate_actions=(action,),
        context=context,
        resource_policy=resource_policy,
        resource_account=resource_account,
        resource_policy_required=resource_policy_required,
        rcp_levels=rcp_levels,
    )[action]


def resource_policy_grants(
    policy: CompiledPolicy,
    *,
    action: str,
    resource: str,
    principal: str,
    principal_type: str | None = None,
    context: RequestContext | None = None,
) -> EvaluationResult:
    """Evaluate a resource or trust policy on its own for one principal.

    `principal` is an ARN, an account id, a service principal
    (`lambda.amazonaws.com`), a federated provider, or `*` for anonymous.
    The result is ALLOW when an Allow statement names the principal and no
    certain Deny does. `via_account` is set when every grant names the
    principal's account rather than the principal. Such a grant only
    delegates to the account, so the principal's own identity policies must
    allow as well.
    """
    ref = parse_principal(principal, principal_type=principal_type)
    if context is None:
        context = RequestContext(
            principal_arn=ref.value if ref.kind in ("aws", "anonymous") else principal,
            principal_account=ref.account or "",
        )
    universe = action_universe((action,))
    lowered = universe.lowered[0]
    allow = StatementHits()
    account_only = True
    deny = StatementHits()
    request = Request(
        resource=resource,
        context=context,
        resource_account=_resource_account(resource, None),
    )
    for statement, matched, undecided, kind in applicable_statements(
        policy, universe, request, principal=ref
    ):
        if lowered not in matched:
            continue
        if statement.is_allow:
            allow.add(statement.ref, undecided)
            if kind != ACCOUNT:
                account_only = False
        else:
            deny.add(statement.ref, undecided)
    if deny.certain:
        return EvaluationResult(
            decision=Decision.EXPLICIT_DENY, denied_by=tuple(deny.certain)
        )
    if allow.tri is Tri.FALSE:
        return EvaluationResult(decision=Decision.IMPLICIT_DENY)
    undecided_all = allow.undecided() if allow.tri is Tri.MAYBE else []
    undecided_all += deny.undecided()
    return EvaluationResult(
        decision=Decision.ALLOW,
        conditional=allow.tri is Tri.MAYBE or bool(deny.maybe),
        allowed_by=tuple(allow.refs()),
        denied_by=tuple(ref for ref, _ in deny.maybe),
        undecided=tuple(dict.fromkeys(undecided_all)),
        via_account=account_only,
    )


def principal_matches(
    policy: CompiledPolicy,
    statement_index: int,
    principal: str,
    *,
    principal_type: str | None = None,
) -> str | None:
    """Return how a statement's Principal element names `principal`.

    The result is `direct`, `session`, `account`, `any`, or None when the
    statement does not name the principal (or has no Principal element).
    """
    statement = policy.statements[statement_index]
    if statement.principal is None:
        return None
    return match_principal(
        statement.principal, parse_principal(principal, principal_type=principal_type)
    )


# PrincipalPolicySet lives in collect.py; other analysis steps import it from
# this module together with the functions above.
__all__ = [
    "PrincipalPolicySet",
    "allowed_actions",
    "evaluate",
    "principal_matches",
    "resource_policy_grants",
]
