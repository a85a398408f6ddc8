"""Azure account and identity nodes: hierarchy, managed identities, Entra principals.

Resources, networks and roles get their nodes in `resource_nodes.py`,
`network_nodes.py` and `policy_nodes.py`; derived attack edges come later
(`escalation.py`, `access.py`, `exposure.py`) and attach to these nodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.azure import ids
from toxicpath.analysis.azure.node_props import add_fact_edge, azure_node_props
from toxicpath.analysis.azure.types import (
    UAMI_TYPE,
)
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.azure.arm import subscription_id_node
from toxicpath.ingest.azure.estate import (
    AzureEstate,
    ResourceGroup,
)
from toxicpath.ingest.transform import TransformContext


@dataclass
class IdentityIndex:
    """Index of identity nodes by resource and principal, filled as nodes are built."""

    # resource id -> identity node ids it runs as
    runs_as: dict[str, list[str]] = field(default_factory=dict)
    # principal object id -> node id
    principal_nodes: dict[str, str] = field(default_factory=dict)
    # user-assigned identity ARM id -> node id
    user_assigned: dict[str, str] = field(default_factory=dict)

    def node_for_principal(self, object_id: str) -> str:
        return self.principal_nodes.get(object_id, ids.principal_node(object_id))


def add_account_nodes(
    estate: AzureEstate, records: GraphRecords, context: TransformContext
) -> None:
    """Add tenant, management group, subscription and resource group nodes."""
    scan_id = context.scan_id
    for tenant_id in sorted(estate.tenant_ids):
        records.add_node(
            "Account",
            ids.tenant_node(tenant_id),
            parent_id="",
            **azure_node_props(
                node_type="azure_tenant",
                native_type="Microsoft.Entra/tenant",
                name=tenant_id,
                account_id=tenant_id,
                scan_id=scan_id,
            ),
        )
    for group in estate.management_groups.values():
        parent = group.parent_id
        if not parent and group.tenant_id:
            parent = ids.tenant_node(group.tenant_id)
        records.add_node(
            "Account",
            group.id,
            parent_id=parent,
            **azure_node_props(
                node_type="azure_management_group",
                native_type="Microsoft.Management/managementGroups",
                name=group.display_name,
                account_id=group.name,
                scan_id=scan_id,
            ),
        )
    for group in estate.management_groups.values():
        parent = group.parent_id or (
            ids.tenant_node(group.tenant_id) if group.tenant_id else ""
        )
        if parent in records.nodes:
            add_fact_edge(
                records,
                "IN_ACCOUNT",
                group.id,
                parent,
                scan_id=scan_id,
                reason=f"Management group {group.display_name} is inside {parent}.",
            )
    for subscription in estate.subscriptions.values():
        node_id = subscription_id_node(subscription.subscription_id)
        parent = subscription.management_group_id or (
            ids.tenant_node(subscription.tenant_id) if subscription.tenant_id else ""
        )
        records.add_node(
            "Account",
            node_id,
            parent_id=parent,
            **azure_node_props(
                node_type="azure_subscription",
                native_type="Microsoft.Resources/subscriptions",
                name=subscription.display_name or subscription.subscription_id,
                account_id=subscription.subscription_id,
                scan_id=scan_id,
                attrs={
                    "state": subscription.state,
                    "tenant_id": subscription.tenant_id,
                },
            ),
        )
        if parent in records.nodes:
            add_fact_edge(
                records,
                "IN_ACCOUNT",
                node_id,
                parent,
                scan_id=scan_id,
                reason=f"Subscription {subscription.subscription_id} is in {parent}.",
            )
        _add_account_admin(records, subscription.subscription_id, scan_id)
    for group_id, resource_group in estate.resource_groups.items():
        _add_resource_group(records, group_id, resource_group, scan_id)


def _add_resource_group(
    records: GraphRecords, group_id: str, group: ResourceGroup, scan_id: str
) -> None:
    records.add_node(
        "Account",
        group_id,
        parent_id=subscription_id_node(group.subscription_id),
        **azure_node_props(
            node_type="azure_resource_group",
            native_type="Microsoft.Resources/resourceGroups",
            name=group.name,
            account_id=group.subscription_id,
            region=group.location,
            tags=group.tags,
            scan_id=scan_id,
        ),
    )
    add_fact_edge(
        records,
        "IN_ACCOUNT",
        group_id,
        subscription_id_node(group.subscription_id),
        scan_id=scan_id,
        reason=f"Resource group {group.name} is in subscription "
        f"{group.subscription_id}.",
    )


def _add_account_admin(
    records: GraphRecords, subscription_id: str, scan_id: str
) -> None:
    node_id = ids.account_admin_node(subscription_id)
    records.add_node(
        "Identity",
        node_id,
        is_admin=True,
        **azure_node_props(
            node_type="account_admin",
            native_type="",
            name=f"full control of subscription {subscription_id}",
            account_id=subscription_id,
            scan_id=scan_id,
        ),
    )
    add_fact_edge(
        records,
        "IN_ACCOUNT",
        node_id,
        subscription_id_node(subscription_id),
        scan_id=scan_id,
        reason=f"Full control of subscription {subscription_id}.",
    )


def add_identity_nodes(
    estate: AzureEstate, records: GraphRecords, context: TransformContext
) -> IdentityIndex:
    """Add managed identities, Entra principals and the anonymous principal."""
    index = IdentityIndex()
    scan_id = context.scan_id
    _add_managed_identities(estate, records, index, scan_id)
    _add_entra_principals(estate, records, index, scan_id)
    records.add_node(
        "Identity",
        ids.ANONYMOUS_NODE,
        is_admin=False,
        **azure_node_props(
            node_type="anonymous",
            native_type="",
            name="anonymous (Azure)",
            account_id="",
            scan_id=scan_id,
        ),
    )
    # Anyone on the internet can act as the anonymous principal.
    records.add_edge(
        "EXPOSED_TO",
        INTERNET_ID,
        ids.ANONYMOUS_NODE,
        ports=[],
        protocol="all",
        cidrs=["0.0.0.0/0", "::/0"],
        conditional=False,
        scan_id=scan_id,
        reason="Anyone on the internet can send unauthenticated Azure requests.",
        evidence=to_json_text(
            [{"kind": "outside_principal", "principal": "anonymous"}]
        ),
    )
    return index


def _add_managed_identities(
    estate: AzureEstate, records: GraphRecords, index: IdentityIndex, scan_id: str
) -> None:
    for uami in estate.resources_of_type(UAMI_TYPE):
        principal_id = str(uami.properties.get("principalId") or "").lower()
        node_id = (
            ids.principal_node(principal_id)
            if principal_id
            else ids.user_assigned_identity_node(uami.id)
        )
        index.user_assigned[uami.id] = node_id
        if principal_id:
            index.principal_nodes[principal_id] = node_id
        _add_managed_identity(
            records,
            node_id,
            name=uami.name,
            subscription_id=uami.subscription_id,
            region=uami.location,
            tags=uami.tags,
            attrs={
                "arm_id": uami.id,
                "client_id": uami.properties.get("clientId", ""),
                "principal_id": principal_id,
                "assignment": "user_assigned",
            },
            scan_id=scan_id,
        )
    for resource in estate.resources.values():
        for principal_id, uami_id in resource.managed_identity_principals():
            node_id = _identity_node_of(index, principal_id, uami_id)
            if not uami_id:
                index.principal_nodes[principal_id] = node_id
                _add_managed_identity(
                    records,
                    node_id,
                    name=f"{resource.name} (system-assigned)",
                    subscription_id=resource.subscription_id,
                    region=resource.location,
                    tags={},
                    attrs={
                        "resource": resource.id,
                        "principal_id": principal_id,
                        "assignment": "system_assigned",
                    },
                    scan_id=scan_id,
                )
            elif node_id not in records.nodes:
                index.user_assigned[uami_id] = node_id
                _add_managed_identity(
                    records,
                    node_id,
                    name=uami_id.rsplit("/", 1)[-1],
                    subscription_id=resource.subscription_id,
                    region=resource.location,
                    tags={},
                    attrs={"arm_id": uami_id, "assignment": "user_assigned"},
                    scan_id=scan_id,
                )
            index.runs_as.setdefault(resource.id, []).append(node_id)


def _add_entra_principals(
    estate: AzureEstate, records: GraphRecords, index: IdentityIndex, scan_id: str
) -> None:
    tenant = next(iter(sorted(estate.tenant_ids)), "")
    for principal in estate.principals.values():
        node_id = index.node_for_principal(principal.object_id)
        if node_id in records.nodes:
            continue
        records.add_node(
            "Identity",
            node_id,
            **azure_node_props(
                node_type=principal.kind,
                native_type=f"Microsoft.Entra/{principal.kind}",
                name=principal.name or principal.object_id,
                account_id=tenant,
                scan_id=scan_id,
                attrs={"object_id": principal.object_id, **principal.attrs},
            ),
        )
        if tenant:
            add_fact_edge(
                records,
                "IN_ACCOUNT",
                node_id,
                ids.tenant_node(tenant),
                scan_id=scan_id,
                reason=f"{principal.name or principal.object_id} is in {tenant}.",
            )
    for group, members in estate.group_members.items():
        for member in sorted(members):
            source = index.node_for_principal(member)
            target = index.node_for_principal(group)
            if source in records.nodes and target in records.nodes:
                add_fact_edge(
                    records,
                    "MEMBER_OF",
                    source,
                    target,
                    scan_id=scan_id,
                    reason="Entra ID group membership.",
                )


def _identity_node_of(index: IdentityIndex, principal_id: str, uami_id: str) -> str:
    if uami_id and uami_id in index.user_assigned:
        return index.user_assigned[uami_id]
    if principal_id:
        return ids.principal_node(principal_id)
    return ids.user_assigned_identity_node(uami_id)


def _add_managed_identity(
    records: GraphRecords,
    node_id: str,
    *,
    name: str,
    subscription_id: str,
    region: str,
    tags: Mapping[str, str],
    attrs: dict[str, Any],
    scan_id: str,
) -> None:
    records.add_node(
        "Identity",
        node_id,
        **azure_node_props(
            node_type="managed_identity",
            native_type="Microsoft.ManagedIdentity/userAssignedIdentities"
            if attrs.get("assignment") == "user_assigned"
            else "Microsoft.ManagedIdentity/systemAssigned",
            name=name,
            account_id=subscription_id,
            region=region,
            tags=tags,
            attrs=attrs,
            scan_id=scan_id,
        ),
    )
    if subscription_id:
        add_fact_edge(
            records,
            "IN_ACCOUNT",
            node_id,
            subscription_id_node(subscription_id),
            scan_id=scan_id,
            reason=f"Managed identity {name} is in subscription {subscription_id}.",
        )
