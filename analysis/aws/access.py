"""CAN_ACCESS edges: which non-admin identities can read, write or administer
which data resources, and which resources are public.

Identity policies and resource policies combine through the evaluator
(cross-account grants need both). Admins get no CAN_ACCESS edges: they
reach `account_admin`, which stands for every resource of the account.

Scale comes from two choices. Candidate resources come from an index, not
from a loop over every resource: a statement's Resource pattern selects
the resources whose ARN starts with the pattern's literal prefix, and only
resources of the services its actions name. Results are computed once per
distinct policy set (many roles share one) and per resource, and only
repeated per principal when a resource policy or a condition may name that
principal.

Each service has representative actions per level. The edge's level is the
highest level with an allowed action, and `actions` lists them all.

NOTE: object-level S3 actions are evaluated on `arn:aws:s3:::bucket/*`, so
a grant limited to a key prefix is not found. RDS data access through
database users (`rds-db:connect`) is not evaluated.
"""

from __future__ import annotations

import bisect
import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.analysis.aws.escalation.evidence import statement_evidence
from toxicpath.analysis.aws.identity import add_outside_principal
from toxicpath.analysis.aws.policy import (
    CompiledPolicy,
    EvaluationResult,
    resource_policy_grants,
)
from toxicpath.analysis.aws.policy.patterns import glob_match
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.aws.estate import AwsEstate, Bucket, PublicAccessBlock
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

LEVELS = ("read", "write", "admin")

# service key -> level -> actions. A `/*` suffix marks object-level actions
# evaluated on the bucket's objects.
SERVICE_ACTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "s3": {
        "read": ("s3:GetObject/*", "s3:ListBucket"),
        "write": ("s3:PutObject/*", "s3:DeleteObject/*"),
        "admin": ("s3:PutBucketPolicy", "s3:PutBucketAcl", "s3:DeleteBucket"),
    },
    "kms_key": {
        "read": ("kms:Decrypt",),
        "write": ("kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom"),
        "admin": ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CreateGrant"),
    },
    "secret": {
        "read": ("secretsmanager:GetSecretValue",),
        "write": ("secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret"),
        "admin": ("secretsmanager:PutResourcePolicy", "secretsmanager:DeleteSecret"),
    },
    "parameter": {
        "read": ("ssm:GetParameter", "ssm:GetParameters"),
        "write": ("ssm:PutParameter",),
        "admin": ("ssm:DeleteParameter",),
    },
    "table": {
        "read": ("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query"),
        "write": ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
        "admin": ("dynamodb:DeleteTable", "dynamodb:UpdateTable"),
    },
    "database": {
        "read": ("rds:CreateDBSnapshot",),
        "write": ("rds:RebootDBInstance",),
        "admin": ("rds:ModifyDBInstance", "rds:DeleteDBInstance"),
    },
    "queue": {
        "read": ("sqs:ReceiveMessage",),
        "write": ("sqs:SendMessage", "sqs:DeleteMessage", "sqs:PurgeQueue"),
        "admin": ("sqs:SetQueueAttributes", "sqs:AddPermission"),
    },
    "topic": {
        "read": ("sns:Subscribe",),
        "write": ("sns:Publish",),
        "admin": ("sns:SetTopicAttributes", "sns:AddPermission"),
    },
    "function": {
        "read": ("lambda:GetFunction",),
        "write": ("lambda:InvokeFunction", "lambda:UpdateFunctionCode"),
        "admin": ("lambda:AddPermission", "lambda:UpdateFunctionConfiguration"),
    },
    "container_registry": {
        "read": ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
        "write": ("ecr:PutImage", "ecr:InitiateLayerUpload"),
        "admin": ("ecr:SetRepositoryPolicy", "ecr:DeleteRepository"),
    },
}
# Services whose resource policy must allow even inside the account.
POLICY_REQUIRED = frozenset({"kms_key"})
# S3 ACL grantee groups and the outside principals they stand for.
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
_ACL_LEVELS = {
    "READ": "read",
    "READ_ACP": "read",
    "WRITE": "write",
    "WRITE_ACP": "admin",
    "FULL_CONTROL": "admin",
}
OUTSIDER_ARN = "arn:aws:iam::000000000000:user/outsider"


