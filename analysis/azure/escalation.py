"""Derive Azure attack edges from effective RBAC actions.

- CAN_ESCALATE to a subscription's `account_admin` for every principal that can
  write role assignments there (Owner, User Access Administrator, custom
  equivalents, inherited from management groups or the root) or rewrite a
  custom role it holds.
- CAN_ESCALATE to the managed identities of VMs, scale sets, Web/Function
  Apps, Automation accounts, Logic Apps and AKS clusters the principal can run
  code on, and to user-assigned identities it can federate or attach.
- CAN_ACCESS to VMs, storage accounts and Key Vaults from the actions in
  `techniques.py`.
- `account_admin` itself reaches every resource and managed identity of its
  subscription, so admins need no per-resource edges.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from toxicpath.analysis.azure import ids
from toxicpath.analysis.azure.node_props import azure_node_props
from toxicpath.analysis.azure.nodes import IdentityIndex
from toxicpath.analysis.azure.rbac import ROLE_ASSIGNMENT_WRITE, Decision, RbacEvaluator
from toxicpath.analysis.azure.techniques import (
    SUBSCRIPTION_TECHNIQUES,
    TECHNIQUES,
    Technique,
)
from toxicpath.analysis.azure.types import KEY_VAULT_TYPE, UAMI_TYPE
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.azure.arm import subscription_id_node
from toxicpath.ingest.azure.estate import AzureEstate, AzureResource
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

ROLE_DEFINITION_WRITE = "Microsoft.Authorization/roleDefinitions/write"
VM_WRITE = "Microsoft.Compute/virtualMachines/write"


@dataclass(frozen=True)
class TechniqueResult:
    actions: tuple[str, ...]
    evidence: tuple[dict[str, Any], ...]
    conditional: bool


def ensure_principal_node(
    records: GraphRecords, index: IdentityIndex, principal_id: str, scan_id: str
) -> str:
    """Return the node of a principal, adding a bare service principal if unknown."""
    node_id = index.node_for_principal(principal_id)
    if node_id not in records.nodes:
        records.add_node(
            "Identity",
            node_id,
            **azure_node_props(
                node_type="service_principal",
                native_type="Microsoft.Entra/unknown",
                name=principal_id,
                account_id="",
                scan_id=scan_id,
                attrs={"object_id": principal_id, "kind_known": False},
            ),
        )
    return node_id


def derive_rbac_edges(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    evaluator: RbacEvaluator,
    index: IdentityIndex,
) -> None:
    """Add every RBAC-derived CAN_ESCALATE and CAN_ACCESS edge."""
    admins = _derive_subscription_admins(estate, records, context, evaluator, index)
    _derive_resource_techniques(estate, records, context, evaluator, index, admins)
    _derive_admin_reach(estate, records, context, index)


def _derive_subscription_admins(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    evaluator: RbacEvaluator,
    index: IdentityIndex,
) -> dict[str, set[str]]:
    """Add principal -> account_admin edges; return the unconditional admins.

    The result maps each subscription id to its unconditional admins.
    """
    admins: dict[str, set[str]] = {}
    for subscription_id in sorted(estate.subscriptions):
        target = subscription_id_node(subscription_id)
        for principal_id in sorted(evaluator.principals()):
            decision = evaluator.decide(
                principal_id, ROLE_ASSIGNMENT_WRITE, target, allow_self_grant=False
            )
            technique = ""
            evidence: list[dict[str, Any]] = []
            if decision.allowed:
                technique = (
                    "azure-owner"
                    if _has_full_wildcard(decision)
                    else "azure-role-assignment-write"
                )
                evidence = decision.evidence(ROLE_ASSIGNMENT_WRITE)
            else:
                decision, evidence = _role_definition_update(
                    evaluator, principal_id, target
                )
                technique = "azure-role-definition-update" if decision.allowed else ""
            if not technique:
                continue
            source = ensure_principal_node(
                records, index, principal_id, context.scan_id
            )
            if not decision.conditional:
                admins.setdefault(subscription_id, set()).add(principal_id)
                if any(not grant.via_group for grant in decision.grants):
                    # Its own assignments, not a group's, make it an admin.
                    records.nodes[source].props["is_admin"] = True
            records.add_edge(
                "CAN_ESCALATE",
                source,
                ids.account_admin_node(subscription_id),
                technique=technique,
                conditional=decision.conditional,
                scan_id=context.scan_id,
                reason=f"{SUBSCRIPTION_TECHNIQUES[technique]} {subscription_id}.",
                evidence=to_json_text(evidence),
            )
    return admins


def _has_full_wildcard(decision: Decision) -> bool:
    return any(
        "*" in permission.actions
        for grant in decision.grants
        for permission in grant.role.permissions
    )


def _role_definition_update(
    evaluator: RbacEvaluator, principal_id: str, target: str
) -> tuple[Decision, list[dict[str, Any]]]:
    """Decide roleDefinitions/write plus a held custom role assignable at `target`."""
    decision = evaluator.decide(
        principal_id, ROLE_DEFINITION_WRITE, target, allow_self_grant=False
    )
    if not decision.allowed:
        return Decision(), []
    scopes = evaluator.ancestors(target)
    for assignment, group in evaluator.assignments_of(principal_id):
        role = evaluator.role(assignment.role_guid)
        if role is None or not role.is_custom or assignment.scope not in scopes:
            continue
        assignable = not role.assignable_scopes or any(
            scope in scopes for scope in role.assignable_scopes
        )
        if assignable:
            evidence = decision.evidence(ROLE_DEFINITION_WRITE)
            evidence.append(
                {
                    "kind": "role_assignment",
                    "assignment": assignment.id,
                    "role": role.role_name,
                    "scope": assignment.scope,
                    "note": "custom role the principal holds and can rewrite",
                    **({"via_group": group} if group else {}),
                }
            )
            return decision, evidence
    return Decision(), []


def _derive_resource_techniques(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    evaluator: RbacEvaluator,
    index: IdentityIndex,
    admins: dict[str, set[str]],
) -> None:
    by_type: dict[str, list[Technique]] = {}
    for technique in TECHNIQUES:
        for resource_type in technique.resource_types:
            by_type.setdefault(resource_type, []).append(technique)
    principals = sorted(evaluator.principals())
    results: dict[tuple[Any, ...], TechniqueResult | None] = {}
    for resource in estate.resources.values():
        techniques = by_type.get(resource.type)
        if not techniques:
            continue
        scopes = evaluator.ancestors(resource.id)
        for principal_id in principals:
            if principal_id in admins.get(resource.subscription_id, set()):
                continue
            if not any(
                a.scope in scopes for a, _ in evaluator.assignments_of(principal_id)
            ):
                continue
            for technique in techniques:
                if not _applies(technique, resource):
                    continue
                key = (
                    principal_id,
                    technique.id,
                    evaluator.target_key(principal_id, resource.id),
                )
                if key not in results:
                    results[key] = _evaluate(
                        evaluator, principal_id, technique, resource
                    )
                result = results[key]
                if result is None:
                    continue
                _add_technique_edges(
                    records, context, index, principal_id, technique, resource, result
                )


def _applies(technique: Technique, resource: AzureResource) -> bool:
    properties = resource.properties
    if technique.id == "azure-storage-list-keys":
        # Shared key access is on unless explicitly disabled (null means true).
        return properties.get("allowSharedKeyAccess") is not False
    rbac_mode = properties.get("enableRbacAuthorization") is True
    if technique.id == "azure-keyvault-access-policy-self-grant":
        return resource.type == KEY_VAULT_TYPE and not rbac_mode
    if technique.id in ("azure-keyvault-secret-read", "azure-keyvault-key-use"):
        return rbac_mode
    return True


def _evaluate(
    evaluator: RbacEvaluator,
    principal_id: str,
    technique: Technique,
    resource: AzureResource,
) -> TechniqueResult | None:
    actions: list[str] = []
    evidence: list[dict[str, Any]] = []
    conditional = False
    groups = [(group, False) for group in technique.requires] + [
        (group, True) for group in technique.data_requires
    ]
    for alternatives, data in groups:
        chosen: tuple[str, Decision] | None = None
        for action in alternatives:
            decision = evaluator.decide(principal_id, action, resource.id, data=data)
            if not decision.allowed:
                continue
            if chosen is None or (chosen[1].conditional and not decision.conditional):
                chosen = (action, decision)
        if chosen is None:
            return None
        actions.append(chosen[0])
        evidence.extend(chosen[1].evidence(chosen[0]))
        conditional = conditional or chosen[1].conditional
    if technique.id == "azure-uami-assign":
        target = resource.resource_group_id or subscription_id_node(
            resource.subscription_id
        )
        vehicle = evaluator.decide(principal_id, VM_WRITE, target)
        if not vehicle.allowed:
            return None
        actions.append(VM_WRITE)
        evidence.extend(vehicle.evidence(VM_WRITE))
        conditional = conditional or vehicle.conditional
    return TechniqueResult(tuple(actions), tuple(evidence), conditional)


def _add_technique_edges(
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
    principal_id: str,
    technique: Technique,
    resource: AzureResource,
    result: TechniqueResult,
) -> None:
    source = ensure_principal_node(records, index, principal_id, context.scan_id)
    evidence = to_json_text(list(result.evidence))
    if technique.edge == "access":
        if resource.id not in records.nodes:
            return
        records.add_edge(
            "CAN_ACCESS",
            source,
            resource.id,
            level=technique.level,
            actions=sorted(result.actions),
            conditional=result.conditional,
            scan_id=context.scan_id,
            reason=f"{technique.title} on {resource.name}.",
            evidence=evidence,
        )
        return
    if resource.type == UAMI_TYPE:
        targets = (
            [index.user_assigned[resource.id]]
            if resource.id in index.user_assigned
            else []
        )
    else:
        targets = index.runs_as.get(resource.id, [])
    for target in targets:
        if target == source or target not in records.nodes:
            continue
        records.add_edge(
            "CAN_ESCALATE",
            source,
            target,
            technique=technique.id,
            conditional=result.conditional,
            scan_id=context.scan_id,
            reason=f"{technique.title} ({resource.name}).",
            evidence=evidence,
        )


def _derive_admin_reach(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
) -> None:
    """Connect each subscription's account_admin to its resources and identities."""
    for resource in estate.resources.values():
        admin = ids.account_admin_node(resource.subscription_id)
        if admin not in records.nodes:
            continue
        if (
            resource.id in records.nodes
            and records.nodes[resource.id].label == "Resource"
        ):
            records.add_edge(
                "CAN_ACCESS",
                admin,
                resource.id,
                level="admin",
                actions=["*"],
                conditional=False,
                scan_id=context.scan_id,
                reason=f"Full control of the subscription covers {resource.name}.",
                evidence=to_json_text(
                    [{"kind": "scope", "subscription": resource.subscription_id}]
                ),
            )
        identities = list(index.runs_as.get(resource.id, []))
        if resource.type == UAMI_TYPE and resource.id in index.user_assigned:
            identities.append(index.user_assigned[resource.id])
        for identity in identities:
            records.add_edge(
                "CAN_ESCALATE",
                admin,
                identity,
                technique="azure-subscription-control",
                conditional=False,
                scan_id=context.scan_id,
                reason=f"Full control of the subscription lets the holder run code "
                f"as {resource.name}'s identity.",
                evidence=to_json_text([{"kind": "resource", "resource": resource.id}]),
            )
