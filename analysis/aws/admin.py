"""Admin detection: which principals already hold full control of their account.

A principal is admin when its effective permissions (identity policies and
its groups' policies, then its permissions boundary and the SCPs above its
account) allow every action in `ADMIN_PROBE_ACTIONS` on Resource `*`. The
probe set samples the services an administrator controls: IAM writes (which
alone let a principal grant itself anything), role passing and assumption,
and data and compute services. A policy such as `iam:*` plus `s3:*` is not
admin by this test, but the escalation catalog still finds its path to admin
through the IAM actions.

Admins get `is_admin=True` and a CAN_ESCALATE edge to their account's
`account_admin` with technique `aws-admin-policy`, so every admin reaches the
account's resources through one node instead of one edge per resource.
"""

from __future__ import annotations

import logging
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView
from toxicpath.analysis.aws.escalation.evidence import statement_evidence
from toxicpath.analysis.aws.policy import PrincipalPolicySet
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

ADMIN_TECHNIQUE = "aws-admin-policy"

ADMIN_PROBE_ACTIONS = (
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:CreateAccessKey",
    "iam:CreatePolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:PassRole",
    "sts:AssumeRole",
    "organizations:DescribeOrganization",
    "ec2:RunInstances",
    "lambda:CreateFunction",
    "s3:GetObject",
    "s3:PutBucketPolicy",
    "kms:Decrypt",
    "kms:PutKeyPolicy",
    "secretsmanager:GetSecretValue",
    "dynamodb:Scan",
    "rds:ModifyDBInstance",
    "cloudtrail:StopLogging",
)


def detect_admins(
    view: EstateView, records: GraphRecords, context: TransformContext
) -> None:
    """Mark admin principals and groups and link them to `account_admin`."""
    for principal_view in [*view.views.values(), *view.group_views.values()]:
        finding = admin_evidence(view, principal_view)
        if finding is None:
            continue
        evidence, conditional = finding
        principal = principal_view.principal
        if conditional:
            view.conditional_admins[principal.arn] = evidence
        else:
            view.admins[principal.arn] = evidence
            records.add_node("Identity", principal.arn, is_admin=True)
        granting = sorted({item["policy"] for item in evidence if "policy" in item})
        own_policies_admin = principal.kind != "user" or (
            _own_policies_admin(view, principal_view)
        )
        records.add_edge(
            "CAN_ESCALATE",
            principal.arn,
            ids.account_admin_node(principal.account_id),
            scan_id=context.scan_id,
            technique=ADMIN_TECHNIQUE,
            conditional=conditional,
            reason=(
                f"{principal.kind.capitalize()} {principal.name} already has full "
                f"control of account {principal.account_id} through "
                f"{', '.join(granting) or 'its policies'}."
            ),
            evidence=to_json_text(
                [
                    {
                        "technique": ADMIN_TECHNIQUE,
                        "statements": evidence,
                        "own_policies_admin": own_policies_admin,
                    }
                ]
            ),
        )
    logger.info(
        "found %d admin principals and %d conditional ones",
        len(view.admins),
        len(view.conditional_admins),
    )


def admin_evidence(
    view: EstateView, principal_view: PrincipalView
) -> tuple[list[dict[str, Any]], bool] | None:
    """Return the allowing statements and whether any is conditional, or None
    when some probe action is not allowed on `*`."""
    if not view.may_allow_all(principal_view, ADMIN_PROBE_ACTIONS):
        return None
    per_action: list[list[dict[str, Any]]] = []
    conditional = False
    for action in ADMIN_PROBE_ACTIONS:
        result = view.evaluate(principal_view, action, "*")
        if not result.allowed:
            return None
        conditional = conditional or result.conditional
        per_action.append(statement_evidence(principal_view, result))
    # Name the statements that allow every probe action (AdministratorAccess's
    # one statement, say) rather than each policy that allows some of them.
    common = [
        item for item in per_action[0] if all(item in items for items in per_action[1:])
    ]
    if common:
        return common, conditional
    evidence: list[dict[str, Any]] = []
    for items in per_action:
        for item in items:
            if item not in evidence:
                evidence.append(item)
    return evidence, conditional


def _own_policies_admin(view: EstateView, principal_view: PrincipalView) -> bool:
    """Tell whether a user is admin through its own attached or inline policies,
    without the policies of its groups."""
    if not principal_view.groups:
        return True
    principal = principal_view.principal
    own_ids = set(principal.managed_policy_arns)
    own_ids.update(
        f"{principal.arn}#inline:{name}" for name in principal.inline_policies
    )
    policies = principal_view.policies
    own_view = PrincipalView(
        principal,
        PrincipalPolicySet(
            identity_policies=[
                policy
                for policy in policies.identity_policies
                if policy.policy_id in own_ids
            ],
            boundary=policies.boundary,
            scp_levels=policies.scp_levels,
        ),
        principal_view.sources,
        # The key names the principal so no cached result of a full policy
        # set answers for this partial one.
        ("own-policies", principal.arn, *principal_view.key),
        principal_view.documents,
    )
    return admin_evidence(view, own_view) is not None