@dataclass
class AccessTarget:
    """A resource CAN_ACCESS edges may point at."""

    arn: str
    service: str
    account_id: str
    name: str
    policy: CompiledPolicy | None = None
    policy_document: Any = None
    policy_text: str = ""
    named_accounts: set[str] = field(default_factory=set)
    names_anyone: bool = False

    def action_resource(self, action: str) -> tuple[str, str]:
        """Split a table action into (action, resource it is evaluated on)."""
        if action.endswith("/*"):
            return action[:-2], f"{self.arn}/*"
        return action, self.arn


@dataclass
class _TargetIndex:
    """Targets by service, with ARNs sorted for prefix lookups."""

    by_service: dict[str, list[AccessTarget]] = field(default_factory=dict)
    arns: dict[str, list[str]] = field(default_factory=dict)
    by_named_account: dict[str, list[AccessTarget]] = field(default_factory=dict)
    anyone: list[AccessTarget] = field(default_factory=list)

    def matching(self, service: str, pattern: str) -> list[AccessTarget]:
        targets = self.by_service.get(service, [])
        arns = self.arns.get(service, [])
        prefix = _literal_prefix(pattern)
        if service == "s3":
            # Object patterns (`bucket/key*`) select their bucket.
            prefix = prefix.split("/", 1)[0]
        start = bisect.bisect_left(arns, prefix)
        found = []
        for index in range(start, len(arns)):
            if not arns[index].startswith(prefix):
                break
            target = targets[index]
            if _covers(pattern, target):
                found.append(target)
        return found


def derive_access_edges(
    view: EstateView, records: GraphRecords, context: TransformContext
) -> None:
    targets = collect_targets(view)
    index = _build_index(targets)
    add_public_access(view, records, context, targets)
    service_patterns = _service_patterns()
    # Evidence is kept as JSON text so every edge from one cache entry shares
    # one string.
    cache: dict[tuple[Any, ...], tuple[str, list[str], str, bool] | None]
    cache = {}
    count = 0
    for principal in view.views.values():
        if view.is_admin(principal.arn):
            continue
        for target in _candidates(view, principal, index, service_patterns):
            if target.arn not in records.nodes:
                continue
            specific = (
                view.is_principal_specific(principal)
                or principal.arn in target.policy_text
            )
            cache_key = (principal.key, principal.arn if specific else "", target.arn)
            if cache_key not in cache:
                cache[cache_key] = _access(view, principal, target)
            access = cache[cache_key]
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
    logger.info("derived %d CAN_ACCESS edges over %d resources", count, len(targets))


def collect_targets(view: EstateView) -> list[AccessTarget]:
    """Collect every data resource of the estate with its compiled policy."""
    estate = view.estate
    targets: list[AccessTarget] = []

    def add(arn: str, service: str, account: str, name: str, policy: Any) -> None:
        target = AccessTarget(arn, service, account, name)
        if policy:
            target.policy = view.compile(ids.resource_policy_node(arn), policy)
            target.policy_document = policy
            target.policy_text = to_json_text(policy)
            target.named_accounts, target.names_anyone = _policy_principals(policy)
        targets.append(target)

    for bucket in estate.buckets.values():
        add(bucket.arn, "s3", bucket.account_id, bucket.name, bucket.policy)
    for resource in estate.resources.values():
        if resource.kind in SERVICE_ACTIONS:
            add(
                resource.arn,
                resource.kind,
                resource.account_id,
                resource.name,
                resource.policy,
            )
    for database in estate.databases.values():
        if database.kind == "rds":
            add(database.arn, "database", database.account_id, database.id, None)
    for function in estate.functions.values():
        add(
            function.arn,
            "function",
            function.account_id,
            function.name,
            function.resource_policy,
        )
    return targets


