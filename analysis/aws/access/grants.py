"""CAN_ACCESS edges from identities: which non-admin users and roles can
read, write or administer which data resources.

Identity policies and resource policies combine through the evaluator
(cross-account grants need both). Admins get no CAN_ACCESS edges: they
reach `account_admin`, which represents every resource of the account.

Scale comes from three choices:

- Candidate resources come from an index, not from a loop over every
  resource: a statement's Resource pattern selects the resources whose ARN
  starts with the pattern's literal prefix, and only resources of the
  services its actions name. Candidates are listed once per policy set.
- Decisions are computed once per policy set and per group of targets that
  its Resource patterns cannot tell apart (`analysis/aws/coverage.py`).
  A grant on `*` is evaluated once per service, and again for other
  accounts' resources, not once per resource. Templated resource policies
  share a decision, and a resource policy with no statement for the
  principal counts as absent.
- A decision is repeated per principal only when a policy in play may name
  that principal or read a key about it. Policies that read only principal
  tags are decided once per set of tags.

NOTE: object-level S3 actions are evaluated on `arn:aws:s3:::bucket/*`, so
a grant limited to a key prefix is not found. RDS data access through
database users (`rds-db:connect`) is not evaluated.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from toxicpath.analysis.aws.access.public import add_public_access
from toxicpath.analysis.aws.access.targets import (
    LEVELS,
    POLICY_REQUIRED,
    SERVICE_ACTIONS,
    AccessTarget,
    TargetIndex,
    build_index,
    collect_targets,
)
from toxicpath.analysis.aws.coverage import CoverageIndex
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.analysis.aws.escalation.evidence import statement_evidence
from toxicpath.analysis.aws.policy import CompiledPolicy, principal_matches
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

# The name evidence gives the edge target's own resource policy.
OWN_RESOURCE_POLICY = "resource-policy"

# (level, allowed actions, evidence JSON, conditional)
Access = tuple[str, list[str], str, bool]


def derive_access_edges(
    view: EstateView, records: GraphRecords, context: TransformContext
) -> None:
    targets = collect_targets(view)
    index = build_index(targets)
    add_public_access(view, records, context, targets)
    grouping = _Grouping(index)
    candidates: dict[tuple[str, ...], list[AccessTarget]] = {}
    # Evidence is kept as JSON text so every edge from one cache entry shares
    # one string.
    cache: dict[tuple[Any, ...], Access | None] = {}
    count = 0
    for principal in view.views.values():
        if view.is_admin(principal.arn):
            continue
        listed = candidates.get(principal.key)
        if listed is None:
            listed = grouping.candidates(principal)
            candidates[principal.key] = listed
        set_owner = view.owner(principal)
        for target in listed:
            if target.arn not in records.nodes:
                continue
            owner = principal.arn if _policy_names(target, principal) else set_owner
            cache_key = (principal.key, owner, grouping.key(principal, target))
            if cache_key in cache:
                access = cache[cache_key]
            else:
                access = cache[cache_key] = _access(view, principal, target)
            if access is None:
                continue
            level, actions, evidence, conditional = access
            records.add_edge(
                "CAN_ACCESS",
                principal.arn,
                target.arn,
                scan_id=context.scan_id,
                level=level,
                actions=actions,
                conditional=conditional,
                reason=(
                    f"{principal.principal.kind.capitalize()} "
                    f"{principal.principal.name} has {level} access to {target.name}."
                ),
                evidence=evidence,
            )
            count += 1
    logger.info(
        "derived %d CAN_ACCESS edges over %d resources from %d evaluations",
        count,
        len(targets),
        len(cache),
    )


class _Grouping:
    """Candidate targets per policy set, and the keys of targets that get
    the same decisions, memoised for one run."""

    def __init__(self, index: TargetIndex) -> None:
        self._index = index
        # Targets are grouped across accounts: the key states the account
        # only when a policy reads aws:ResourceAccount.
        self._coverage = CoverageIndex(index.sets.values())
        self._service_actions = {
            service: [
                a.removesuffix("/*").lower()
                for actions in levels.values()
                for a in actions
            ]
            for service, levels in SERVICE_ACTIONS.items()
        }
        self._policy_targets: dict[tuple[str, str], list[AccessTarget]] = {}
        self._in_play: dict[tuple[str, str, str], bool] = {}
        self._reads_account: dict[tuple[str, ...], bool] = {}

    def key(self, principal: PrincipalView, target: AccessTarget) -> Any:
        """Return a key shared by the targets on which the principal's
        policies and the targets' own policies decide alike."""
        group = self._coverage.group_key(
            principal.key,
            principal.policies,
            target.service,
            "",
            target.arn,
            target.region,
        )
        if group is None:
            return target.arn
        in_play = target.policy is not None and self._policy_in_play(target, principal)
        reads_account = self._set_reads_account(principal) or (
            in_play and target.policy is not None and _reads_account(target.policy)
        )
        if reads_account:
            account = target.account_id
        elif target.account_id == principal.account_id:
            account = "same account"
        else:
            account = "other account"
        if not in_play:
            # A policy with no statement for this principal decides as no
            # policy does: nothing granted, nothing denied.
            return (group, account)
        if target.policy_shape is None:
            return target.arn
        return (group, account, target.policy_shape)

    def candidates(self, principal: PrincipalView) -> list[AccessTarget]:
        """Targets the principal's Allow statements or the targets' own
        policies may grant it."""
        found: dict[str, AccessTarget] = {}
        for policy in principal.policies.identity_policies:
            for target in self._targets_of(policy, principal.account_id):
                found.setdefault(target.arn, target)
        # Resource policies can grant on their own to a named account.
        # NOTE: a policy that grants everyone gives an identity no edge
        # unless its own Allow statements cover the target. The edge from
        # the anonymous or any-principal node represents that access.
        for target in self._index.by_named_account.get(principal.account_id, []):
            found.setdefault(target.arn, target)
        return list(found.values())

    def _targets_of(self, policy: CompiledPolicy, account: str) -> list[AccessTarget]:
        """Targets an identity policy's Allow statements may cover for a
        principal of `account`: its own account's, and other accounts' whose
        policy names the account or everyone."""
        memo_key = (policy.policy_id, account)
        cached = self._policy_targets.get(memo_key)
        if cached is not None:
            return cached
        found: dict[str, AccessTarget] = {}
        for statement in policy.statements:
            if not statement.is_allow or statement.resources is None:
                continue
            patterns = ("*",) if statement.not_resource else statement.resources
            for service, actions in self._service_actions.items():
                if not statement.not_action and not any(
                    statement.actions.matches(action) for action in actions
                ):
                    continue
                for pattern in patterns:
                    for target in self._index.matching(service, pattern):
                        if target.account_id != account and not (
                            account in target.named_accounts or target.names_anyone
                        ):
                            continue
                        found.setdefault(target.arn, target)
        result = list(found.values())
        self._policy_targets[memo_key] = result
        return result

    def _policy_in_play(self, target: AccessTarget, principal: PrincipalView) -> bool:
        """Return whether a statement of the target's policy names the
        principal (directly, through its account, or as everyone)."""
        assert target.policy is not None
        named = _policy_names(target, principal)
        memo_key = (target.arn, principal.account_id, principal.arn if named else "")
        known = self._in_play.get(memo_key)
        if known is None:
            known = any(
                principal_matches(target.policy, index, principal.arn) is not None
                for index, statement in enumerate(target.policy.statements)
                if statement.principal is not None
            )
            self._in_play[memo_key] = known
        return known

    def _set_reads_account(self, principal: PrincipalView) -> bool:
        known = self._reads_account.get(principal.key)
        if known is None:
            known = any(
                _reads_account(policy) for policy in principal.policies.every_policy()
            )
            self._reads_account[principal.key] = known
        return known


