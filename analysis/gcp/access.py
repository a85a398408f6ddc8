"""Derive CAN_ACCESS edges to GCP data and compute resources, and mark public ones.

Each resource type lists the permissions that read, write or administer it.
A member gets one edge at the highest level granted to it, with the
permissions behind it. `allUsers` and `allAuthenticatedUsers` are members
like any other, so a binding to them makes their nodes reach the resource
and marks it public.

Cloud Storage buckets add two rules:
- public access prevention (`iamConfiguration.publicAccessPrevention:
  enforced` on the bucket, or the `storage.publicAccessPrevention`
  constraint enforced on the project, a folder or the organization) blocks
  every grant to `allUsers` and `allAuthenticatedUsers`; `inherited` does not;
- without uniform bucket-level access, legacy ACL entries for those entities
  on the bucket or its default object ACL also make it public.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from toxicpath.analysis.gcp import ids
from toxicpath.analysis.gcp.iam import Decision, IamEvaluator
from toxicpath.analysis.gcp.nodes import IdentityIndex
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.gcp.assets import BUCKET_TYPE
from toxicpath.ingest.gcp.estate import GcpAsset, GcpEstate
from toxicpath.ingest.transform import TransformContext

PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
PAP_CONSTRAINT = "constraints/storage.publicAccessPrevention"


@dataclass(frozen=True)
class AccessLevels:
    read: tuple[str, ...] = ()
    write: tuple[str, ...] = ()
    admin: tuple[str, ...] = ()


ACCESS_BY_TYPE: dict[str, AccessLevels] = {
    BUCKET_TYPE: AccessLevels(
        read=("storage.objects.get", "storage.objects.list"),
        write=("storage.objects.create", "storage.objects.delete"),
        admin=("storage.buckets.setIamPolicy",),
    ),
    "secretmanager.googleapis.com/Secret": AccessLevels(
        read=("secretmanager.versions.access",),
        write=("secretmanager.versions.add",),
        admin=("secretmanager.secrets.setIamPolicy",),
    ),
    "cloudkms.googleapis.com/CryptoKey": AccessLevels(
        read=("cloudkms.cryptoKeyVersions.useToDecrypt",),
        write=("cloudkms.cryptoKeyVersions.destroy",),
        admin=("cloudkms.cryptoKeys.setIamPolicy",),
    ),
    "bigquery.googleapis.com/Dataset": AccessLevels(
        read=("bigquery.tables.getData",),
        write=("bigquery.tables.updateData",),
        admin=("bigquery.datasets.update",),
    ),
    "sqladmin.googleapis.com/Instance": AccessLevels(
        read=("cloudsql.instances.connect", "cloudsql.instances.export"),
        write=("cloudsql.instances.import",),
        admin=("cloudsql.users.update", "cloudsql.instances.update"),
    ),
    "compute.googleapis.com/Instance": AccessLevels(
        read=("compute.instances.osLogin",),
        admin=(
            "compute.instances.setMetadata",
            "compute.instances.osAdminLogin",
        ),
    ),
    "pubsub.googleapis.com/Topic": AccessLevels(
        write=("pubsub.topics.publish",), admin=("pubsub.topics.setIamPolicy",)
    ),
    "pubsub.googleapis.com/Subscription": AccessLevels(
        read=("pubsub.subscriptions.consume",),
        admin=("pubsub.subscriptions.setIamPolicy",),
    ),
    "container.googleapis.com/Cluster": AccessLevels(
        read=("container.clusters.getCredentials",),
        write=("container.pods.create",),
        admin=("container.clusters.update",),
    ),
    "cloudfunctions.googleapis.com/CloudFunction": AccessLevels(
        read=("cloudfunctions.functions.sourceCodeGet",),
        write=("cloudfunctions.functions.update",),
        admin=("cloudfunctions.functions.setIamPolicy",),
    ),
    "run.googleapis.com/Service": AccessLevels(
        write=("run.services.update",), admin=("run.services.setIamPolicy",)
    ),
}


def derive_access_edges(
    estate: GcpEstate,
    records: GraphRecords,
    context: TransformContext,
    evaluator: IamEvaluator,
    index: IdentityIndex,
    admins: dict[str, set[str]],
) -> None:
    """Add CAN_ACCESS edges from members, public principals and account_admin."""
    for asset in estate.assets.values():
        levels = ACCESS_BY_TYPE.get(asset.asset_type)
        node = records.nodes.get(asset.name)
        if levels is None or node is None or node.label != "Resource":
            continue
        blocked = _public_access_prevention(estate, asset)
        if blocked:
            attrs_note(node.props, "public_access_blocked_by", blocked)
        every_permission = (*levels.read, *levels.write, *levels.admin)
        for member in evaluator.members_on(asset.name):
            if member in admins.get(asset.project_key, set()):
                continue
            if blocked and member in PUBLIC_MEMBERS:
                continue
            if not evaluator.may_have(member, every_permission, asset.name):
                continue
            level, decisions = _level(evaluator, member, asset, levels)
            if not level:
                continue
            source = index.member_nodes.get(member, ids.member_node(member))
            if source not in records.nodes:
                continue
            conditional = all(d.conditional for d in decisions)
            records.add_edge(
                "CAN_ACCESS",
                source,
                asset.name,
                level=level,
                actions=sorted({d.permission for d in decisions}),
                conditional=conditional,
                scan_id=context.scan_id,
                reason=f"{member} holds {level} permissions on {node.props['name']}.",
                evidence=to_json_text(
                    [item for d in decisions for item in d.evidence(member)]
                ),
            )
            if member in PUBLIC_MEMBERS and not conditional:
                node.props["public"] = True
        if asset.asset_type == BUCKET_TYPE and not blocked:
            _legacy_acl_access(asset, records, context, index)
        _admin_reach(records, context, asset)


def _level(
    evaluator: IamEvaluator, member: str, asset: GcpAsset, levels: AccessLevels
) -> tuple[str, list[Decision]]:
    for level, permissions in (
        ("admin", levels.admin),
        ("write", levels.write),
        ("read", levels.read),
    ):
        decisions = [evaluator.decide(member, p, asset.name) for p in permissions]
        allowed = [d for d in decisions if d.allowed]
        if allowed:
            return level, allowed
    return "", []


def _public_access_prevention(estate: GcpEstate, asset: GcpAsset) -> str:
    if asset.asset_type != BUCKET_TYPE:
        return ""
    configuration = asset.data.get("iamConfiguration") or {}
    if str(configuration.get("publicAccessPrevention", "")).lower() == "enforced":
        return "publicAccessPrevention is enforced on the bucket"
    for key in estate.chain(asset.project_key):
        for policy in estate.org_policies.get(key, []):
            if policy.get("constraint") == PAP_CONSTRAINT and _enforced(policy):
                return f"{PAP_CONSTRAINT} is enforced on {key}"
    return ""


def _enforced(policy: dict[str, Any]) -> bool:
    boolean = policy.get("boolean_policy") or policy.get("booleanPolicy") or {}
    if boolean.get("enforced"):
        return True
    spec = policy.get("spec") or {}
    return any(rule.get("enforce") for rule in spec.get("rules") or [])


def _legacy_acl_access(
    asset: GcpAsset,
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
) -> None:
    configuration = asset.data.get("iamConfiguration") or {}
    uniform = (configuration.get("uniformBucketLevelAccess") or {}).get("enabled") or (
        configuration.get("bucketPolicyOnly") or {}
    ).get("enabled")
    if uniform:
        return
    for key in ("acl", "defaultObjectAcl"):
        for entry in asset.data.get(key) or []:
            entity = str(entry.get("entity") or "")
            if entity not in PUBLIC_MEMBERS:
                continue
            role = str(entry.get("role") or "READER")
            level = "write" if role in ("WRITER", "OWNER") else "read"
            records.nodes[asset.name].props["public"] = True
            records.add_edge(
                "CAN_ACCESS",
                index.member_nodes.get(entity, ids.member_node(entity)),
                asset.name,
                level=level,
                actions=[f"acl:{role}"],
                conditional=False,
                scan_id=context.scan_id,
                reason=f"The bucket's {key} grants {role} to {entity} and uniform "
                "bucket-level access is off.",
                evidence=to_json_text(
                    [
                        {
                            "kind": "bucket_acl",
                            "list": key,
                            "entity": entity,
                            "role": role,
                        }
                    ]
                ),
            )


def _admin_reach(
    records: GraphRecords, context: TransformContext, asset: GcpAsset
) -> None:
    admin = ids.account_admin_node(asset.project_key)
    if admin not in records.nodes:
        return
    records.add_edge(
        "CAN_ACCESS",
        admin,
        asset.name,
        level="admin",
        actions=["*"],
        conditional=False,
        scan_id=context.scan_id,
        reason=f"Full control of the project covers {asset.name.rsplit('/', 1)[-1]}.",
        evidence=to_json_text([{"kind": "scope", "project": asset.project_key}]),
    )


def attrs_note(props: dict[str, Any], key: str, value: Any) -> None:
    """Set one key in a node's JSON `attrs` property."""
    attrs = json.loads(props.get("attrs") or "{}")
    attrs[key] = value
    props["attrs"] = to_json_text(attrs)
