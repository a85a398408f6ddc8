"""AzureHound output: `{"meta": {"type": "azure", ...}, "data": [{"kind", "data"}]}`.

Entra ID kinds become neutral `entra` responses that `parse_estate` reads:
principals (AZUser, AZGroup, AZServicePrincipal), group members
(AZGroupMember), directory role assignments (AZRoleAssignment, named through
AZRole) and owners (AZAppOwner, AZServicePrincipalOwner, AZGroupOwner). ARM
kinds (AZSubscription, AZManagementGroup, AZVM, AZKeyVault, the
AZ*RoleAssignment lists, ...) carry ARM objects, which are collected wherever
they sit in the entry and parsed like any ARM response.

AZAppRoleAssignment entries (application permissions such as Microsoft
Graph's RoleManagement.ReadWrite.Directory) become app role assignments.
"""

from __future__ import annotations

import logging
from typing import Any

from toxicpath.ingest.azure.exports import is_azure_object
from toxicpath.ingest.azure.secrets import redact_azure_response
from toxicpath.ingest.errors import InputError
from toxicpath.ingest.importers import InputProbe, source_file
from toxicpath.ingest.snapshot import RawResponse, Snapshot

logger = logging.getLogger(__name__)

AZUREHOUND_FORMAT = "azurehound"
_PRINCIPAL_KINDS = {"AZUser": "user", "AZGroup": "group", "AZServicePrincipal": ""}
_PRINCIPAL_ATTRS = (
    "userPrincipalName",
    "appId",
    "servicePrincipalType",
    "isAssignableToRole",
    "accountEnabled",
    "onPremisesSyncEnabled",
    "userType",
)


def is_azurehound(content: Any) -> bool:
    if not isinstance(content, dict) or not isinstance(content.get("data"), list):
        return False
    meta = content.get("meta")
    if isinstance(meta, dict) and str(meta.get("type", "")).lower() == "azure":
        return True
    entries = content["data"]
    return bool(entries) and all(
        isinstance(e, dict) and str(e.get("kind", "")).startswith("AZ") for e in entries
    )


def detect_azurehound(probe: InputProbe) -> bool:
    return not probe.is_dir and is_azurehound(probe.json_or_none())


