"""Azure nodes and fact edges: hierarchy, principals, resources, networks, roles.

Derived attack edges come later (`escalation.py`, `access.py`,
`exposure.py`) and attach to the nodes made here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.aws.sensitivity import (
    Sensitivity,
    classify_sensitivity,
    max_level,
)
from toxicpath.analysis.azure import ids
from toxicpath.analysis.azure.types import (
    NETWORK_INTERFACE_TYPE,
    NSG_TYPE,
    RESOURCE_TYPE_MAP,
    SKIPPED_RESOURCE_TYPES,
    UAMI_TYPE,
    VIRTUAL_MACHINE_TYPE,
    VMSS_TYPE,
)
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.azure.arm import ref_id, subscription_id_node
from toxicpath.ingest.azure.estate import (
    CONTAINER_TYPE,
    SUBNET_TYPE,
    VNET_TYPE,
    AzureEstate,
    AzureResource,
    ResourceGroup,
    RoleDefinition,
)
from toxicpath.ingest.transform import TransformContext


def azure_node_props(
    *,
    node_type: str,
    native_type: str,
    name: str,
    account_id: str,
    scan_id: str,
    region: str = "",
    tags: Mapping[str, str] | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the properties every Azure node carries, with tags and attrs as JSON."""
    return {
        "cloud": "azure",
        "type": node_type,
        "native_type": native_type,
        "name": name,
        "account_id": account_id,
        "region": region,
        "tags": to_json_text(dict(tags or {})),
        "attrs": to_json_text(dict(attrs or {})),
        "scan_id": scan_id,
    }


def add_fact_edge(
    records: GraphRecords,
    edge_type: str,
    source: str,
    target: str,
    *,
    scan_id: str,
    reason: str,
    evidence: list[dict[str, Any]] | None = None,
) -> None:
    props: dict[str, Any] = {"scan_id": scan_id, "reason": reason}
    if evidence:
        props["evidence"] = to_json_text(evidence)
    records.add_edge(edge_type, source, target, **props)


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
            _add_network_node(records, resource, scan_id)
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
        _link_to_account(records, resource, scan_id)
        for identity in index.runs_as.get(resource.id, []):
            add_fact_edge(
                records,
                "RUNS_AS",
                resource.id,
                identity,
                scan_id=scan_id,
                reason=f"{resource.name} runs with managed identity {identity}.",
                evidence=[{"kind": "identity_block", "resource": resource.id}],
            )
    _link_networks(estate, records, scan_id)


def _sensitivity(
    estate: AzureEstate,
    resource: AzureResource,
    node_type: str,
    context: TransformContext,
) -> Sensitivity:
    """Classify a resource; a blob container is at least as sensitive as its account."""
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


def _link_to_account(
    records: GraphRecords, resource: AzureResource, scan_id: str
) -> None:
    parent = resource.resource_group_id
    if not parent or parent not in records.nodes:
        parent = subscription_id_node(resource.subscription_id)
    if parent in records.nodes:
        add_fact_edge(
            records,
            "IN_ACCOUNT",
            resource.id,
            parent,
            scan_id=scan_id,
            reason=f"{resource.name} is in {parent}.",
        )


def _add_network_node(
    records: GraphRecords, resource: AzureResource, scan_id: str
) -> None:
    properties = resource.properties
    if resource.type == VNET_TYPE:
        space = properties.get("addressSpace") or {}
        cidrs = (
            list(space.get("addressPrefixes") or []) if isinstance(space, dict) else []
        )
        node_type = "vnet"
    elif resource.type == SUBNET_TYPE:
        prefixes = properties.get("addressPrefixes") or []
        prefix = properties.get("addressPrefix")
        cidrs = [prefix] if prefix else list(prefixes)
        node_type = "subnet"
    else:
        cidrs = _nsg_allowed_sources(properties)
        node_type = "nsg"
    records.add_node(
        "Network",
        resource.id,
        cidrs=[str(c) for c in cidrs],
        **azure_node_props(
            node_type=node_type,
            native_type=resource.native_type,
            name=resource.name,
            account_id=resource.subscription_id,
            region=resource.location,
            tags=resource.tags,
            attrs={"arm_id": resource.id},
            scan_id=scan_id,
        ),
    )
    _link_to_account(records, resource, scan_id)


def _nsg_allowed_sources(properties: Mapping[str, Any]) -> list[str]:
    from toxicpath.analysis.azure.nsg import parse_rules

    sources: list[str] = []
    for rule in parse_rules(properties):
        if rule.direction == "inbound" and rule.access == "allow":
            for source in rule.sources:
                if source not in sources:
                    sources.append(source)
    return sources


