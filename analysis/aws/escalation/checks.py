"""Building blocks the escalation checkers share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.escalation.catalog import Escalation
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.analysis.aws.escalation.evidence import action_evidence
from toxicpath.analysis.aws.policy import CompiledPolicy
from toxicpath.ingest.aws.estate import Principal

# Attackers pick the name of what they create, so a create action counts when
# it is allowed on `*` or on every name of that resource type in the account.
# NOTE: a grant limited to a name prefix (`function:dev-*`) or one region is
# not detected for create actions, because the attacker's name is unknown.
_CREATE_RESOURCES = {
    "lambda": "arn:aws:lambda:*:{account}:function:*",
    "glue": "arn:aws:glue:*:{account}:*",
    "cloudformation": "arn:aws:cloudformation:*:{account}:*",
    "codebuild": "arn:aws:codebuild:*:{account}:project/*",
    "sagemaker": "arn:aws:sagemaker:*:{account}:*",
    "ecs": "arn:aws:ecs:*:{account}:*",
    "ec2": "arn:aws:ec2:*:{account}:*",
    "datapipeline": "arn:aws:datapipeline:*:{account}:*",
    "apprunner": "arn:aws:apprunner:*:{account}:*",
    "bedrock-agentcore": "arn:aws:bedrock-agentcore:*:{account}:*",
    "codestar": "arn:aws:codestar:*:{account}:project/*",
    "dynamodb": "arn:aws:dynamodb:*:{account}:table/*",
}


@dataclass(frozen=True)
class Requirement:
    """One action the technique needs, on one resource."""

    action: str
    resource: str = "*"
    extra: tuple[tuple[str, str], ...] = ()
    created: bool = False  # the attacker creates the resource and picks its name
    # A resource policy that must also allow, such as a role's trust policy.
    resource_policy: CompiledPolicy | None = None


def new(action: str) -> Requirement:
    """Require a create action whose resource the attacker names."""
    return Requirement(action, "*", created=True)


def on(action: str, resource: str, **extra: str) -> Requirement:
    return Requirement(action, resource, tuple(sorted(extra.items())))


def assume(role_arn: str, trust_policy: CompiledPolicy | None) -> Requirement:
    """`sts:AssumeRole` on a role, decided together with its trust policy."""
    return Requirement("sts:AssumeRole", role_arn, resource_policy=trust_policy)


def satisfied(
    view: EstateView, principal: PrincipalView, requirements: Sequence[Requirement]
) -> tuple[tuple[dict[str, Any], ...], bool] | None:
    """Return (evidence per action, conditional) when every requirement is allowed."""
    for requirement in requirements:
        if requirement.resource_policy is not None:
            continue
        if requirement.created:
            if not view.may_allow(principal, requirement.action):
                return None
        elif not view.may_allow_on(principal, requirement.action, requirement.resource):
            return None
    steps: list[dict[str, Any]] = []
    conditional = False
    for requirement in requirements:
        extra = dict(requirement.extra)
        resource = requirement.resource
        result = view.evaluate(
            principal,
            requirement.action,
            resource,
            extra=extra,
            resource_policy=requirement.resource_policy,
            resource_policy_required=requirement.resource_policy is not None,
        )
        if not result.allowed and requirement.created:
            service = requirement.action.split(":", 1)[0].lower()
            template = _CREATE_RESOURCES.get(service)
            if template is not None:
                resource = template.format(account=principal.account_id)
                result = view.evaluate(
                    principal, requirement.action, resource, extra=extra
                )
        if not result.allowed:
            return None
        conditional = conditional or result.conditional
        steps.append(action_evidence(principal, requirement.action, resource, result))
    return tuple(steps), conditional


def satisfied_per_member(
    view: EstateView,
    principal: PrincipalView,
    members: Sequence[Principal],
    requirements: Callable[[Principal], Sequence[Requirement]],
) -> Iterator[tuple[Principal, tuple[dict[str, Any], ...], bool]]:
    """Yield (member, evidence per action, conditional) for each user or role
    of `members` on which every requirement is allowed.

    `requirements(member)` may name the member's ARN but no resource policy
    and no other member-specific value. Members that the principal's
    policies cannot tell apart (`EstateView.partition`) are decided once,
    and the others get the same steps with their own ARN.
    """
    for group in view.partition(principal, members):
        first = group[0]
        met = satisfied(view, principal, requirements(first))
        if met is None:
            continue
        steps, conditional = met
        for member in group:
            if member is first:
                yield member, steps, conditional
            else:
                yield member, retarget(steps, first.arn, member.arn), conditional


def retarget(
    steps: tuple[dict[str, Any], ...], old: str, new: str
) -> tuple[dict[str, Any], ...]:
    """Return `steps` with the resource `old` replaced by `new`."""
    return tuple(
        {**step, "resource": new} if step.get("resource") == old else step
        for step in steps
    )


def finding(
    *,
    target: str,
    steps: tuple[dict[str, Any], ...],
    conditional: bool,
    reason: str,
    victim: str = "",
    notes: Iterable[str] = (),
) -> Escalation:
    return Escalation(
        target=target,
        steps=steps,
        conditional=conditional,
        reason=reason,
        victim=victim,
        notes=tuple(notes),
    )


def admin_of(principal: PrincipalView | Principal) -> str:
    return ids.account_admin_node(principal.account_id)


def describe(principal: Principal) -> str:
    """Name a principal inside a sentence, for example `role Deployer`."""
    return f"{principal.kind} {principal.name}"


def subject(principal: Principal) -> str:
    """Name a principal at the start of a sentence, for example `Role Deployer`."""
    return f"{principal.kind.capitalize()} {principal.name}"


def others(view: EstateView, principal: PrincipalView, kind: str) -> list[Principal]:
    """Principals of `kind` in the principal's account, other than itself."""
    return [
        p
        for p in view.principals_in(principal.account_id, kind)
        if p.arn != principal.arn
    ]


def extra_items(values: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(values.items()))
