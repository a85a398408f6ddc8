"""Public access: CAN_ACCESS edges from the anonymous and any-principal
nodes, from resource policies and S3 ACLs, with S3 Block Public Access
(account and bucket settings combined) applied. A resource with an
unconditional public grant gets `public=True`.
"""

from __future__ import annotations

import logging
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.access.targets import LEVELS, SERVICE_ACTIONS, AccessTarget
from toxicpath.analysis.aws.escalation.context import EstateView
from toxicpath.analysis.aws.escalation.evidence import statement_evidence
from toxicpath.analysis.aws.identity import add_outside_principal
from toxicpath.analysis.aws.policy import EvaluationResult, resource_policy_grants
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.aws.estate import AwsEstate, Bucket, PublicAccessBlock
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

# S3 ACL grantee groups, which the anonymous and any-principal nodes represent.
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
