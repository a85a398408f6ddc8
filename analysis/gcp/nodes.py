"""GCP account and identity nodes: hierarchy, account_admin, members, service accounts.

Resources, networks and policies get their nodes in `resource_nodes.py`;
derived attack edges come later (`escalation.py`, `access.py`,
`exposure.py`) and attach to these nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.gcp import ids
from toxicpath.analysis.gcp.node_props import add_fact_edge, gcp_node_props
from toxicpath.analysis.gcp.workloads import runs_as_emails
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.gcp.estate import Container, GcpEstate, ServiceAccount
from toxicpath.ingest.transform import TransformContext

_ACCOUNT_TYPES = {
    "organization": (
        "gcp_organization",
        "cloudresourcemanager.googleapis.com/Organization",
    ),
    "folder": ("gcp_folder", "cloudresourcemanager.googleapis.com/Folder"),
    "project": ("gcp_project", "cloudresourcemanager.googleapis.com/Project"),
}
_MEMBER_TYPES = {
    "user": "user",
    "group": "group",
    "serviceAccount": "service_account",
    "domain": "group",
    "principal": "federated_provider",
    "principalSet": "federated_provider",
    "projectOwner": "group",
    "projectEditor": "group",
    "projectViewer": "group",
}
# Google-created service accounts, recognised by their email (project number N).
_DEFAULT_ACCOUNTS = (
    (re.compile(r"^(\d+)-compute@developer\.gserviceaccount\.com$"), "compute_default"),
    (re.compile(r"^(\d+)@cloudservices\.gserviceaccount\.com$"), "google_apis"),
    (re.compile(r"^(\d+)@cloudbuild\.gserviceaccount\.com$"), "cloud_build"),
    (
        re.compile(r"^service-(\d+)@[a-z0-9-]+\.iam\.gserviceaccount\.com$"),
        "service_agent",
    ),
)
_USER_MANAGED = re.compile(r"^[^@]+@([a-z0-9-]+)\.iam\.gserviceaccount\.com$")
_APP_ENGINE = re.compile(r"^([a-z0-9-]+)@appspot\.gserviceaccount\.com$")


@dataclass
class IdentityIndex:
    """Identity nodes by member and the service accounts each workload runs as."""

    # member string -> node id
    member_nodes: dict[str, str] = field(default_factory=dict)
    # service account email -> container key of its project ('' when unknown)
    account_projects: dict[str, str] = field(default_factory=dict)
    # asset full name -> service account emails it runs as
    runs_as: dict[str, list[str]] = field(default_factory=dict)

    def accounts_in(self, project_key: str) -> list[str]:
        return sorted(e for e, p in self.account_projects.items() if p == project_key)


def service_account_project(estate: GcpEstate, email: str) -> tuple[str, str]:
    """Return (project key, default-account kind) of a service account email."""
    known = estate.service_accounts.get(email)
    for pattern, kind in _DEFAULT_ACCOUNTS:
        match = pattern.match(email)
        if match:
            return (known.project_key if known else "") or f"projects/{match[1]}", kind
    if known and known.project_key:
        kind = "app_engine_default" if _APP_ENGINE.match(email) else ""
        return known.project_key, kind
    match = _USER_MANAGED.match(email)
    if match:
        return estate.project_key(match[1]), ""
    match = _APP_ENGINE.match(email)
    if match:
        return estate.project_key(match[1]), "app_engine_default"
    return "", ""


def add_account_nodes(
    estate: GcpEstate, records: GraphRecords, context: TransformContext
) -> None:
    """Add organization, folder and project nodes, and each project's account_admin."""
    for container in estate.containers.values():
        node_type, native_type = _ACCOUNT_TYPES[container.kind]
        parent = estate.containers.get(container.parent_key)
        records.add_node(
            "Account",
            ids.account_node(container.key),
            parent_id=ids.account_node(parent.key) if parent else "",
            **gcp_node_props(
                node_type=node_type,
                native_type=native_type,
                name=_container_name(container),
                account_id=_account_id(container),
                scan_id=context.scan_id,
                attrs={
                    "key": container.key,
                    "project_number": container.project_number,
                    "state": container.state,
                },
            ),
        )
    for container in estate.containers.values():
        parent = estate.containers.get(container.parent_key)
        if parent is not None:
            add_fact_edge(
                records,
                "IN_ACCOUNT",
                ids.account_node(container.key),
                ids.account_node(parent.key),
                scan_id=context.scan_id,
                reason=f"{_container_name(container)} is inside {parent.key}.",
            )
        if container.kind == "project":
            _add_account_admin(records, container, context.scan_id)


def _container_name(container: Container) -> str:
    if container.kind == "project":
        return container.project_id or container.key
    return container.display_name or container.key


def _account_id(container: Container) -> str:
    if container.kind == "project":
        return container.project_id or container.key.removeprefix("projects/")
    return container.key


def _add_account_admin(records: GraphRecords, project: Container, scan_id: str) -> None:
    node_id = ids.account_admin_node(project.key)
    records.add_node(
        "Identity",
        node_id,
        is_admin=True,
        **gcp_node_props(
            node_type="account_admin",
            native_type="",
            name=f"full control of project {_account_id(project)}",
            account_id=_account_id(project),
            scan_id=scan_id,
        ),
    )
    add_fact_edge(
        records,
        "IN_ACCOUNT",
        node_id,
        ids.account_node(project.key),
        scan_id=scan_id,
        reason=f"Full control of project {_account_id(project)}.",
    )


