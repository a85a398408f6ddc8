"""Entra ID (Microsoft Graph) attack edges, from AzureHound data only.

- Global Administrator can elevate itself to User Access Administrator at the
  root scope `/`, and Privileged Role Administrator can assign itself Global
  Administrator: both reach every subscription's `account_admin` in the tenant.
- Privileged Authentication Administrator resets any user's credentials;
  User, Helpdesk, Password and Authentication Administrators only those of
  users who hold no directory role.
- Application and Cloud Application Administrators add secrets to any
  application's service principal. Owners of an application or service
  principal can do the same to what they own.
- Group owners add members, so they gain the group's rights.

Role template ids are the same in every tenant (Microsoft Entra built-in roles).
NOTE: PIM-eligible roles, administrative units and role-assignable group
protections are not modelled; a scoped directory role is treated as
tenant-wide.
"""

from __future__ import annotations

from toxicpath.analysis.azure import ids
from toxicpath.analysis.azure.escalation import ensure_principal_node
from toxicpath.analysis.azure.nodes import IdentityIndex
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.azure.estate import AzureEstate
from toxicpath.ingest.transform import TransformContext

GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814"
PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"
APPLICATION_ADMINISTRATOR = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
CLOUD_APPLICATION_ADMINISTRATOR = "158c047a-c907-4556-b7ef-446551a6b5f7"
LIMITED_PASSWORD_RESET_ROLES = frozenset(
    {
        "fe930be7-5e62-47db-91af-98c3a49a38b1",  # User Administrator
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",  # Helpdesk Administrator
        "966707d0-3269-4727-9be2-8c3a10f19b9d",  # Password Administrator
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",  # Authentication Administrator
    }
)
# Microsoft Graph's application id and the app roles (application
# permissions) that let a service principal take over other principals.
MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_TENANT_TAKEOVER = {
    # RoleManagement.ReadWrite.Directory: assign itself Global Administrator.
    "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8": "azure-graph-role-management",
    # AppRoleAssignment.ReadWrite.All: grant itself RoleManagement.ReadWrite.Directory.
    "06b708a9-e830-4db3-a914-8e69da51d44f": "azure-graph-app-role-grant",
}
GRAPH_ADD_SECRET = frozenset(
    {
        "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",  # Application.ReadWrite.All
        "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",  # RoleManagement.ReadWrite.Directory
    }
)
GRAPH_ADD_MEMBER = frozenset(
    {
        "19dbc75e-c2e2-444c-a770-ec69d8559fc7",  # Directory.ReadWrite.All
        "62a82d76-70ea-41e2-9197-370581804d09",  # Group.ReadWrite.All
        "dbaae8cf-10b5-4b86-a4a1-f871c94c1695",  # GroupMember.ReadWrite.All
    }
)
TENANT_TAKEOVER_ROLES = {
    GLOBAL_ADMINISTRATOR: "azure-global-admin-elevate-access",
    PRIVILEGED_ROLE_ADMINISTRATOR: "azure-privileged-role-admin",
}


