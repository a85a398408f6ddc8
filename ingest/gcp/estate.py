"""The parsed GCP estate: hierarchy, assets, IAM policies, roles, service accounts.

`parse_estate` reads every `cloud="gcp"` response of a snapshot: Cloud Asset
records (collected or imported, in the snake_case export envelope), deny
policies and, when collected, IAM custom roles and service accounts. It links
each asset to its project, folders and organization through the asset's
`ancestors`, its `resource.parent`, or the project named in its resource name.

Containers (organizations, folders, projects) are keyed as
`organizations/N`, `folders/N` and `projects/N`, with the project number when
known and the project id otherwise, because Cloud Asset names projects by
number in ancestors and by id in most resource names.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from typing import Any

from toxicpath.ingest.gcp.assets import (
    FOLDER_TYPE,
    ORGANIZATION_TYPE,
    PROJECT_TYPE,
    ROLE_TYPE,
    SERVICE_ACCOUNT_KEY_TYPE,
    SERVICE_ACCOUNT_TYPE,
    normalize_asset,
    segment_after,
    short_name,
)
from toxicpath.ingest.snapshot import Snapshot

logger = logging.getLogger(__name__)

CRM_PREFIX = "//cloudresourcemanager.googleapis.com/"


@dataclass
class Container:
    """An organization, folder or project."""

    key: str  # organizations/N, folders/N, projects/N (or projects/ID)
    kind: str  # organization, folder, project
    display_name: str = ""
    project_id: str = ""
    project_number: str = ""
    parent_key: str = ""
    state: str = ""

    @property
    def full_name(self) -> str:
        return CRM_PREFIX + self.key


@dataclass
class Binding:
    """One role binding of an allow policy, on the resource `resource`."""

    resource: str  # full resource name the policy is set on
    role: str
    members: tuple[str, ...]
    condition: dict[str, Any] | None = None


@dataclass
class CustomRole:
    name: str  # projects/P/roles/X or organizations/N/roles/X
    title: str
    permissions: frozenset[str]
    stage: str = ""
    deleted: bool = False

    @property
    def parent_key(self) -> str:
        return self.name.split("/roles/", 1)[0]


@dataclass
class ServiceAccount:
    email: str
    project_key: str
    full_name: str = ""
    unique_id: str = ""
    display_name: str = ""
    disabled: bool = False
    keys: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DenyRule:
    """One rule of an IAM deny policy, attached to `attachment` and its descendants."""

    policy: str
    attachment: str  # full resource name
    denied_principals: tuple[str, ...]
    exception_principals: tuple[str, ...]
    denied_permissions: tuple[str, ...]
    exception_permissions: tuple[str, ...]
    condition: dict[str, Any] | None = None


@dataclass
class GcpAsset:
    name: str  # full resource name
    asset_type: str
    data: dict[str, Any]
    location: str = ""
    project_key: str = ""

    @property
    def short(self) -> str:
        return short_name(self.name)


@dataclass
class GcpEstate:
    containers: dict[str, Container] = field(default_factory=dict)
    assets: dict[str, GcpAsset] = field(default_factory=dict)
    bindings: list[Binding] = field(default_factory=list)
    custom_roles: dict[str, CustomRole] = field(default_factory=dict)
    service_accounts: dict[str, ServiceAccount] = field(default_factory=dict)
    deny_rules: list[DenyRule] = field(default_factory=list)
    # container key -> org policy entries (constraint, boolean_policy, ...)
    org_policies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    project_numbers: dict[str, str] = field(default_factory=dict)  # id -> number
    # full resource name -> container key, for assets without a project in the name
    asset_projects: dict[str, str] = field(default_factory=dict)

    def assets_of_type(self, *types: str) -> list[GcpAsset]:
        return [a for a in self.assets.values() if a.asset_type in types]

    def project_key(self, project: str) -> str:
        """Return the container key of a project given by id, number or key."""
        project = project.removeprefix("projects/")
        number = self.project_numbers.get(project, project)
        return f"projects/{number}"

    def project_of(self, key: str) -> Container | None:
        return self.containers.get(key)

    def project_id_of(self, key: str) -> str:
        container = self.containers.get(key)
        if container is None:
            return key.removeprefix("projects/")
        return container.project_id or container.key.removeprefix("projects/")

    def chain(self, key: str) -> list[str]:
        """Return container keys from `key` up to the organization."""
        keys: list[str] = []
        current = key
        while current and current not in keys:
            keys.append(current)
            container = self.containers.get(current)
            current = container.parent_key if container else ""
        return keys

    def ancestors(self, full_name: str) -> list[str]:
        """Return full names from `full_name` up through its project, folders, org."""
        if full_name.startswith(CRM_PREFIX):
            key = canonical_key(self, full_name[len(CRM_PREFIX) :])
            return [CRM_PREFIX + k for k in self.chain(key)]
        project = self.asset_projects.get(full_name, "")
        names = [full_name]
        if project:
            names.extend(CRM_PREFIX + k for k in self.chain(project))
        return names

    def organizations(self) -> list[Container]:
        return [c for c in self.containers.values() if c.kind == "organization"]

    def projects(self) -> list[Container]:
        return [c for c in self.containers.values() if c.kind == "project"]


def canonical_key(estate: GcpEstate, key: str) -> str:
    if key.startswith("projects/"):
        return estate.project_key(key)
    return key


def parse_estate(snapshot: Snapshot) -> GcpEstate:
    """Build the GCP estate from every gcp response in `snapshot`."""
    estate = GcpEstate()
    assets: list[dict[str, Any]] = []
    deny_entries: list[dict[str, Any]] = []
    for response in snapshot.responses:
        if response.cloud != "gcp" or not isinstance(response.body, dict):
            continue
        if response.service in ("cloudasset", "cloudresourcemanager"):
            assets.extend(normalize_asset(a) for a in response.body.get("assets") or [])
        elif response.service == "iam" and response.operation == "deny-policies":
            deny_entries.extend(response.body.get("policies") or [])
        elif response.service == "iam" and response.operation == "roles":
            for role in response.body.get("roles") or []:
                _add_custom_role(estate, role)
        elif response.service == "iam" and response.operation == "service-accounts":
            for account in response.body.get("accounts") or []:
                _add_service_account(estate, account, "")
    # Containers first, so every other asset resolves its project number.
    for asset in assets:
        if asset.get("asset_type") in (ORGANIZATION_TYPE, FOLDER_TYPE, PROJECT_TYPE):
            _parse_container(estate, asset)
    for asset in assets:
        _link_ancestors(estate, asset.get("ancestors") or [])
    for asset in assets:
        _parse_asset(estate, asset)
    for entry in deny_entries:
        _parse_deny_policy(estate, entry)
    _link_keys(estate, assets)
    return estate


def _link_keys(estate: GcpEstate, assets: list[dict[str, Any]]) -> None:
    """Attach service-account key metadata to the account it belongs to."""
    by_name = {a.full_name: a for a in estate.service_accounts.values() if a.full_name}
    for asset in assets:
        if asset.get("asset_type") != SERVICE_ACCOUNT_KEY_TYPE:
            continue
        data = (asset.get("resource") or {}).get("data") or {}
        account = by_name.get(str(asset["name"]).split("/keys/", 1)[0])
        if account is None:
            email = segment_after(str(data.get("name") or ""), "serviceAccounts")
            account = estate.service_accounts.get(email.lower())
        if account is not None and data:
            account.keys.append(
                {
                    key: data.get(key)
                    for key in (
                        "name",
                        "keyType",
                        "keyOrigin",
                        "validAfterTime",
                        "disabled",
                    )
                    if key in data
                }
            )


def _container(estate: GcpEstate, key: str) -> Container:
    key = canonical_key(estate, key)
    existing = estate.containers.get(key)
    if existing is None:
        kind = key.split("/", 1)[0].removesuffix("s")
        existing = Container(key=key, kind=kind)
        if kind == "project":
            existing.project_id = key.removeprefix("projects/")
        estate.containers[key] = existing
    return existing


def _parse_container(estate: GcpEstate, asset: dict[str, Any]) -> None:
    key = short_name(str(asset["name"]))
    data = (asset.get("resource") or {}).get("data") or {}
    if asset["asset_type"] == PROJECT_TYPE:
        number = str(data.get("projectNumber") or "")
        if not number and key.removeprefix("projects/").isdigit():
            number = key.removeprefix("projects/")
        project_id = str(data.get("projectId") or "")
        if number and project_id:
            estate.project_numbers[project_id] = number
            stale = estate.containers.pop(f"projects/{project_id}", None)
            if stale is not None and stale.parent_key:
                _container(estate, f"projects/{number}").parent_key = stale.parent_key
        container = _container(estate, f"projects/{number or project_id}")
        container.project_id = project_id or container.project_id
        container.project_number = number
        container.display_name = str(data.get("name") or data.get("displayName") or "")
        container.state = str(data.get("lifecycleState") or data.get("state") or "")
    else:
        container = _container(estate, key)
        container.display_name = str(data.get("displayName") or "")
        container.state = str(data.get("lifecycleState") or data.get("state") or "")
    parent = _parent_key(data.get("parent"))
    if parent:
        container.parent_key = canonical_key(estate, parent)
        _container(estate, parent)


def _parent_key(parent: Any) -> str:
    """Return `folders/N` from a v1 `{type, id}` parent or a v3 `folders/N` string."""
    if isinstance(parent, dict) and parent.get("type") and parent.get("id"):
        return f"{parent['type']}s/{parent['id']}"
    if isinstance(parent, str) and "/" in parent:
        return short_name(parent) if parent.startswith("//") else parent
    return ""


def _link_ancestors(estate: GcpEstate, ancestors: list[str]) -> None:
    keys = [canonical_key(estate, str(a)) for a in ancestors]
    for child, parent in itertools.pairwise(keys):
        container = _container(estate, child)
        if not container.parent_key:
            container.parent_key = parent
        _container(estate, parent)
    if keys:
        _container(estate, keys[-1])


def _asset_project(
    estate: GcpEstate, asset: dict[str, Any], data: dict[str, Any]
) -> str:
    for ancestor in asset.get("ancestors") or []:
        if str(ancestor).startswith("projects/"):
            return canonical_key(estate, str(ancestor))
    resource = asset.get("resource") or {}
    parent = str(resource.get("parent") or "")
    if parent.startswith(CRM_PREFIX + "projects/"):
        return canonical_key(estate, parent[len(CRM_PREFIX) :])
    project = segment_after(short_name(str(asset["name"])), "projects")
    if project:
        return estate.project_key(project)
    if data.get("projectNumber"):
        return estate.project_key(str(data["projectNumber"]))
    if parent.startswith(CRM_PREFIX):
        return canonical_key(estate, parent[len(CRM_PREFIX) :])
    for ancestor in asset.get("ancestors") or []:
        return canonical_key(estate, str(ancestor))
    return ""


def _parse_asset(estate: GcpEstate, asset: dict[str, Any]) -> None:
    name = str(asset["name"])
    asset_type = str(asset.get("asset_type") or "")
    resource = asset.get("resource") or {}
    data = resource.get("data") if isinstance(resource, dict) else None
    data = data if isinstance(data, dict) else {}
    is_container = asset_type in (ORGANIZATION_TYPE, FOLDER_TYPE, PROJECT_TYPE)
    if is_container:
        key = canonical_key(estate, short_name(name))
        name = CRM_PREFIX + key
        _container(estate, key)
    else:
        project = _asset_project(estate, asset, data)
        if project:
            estate.asset_projects[name] = project
            if project.startswith("projects/"):
                _container(estate, project)
        existing = estate.assets.get(name)
        if data or existing is None:
            merged = {**(existing.data if existing else {}), **data}
            estate.assets[name] = GcpAsset(
                name=name,
                asset_type=asset_type,
                data=merged,
                location=str(resource.get("location") or data.get("location") or ""),
                project_key=project,
            )
    policy = asset.get("iam_policy")
    if isinstance(policy, dict):
        for binding in policy.get("bindings") or []:
            if not isinstance(binding, dict) or not binding.get("role"):
                continue
            estate.bindings.append(
                Binding(
                    resource=name,
                    role=str(binding["role"]),
                    members=tuple(str(m) for m in binding.get("members") or []),
                    condition=binding.get("condition") or None,
                )
            )
    org_policy = asset.get("org_policy")
    if isinstance(org_policy, list) and is_container:
        estate.org_policies.setdefault(short_name(name), []).extend(org_policy)
    if asset_type == ROLE_TYPE and data:
        _add_custom_role(estate, data)
    if asset_type == SERVICE_ACCOUNT_TYPE and data:
        _add_service_account(estate, data, name)


def _add_custom_role(estate: GcpEstate, data: dict[str, Any]) -> None:
    name = str(data.get("name") or "")
    if "/roles/" not in name or name.startswith("roles/"):
        return
    estate.custom_roles[name] = CustomRole(
        name=name,
        title=str(data.get("title") or name),
        permissions=frozenset(str(p) for p in data.get("includedPermissions") or []),
        stage=str(data.get("stage") or ""),
        deleted=bool(data.get("deleted")),
    )


def _add_service_account(
    estate: GcpEstate, data: dict[str, Any], full_name: str
) -> None:
    email = str(data.get("email") or "").lower()
    if not email:
        return
    project = str(
        data.get("projectId") or segment_after(str(data.get("name") or ""), "projects")
    )
    unique_id = str(data.get("uniqueId") or "")
    if not full_name and project:
        full_name = (
            f"//iam.googleapis.com/projects/{project}/serviceAccounts/"
            f"{unique_id or email}"
        )
    account = estate.service_accounts.get(email)
    if account is None:
        account = ServiceAccount(email=email, project_key="")
        estate.service_accounts[email] = account
    account.project_key = (
        estate.project_key(project) if project else account.project_key
    )
    account.full_name = account.full_name or full_name
    account.unique_id = account.unique_id or unique_id
    account.display_name = account.display_name or str(data.get("displayName") or "")
    account.disabled = account.disabled or bool(data.get("disabled"))


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values or [])


def _parse_deny_policy(estate: GcpEstate, entry: dict[str, Any]) -> None:
    policy = entry.get("policy") or {}
    attachment = str(entry.get("attachment_point") or "")
    if attachment.startswith(CRM_PREFIX):
        attachment = CRM_PREFIX + canonical_key(estate, attachment[len(CRM_PREFIX) :])
    for rule in policy.get("rules") or []:
        deny = rule.get("denyRule") or rule.get("deny_rule") or {}
        if not deny:
            continue
        estate.deny_rules.append(
            DenyRule(
                policy=str(policy.get("name") or ""),
                attachment=attachment,
                denied_principals=_strings(
                    deny.get("deniedPrincipals") or deny.get("denied_principals")
                ),
                exception_principals=_strings(
                    deny.get("exceptionPrincipals") or deny.get("exception_principals")
                ),
                denied_permissions=_strings(
                    deny.get("deniedPermissions") or deny.get("denied_permissions")
                ),
                exception_permissions=_strings(
                    deny.get("exceptionPermissions")
                    or deny.get("exception_permissions")
                ),
                condition=deny.get("denialCondition")
                or deny.get("denial_condition")
                or None,
            )
        )
