"""Parsed Azure configuration: what the Azure analysis reads.

`parse_estate` builds an AzureEstate from the snapshot's `cloud="azure"`
responses. Objects are recognised by their ARM `type`, so the live collector,
`az` CLI exports and REST examples all parse the same way whatever the
operation name. Entra ID objects (users, groups, directory roles) come only
from an AzureHound import, under service `entra`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from toxicpath.ingest.azure.arm import (
    flatten,
    items_of,
    last_segment,
    management_group_id,
    normalize_id,
    ref_id,
    resource_group_id_of,
    subscription_of,
)
from toxicpath.ingest.snapshot import RawResponse, Snapshot

logger = logging.getLogger(__name__)

ROLE_DEFINITION_TYPE = "microsoft.authorization/roledefinitions"
ROLE_ASSIGNMENT_TYPE = "microsoft.authorization/roleassignments"
DENY_ASSIGNMENT_TYPE = "microsoft.authorization/denyassignments"
MANAGEMENT_GROUP_TYPE = "microsoft.management/managementgroups"
SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions"
RESOURCE_GROUP_TYPE = "microsoft.resources/resourcegroups"
VNET_TYPE = "microsoft.network/virtualnetworks"
SUBNET_TYPE = "microsoft.network/virtualnetworks/subnets"
CONTAINER_TYPE = "microsoft.storage/storageaccounts/blobservices/containers"


@dataclass(frozen=True)
class Permission:
    """One entry of a role definition's or deny assignment's `permissions`."""

    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()
    condition: str = ""


@dataclass
class RoleDefinition:
    guid: str
    role_name: str
    role_type: str  # BuiltInRole or CustomRole
    permissions: list[Permission]
    assignable_scopes: list[str] = field(default_factory=list)
    description: str = ""
    arm_id: str = ""

    @property
    def is_custom(self) -> bool:
        return self.role_type.lower() == "customrole"


@dataclass
class RoleAssignment:
    id: str
    scope: str
    role_guid: str
    principal_id: str
    principal_type: str = ""
    condition: str = ""
    condition_version: str = ""
    principal_name: str = ""
    role_name: str = ""


@dataclass
class DenyAssignment:
    id: str
    name: str
    scope: str
    permissions: list[Permission]
    principals: list[str]
    exclude_principals: list[str]
    do_not_apply_to_child_scopes: bool = False


@dataclass
class ManagementGroup:
    id: str
    name: str
    display_name: str
    parent_id: str = ""
    tenant_id: str = ""


@dataclass
class Subscription:
    subscription_id: str
    display_name: str = ""
    tenant_id: str = ""
    management_group_id: str = ""
    state: str = ""


@dataclass
class ResourceGroup:
    id: str
    name: str
    subscription_id: str
    location: str = ""
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class AzureResource:
    """Any ARM resource; `properties` is the flattened object."""

    id: str
    name: str
    type: str  # lower-cased ARM type
    native_type: str
    location: str
    subscription_id: str
    resource_group_id: str
    properties: dict[str, Any] = field(default_factory=dict)
    identity: dict[str, Any] = field(default_factory=dict)
    sku: dict[str, Any] = field(default_factory=dict)
    kind: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    def managed_identity_principals(self) -> list[tuple[str, str]]:
        """Return (principal id, user-assigned identity id or "") of each identity."""
        found: list[tuple[str, str]] = []
        principal = self.identity.get("principalId")
        if principal:
            found.append((str(principal).lower(), ""))
        assigned = self.identity.get("userAssignedIdentities") or {}
        if isinstance(assigned, dict):
            for arm_id, details in assigned.items():
                principal_id = ""
                if isinstance(details, dict):
                    principal_id = str(details.get("principalId") or "").lower()
                found.append((principal_id, normalize_id(arm_id)))
        # AKS nodes run as the kubelet identity, a user-assigned identity
        # named in the cluster properties rather than in its identity block.
        profiles = self.properties.get("identityProfile") or {}
        if isinstance(profiles, dict):
            for profile in profiles.values():
                if isinstance(profile, dict) and profile.get("objectId"):
                    found.append(
                        (
                            str(profile["objectId"]).lower(),
                            normalize_id(profile.get("resourceId")),
                        )
                    )
        return found


@dataclass
class Principal:
    """An Entra ID object: user, group, service principal or managed identity."""

    object_id: str
    kind: str  # user, group, service_principal, managed_identity
    name: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DirectoryRoleAssignment:
    """An Entra ID directory role held by a principal (AzureHound only)."""

    principal_id: str
    role_template_id: str
    role_name: str = ""


@dataclass(frozen=True)
class AppRoleAssignment:
    """An application permission granted to a principal (AzureHound only)."""

    principal_id: str
    app_role_id: str
    resource_app_id: str
    resource_name: str = ""


@dataclass
class AzureEstate:
    tenant_ids: set[str] = field(default_factory=set)
    management_groups: dict[str, ManagementGroup] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    resource_groups: dict[str, ResourceGroup] = field(default_factory=dict)
    role_definitions: dict[str, RoleDefinition] = field(default_factory=dict)
    role_assignments: dict[str, RoleAssignment] = field(default_factory=dict)
    deny_assignments: dict[str, DenyAssignment] = field(default_factory=dict)
    resources: dict[str, AzureResource] = field(default_factory=dict)
    principals: dict[str, Principal] = field(default_factory=dict)
    group_members: dict[str, set[str]] = field(default_factory=dict)
    directory_roles: list[DirectoryRoleAssignment] = field(default_factory=list)
    app_role_assignments: list[AppRoleAssignment] = field(default_factory=list)
    # (owner object id, owned object id): Entra owners of apps, SPs and groups.
    owners: list[tuple[str, str]] = field(default_factory=list)

    def resources_of_type(self, *types: str) -> list[AzureResource]:
        requested = {t.lower() for t in types}
        return [r for r in self.resources.values() if r.type in requested]

    def management_group_chain(self, subscription_id: str) -> list[str]:
        """Return the management group ids above a subscription, nearest first."""
        chain: list[str] = []
        subscription = self.subscriptions.get(subscription_id)
        current = subscription.management_group_id if subscription else ""
        while current and current not in chain:
            chain.append(current)
            group = self.management_groups.get(current)
            current = group.parent_id if group else ""
        return chain


def parse_estate(snapshot: Snapshot) -> AzureEstate:
    """Parse every Azure response of `snapshot` into one AzureEstate."""
    estate = AzureEstate()
    for response in snapshot.responses:
        if response.cloud != "azure":
            continue
        if response.service == "entra":
            _parse_entra(estate, response)
            continue
        for item in items_of(response.body):
            _parse_item(estate, item, response)
    _link_subscriptions(estate)
    return estate


def _strings(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(str(value) for value in values if value)


def parse_permissions(values: Any) -> list[Permission]:
    """Parse a `permissions` list of a role definition or deny assignment."""
    permissions = []
    for entry in values if isinstance(values, list) else []:
        if not isinstance(entry, dict):
            continue
        permissions.append(
            Permission(
                actions=_strings(entry.get("actions")),
                not_actions=_strings(entry.get("notActions")),
                data_actions=_strings(entry.get("dataActions")),
                not_data_actions=_strings(entry.get("notDataActions")),
                condition=str(entry.get("condition") or ""),
            )
        )
    return permissions


def parse_role_definition(item: dict[str, Any]) -> RoleDefinition:
    flat = flatten(item)
    guid = last_segment(str(flat.get("name") or flat.get("id") or "")).lower()
    return RoleDefinition(
        guid=guid,
        role_name=str(flat.get("roleName") or guid),
        # ARM keeps BuiltInRole/CustomRole in `properties.type`, which the
        # envelope's `type` hides after flattening; the CLI calls it roleType.
        role_type=str(flat.get("roleType") or _properties(item).get("type") or ""),
        permissions=parse_permissions(flat.get("permissions")),
        assignable_scopes=[
            normalize_id(s) for s in _strings(flat.get("assignableScopes"))
        ],
        description=str(flat.get("description") or ""),
        arm_id=normalize_id(flat.get("id")),
    )


def _item_type(item: dict[str, Any], response: RawResponse) -> str:
    item_type = str(item.get("type") or "").lower()
    if item_type:
        return item_type
    if "subscriptionId" in item and "displayName" in item:
        return SUBSCRIPTION_TYPE
    if "tenantId" in item and "isDefault" in item:  # `az account list`
        return SUBSCRIPTION_TYPE
    if "roleName" in item and "permissions" in item:
        return ROLE_DEFINITION_TYPE
    if "principalId" in item and "roleDefinitionId" in item:
        return ROLE_ASSIGNMENT_TYPE
    return ""


def _parse_item(
    estate: AzureEstate, item: dict[str, Any], response: RawResponse
) -> None:
    item_type = _item_type(item, response)
    if item_type == ROLE_DEFINITION_TYPE:
        definition = parse_role_definition(item)
        estate.role_definitions.setdefault(definition.guid, definition)
    elif item_type == ROLE_ASSIGNMENT_TYPE:
        assignment = _parse_role_assignment(item)
        estate.role_assignments[assignment.id] = assignment
        _note_assignment_principal(estate, assignment)
        if subscription_of(assignment.scope):
            _subscription(estate, subscription_of(assignment.scope))
    elif item_type == DENY_ASSIGNMENT_TYPE:
        deny = _parse_deny_assignment(item)
        estate.deny_assignments[deny.id] = deny
    elif item_type == MANAGEMENT_GROUP_TYPE:
        _parse_management_group(estate, item, parent_id="")
    elif item_type == SUBSCRIPTION_TYPE:
        _parse_subscription(estate, item)
    elif item_type == RESOURCE_GROUP_TYPE:
        _parse_resource_group(estate, item)
    elif item_type.startswith("microsoft.") or item_type.count("/") >= 1:
        _add_resource(estate, item, item_type)
    else:
        logger.debug(
            "skipping an Azure object without a type in %s", response.operation
        )


def _parse_role_assignment(item: dict[str, Any]) -> RoleAssignment:
    flat = flatten(item)
    assignment_id = normalize_id(flat.get("id")) or str(flat.get("name") or "")
    return RoleAssignment(
        id=assignment_id,
        scope=normalize_id(flat.get("scope")) or "/",
        role_guid=last_segment(str(flat.get("roleDefinitionId") or "")).lower(),
        principal_id=str(flat.get("principalId") or "").lower(),
        principal_type=str(flat.get("principalType") or ""),
        condition=str(flat.get("condition") or ""),
        condition_version=str(flat.get("conditionVersion") or ""),
        principal_name=str(flat.get("principalName") or ""),
        role_name=str(flat.get("roleDefinitionName") or ""),
    )


_PRINCIPAL_KINDS = {
    "user": "user",
    "group": "group",
    "foreigngroup": "group",
    "serviceprincipal": "service_principal",
    "device": "device",
}


def _note_assignment_principal(estate: AzureEstate, assignment: RoleAssignment) -> None:
    if not assignment.principal_id or assignment.principal_id in estate.principals:
        return
    kind = _PRINCIPAL_KINDS.get(assignment.principal_type.lower(), "service_principal")
    estate.principals[assignment.principal_id] = Principal(
        object_id=assignment.principal_id,
        kind=kind,
        name=assignment.principal_name,
    )


def _parse_deny_assignment(item: dict[str, Any]) -> DenyAssignment:
    flat = flatten(item)

    def principal_ids(key: str) -> list[str]:
        values = flat.get(key) or []
        return [
            str(p.get("id") or "").lower()
            for p in values
            if isinstance(p, dict) and p.get("id")
        ]

    return DenyAssignment(
        id=normalize_id(flat.get("id")),
        name=str(flat.get("denyAssignmentName") or flat.get("name") or ""),
        scope=normalize_id(flat.get("scope")) or "/",
        permissions=parse_permissions(flat.get("permissions")),
        principals=principal_ids("principals"),
        exclude_principals=principal_ids("excludePrincipals"),
        do_not_apply_to_child_scopes=bool(flat.get("doNotApplyToChildScopes")),
    )


def _parse_management_group(
    estate: AzureEstate, item: dict[str, Any], *, parent_id: str
) -> None:
    flat = flatten(item)
    name = str(flat.get("name") or last_segment(str(flat.get("id") or "")))
    group_id = normalize_id(flat.get("id")) or management_group_id(name)
    details = flat.get("details") if isinstance(flat.get("details"), dict) else {}
    parent = (
        ref_id((details or {}).get("parent")) or ref_id(flat.get("parent")) or parent_id
    )
    existing = estate.management_groups.get(group_id)
    group = ManagementGroup(
        id=group_id,
        name=name,
        display_name=str(
            flat.get("displayName") or (existing.display_name if existing else name)
        ),
        parent_id=parent or (existing.parent_id if existing else ""),
        tenant_id=str(
            flat.get("tenantId") or (existing.tenant_id if existing else "")
        ).lower(),
    )
    estate.management_groups[group_id] = group
    if group.tenant_id:
        estate.tenant_ids.add(group.tenant_id)
    for child in flat.get("children") or []:
        if not isinstance(child, dict):
            continue
        child_type = str(child.get("type") or "").lower()
        if child_type.endswith("/subscriptions") or child_type == "/subscriptions":
            subscription_id = last_segment(str(child.get("id") or child.get("name")))
            _subscription(
                estate, subscription_id.lower()
            ).management_group_id = group_id
        elif child_type == MANAGEMENT_GROUP_TYPE:
            _parse_management_group(estate, child, parent_id=group_id)


def _subscription(estate: AzureEstate, subscription_id: str) -> Subscription:
    subscription = estate.subscriptions.get(subscription_id)
    if subscription is None:
        subscription = Subscription(subscription_id=subscription_id)
        estate.subscriptions[subscription_id] = subscription
    return subscription


def _parse_subscription(estate: AzureEstate, item: dict[str, Any]) -> None:
    flat = flatten(item)
    subscription_id = str(
        flat.get("subscriptionId") or last_segment(str(flat.get("id") or ""))
    ).lower()
    if not subscription_id:
        return
    subscription = _subscription(estate, subscription_id)
    subscription.display_name = str(
        flat.get("displayName") or flat.get("name") or subscription.display_name
    )
    subscription.tenant_id = str(
        flat.get("tenantId") or flat.get("homeTenantId") or subscription.tenant_id
    ).lower()
    subscription.state = str(flat.get("state") or subscription.state)
    if subscription.tenant_id:
        estate.tenant_ids.add(subscription.tenant_id)


def _parse_resource_group(estate: AzureEstate, item: dict[str, Any]) -> None:
    flat = flatten(item)
    group_id = normalize_id(flat.get("id"))
    subscription_id = subscription_of(group_id)
    estate.resource_groups[group_id] = ResourceGroup(
        id=group_id,
        name=str(flat.get("name") or last_segment(group_id)),
        subscription_id=subscription_id,
        location=str(flat.get("location") or ""),
        tags=_tags(flat.get("tags")),
    )
    _subscription(estate, subscription_id)


def _tags(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def _properties(item: dict[str, Any]) -> dict[str, Any]:
    return _mapping(item.get("properties"))


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _add_resource(estate: AzureEstate, item: dict[str, Any], item_type: str) -> None:
    resource_id = normalize_id(item.get("id"))
    if not resource_id:
        return
    flat = flatten(item)
    properties = {
        k: v
        for k, v in flat.items()
        if k
        not in ("id", "name", "type", "location", "identity", "sku", "kind", "tags")
    }
    resource = AzureResource(
        id=resource_id,
        name=str(item.get("name") or last_segment(resource_id)),
        type=item_type,
        native_type=str(item.get("type") or item_type),
        location=str(item.get("location") or ""),
        subscription_id=subscription_of(resource_id),
        resource_group_id=resource_group_id_of(resource_id),
        properties=properties,
        identity=_mapping(item.get("identity")),
        sku=_mapping(item.get("sku")),
        kind=str(item.get("kind") or ""),
        tags=_tags(item.get("tags")),
    )
    existing = estate.resources.get(resource_id)
    if existing is not None:
        # A generic resource listing carries no properties; a typed list does.
        existing.properties.update(resource.properties)
        existing.identity = resource.identity or existing.identity
        existing.sku = resource.sku or existing.sku
        existing.kind = resource.kind or existing.kind
        existing.tags = resource.tags or existing.tags
    else:
        estate.resources[resource_id] = resource
    if resource.subscription_id:
        _subscription(estate, resource.subscription_id)
    if item_type == VNET_TYPE:
        for subnet in flat.get("subnets") or []:
            if isinstance(subnet, dict):
                _add_resource(estate, subnet, SUBNET_TYPE)


def _parse_entra(estate: AzureEstate, response: RawResponse) -> None:
    """Read the neutral Entra shapes the AzureHound importer writes."""
    for item in items_of(response.body):
        if response.operation == "principals-list":
            object_id = str(item.get("id") or "").lower()
            if not object_id:
                continue
            estate.principals[object_id] = Principal(
                object_id=object_id,
                kind=str(item.get("kind") or "service_principal"),
                name=str(item.get("displayName") or ""),
                attrs=dict(item.get("attrs") or {}),
            )
            tenant = str(item.get("tenantId") or "").lower()
            if tenant:
                estate.tenant_ids.add(tenant)
        elif response.operation == "group-members-list":
            group = str(item.get("groupId") or "").lower()
            member = str(item.get("memberId") or "").lower()
            if group and member:
                estate.group_members.setdefault(group, set()).add(member)
        elif response.operation == "directory-role-assignments-list":
            estate.directory_roles.append(
                DirectoryRoleAssignment(
                    principal_id=str(item.get("principalId") or "").lower(),
                    role_template_id=str(item.get("roleTemplateId") or "").lower(),
                    role_name=str(item.get("roleName") or ""),
                )
            )
        elif response.operation == "app-role-assignments-list":
            estate.app_role_assignments.append(
                AppRoleAssignment(
                    principal_id=str(item.get("principalId") or "").lower(),
                    app_role_id=str(item.get("appRoleId") or "").lower(),
                    resource_app_id=str(item.get("resourceAppId") or "").lower(),
                    resource_name=str(item.get("resourceDisplayName") or ""),
                )
            )
        elif response.operation == "owners-list":
            owner = str(item.get("ownerId") or "").lower()
            target = str(item.get("targetId") or "").lower()
            if owner and target:
                estate.owners.append((owner, target))


def _link_subscriptions(estate: AzureEstate) -> None:
    """Fill subscription tenants from management groups when the list lacked them."""
    tenant = next(iter(estate.tenant_ids)) if len(estate.tenant_ids) == 1 else ""
    for subscription in estate.subscriptions.values():
        if not subscription.tenant_id and tenant:
            subscription.tenant_id = tenant
