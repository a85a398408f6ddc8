"""Azure role definition and role assignment nodes, kept to explain paths."""

from __future__ import annotations

from collections.abc import Mapping

from toxicpath.analysis.azure import ids
from toxicpath.analysis.azure.node_props import azure_node_props
from toxicpath.analysis.azure.nodes import IdentityIndex
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.azure.estate import (
    AzureEstate,
    RoleDefinition,
)
from toxicpath.ingest.transform import TransformContext


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