def _reads_account(policy: CompiledPolicy) -> bool:
    return "aws:resourceaccount" in policy.context_keys


def _policy_names(target: AccessTarget, principal: PrincipalView) -> bool:
    """Return whether the target's policy may decide differently for this
    principal than for another one with the same policies.

    It may when it names the principal (by ARN, unique id or name, as in a
    session ARN) or reads a key about the caller."""
    if target.policy is None:
        return False
    text = target.policy_text
    if principal.arn in text or principal.principal.name in text:
        return True
    unique_id = principal.principal.id
    if unique_id and unique_id in text:
        return True
    return bool(target.policy.reads_principal_keys)


def _access(
    view: EstateView, principal: PrincipalView, target: AccessTarget
) -> Access | None:
    """Return (level, allowed actions, evidence JSON, conditional), or None.

    The evidence names no resource, so that every target of a group can
    share it. The edge's target is the resource, and `on` states whether
    the action was evaluated on the resource or on its objects. Statements
    of the target's own policy name their policy `resource-policy`."""
    # Group the table's actions by the resource they are evaluated on, so
    # the evaluator makes one pass per resource.
    by_resource: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for level_name in LEVELS:
        for table_action in SERVICE_ACTIONS[target.service][level_name]:
            action, resource = target.action_resource(table_action)
            by_resource[resource].append((level_name, action))
    allowed: list[str] = []
    level = ""
    certain_level = ""
    evidence: list[dict[str, Any]] = []
    conditional_all = True
    for resource, entries in by_resource.items():
        results = view.evaluate_many(
            principal,
            [action for _, action in entries],
            resource,
            resource_policy=target.policy,
            resource_account=target.account_id,
            resource_policy_required=target.service in POLICY_REQUIRED,
        )
        on = "resource" if resource == target.arn else "objects"
        for level_name, action in entries:
            result = results[action]
            if not result.allowed:
                continue
            allowed.append(action)
            if not level or LEVELS.index(level_name) > LEVELS.index(level):
                level = level_name
            if not result.conditional and (
                not certain_level
                or LEVELS.index(level_name) > LEVELS.index(certain_level)
            ):
                certain_level = level_name
            conditional_all = conditional_all and result.conditional
            evidence.append(
                {
                    "action": action,
                    "on": on,
                    "conditional": result.conditional,
                    "allowed_by": _own_policy_relative(
                        statement_evidence(principal, result), target
                    ),
                }
            )
    if not allowed:
        return None
    # An unconditional edge states its certain level: a conditional grant of
    # a higher level stays in the actions and in the evidence, marked
    # conditional, rather than making the edge claim it for certain.
    return (
        certain_level or level,
        sorted(allowed),
        to_json_text(evidence),
        conditional_all,
    )


def _own_policy_relative(
    items: list[dict[str, Any]], target: AccessTarget
) -> list[dict[str, Any]]:
    """Name the target's own resource policy `resource-policy` in evidence."""
    if target.policy is None:
        return items
    for item in items:
        if item.get("policy") == target.policy.policy_id:
            item["policy"] = OWN_RESOURCE_POLICY
    return items