def _build_index(targets: list[AccessTarget]) -> _TargetIndex:
    index = _TargetIndex()
    grouped: dict[str, list[AccessTarget]] = defaultdict(list)
    for target in targets:
        grouped[target.service].append(target)
        for account in target.named_accounts:
            index.by_named_account.setdefault(account, []).append(target)
        if target.names_anyone:
            index.anyone.append(target)
    for service, items in grouped.items():
        items.sort(key=lambda t: t.arn)
        index.by_service[service] = items
        index.arns[service] = [t.arn for t in items]
    return index


def _service_patterns() -> dict[str, list[str]]:
    """Return each service's representative actions without the object marker."""
    return {
        service: [a.removesuffix("/*") for actions in levels.values() for a in actions]
        for service, levels in SERVICE_ACTIONS.items()
    }


def _candidates(
    view: EstateView,
    principal: PrincipalView,
    index: _TargetIndex,
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
                actions = _as_list(statement.get("Action"))
            resources = (
                ["*"]
                if "NotResource" in statement
                else _as_list(statement.get("Resource"))
            )
            yield actions, resources


def _access(
    view: EstateView, principal: PrincipalView, target: AccessTarget
) -> tuple[str, list[str], str, bool] | None:
    """Return (level, allowed actions, evidence JSON, conditional), or None."""
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
                    "resource": resource,
                    "conditional": result.conditional,
                    "allowed_by": statement_evidence(principal, result),
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


# --- public access ------------------------------------------------------------


def add_public_access(
    view: EstateView,
    records: GraphRecords,
    context: TransformContext,
    targets: list[AccessTarget],
) -> None:
    """Edges from the anonymous and any-principal nodes, and `public=True`."""
    estate = view.estate
    for target in targets:
        if target.arn not in records.nodes:
            continue
        bucket = estate.buckets.get(target.name) if target.service == "s3" else None
        block = _effective_block(estate, bucket) if bucket is not None else None
        if target.policy is not None and target.names_anyone:
            if block is not None and block.restrict_public_buckets:
                logger.info(
                    "bucket %s has a public policy that Block Public Access "
                    "(RestrictPublicBuckets) overrides",
                    target.name,
                )
            else:
                _public_policy_edges(records, context, target)
        if bucket is not None and bucket.acl_grants:
            if block is not None and block.ignore_public_acls:
                continue
            _public_acl_edges(records, context, target, bucket)


def _effective_block(estate: AwsEstate, bucket: Bucket) -> PublicAccessBlock:
    """Combine account and bucket settings: either one turns a flag on."""
    merged = PublicAccessBlock()
    account = estate.accounts.get(bucket.account_id)
    sources = [
        account.account_public_access_block if account is not None else None,
        bucket.public_access_block,
    ]
    for source in sources:
        if source is None:
            continue
        merged.block_public_acls |= source.block_public_acls
        merged.ignore_public_acls |= source.ignore_public_acls
        merged.block_public_policy |= source.block_public_policy
        merged.restrict_public_buckets |= source.restrict_public_buckets
    return merged


def _public_policy_edges(
    records: GraphRecords, context: TransformContext, target: AccessTarget
) -> None:
    assert target.policy is not None
    # S3 and SQS serve unsigned requests; other services need a signature,
    # which any AWS account can make.
    outsiders = [(ids.ANONYMOUS_NODE, "*")] if target.service in ("s3", "queue") else []
    outsiders.append((ids.ANY_AWS_PRINCIPAL_NODE, OUTSIDER_ARN))
    for node_id, principal in outsiders:
        allowed: list[str] = []
        level = ""
        certain_level = ""
        evidence: list[dict[str, Any]] = []
        conditional_all = True
        for level_name in LEVELS:
            for table_action in SERVICE_ACTIONS[target.service][level_name]:
                action, resource = target.action_resource(table_action)
                result = resource_policy_grants(
                    target.policy, action=action, resource=resource, principal=principal
                )
                if not result.allowed or result.via_account:
                    continue
                allowed.append(action)
                level = level_name
                if not result.conditional:
                    certain_level = level_name
                conditional_all = conditional_all and result.conditional
                evidence.append(_public_evidence(target, action, result))
        if not allowed:
            continue
        # As for identities: an unconditional edge states its certain level.
        level = certain_level or level
        add_outside_principal(records, node_id, context.scan_id)
        actor = "Anyone" if node_id == ids.ANONYMOUS_NODE else "Any AWS principal"
        records.add_edge(
            "CAN_ACCESS",
            node_id,
            target.arn,
            scan_id=context.scan_id,
            level=level,
            actions=allowed,
            conditional=conditional_all,
            reason=f"{actor} has {level} access to {target.name} through its "
            "resource policy.",
            evidence=to_json_text(evidence),
        )
        if not conditional_all:
            records.add_node("Resource", target.arn, public=True)


def _public_evidence(
    target: AccessTarget, action: str, result: EvaluationResult
) -> dict[str, Any]:
    return {
        "action": action,
        "resource_policy": ids.resource_policy_node(target.arn),
        "conditional": result.conditional,
        "allowed_by": statement_evidence(None, result),
    }


def _public_acl_edges(
    records: GraphRecords,
    context: TransformContext,
    target: AccessTarget,
    bucket: Bucket,
) -> None:
    for grantee, node_id, actor in (
        (ALL_USERS, ids.ANONYMOUS_NODE, "Anyone"),
        (AUTHENTICATED_USERS, ids.ANY_AWS_PRINCIPAL_NODE, "Any AWS principal"),
    ):
        grants = [g for g in bucket.acl_grants if g.grantee == grantee]
        if not grants:
            continue
        levels = [_ACL_LEVELS.get(g.permission, "read") for g in grants]
        level = max(levels, key=LEVELS.index)
        add_outside_principal(records, node_id, context.scan_id)
        records.add_edge(
            "CAN_ACCESS",
            node_id,
            target.arn,
            scan_id=context.scan_id,
            level=level,
            actions=sorted(f"acl:{g.permission}" for g in grants),
            conditional=False,
            reason=(
                f"{actor} has {level} access to bucket {bucket.name} through its ACL."
            ),
            evidence=to_json_text(
                [{"acl_grantee": grantee, "permission": g.permission} for g in grants]
            ),
        )
        records.add_node("Resource", target.arn, public=True)


# --- helpers -------------------------------------------------------------------


def _policy_principals(document: Any) -> tuple[set[str], bool]:
    """Accounts an Allow statement names (by root, account id or ARN), and
    whether one names everyone."""
    accounts: set[str] = set()
    anyone = False
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        element = statement.get("Principal")
        if element == "*":
            anyone = True
            continue
        if not isinstance(element, dict):
            continue
        for value in _as_list(element.get("AWS")):
            if value == "*":
                anyone = True
            elif value.isdigit():
                accounts.add(value)
            elif value.startswith("arn:"):
                parts = value.split(":")
                if len(parts) > 4 and parts[4]:
                    accounts.add(parts[4])
    return accounts, anyone


def _literal_prefix(pattern: str) -> str:
    cut = len(pattern)
    for wildcard in ("*", "?", "$"):
        position = pattern.find(wildcard)
        if position != -1:
            cut = min(cut, position)
    return pattern[:cut]


def _covers(pattern: str, target: AccessTarget) -> bool:
    """Return whether a Resource pattern may cover the target or its objects.

    The evaluator decides exactly later, so this only prunes."""
    if "*" in pattern or "?" in pattern or "$" in pattern:
        return True
    return pattern in (target.arn, f"{target.arn}/*") or pattern.startswith(
        f"{target.arn}/"
    )


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]
