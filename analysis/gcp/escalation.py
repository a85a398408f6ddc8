"""Derive GCP privilege-escalation edges from effective IAM permissions.

- CAN_ESCALATE to a project's `account_admin` for every member that can set
  the IAM policy of the project, of an ancestor folder or of the organization,
  or that can update a custom role granted to it there.
- CAN_ASSUME to a service account for members that can mint its credentials
  (getAccessToken, signBlob, signJwt), and CAN_ESCALATE for key creation,
  setIamPolicy on the account, implicit delegation through another account,
  actAs plus a vehicle (`techniques.VEHICLES`), and control of a workload
  that already runs as the account.
- CAN_ESCALATE from members that can change workload identity pool
  providers to the federated principals of that pool.
- `account_admin` reaches every service account of its project.

Members that are unconditional admins of a project get no per-account edges
in it, because their path through `account_admin` already covers them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.gcp import ids
from toxicpath.analysis.gcp.iam import Decision, Grant, IamEvaluator
from toxicpath.analysis.gcp.nodes import IdentityIndex
from toxicpath.analysis.gcp.techniques import (
    ACT_AS,
    ADMIN_TECHNIQUES,
    GOOGLE_ACCOUNT_VEHICLES,
    IMPLICIT_DELEGATION,
    SA_ESCALATIONS,
    TOKEN_PERMISSIONS,
    VEHICLES,
    WORKLOAD_IDENTITY_PROVIDER_PERMISSIONS,
    WORKLOAD_TECHNIQUES,
    Vehicle,
)
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.gcp.estate import CRM_PREFIX, GcpEstate
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

PROJECT_SET_IAM = "resourcemanager.projects.setIamPolicy"
# Every permission on a service account that any technique below uses.
SERVICE_ACCOUNT_PERMISSIONS = (
    *TOKEN_PERMISSIONS,
    IMPLICIT_DELEGATION,
    ACT_AS,
    *(technique.permission for technique in SA_ESCALATIONS),
)
FOLDER_SET_IAM = "resourcemanager.folders.setIamPolicy"
ORGANIZATION_SET_IAM = "resourcemanager.organizations.setIamPolicy"
ROLE_UPDATE = "iam.roles.update"


@dataclass
class EscalationContext:
    estate: GcpEstate
    records: GraphRecords
    context: TransformContext
    evaluator: IamEvaluator
    index: IdentityIndex
    # project key -> members with unconditional full control
    admins: dict[str, set[str]] = field(default_factory=dict)
    # (member, project key) -> first vehicle found and the others
    _vehicles: dict[
        tuple[str, str], tuple[Vehicle | None, list[Decision], list[str]]
    ] = field(default_factory=dict)

    def node(self, member: str) -> str:
        return self.index.member_nodes.get(member, ids.member_node(member))

    def add(
        self,
        edge_type: str,
        member: str,
        target: str,
        *,
        conditional: bool,
        reason: str,
        evidence: list[dict[str, Any]],
        technique: str = "",
    ) -> None:
        source = self.node(member)
        if source not in self.records.nodes or target not in self.records.nodes:
            return
        if source == target:
            return
        props: dict[str, Any] = {
            "conditional": conditional,
            "scan_id": self.context.scan_id,
            "reason": reason,
            "evidence": to_json_text(evidence),
        }
        if edge_type == "CAN_ESCALATE":
            props["technique"] = technique
        self.records.add_edge(edge_type, source, target, **props)


def service_account_resource(estate: GcpEstate, email: str, project_key: str) -> str:
    """Return the resource name IAM checks for a service account, registering it."""
    known = estate.service_accounts.get(email)
    if known is not None and known.full_name:
        name = known.full_name
    else:
        project = estate.project_id_of(project_key) if project_key else "-"
        name = f"//iam.googleapis.com/projects/{project}/serviceAccounts/{email}"
    if project_key:
        estate.asset_projects.setdefault(name, project_key)
    return name


def derive_escalation_edges(
    estate: GcpEstate,
    records: GraphRecords,
    context: TransformContext,
    evaluator: IamEvaluator,
    index: IdentityIndex,
) -> dict[str, set[str]]:
    """Add every IAM-derived CAN_ESCALATE and CAN_ASSUME edge; return project admins."""
    run = EscalationContext(estate, records, context, evaluator, index)
    _derive_project_admins(run)
    _derive_service_account_edges(run)
    _derive_workload_edges(run)
    _derive_google_account_edges(run)
    _derive_workload_identity_edges(run)
    _derive_admin_reach(run)
    return run.admins


def _derive_project_admins(run: EscalationContext) -> None:
    evaluator = run.evaluator
    for project in sorted(run.estate.projects(), key=lambda c: c.key):
        target = ids.account_admin_node(project.key)
        chain = run.estate.chain(project.key)
        project_name = project.project_id or project.key
        for member in evaluator.members():
            technique, decision = _admin_technique(run, member, project.key, chain)
            if decision is None:
                continue
            if not decision.conditional:
                run.admins.setdefault(project.key, set()).add(member)
                source = run.node(member)
                if source in run.records.nodes:
                    run.records.nodes[source].props["is_admin"] = True
            run.add(
                "CAN_ESCALATE",
                member,
                target,
                technique=technique,
                conditional=decision.conditional,
                reason=f"{ADMIN_TECHNIQUES[technique]} {project_name}.",
                evidence=decision.evidence(member),
            )


def _admin_technique(
    run: EscalationContext, member: str, project_key: str, chain: list[str]
) -> tuple[str, Decision | None]:
    evaluator = run.evaluator
    decision = evaluator.decide(member, PROJECT_SET_IAM, CRM_PREFIX + project_key)
    if decision.allowed:
        owner = any(g.binding.role == "roles/owner" for g in decision.grants)
        return ("gcp-owner" if owner else "gcp-set-iam-policy"), decision
    for key in chain[1:]:
        if key.startswith("folders/"):
            decision = evaluator.decide(member, FOLDER_SET_IAM, CRM_PREFIX + key)
            if decision.allowed:
                return "gcp-folder-set-iam-policy", decision
        elif key.startswith("organizations/"):
            decision = evaluator.decide(member, ORGANIZATION_SET_IAM, CRM_PREFIX + key)
            if decision.allowed:
                return "gcp-org-set-iam-policy", decision
    scopes = {CRM_PREFIX + key for key in chain}
    for binding in evaluator.bindings_of(member):
        if binding.role.startswith("roles/") or binding.resource not in scopes:
            continue
        parent = binding.role.split("/roles/", 1)[0]
        decision = evaluator.decide(member, ROLE_UPDATE, CRM_PREFIX + parent)
        if decision.allowed:
            # A new decision: evaluator decisions are cached and shared.
            held = Decision(
                permission=decision.permission,
                grants=[*decision.grants, Grant(binding)],
                conditional_denies=list(decision.conditional_denies),
            )
            return "gcp-custom-role-update", held
    return "", None


def _is_admin(run: EscalationContext, member: str, project_key: str) -> bool:
    return member in run.admins.get(project_key, set())


def _derive_service_account_edges(run: EscalationContext) -> None:
    evaluator = run.evaluator
    token_holders: dict[str, dict[str, Decision]] = {}
    delegators: dict[str, dict[str, Decision]] = {}
    for email, project_key in sorted(run.index.account_projects.items()):
        resource = service_account_resource(run.estate, email, project_key)
        target = ids.service_account_node(email)
        for member in evaluator.members_on(resource):
            if member == f"serviceAccount:{email}" or _is_admin(
                run, member, project_key
            ):
                continue
            if not evaluator.may_have(member, SERVICE_ACCOUNT_PERMISSIONS, resource):
                continue
            _token_edges(run, member, email, resource, target, token_holders)
            for technique in SA_ESCALATIONS:
                decision = evaluator.decide(member, technique.permission, resource)
                if decision.allowed:
                    run.add(
                        "CAN_ESCALATE",
                        member,
                        target,
                        technique=technique.id,
                        conditional=decision.conditional,
                        reason=f"{technique.permission} on {email}: the member "
                        f"{technique.title}.",
                        evidence=decision.evidence(member),
                    )
            delegation = evaluator.decide(member, IMPLICIT_DELEGATION, resource)
            if delegation.allowed:
                delegators.setdefault(email, {})[member] = delegation
            _vehicle_edge(run, member, email, project_key, resource, target)
    _implicit_delegation_edges(run, token_holders, delegators)


def _token_edges(
    run: EscalationContext,
    member: str,
    email: str,
    resource: str,
    target: str,
    token_holders: dict[str, dict[str, Decision]],
) -> None:
    decisions = [
        run.evaluator.decide(member, permission, resource)
        for permission in TOKEN_PERMISSIONS
    ]
    allowed = [d for d in decisions if d.allowed]
    if not allowed:
        return
    best = next((d for d in allowed if not d.conditional), allowed[0])
    token_holders.setdefault(member, {})[email] = best
    evidence = [item for d in allowed for item in d.evidence(member)]
    run.add(
        "CAN_ASSUME",
        member,
        target,
        conditional=best.conditional,
        reason=f"{best.permission} on {email} lets the member mint the account's "
        "credentials.",
        evidence=evidence,
    )


_MAX_DELEGATION_HOPS = 5


def _implicit_delegation_edges(
    run: EscalationContext,
    token_holders: dict[str, dict[str, Decision]],
    delegators: dict[str, dict[str, Decision]],
) -> None:
    """Follow implicitDelegation chains to the accounts their last hop can mint.

    A chain needs implicitDelegation on every intermediate account and a token
    permission on the final one, held by the last intermediate.
    """
    delegates_of: dict[str, dict[str, Decision]] = {}
    for middle, members in delegators.items():
        for member, decision in members.items():
            delegates_of.setdefault(member, {})[middle] = decision
    for start in sorted(delegates_of):
        queue = [
            (middle, [decision], decision.conditional)
            for middle, decision in sorted(delegates_of[start].items())
        ]
        visited = {middle for middle, _, _ in queue}
        while queue:
            middle, chain, conditional = queue.pop(0)
            holder = f"serviceAccount:{middle}"
            for final, token in sorted(token_holders.get(holder, {}).items()):
                if f"serviceAccount:{final}" == start:
                    continue
                evidence = [
                    item for decision in chain for item in decision.evidence(start)
                ]
                evidence.extend(token.evidence(holder))
                run.add(
                    "CAN_ESCALATE",
                    start,
                    ids.service_account_node(final),
                    technique="gcp-sa-implicit-delegation",
                    conditional=conditional or token.conditional,
                    reason=f"implicitDelegation through {middle}, which can mint "
                    f"tokens for {final}, lets the member request {final}'s token.",
                    evidence=evidence,
                )
            if len(chain) >= _MAX_DELEGATION_HOPS:
                continue
            for following, decision in sorted(delegates_of.get(holder, {}).items()):
                if following not in visited:
                    visited.add(following)
                    queue.append(
                        (
                            following,
                            [*chain, decision],
                            conditional or decision.conditional,
                        )
                    )


def _vehicle_edge(
    run: EscalationContext,
    member: str,
    email: str,
    project_key: str,
    resource: str,
    target: str,
) -> None:
    act_as = run.evaluator.decide(member, ACT_AS, resource)
    if not act_as.allowed or not project_key:
        return
    vehicle, decisions, others = _vehicle_of(run, member, project_key)
    if vehicle is None:
        return
    evidence = act_as.evidence(member)
    for decision in decisions:
        evidence.extend(decision.evidence(member))
    if others:
        evidence.append({"kind": "other_vehicles", "techniques": others})
    run.add(
        "CAN_ESCALATE",
        member,
        target,
        technique=vehicle.id,
        conditional=act_as.conditional or any(d.conditional for d in decisions),
        reason=f"iam.serviceAccounts.actAs on {email}: the member {vehicle.title}.",
        evidence=evidence,
    )


def _vehicle_of(
    run: EscalationContext, member: str, project_key: str
) -> tuple[Vehicle | None, list[Decision], list[str]]:
    key = (member, project_key)
    cached = run._vehicles.get(key)
    if cached is not None:
        return cached
    project = CRM_PREFIX + project_key
    found: Vehicle | None = None
    found_decisions: list[Decision] = []
    others: list[str] = []
    for vehicle in VEHICLES:
        decisions = [
            run.evaluator.decide_any(member, group, project)
            for group in vehicle.requires
        ]
        if not all(d.allowed for d in decisions):
            continue
        if found is None:
            found, found_decisions = vehicle, decisions
        else:
            others.append(vehicle.id)
    result = (found, found_decisions, others)
    run._vehicles[key] = result
    return result


def _derive_workload_edges(run: EscalationContext) -> None:
    evaluator = run.evaluator
    for asset_name, emails in sorted(run.index.runs_as.items()):
        asset = run.estate.assets.get(asset_name)
        if asset is None:
            continue
        techniques = [
            t for t in WORKLOAD_TECHNIQUES if asset.asset_type in t.asset_types
        ]
        if not techniques:
            continue
        project = CRM_PREFIX + asset.project_key if asset.project_key else ""
        needed = [p for t in techniques for p in (*t.on_resource, *t.on_project)]
        for member in evaluator.members_on(asset_name):
            if not evaluator.may_have(member, needed, asset_name):
                continue
            if _is_admin(run, member, asset.project_key):
                continue
            for technique in techniques:
                decision = evaluator.decide_any(
                    member, technique.on_resource, asset_name
                )
                if not decision.allowed and project and technique.on_project:
                    decision = evaluator.decide_any(
                        member, technique.on_project, project
                    )
                if not decision.allowed:
                    continue
                for email in emails:
                    if member == f"serviceAccount:{email}":
                        continue
                    evidence = decision.evidence(member)
                    conditional = decision.conditional
                    if technique.needs_act_as:
                        act_as = evaluator.decide(
                            member,
                            ACT_AS,
                            service_account_resource(
                                run.estate,
                                email,
                                run.index.account_projects.get(email, ""),
                            ),
                        )
                        if not act_as.allowed:
                            continue
                        evidence += act_as.evidence(member)
                        conditional = conditional or act_as.conditional
                    if technique.caveat:
                        evidence.append({"kind": "caveat", "note": technique.caveat})
                        conditional = True
                    run.add(
                        "CAN_ESCALATE",
                        member,
                        ids.service_account_node(email),
                        technique=technique.id,
                        conditional=conditional,
                        reason=f"On {asset_name.rsplit('/', 1)[-1]}, which runs as "
                        f"{email}, the member {technique.title}.",
                        evidence=evidence,
                    )


def _derive_google_account_edges(run: EscalationContext) -> None:
    """Link members who start Cloud Build or Deployment Manager to their accounts."""
    for project in sorted(run.estate.projects(), key=lambda c: c.key):
        number = project.project_number or project.key.removeprefix("projects/")
        if not number.isdigit():
            continue
        for vehicle in GOOGLE_ACCOUNT_VEHICLES:
            email = vehicle.email_format.format(number=number)
            target = ids.service_account_node(email)
            if target not in run.records.nodes:
                continue
            for member in run.evaluator.members():
                if member == f"serviceAccount:{email}" or _is_admin(
                    run, member, project.key
                ):
                    continue
                decision = run.evaluator.decide(
                    member, vehicle.permission, CRM_PREFIX + project.key
                )
                if not decision.allowed:
                    continue
                run.add(
                    "CAN_ESCALATE",
                    member,
                    target,
                    technique=vehicle.id,
                    conditional=decision.conditional,
                    reason=f"{vehicle.permission}: the member {vehicle.title} "
                    f"({email}).",
                    evidence=decision.evidence(member),
                )


def _derive_workload_identity_edges(run: EscalationContext) -> None:
    """Link members that can edit a pool's providers to the pool's principals."""
    evaluator = run.evaluator
    for member in evaluator.members():
        if not member.startswith(("principal://", "principalSet://")):
            continue
        project = _pool_project(member)
        if not project:
            continue
        project_key = run.estate.project_key(project)
        for candidate in evaluator.members():
            if candidate == member:
                continue
            decision = evaluator.decide_any(
                candidate,
                WORKLOAD_IDENTITY_PROVIDER_PERMISSIONS,
                CRM_PREFIX + project_key,
            )
            if not decision.allowed:
                continue
            run.add(
                "CAN_ESCALATE",
                candidate,
                run.node(member),
                technique="gcp-wif-provider-update",
                conditional=decision.conditional,
                reason="The member can create or change a provider of the workload "
                "identity pool, point it at an identity provider it controls and "
                f"sign in as {member}.",
                evidence=decision.evidence(candidate),
            )


def _pool_project(member: str) -> str:
    """Return the project number of `principal(Set)://iam.googleapis.com/projects/N/...`."""
    parts = member.split("/")
    if "workloadIdentityPools" not in parts or "projects" not in parts:
        return ""
    return parts[parts.index("projects") + 1]


def _derive_admin_reach(run: EscalationContext) -> None:
    for email, project_key in sorted(run.index.account_projects.items()):
        admin = ids.account_admin_node(project_key)
        target = ids.service_account_node(email)
        if admin not in run.records.nodes or target not in run.records.nodes:
            continue
        run.records.add_edge(
            "CAN_ESCALATE",
            admin,
            target,
            technique="gcp-project-control",
            conditional=False,
            scan_id=run.context.scan_id,
            reason=f"Full control of the project lets the holder impersonate {email}.",
            evidence=to_json_text([{"kind": "scope", "project": project_key}]),
        )
