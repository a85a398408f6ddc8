"""CAN_ACCESS edges from identities: which non-admin users and roles can
read, write or administer which data resources.

Identity policies and resource policies combine through the evaluator
(cross-account grants need both). Admins get no CAN_ACCESS edges: they
reach `account_admin`, which stands for every resource of the account.

Scale comes from three choices:

- Candidate resources come from an index, not from a loop over every
  resource: a statement's Resource pattern selects the resources whose ARN
  starts with the pattern's literal prefix, and only resources of the
  services its actions name. Candidates are listed once per policy set.
- Decisions are computed once per policy set and per group of targets that
  its Resource patterns cannot tell apart (`coverage.py`), so a grant on
  `*` is evaluated once per service and account, not once per resource.
- A decision is repeated per principal only when a policy in play may name
  that principal or read a key about it.

NOTE: object-level S3 actions are evaluated on `arn:aws:s3:::bucket/*`, so
a grant limited to a key prefix is not found. RDS data access through
database users (`rds-db:connect`) is not evaluated.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from toxicpath.analysis.aws.access.public import add_public_access
from toxicpath.analysis.aws.access.targets import (
    LEVELS,
    POLICY_REQUIRED,
    SERVICE_ACTIONS,
    AccessTarget,
    TargetIndex,
    as_list,
    build_index,
    collect_targets,
)
from toxicpath.analysis.aws.coverage import CoverageIndex
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.analysis.aws.escalation.evidence import statement_evidence
from toxicpath.analysis.aws.policy.patterns import glob_match
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

# How evidence names the edge target's own resource policy.
OWN_RESOURCE_POLICY = "resource-policy"

# (level, allowed actions, evidence JSON, conditional)
Access = tuple[str, list[str], str, bool]


def derive_access_edges(
    view: EstateView, records: GraphRecords, context: TransformContext
) -> None:
    targets = collect_targets(view)
    index = build_index(targets)
    add_public_access(view, records, context, targets)
    coverage = CoverageIndex(index.arn_sets())
    service_patterns = _service_patterns()
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
            listed = list(_candidates(principal, index, service_patterns))
            candidates[principal.key] = listed
        specific = view.is_principal_specific(principal)
        for target in listed:
            if target.arn not in records.nodes:
                continue
            owner = (
                principal.arn if specific or _policy_names(target, principal) else ""
            )
            group = _group(coverage, principal, target)
            cache_key = (principal.key, owner, group)
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


def _group(
    coverage: CoverageIndex, principal: PrincipalView, target: AccessTarget
) -> Any:
    """Return a key shared by the targets on which the principal's
    policies and the targets' own policies decide alike."""
    if target.policy is not None and target.policy_shape is None:
        return target.arn
    key = coverage.group_key(
        principal.key,
        principal.policies,
        target.service,
        target.account_id,
        target.arn,
        target.region,
    )
    if key is None:
        return target.arn
    if target.policy is None:
        return key
    return (key, target.policy_shape)


def _policy_names(target: AccessTarget, principal: PrincipalView) -> bool:
    """Return whether the target's policy may decide differently for this
    principal than for another one with the same policies."""
    if target.policy is None:
        return False
    if principal.arn in target.policy_text:
        return True
    unique_id = principal.principal.id
    if unique_id and unique_id in target.policy_text:
        return True
    return bool(target.policy.reads_principal_keys)


def _service_patterns() -> dict[str, list[str]]:
    """Return each service's representative actions without the object marker."""
    return {
        service: [a.removesuffix("/*") for actions in levels.values() for a in actions]
        for service, levels in SERVICE_ACTIONS.items()
    }


def _candidates(
    principal: PrincipalView,
    index: TargetIndex,
    service_patterns: dict[str, list[str]],
) -> Iterator[AccessTarget]:
    seen: set[str] = set()
    for action_patterns, resource_patterns in _allow_statements(principal):
        for service, actions in service_patterns.items():
            if not any(
                glob_match(pattern, action, ignore_case=True)
                for pattern in action_patterns
                for action in actions
            ):
                continue
            for resource_pattern in resource_patterns:
                for target in index.matching(service, resource_pattern):
                    # Other accounts' resources need their policy to name
                    # this principal's account or everyone.
                    if target.account_id != principal.account_id and not (
                        principal.account_id in target.named_accounts
                        or target.names_anyone
                    ):
                        continue
                    if target.arn not in seen:
                        seen.add(target.arn)
                        yield target
    # Resource policies can grant on their own within the account.
    for target in index.by_named_account.get(principal.account_id, []):
        if target.arn not in seen:
            seen.add(target.arn)
            yield target


def _allow_statements(
    principal: PrincipalView,
) -> Iterator[tuple[list[str], list[str]]]:
    for document in principal.documents:
        statements = document.get("Statement", []) if isinstance(document, dict) else []
        if isinstance(statements, dict):
            statements = [statements]
        for statement in statements:
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            if "NotAction" in statement:
                actions = ["*"]
            else:
                actions = as_list(statement.get("Action"))
            resources = (
                ["*"]
                if "NotResource" in statement
                else as_list(statement.get("Resource"))
            )
            yield actions, resources


def _access(
    view: EstateView, principal: PrincipalView, target: AccessTarget
) -> Access | None:
    """Return (level, allowed actions, evidence JSON, conditional), or None.

    The evidence names no resource, so that every target of a group can
    share it: the edge's target is the resource, `on` says whether the
    action was evaluated on the resource or on its objects, and statements
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
