"""The data resources CAN_ACCESS edges point at, and an index to find them.

Each service has representative actions per level. An edge's level is the
highest level with an allowed action, and `actions` lists them all.

The index finds the targets a Resource pattern may cover without a loop
over every resource. Targets are sorted by ARN per service, and a
pattern selects the run of ARNs that start with its literal prefix.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.coverage import ArnSet
from toxicpath.analysis.aws.escalation.context import EstateView
from toxicpath.analysis.aws.policy import CompiledPolicy
from toxicpath.analysis.aws.policy.context_keys import arn_region
from toxicpath.analysis.aws.policy.patterns import resource_matches
from toxicpath.graph.records import to_json_text

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
# Services with object-level actions, evaluated on `<arn>/*` as well.
OBJECT_SERVICES = frozenset(
    service
    for service, levels in SERVICE_ACTIONS.items()
    if any(action.endswith("/*") for actions in levels.values() for action in actions)
)


@dataclass
class AccessTarget:
    """A resource CAN_ACCESS edges may point at."""

    arn: str
    service: str
    account_id: str
    name: str
    region: str = ""
    policy: CompiledPolicy | None = None
    policy_document: Any = None
    policy_text: str = ""
    named_accounts: set[str] = field(default_factory=set)
    names_anyone: bool = False
    # The policy with this target's ARN replaced by a placeholder, and which
    # of its other Resource patterns cover the target: equal for two
    # targets whose policies decide alike (see `policy_shape`).
    policy_shape: tuple[str, tuple[bool, ...]] | None = None

    def action_resource(self, action: str) -> tuple[str, str]:
        """Split a table action into (action, resource it is evaluated on)."""
        if action.endswith("/*"):
            return action[:-2], f"{self.arn}/*"
        return action, self.arn


@dataclass
class TargetIndex:
    """Targets by ARN, with one sorted ArnSet per service for prefix lookups.

    The ArnSets put all accounts in one group, so that targets of several
    accounts can share a grouping key (`coverage.py`). The caller adds the
    account where it matters.
    """

    by_arn: dict[str, AccessTarget] = field(default_factory=dict)
    sets: dict[str, ArnSet] = field(default_factory=dict)
    by_named_account: dict[str, list[AccessTarget]] = field(default_factory=dict)

    def prefixed(self, service: str, pattern: str) -> list[AccessTarget]:
        """Return the targets of `service` whose ARN starts with `pattern`'s
        literal prefix: a superset of those the pattern covers."""
        arn_set = self.sets.get(service)
        if arn_set is None:
            return []
        return [self.by_arn[arn_set.arns[i]] for i in arn_set.prefixed(pattern)]

    def matching(self, service: str, pattern: str) -> list[AccessTarget]:
        """Return the targets `pattern` may cover, for candidate selection
        (a superset)."""
        return [
            target
            for target in self.prefixed(service, pattern)
            if _may_cover(pattern, target)
        ]


def collect_targets(view: EstateView) -> list[AccessTarget]:
    """Collect every data resource of the estate with its compiled policy."""
    estate = view.estate
    targets: list[AccessTarget] = []

    def add(arn: str, service: str, account: str, name: str, policy: Any) -> None:
        target = AccessTarget(arn, service, account, name, arn_region(arn) or "")
        if policy:
            target.policy = view.compile(ids.resource_policy_node(arn), policy)
            target.policy_document = policy
            target.policy_text = to_json_text(policy)
            target.named_accounts, target.names_anyone = _policy_principals(policy)
            if target.policy is not None:
                target.policy_shape = policy_shape(target)
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


def build_index(targets: list[AccessTarget]) -> TargetIndex:
    index = TargetIndex()
    by_service: dict[str, list[AccessTarget]] = defaultdict(list)
    for target in targets:
        index.by_arn[target.arn] = target
        by_service[target.service].append(target)
        for account in target.named_accounts:
            index.by_named_account.setdefault(account, []).append(target)
    for service, items in by_service.items():
        index.sets[service] = ArnSet.build(
            service,
            ((target.arn, "") for target in items),
            objects=service in OBJECT_SERVICES,
        )
    return index


def policy_shape(target: AccessTarget) -> tuple[str, tuple[bool, ...]] | None:
    """Return a key that two targets share when their resource policies
    decide alike, or None when this policy cannot share one.

    Templated policies differ only in the ARN they name. With the ARN
    replaced by a placeholder, two such policies read the same. They decide
    alike on their own targets as long as each Resource pattern that names
    the ARN starts with it. A pattern `<arn><rest>` covers `<arn>` or
    `<arn>/*` exactly when `<rest>` covers the remainder, whatever the ARN.
    Patterns that do not name the ARN (`*`, `arn:aws:s3:::logs-*`) may
    cover one target and not another, so whether they cover this one is
    part of the key. Condition values that name the ARN are compared with
    request keys that do not depend on the target, except the account and
    region, which the caller's key holds.
    """
    assert target.policy is not None
    loose: list[str] = []
    for statement in target.policy.statements:
        if statement.substitute and statement.resources_have_variables:
            return None
        for pattern in statement.resources or ():
            if target.arn in pattern:
                if not pattern.startswith(target.arn):
                    return None
            else:
                loose.append(pattern)
    forms = [target.arn]
    if target.service in OBJECT_SERVICES:
        forms.append(f"{target.arn}/*")
    covered = tuple(
        resource_matches(pattern, form)
        for pattern in sorted(set(loose))
        for form in forms
    )
    return target.policy_text.replace(target.arn, _PLACEHOLDER), covered


# The placeholder for the target's ARN in a policy shape. JSON text escapes
# a NUL character, so the placeholder cannot occur in the policy text.
_PLACEHOLDER = "\u0000target"


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
        for value in as_list(element.get("AWS")):
            if value == "*":
                anyone = True
            elif value.isdigit():
                accounts.add(value)
            elif value.startswith("arn:"):
                parts = value.split(":")
                if len(parts) > 4 and parts[4]:
                    accounts.add(parts[4])
    return accounts, anyone


def _may_cover(pattern: str, target: AccessTarget) -> bool:
    """Return whether a Resource pattern may cover the target or its objects.

    The evaluator decides exactly later, so this only prunes."""
    if "*" in pattern or "?" in pattern or "$" in pattern:
        return True
    return pattern in (target.arn, f"{target.arn}/*") or pattern.startswith(
        f"{target.arn}/"
    )


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]