def _link_networks(estate: AzureEstate, records: GraphRecords, scan_id: str) -> None:
    for subnet in estate.resources_of_type(SUBNET_TYPE):
        vnet_id = subnet.id.rsplit("/subnets/", 1)[0]
        if vnet_id in records.nodes:
            add_fact_edge(
                records,
                "IN_NETWORK",
                subnet.id,
                vnet_id,
                scan_id=scan_id,
                reason=f"Subnet {subnet.name} is in virtual network {vnet_id}.",
            )
        nsg = ref_id(subnet.properties.get("networkSecurityGroup"))
        if nsg in records.nodes:
            add_fact_edge(
                records,
                "IN_NETWORK",
                subnet.id,
                nsg,
                scan_id=scan_id,
                reason=f"Subnet {subnet.name} is guarded by NSG {nsg}.",
            )
    nics = {nic.id: nic for nic in estate.resources_of_type(NETWORK_INTERFACE_TYPE)}
    for machine in estate.resources_of_type(VIRTUAL_MACHINE_TYPE, VMSS_TYPE):
        for nic_id in machine_nic_ids(machine):
            nic = nics.get(nic_id)
            if nic is None:
                continue
            _link_machine_nic(records, machine, nic, scan_id)


def machine_nic_ids(machine: AzureResource) -> list[str]:
    profile = machine.properties.get("networkProfile") or {}
    if not isinstance(profile, dict):
        return []
    return [
        ref_id(nic) for nic in profile.get("networkInterfaces") or [] if ref_id(nic)
    ]


def _link_machine_nic(
    records: GraphRecords, machine: AzureResource, nic: AzureResource, scan_id: str
) -> None:
    nsg = ref_id(nic.properties.get("networkSecurityGroup"))
    if nsg in records.nodes:
        add_fact_edge(
            records,
            "PROTECTED_BY",
            machine.id,
            nsg,
            scan_id=scan_id,
            reason=f"{machine.name} has NSG {nsg} on network interface {nic.name}.",
        )
    for configuration in nic.properties.get("ipConfigurations") or []:
        if not isinstance(configuration, dict):
            continue
        subnet = ref_id(
            (configuration.get("properties") or configuration).get("subnet")
        )
        if subnet in records.nodes:
            add_fact_edge(
                records,
                "IN_NETWORK",
                machine.id,
                subnet,
                scan_id=scan_id,
                reason=f"{machine.name} has a network interface in subnet {subnet}.",
            )
            subnet_node = records.nodes[subnet]
            subnet_nsg = _subnet_nsg(records, subnet_node.id)
            if subnet_nsg:
                add_fact_edge(
                    records,
                    "PROTECTED_BY",
                    machine.id,
                    subnet_nsg,
                    scan_id=scan_id,
                    reason=f"{machine.name} is in subnet {subnet} guarded by NSG "
                    f"{subnet_nsg}.",
                )


def _subnet_nsg(records: GraphRecords, subnet_id: str) -> str:
    for edge in records.edges_of_type("IN_NETWORK"):
        if (
            edge.source == subnet_id
            and records.nodes[edge.target].props.get("type") == "nsg"
        ):
            return edge.target
    return ""


def add_role_nodes(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    roles: Mapping[str, RoleDefinition],
    index: IdentityIndex,
) -> None:
    """Add role definitions in use and role assignments attached to principals."""
    scan_id = context.scan_id
    used = {assignment.role_guid for assignment in estate.role_assignments.values()}
    for guid in sorted(
        used | {g for g, r in estate.role_definitions.items() if r.is_custom}
    ):
        role = roles.get(guid)
        if role is None:
            continue
        records.add_node(
            "Policy",
            ids.role_definition_node(guid),
            document=to_json_text(
                {
                    "roleName": role.role_name,
                    "roleType": role.role_type,
                    "assignableScopes": role.assignable_scopes,
                    "permissions": [vars(p) for p in role.permissions],
                }
            ),
            **azure_node_props(
                node_type="role_definition",
                native_type="Microsoft.Authorization/roleDefinitions",
                name=role.role_name,
                account_id="",
                scan_id=scan_id,
                attrs={"role_type": role.role_type, "guid": guid},
            ),
        )
    for assignment in estate.role_assignments.values():
        role = roles.get(assignment.role_guid)
        node_id = ids.role_assignment_node(assignment.id)
        records.add_node(
            "Policy",
            node_id,
            document=to_json_text(
                {
                    "scope": assignment.scope,
                    "roleDefinitionId": assignment.role_guid,
                    "principalId": assignment.principal_id,
                    "principalType": assignment.principal_type,
                    "condition": assignment.condition,
                }
            ),
            **azure_node_props(
                node_type="role_assignment",
                native_type="Microsoft.Authorization/roleAssignments",
                name=f"{role.role_name if role else assignment.role_guid} at "
                f"{assignment.scope}",
                account_id=_subscription_of_scope(assignment.scope),
                scan_id=scan_id,
            ),
        )
        principal = index.node_for_principal(assignment.principal_id)
        if principal in records.nodes:
            records.add_edge(
                "ATTACHED_TO",
                node_id,
                principal,
                scan_id=scan_id,
                reason=f"Role {role.role_name if role else assignment.role_guid} is "
                f"assigned to this principal at {assignment.scope}.",
                attachment="role_assignment",
            )


def _subscription_of_scope(scope: str) -> str:
    parts = scope.split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else ""