def derive_entra_edges(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
) -> None:
    """Add CAN_ESCALATE edges from directory roles and object ownership."""
    scan_id = context.scan_id
    role_holders = {r.principal_id for r in estate.directory_roles}
    users = [p for p in estate.principals.values() if p.kind == "user"]
    applications = [
        p
        for p in estate.principals.values()
        if p.kind == "service_principal"
        and str(p.attrs.get("servicePrincipalType", "")).lower() != "managedidentity"
    ]
    for role in estate.directory_roles:
        if not role.principal_id:
            continue
        source = ensure_principal_node(records, index, role.principal_id, scan_id)
        evidence = to_json_text(
            [
                {
                    "kind": "directory_role",
                    "role": role.role_name,
                    "role_template_id": role.role_template_id,
                }
            ]
        )
        technique = TENANT_TAKEOVER_ROLES.get(role.role_template_id)
        if technique:
            for subscription_id in sorted(estate.subscriptions):
                records.add_edge(
                    "CAN_ESCALATE",
                    source,
                    ids.account_admin_node(subscription_id),
                    technique=technique,
                    conditional=False,
                    scan_id=scan_id,
                    reason=f"{role.role_name or 'The directory role'} can take "
                    f"Owner of subscription {subscription_id} through the tenant root.",
                    evidence=evidence,
                )
        targets: list[str] = []
        reset_technique = "azure-reset-password"
        if role.role_template_id in (
            GLOBAL_ADMINISTRATOR,
            PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
        ):
            targets = [u.object_id for u in users]
        elif role.role_template_id in LIMITED_PASSWORD_RESET_ROLES:
            targets = [u.object_id for u in users if u.object_id not in role_holders]
        for target in targets:
            _escalate(
                records, index, source, target, reset_technique, evidence, scan_id
            )
        if role.role_template_id in (
            GLOBAL_ADMINISTRATOR,
            APPLICATION_ADMINISTRATOR,
            CLOUD_APPLICATION_ADMINISTRATOR,
        ):
            for application in applications:
                _escalate(
                    records,
                    index,
                    source,
                    application.object_id,
                    "azure-app-admin-add-secret",
                    evidence,
                    scan_id,
                )
    for owner, owned in estate.owners:
        owned_principal = estate.principals.get(owned)
        if owned_principal is None:
            continue
        technique = (
            "azure-group-owner-add-member"
            if owned_principal.kind == "group"
            else "azure-owner-add-secret"
        )
        source = ensure_principal_node(records, index, owner, scan_id)
        _escalate(
            records,
            index,
            source,
            owned,
            technique,
            to_json_text([{"kind": "entra_owner", "owner": owner, "owned": owned}]),
            scan_id,
        )


def _escalate(
    records: GraphRecords,
    index: IdentityIndex,
    source: str,
    target_object_id: str,
    technique: str,
    evidence: str,
    scan_id: str,
) -> None:
    target = index.node_for_principal(target_object_id)
    if target == source or target not in records.nodes:
        return
    records.add_edge(
        "CAN_ESCALATE",
        source,
        target,
        technique=technique,
        conditional=False,
        scan_id=scan_id,
        reason=f"Entra ID technique {technique} reaches "
        f"{records.nodes[target].props.get('name', target)}.",
        evidence=evidence,
    )


def derive_graph_app_role_edges(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
) -> None:
    """Add CAN_ESCALATE edges from Microsoft Graph application permissions.

    Groups that can hold directory roles (`isAssignableToRole`) only accept
    members from privileged roles, so Group and Directory write permissions
    reach the other groups only.
    """
    scan_id = context.scan_id
    applications = [
        p.object_id
        for p in estate.principals.values()
        if p.kind == "service_principal"
        and str(p.attrs.get("servicePrincipalType", "")).lower() != "managedidentity"
    ]
    open_groups = [
        p.object_id
        for p in estate.principals.values()
        if p.kind == "group" and not p.attrs.get("isAssignableToRole")
    ]
    for grant in estate.app_role_assignments:
        graph = grant.resource_app_id == MICROSOFT_GRAPH_APP_ID or (
            not grant.resource_app_id and grant.resource_name == "Microsoft Graph"
        )
        if not graph or not grant.principal_id:
            continue
        source = ensure_principal_node(records, index, grant.principal_id, scan_id)
        evidence = to_json_text(
            [
                {
                    "kind": "app_role_assignment",
                    "resource": grant.resource_name or grant.resource_app_id,
                    "app_role_id": grant.app_role_id,
                }
            ]
        )
        technique = GRAPH_TENANT_TAKEOVER.get(grant.app_role_id)
        if technique:
            for subscription_id in sorted(estate.subscriptions):
                records.add_edge(
                    "CAN_ESCALATE",
                    source,
                    ids.account_admin_node(subscription_id),
                    technique=technique,
                    conditional=False,
                    scan_id=scan_id,
                    reason="A Microsoft Graph application permission lets it make "
                    f"itself Global Administrator and take subscription "
                    f"{subscription_id}.",
                    evidence=evidence,
                )
        targets: list[tuple[str, str]] = []
        if grant.app_role_id in GRAPH_ADD_SECRET:
            targets += [(a, "azure-graph-add-secret") for a in applications]
        if grant.app_role_id in GRAPH_ADD_MEMBER:
            targets += [(g, "azure-graph-add-member") for g in open_groups]
        for target, target_technique in targets:
            _escalate(
                records, index, source, target, target_technique, evidence, scan_id
            )
