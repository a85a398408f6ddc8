"""Azure resource nodes with sensitivity, and their IN_ACCOUNT and RUNS_AS edges."""

from __future__ import annotations

from typing import Any

from toxicpath.analysis.aws.sensitivity import (
    Sensitivity,
    classify_sensitivity,
    max_level,
)
from toxicpath.analysis.azure.network_nodes import add_network_node, link_networks
from toxicpath.analysis.azure.node_props import (
    add_fact_edge,
    azure_node_props,
    link_to_account,
)
from toxicpath.analysis.azure.nodes import IdentityIndex
from toxicpath.analysis.azure.types import (
    NSG_TYPE,
    RESOURCE_TYPE_MAP,
    SKIPPED_RESOURCE_TYPES,
)
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.azure.estate import (
    CONTAINER_TYPE,
    SUBNET_TYPE,
    VNET_TYPE,
    AzureEstate,
    AzureResource,
)
from toxicpath.ingest.transform import TransformContext


def add_resource_nodes(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
) -> None:
    """Add resources, networks and their fact edges (IN_ACCOUNT, RUNS_AS, ...)."""
    scan_id = context.scan_id
    for resource in estate.resources.values():
        if resource.type in (VNET_TYPE, SUBNET_TYPE, NSG_TYPE):
            add_network_node(records, resource, scan_id)
            continue
        node_type = RESOURCE_TYPE_MAP.get(resource.type)
        if node_type is None:
            if resource.type in SKIPPED_RESOURCE_TYPES or _is_child_setting(resource):
                continue
            node_type = "other"
        sensitivity = _sensitivity(estate, resource, node_type, context)
        records.add_node(
            "Resource",
            resource.id,
            public=False,
            encrypted=True if resource.type.startswith("microsoft.storage/") else None,
            sensitivity=sensitivity.level,
            public_ip="",
            **azure_node_props(
                node_type=node_type,
                native_type=resource.native_type,
                name=resource.name,
                account_id=resource.subscription_id,
                region=resource.location,
                tags=resource.tags,
                attrs=_resource_attrs(resource, sensitivity.reason),
                scan_id=scan_id,
            ),
        )
        link_to_account(records, resource, scan_id)
        for identity in index.runs_as.get(resource.id, []):
            add_fact_edge(
                records,
                "RUNS_AS",
                resource.id,
                identity,
                scan_id=scan_id,
                reason=f"{resource.name} runs with managed identity "
                f"{records.nodes[identity].props.get('name', identity)}.",
                evidence=[{"kind": "identity_block", "resource": resource.id}],
            )
    link_networks(estate, records, scan_id)


def _sensitivity(
    estate: AzureEstate,
    resource: AzureResource,
    node_type: str,
    context: TransformContext,
) -> Sensitivity:
    """Classify a resource. A blob container is at least as sensitive as its account."""
    own = classify_sensitivity(
        resource_id=resource.id,
        name=resource.name,
        resource_type=node_type,
        tags=resource.tags,
        overrides=context.sensitivity_overrides,
    )
    if resource.type != CONTAINER_TYPE:
        return own
    account = estate.resources.get(resource.id.split("/blobservices/", 1)[0])
    if account is None:
        return own
    inherited = classify_sensitivity(
        resource_id=account.id,
        name=account.name,
        resource_type=node_type,
        tags=account.tags,
        overrides=context.sensitivity_overrides,
    )
    if max_level(own.level, inherited.level) == own.level:
        return own
    reason = f"storage account {account.name}: {inherited.reason}"
    return Sensitivity(inherited.level, reason)


def _is_child_setting(resource: AzureResource) -> bool:
    """Sub-resources such as VM extensions or NSG rules are settings, not targets."""
    return resource.type.count("/") > 1 and resource.type not in RESOURCE_TYPE_MAP


def _resource_attrs(resource: AzureResource, sensitivity_reason: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "arm_id": resource.id,
        "kind": resource.kind,
        "sku": resource.sku.get("name", "") if resource.sku else "",
        "sensitivity_reason": sensitivity_reason,
    }
    properties = resource.properties
    for key in (
        "allowBlobPublicAccess",
        "allowSharedKeyAccess",
        "publicNetworkAccess",
        "enableRbacAuthorization",
        "publicAccess",
        "enablePurgeProtection",
        "minimumTlsVersion",
        "supportsHttpsTrafficOnly",
        "httpsOnly",
    ):
        if key in properties:
            attrs[key] = properties[key]
    acls = properties.get("networkAcls") or properties.get("networkRuleSet")
    if isinstance(acls, dict) and "defaultAction" in acls:
        attrs["network_default_action"] = acls["defaultAction"]
    return attrs