def load_azurehound(probe: InputProbe) -> Snapshot:
    content = probe.json()
    if not is_azurehound(content):
        raise InputError(probe.path, "not AzureHound output (no meta.type azure)")
    collector = _Collector()
    for index, entry in enumerate(content["data"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("data"), dict):
            raise InputError(
                probe.path,
                f"data[{index}] has no `data` object; AzureHound entries are "
                '{"kind": "AZ...", "data": {...}}',
            )
        collector.add(str(entry.get("kind", "")), entry["data"])
    snapshot = Snapshot(kind="import")
    for operation, items in collector.responses().items():
        snapshot.add_response(
            redact_azure_response(
                RawResponse(
                    cloud="azure",
                    account="",
                    region="",
                    service="entra" if operation != "arm-objects" else "arm-export",
                    operation=operation,
                    body={"value": items},
                )
            )
        )
    snapshot.sources.append(source_file(probe.path, AZUREHOUND_FORMAT))
    meta = content.get("meta") or {}
    snapshot.metadata["azurehound"] = {
        "version": meta.get("version"),
        "count": meta.get("count"),
        "entries": len(content["data"]),
    }
    return snapshot


class _Collector:
    def __init__(self) -> None:
        self.principals: list[dict[str, Any]] = []
        self.members: list[dict[str, Any]] = []
        self.roles: dict[str, str] = {}
        self.role_assignments: list[dict[str, Any]] = []
        self.owners: list[dict[str, Any]] = []
        self.app_roles: list[dict[str, Any]] = []
        self.arm: list[dict[str, Any]] = []
        self.app_object_to_app_id: dict[str, str] = {}
        self.app_id_to_sp: dict[str, str] = {}
        self.app_owners: list[tuple[str, str]] = []

    def add(self, kind: str, data: dict[str, Any]) -> None:
        if kind in _PRINCIPAL_KINDS:
            self._principal(kind, data)
        elif kind == "AZApp":
            self.app_object_to_app_id[str(data.get("id", "")).lower()] = str(
                data.get("appId", "")
            ).lower()
        elif kind == "AZGroupMember":
            for member in data.get("members") or []:
                member_id = (member.get("member") or {}).get("id")
                if member_id:
                    self.members.append(
                        {"groupId": data.get("groupId"), "memberId": member_id}
                    )
        elif kind == "AZRole":
            self.roles[str(data.get("templateId") or data.get("id", "")).lower()] = str(
                data.get("displayName", "")
            )
        elif kind == "AZRoleAssignment":
            for assignment in data.get("roleAssignments") or []:
                self.role_assignments.append(
                    {
                        "principalId": assignment.get("principalId"),
                        "roleTemplateId": assignment.get("roleDefinitionId")
                        or data.get("roleDefinitionId"),
                        "scope": assignment.get("directoryScopeId", "/"),
                    }
                )
        elif kind in ("AZAppOwner", "AZServicePrincipalOwner", "AZGroupOwner"):
            self._owners(kind, data)
        elif kind == "AZAppRoleAssignment":
            self.app_roles.append(
                {
                    "principalId": data.get("principalId"),
                    "appRoleId": data.get("appRoleId"),
                    "resourceAppId": data.get("appId"),
                    "resourceDisplayName": data.get("resourceDisplayName"),
                }
            )
        elif kind == "AZManagementGroupDescendant":
            self.arm.append(_descendant(data))
        else:
            self.arm.extend(_arm_objects(data))

    def _principal(self, kind: str, data: dict[str, Any]) -> None:
        principal_kind = _PRINCIPAL_KINDS[kind]
        if kind == "AZServicePrincipal":
            sp_type = str(data.get("servicePrincipalType", "")).lower()
            principal_kind = (
                "managed_identity"
                if sp_type == "managedidentity"
                else "service_principal"
            )
            if data.get("appId"):
                self.app_id_to_sp[str(data["appId"]).lower()] = str(data.get("id", ""))
        self.principals.append(
            {
                "id": data.get("id"),
                "kind": principal_kind,
                "displayName": data.get("displayName") or data.get("userPrincipalName"),
                "tenantId": data.get("tenantId"),
                "attrs": {k: data[k] for k in _PRINCIPAL_ATTRS if k in data},
            }
        )

    def _owners(self, kind: str, data: dict[str, Any]) -> None:
        target_key = {
            "AZAppOwner": "appId",
            "AZServicePrincipalOwner": "servicePrincipalId",
            "AZGroupOwner": "groupId",
        }[kind]
        target = str(data.get(target_key, "")).lower()
        for owner in data.get("owners") or []:
            owner_id = str((owner.get("owner") or {}).get("id", "")).lower()
            if not owner_id or not target:
                continue
            if kind == "AZAppOwner":
                self.app_owners.append((owner_id, target))
            else:
                self.owners.append({"ownerId": owner_id, "targetId": target})

    def responses(self) -> dict[str, list[dict[str, Any]]]:
        # Owners of an application control its service principal.
        for owner_id, app_object in self.app_owners:
            app_id = self.app_object_to_app_id.get(app_object, app_object)
            sp = self.app_id_to_sp.get(app_id)
            if sp:
                self.owners.append({"ownerId": owner_id, "targetId": sp})
        for assignment in self.role_assignments:
            template = str(assignment.get("roleTemplateId") or "").lower()
            assignment["roleName"] = self.roles.get(template, "")
        return {
            "principals-list": self.principals,
            "group-members-list": self.members,
            "directory-role-assignments-list": self.role_assignments,
            "owners-list": self.owners,
            "app-role-assignments-list": self.app_roles,
            "arm-objects": self.arm,
        }


def _arm_objects(value: Any) -> list[dict[str, Any]]:
    """Return the ARM objects inside an AzureHound entry, outermost first."""
    if isinstance(value, dict):
        if is_azure_object(value):
            return [value]
        found: list[dict[str, Any]] = []
        for item in value.values():
            found.extend(_arm_objects(item))
        return found
    if isinstance(value, list):
        found = []
        for item in value:
            found.extend(_arm_objects(item))
        return found
    return []


def _descendant(data: dict[str, Any]) -> dict[str, Any]:
    """Turn a management group descendant into the parent group with one child."""
    properties = data.get("properties") or {}
    parent = str((properties.get("parent") or {}).get("id") or "")
    child = {
        "id": data.get("id"),
        "type": data.get("type"),
        "name": data.get("name"),
        "displayName": properties.get("displayName"),
    }
    return {
        "id": parent,
        "type": "Microsoft.Management/managementGroups",
        "name": parent.rsplit("/", 1)[-1],
        "properties": {"children": [child]},
    }