def add_identity_nodes(
    estate: GcpEstate,
    records: GraphRecords,
    context: TransformContext,
    members: list[str],
    basic_roles: dict[str, set[str]],
) -> IdentityIndex:
    """Add a node per IAM member and service account, and the public principals.

    `basic_roles` maps each member to the basic roles (owner, editor, viewer)
    granted to it anywhere; they go into the node's attributes for rules and reports.
    """
    index = IdentityIndex()
    scan_id = context.scan_id
    emails = {e for e in estate.service_accounts}
    emails.update(
        m.split(":", 1)[1].lower() for m in members if m.startswith("serviceAccount:")
    )
    for asset in estate.assets.values():
        found = runs_as_emails(estate, asset)
        if found:
            index.runs_as[asset.name] = found
            emails.update(found)
    for email in sorted(emails):
        _add_service_account(estate, records, index, email, basic_roles, scan_id)
    organizations = estate.organizations()
    organization = organizations[0] if len(organizations) == 1 else None
    for member in members:
        if member.startswith("serviceAccount:"):
            index.member_nodes[member] = ids.service_account_node(
                member.split(":", 1)[1]
            )
            continue
        if member.startswith("deleted:"):
            continue
        node_id = ids.member_node(member)
        index.member_nodes[member] = node_id
        if member in (ids.ANONYMOUS_MEMBER, ids.ALL_AUTHENTICATED_MEMBER):
            continue
        kind = member.split(":", 1)[0]
        records.add_node(
            "Identity",
            node_id,
            is_admin=False,
            **gcp_node_props(
                node_type=_MEMBER_TYPES.get(kind, "external_account"),
                native_type=f"iam.member/{kind}",
                name=member.split(":", 1)[-1],
                account_id=organization.key if organization else "",
                scan_id=scan_id,
                attrs={
                    "member": member,
                    "basic_roles": sorted(basic_roles.get(member, ())),
                },
            ),
        )
        if organization is not None and kind in ("user", "group", "domain"):
            add_fact_edge(
                records,
                "IN_ACCOUNT",
                node_id,
                ids.account_node(organization.key),
                scan_id=scan_id,
                reason=f"{member} is granted roles in organization {organization.key}.",
            )
    _add_public_principals(records, index, scan_id)
    return index


def _add_service_account(
    estate: GcpEstate,
    records: GraphRecords,
    index: IdentityIndex,
    email: str,
    basic_roles: dict[str, set[str]],
    scan_id: str,
) -> None:
    project_key, default_kind = service_account_project(estate, email)
    index.account_projects[email] = project_key
    known = estate.service_accounts.get(email)
    member = f"serviceAccount:{email}"
    index.member_nodes[member] = ids.service_account_node(email)
    attrs: dict[str, Any] = {
        "email": email,
        "member": member,
        "basic_roles": sorted(basic_roles.get(member, ())),
    }
    if default_kind:
        attrs["default_account"] = default_kind
    if known is not None:
        attrs.update(
            resource_name=known.full_name,
            unique_id=known.unique_id,
            disabled=known.disabled,
        )
    node_id = ids.service_account_node(email)
    records.add_node(
        "Identity",
        node_id,
        is_admin=False,
        active_keys=_user_managed_keys(known),
        **gcp_node_props(
            node_type="service_account",
            native_type="iam.googleapis.com/ServiceAccount",
            name=email,
            account_id=estate.project_id_of(project_key) if project_key else "",
            scan_id=scan_id,
            attrs=attrs,
        ),
    )
    if project_key and ids.account_node(project_key) in records.nodes:
        add_fact_edge(
            records,
            "IN_ACCOUNT",
            node_id,
            ids.account_node(project_key),
            scan_id=scan_id,
            reason=f"Service account {email} belongs to {project_key}.",
        )


def _user_managed_keys(account: ServiceAccount | None) -> int | None:
    """Return the number of enabled user-managed keys; None when keys are unknown."""
    if account is None or not account.keys:
        return None
    return sum(
        1
        for key in account.keys
        if key.get("keyType") == "USER_MANAGED" and not key.get("disabled")
    )


def _add_public_principals(
    records: GraphRecords, index: IdentityIndex, scan_id: str
) -> None:
    for member, node_type, name, reason in (
        (
            ids.ANONYMOUS_MEMBER,
            "anonymous",
            "allUsers (anyone on the internet)",
            "Anyone on the internet can send unauthenticated Google API requests.",
        ),
        (
            ids.ALL_AUTHENTICATED_MEMBER,
            "external_account",
            "allAuthenticatedUsers (any Google account)",
            "Anyone can create a Google account and act as allAuthenticatedUsers.",
        ),
    ):
        node_id = ids.member_node(member)
        index.member_nodes[member] = node_id
        records.add_node(
            "Identity",
            node_id,
            is_admin=False,
            **gcp_node_props(
                node_type=node_type,
                native_type=f"iam.member/{member}",
                name=name,
                account_id="",
                scan_id=scan_id,
                attrs={"member": member},
            ),
        )
        records.add_edge(
            "EXPOSED_TO",
            INTERNET_ID,
            node_id,
            ports=[],
            protocol="all",
            cidrs=["0.0.0.0/0", "::/0"],
            conditional=False,
            scan_id=scan_id,
            reason=reason,
            evidence=to_json_text([{"kind": "outside_principal", "principal": member}]),
        )
