"""GCP resource, network and policy nodes, with RUNS_AS and IN_ACCOUNT facts."""

from __future__ import annotations

from typing import Any

from toxicpath.analysis.aws.sensitivity import classify_sensitivity
from toxicpath.analysis.gcp import ids
from toxicpath.analysis.gcp.node_props import add_fact_edge, gcp_node_props
from toxicpath.analysis.gcp.nodes import IdentityIndex
from toxicpath.analysis.gcp.roles import RoleCatalog
from toxicpath.analysis.gcp.workloads import (
    RESOURCE_TYPE_MAP,
    access_scopes,
    has_full_api_scope,
)
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.gcp.assets import (
    FIREWALL_TYPE,
    INSTANCE_TYPE,
    NETWORK_TYPE,
    SUBNETWORK_TYPE,
    last_segment,
)
from toxicpath.ingest.gcp.estate import CRM_PREFIX, GcpAsset, GcpEstate
from toxicpath.ingest.transform import TransformContext

_NETWORK_TYPES = {
    NETWORK_TYPE: "vpc",
    SUBNETWORK_TYPE: "subnet",
    FIREWALL_TYPE: "firewall_rule",
}


def _labels(asset: GcpAsset) -> dict[str, str]:
    labels = asset.data.get("labels")
    return (
        {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
    )


def _display_name(asset: GcpAsset) -> str:
    for key in ("displayName", "name"):
        value = asset.data.get(key)
        if isinstance(value, str) and value:
            return last_segment(value)
    return last_segment(asset.name)


def add_resource_nodes(
    estate: GcpEstate,
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
) -> None:
    """Add Resource and Network nodes for the asset types the analysis reads."""
    for asset in estate.assets.values():
        if asset.asset_type in _NETWORK_TYPES:
            _add_network(estate, records, asset, context)
            continue
        node_type = RESOURCE_TYPE_MAP.get(asset.asset_type)
        if node_type is None:
            continue
        labels = _labels(asset)
        name = _display_name(asset)
        sensitivity = classify_sensitivity(
            resource_id=asset.name,
            name=name,
            resource_type=node_type,
            tags=labels,
            overrides=context.sensitivity_overrides,
        )
        records.add_node(
            "Resource",
            asset.name,
            public=False,
            encrypted=_encrypted(asset),
            sensitivity=sensitivity.level,
            public_ip=_public_ip(asset),
            **gcp_node_props(
                node_type=node_type,
                native_type=asset.asset_type,
                name=name,
                account_id=estate.project_id_of(asset.project_key),
                region=asset.location,
                tags=labels,
                attrs=_resource_attrs(asset, sensitivity.reason),
                scan_id=context.scan_id,
            ),
        )
        _link(records, asset, context.scan_id)
        for email in index.runs_as.get(asset.name, []):
            evidence: dict[str, Any] = {"kind": "service_account", "email": email}
            reason = f"{name} runs as service account {email}."
            if asset.asset_type == INSTANCE_TYPE:
                scopes = access_scopes(asset)
                evidence["scopes"] = scopes
                if not has_full_api_scope(scopes):
                    # NOTE: the edge stays, but a token with narrow scopes
                    # cannot call most APIs the account's roles allow.
                    reason = (
                        f"{name} runs as service account {email}, with its token "
                        f"limited to the access scopes {', '.join(scopes) or '(none)'}."
                    )
            add_fact_edge(
                records,
                "RUNS_AS",
                asset.name,
                ids.service_account_node(email),
                scan_id=context.scan_id,
                reason=reason,
                evidence=[evidence],
            )


def _encrypted(asset: GcpAsset) -> bool | None:
    # Google encrypts all data at rest; a customer-managed key is noted in attrs.
    if asset.asset_type in (
        "storage.googleapis.com/Bucket",
        "sqladmin.googleapis.com/Instance",
    ):
        return True
    return None


def _public_ip(asset: GcpAsset) -> str:
    if asset.asset_type == INSTANCE_TYPE:
        for interface in asset.data.get("networkInterfaces") or []:
            for config in interface.get("accessConfigs") or []:
                if config.get("natIP"):
                    return str(config["natIP"])
    if asset.asset_type.endswith("ForwardingRule"):
        scheme = str(asset.data.get("loadBalancingScheme") or "EXTERNAL")
        if scheme.startswith("EXTERNAL"):
            return str(asset.data.get("IPAddress") or "")
    return ""


def _resource_attrs(asset: GcpAsset, sensitivity_reason: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {"sensitivity_reason": sensitivity_reason}
    data = asset.data
    if asset.asset_type == "storage.googleapis.com/Bucket":
        iam_configuration = data.get("iamConfiguration") or {}
        attrs["public_access_prevention"] = iam_configuration.get(
            "publicAccessPrevention", ""
        )
        attrs["uniform_bucket_level_access"] = bool(
            (iam_configuration.get("uniformBucketLevelAccess") or {}).get("enabled")
            or (iam_configuration.get("bucketPolicyOnly") or {}).get("enabled")
        )
        if (data.get("encryption") or {}).get("defaultKmsKeyName"):
            attrs["kms_key"] = data["encryption"]["defaultKmsKeyName"]
    if asset.asset_type == INSTANCE_TYPE:
        attrs["network_tags"] = list((data.get("tags") or {}).get("items") or [])
        attrs["access_scopes"] = access_scopes(asset)
        attrs["full_api_access"] = has_full_api_scope(access_scopes(asset))
        attrs["status"] = data.get("status", "")
    return attrs


def _link(records: GraphRecords, asset: GcpAsset, scan_id: str) -> None:
    parent = ids.account_node(asset.project_key) if asset.project_key else ""
    if parent in records.nodes:
        add_fact_edge(
            records,
            "IN_ACCOUNT",
            asset.name,
            parent,
            scan_id=scan_id,
            reason=f"{last_segment(asset.name)} is in {asset.project_key}.",
        )


def _add_network(
    estate: GcpEstate, records: GraphRecords, asset: GcpAsset, context: TransformContext
) -> None:
    data = asset.data
    cidrs: list[str] = []
    if asset.asset_type == SUBNETWORK_TYPE and data.get("ipCidrRange"):
        cidrs = [str(data["ipCidrRange"])]
    if asset.asset_type == FIREWALL_TYPE:
        cidrs = [str(c) for c in data.get("sourceRanges") or []]
    attrs: dict[str, Any] = {}
    if asset.asset_type == FIREWALL_TYPE:
        attrs = {
            key: data.get(key)
            for key in (
                "direction",
                "priority",
                "disabled",
                "allowed",
                "denied",
                "sourceTags",
                "sourceServiceAccounts",
                "targetTags",
                "targetServiceAccounts",
                "network",
            )
            if key in data
        }
    records.add_node(
        "Network",
        asset.name,
        cidrs=cidrs,
        **gcp_node_props(
            node_type=_NETWORK_TYPES[asset.asset_type],
            native_type=asset.asset_type,
            name=_display_name(asset),
            account_id=estate.project_id_of(asset.project_key),
            region=asset.location,
            attrs=attrs,
            scan_id=context.scan_id,
        ),
    )
    _link(records, asset, context.scan_id)


def add_policy_nodes(
    estate: GcpEstate,
    records: GraphRecords,
    context: TransformContext,
    roles: RoleCatalog,
    index: IdentityIndex,
) -> None:
    """Add custom-role nodes and an iam_binding node per binding, on its target."""
    for role in estate.custom_roles.values():
        records.add_node(
            "Policy",
            ids.role_node(role.name),
            document=to_json_text(
                {"name": role.name, "includedPermissions": sorted(role.permissions)}
            ),
            **gcp_node_props(
                node_type="role_definition",
                native_type="iam.googleapis.com/Role",
                name=role.title,
                account_id=role.parent_key,
                scan_id=context.scan_id,
                attrs={"stage": role.stage, "deleted": role.deleted},
            ),
        )
    sa_by_resource = {
        sa.full_name: sa.email
        for sa in estate.service_accounts.values()
        if sa.full_name
    }
    for number, binding in enumerate(estate.bindings):
        target = _binding_target(binding.resource, sa_by_resource)
        if target not in records.nodes:
            continue
        node_id = ids.binding_node(binding.resource, binding.role, number)
        resolved = roles.get(binding.role)
        records.add_node(
            "Policy",
            node_id,
            document=to_json_text(
                {
                    "role": binding.role,
                    "members": list(binding.members),
                    **({"condition": binding.condition} if binding.condition else {}),
                }
            ),
            **gcp_node_props(
                node_type="iam_binding",
                native_type="google.iam.v1.Binding",
                name=f"{binding.role} on {last_segment(binding.resource)}",
                account_id=str(records.nodes[target].props.get("account_id", "")),
                scan_id=context.scan_id,
                attrs={
                    "resource": binding.resource,
                    "role": binding.role,
                    "role_resolved": resolved is not None,
                },
            ),
        )
        add_fact_edge(
            records,
            "ATTACHED_TO",
            node_id,
            target,
            scan_id=context.scan_id,
            reason=f"IAM binding of {binding.role} on {binding.resource}.",
        )
        records.edges[("ATTACHED_TO", node_id, target, "")].props["attachment"] = (
            "binding"
        )


def _binding_target(resource: str, sa_by_resource: dict[str, str]) -> str:
    if resource.startswith(CRM_PREFIX):
        return ids.account_node(resource[len(CRM_PREFIX) :])
    if resource in sa_by_resource:
        return ids.service_account_node(sa_by_resource[resource])
    return resource
