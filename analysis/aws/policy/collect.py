"""Gather the statements that apply to a request, per action and per policy type.

`collect` walks every policy that governs a principal once per request and
records, for each candidate action, the identity and resource-policy grants
and every Deny. Allows of permissions boundaries, SCPs and RCPs are kept per
statement. `evaluate.py` combines these into decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from toxicpath.analysis.aws.policy.compiled import CompiledPolicy, CompiledStatement
from toxicpath.analysis.aws.policy.model import (
    RequestContext,
    StatementRef,
    UndecidedCondition,
)
from toxicpath.analysis.aws.policy.patterns import ActionUniverse
from toxicpath.analysis.aws.policy.principals import (
    ACCOUNT,
    DIRECT,
    SESSION,
    PrincipalRef,
    match_principal,
    parse_principal,
)
from toxicpath.analysis.aws.policy.tristate import Tri

SERVICE_LINKED_ROLE_PATH = ":role/aws-service-role/"


@dataclass
class PrincipalPolicySet:
    """Every policy that governs one principal's requests.

    `scp_levels` contains one list per level of the principal's OU path, from
    the organization root down to the account, each list being the SCPs
    attached at that level. Leave it empty for the management account or
    an account outside an organization.
    """

    identity_policies: list[CompiledPolicy] = field(default_factory=list)
    boundary: CompiledPolicy | None = None
    scp_levels: list[list[CompiledPolicy]] = field(default_factory=list)

    @property
    def depends_on_principal(self) -> bool:
        """Return whether decisions may differ between principals with this set.

        A resource policy passed to `evaluate` can make them differ too, so
        check `CompiledPolicy.depends_on_principal` on it as well.
        """
        return any(policy.depends_on_principal for policy in self.every_policy())

    def every_policy(self) -> list[CompiledPolicy]:
        """Return the identity policies, the SCPs of every level and the
        boundary."""
        policies = [
            *self.identity_policies,
            *(p for row in self.scp_levels for p in row),
        ]
        if self.boundary is not None:
            policies.append(self.boundary)
        return policies


@dataclass
class StatementHits:
    """Statements of one kind that apply to one action."""

    certain: list[StatementRef] = field(default_factory=list)
    maybe: list[tuple[StatementRef, tuple[UndecidedCondition, ...]]] = field(
        default_factory=list
    )

    def add(self, ref: StatementRef, undecided: tuple[UndecidedCondition, ...]) -> None:
        if undecided:
            self.maybe.append((ref, undecided))
        else:
            self.certain.append(ref)

    @property
    def tri(self) -> Tri:
        if self.certain:
            return Tri.TRUE
        if self.maybe:
            return Tri.MAYBE
        return Tri.FALSE

    def undecided(self) -> list[UndecidedCondition]:
        return [condition for _, conditions in self.maybe for condition in conditions]

    def refs(self) -> list[StatementRef]:
        return self.certain + [ref for ref, _ in self.maybe]


@dataclass
class ActionHits:
    """Grants and denies that name one action."""

    identity_allow: StatementHits = field(default_factory=StatementHits)
    resource_direct: StatementHits = field(default_factory=StatementHits)
    resource_exempt: StatementHits = field(default_factory=StatementHits)
    resource_account: StatementHits = field(default_factory=StatementHits)
    deny: StatementHits = field(default_factory=StatementHits)


# An applicable Allow of a boundary or SCP: the actions it covers, kept per
# statement rather than per action because such policies usually allow
# everything and only matter for actions that something grants.
LimitAllow = tuple[frozenset[str], StatementRef, tuple[UndecidedCondition, ...]]


@dataclass
class Collected:
    per_action: dict[str, ActionHits] = field(default_factory=dict)
    boundary_allows: list[LimitAllow] = field(default_factory=list)
    scp_level_allows: list[list[LimitAllow]] = field(default_factory=list)
    rcp_level_allows: list[list[LimitAllow]] = field(default_factory=list)

    def slot(self, action: str) -> ActionHits:
        found = self.per_action.get(action)
        if found is None:
            found = self.per_action[action] = ActionHits()
        return found


@dataclass(frozen=True)
class Request:
    resource: str
    context: RequestContext
    resource_account: str | None


def applicable_statements(
    policy: CompiledPolicy,
    universe: ActionUniverse,
    request: Request,
    *,
    principal: PrincipalRef | None = None,
) -> Iterable[
    tuple[CompiledStatement, frozenset[str], tuple[UndecidedCondition, ...], str]
]:
    """Yield (statement, matched actions, undecided, principal match kind)."""
    for statement in policy.statements:
        match_kind = DIRECT
        if principal is not None:
            if statement.principal is None:
                continue
            found = match_principal(statement.principal, principal)
            if found is None:
                continue
            match_kind = found
        matched = statement.actions.matching(universe)
        if statement.not_action:
            matched = universe.all_lowered - matched
        if not matched:
            continue
        applies, undecided = statement.applies_to(
            resource=request.resource,
            context=request.context,
            resource_account=request.resource_account,
        )
        if applies:
            yield statement, matched, undecided, match_kind


def collect(
    principal_policies: PrincipalPolicySet,
    universe: ActionUniverse,
    *,
    resource: str,
    context: RequestContext,
    resource_policy: CompiledPolicy | None,
    resource_account: str | None,
    rcp_levels: Sequence[Sequence[CompiledPolicy]],
) -> Collected:
    collected = Collected()
    request = Request(
        resource=resource, context=context, resource_account=resource_account
    )
    for policy in principal_policies.identity_policies:
        for statement, matched, undecided, _ in applicable_statements(
            policy, universe, request
        ):
            for action in matched:
                target = collected.slot(action)
                bucket = target.identity_allow if statement.is_allow else target.deny
                bucket.add(statement.ref, undecided)

    if resource_policy is not None:
        _collect_resource_policy(
            collected, resource_policy, universe, request, context=context
        )

    limits: list[CompiledPolicy] = []
    if principal_policies.boundary is not None:
        limits.append(principal_policies.boundary)
    scps_in_force = scps_apply(principal_policies, context)
    if scps_in_force:
        limits.extend(p for level in principal_policies.scp_levels for p in level)
    for policy in limits:
        is_boundary = policy is principal_policies.boundary
        for statement, matched, undecided, _ in applicable_statements(
            policy, universe, request
        ):
            if statement.is_allow:
                if is_boundary:
                    collected.boundary_allows.append(
                        (matched, statement.ref, undecided)
                    )
                continue
            for action in matched:
                collected.slot(action).deny.add(statement.ref, undecided)

    if scps_in_force:
        for level in principal_policies.scp_levels:
            allows: list[LimitAllow] = []
            for policy in level:
                for statement, matched, undecided, _ in applicable_statements(
                    policy, universe, request
                ):
                    if statement.is_allow:
                        allows.append((matched, statement.ref, undecided))
            collected.scp_level_allows.append(allows)

    if rcp_levels and SERVICE_LINKED_ROLE_PATH not in context.principal_arn:
        principal = principal_ref(context)
        for rcp_level in rcp_levels:
            allows = []
            for policy in rcp_level:
                for statement, matched, undecided, _ in applicable_statements(
                    policy, universe, request, principal=principal
                ):
                    if statement.is_allow:
                        allows.append((matched, statement.ref, undecided))
                        continue
                    for action in matched:
                        collected.slot(action).deny.add(statement.ref, undecided)
            collected.rcp_level_allows.append(allows)
    return collected


def principal_ref(context: RequestContext) -> PrincipalRef:
    principal = parse_principal(context.principal_arn)
    if principal.account is None and principal.kind == "aws":
        principal = PrincipalRef(
            kind=principal.kind,
            value=principal.value,
            account=context.principal_account,
        )
    return principal


def _collect_resource_policy(
    collected: Collected,
    resource_policy: CompiledPolicy,
    universe: ActionUniverse,
    request: Request,
    *,
    context: RequestContext,
) -> None:
    principal = principal_ref(context)
    for statement, matched, undecided, kind in applicable_statements(
        resource_policy, universe, request, principal=principal
    ):
        for action in matched:
            target = collected.slot(action)
            if not statement.is_allow:
                target.deny.add(statement.ref, undecided)
            elif kind == ACCOUNT:
                target.resource_account.add(statement.ref, undecided)
            elif kind == SESSION or (kind == DIRECT and _is_user(principal)):
                target.resource_exempt.add(statement.ref, undecided)
            else:
                target.resource_direct.add(statement.ref, undecided)


def _is_user(principal: PrincipalRef) -> bool:
    return principal.kind == "aws" and ":user/" in principal.value


def scps_apply(principal_policies: PrincipalPolicySet, context: RequestContext) -> bool:
    if not principal_policies.scp_levels:
        return False
    return SERVICE_LINKED_ROLE_PATH not in context.principal_arn
