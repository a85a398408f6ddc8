"""Every Azure technique fires on its minimal estate and not on the near miss."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from toxicpath.analysis.azure import ids
from toxicpath.analysis.azure.techniques import TECHNIQUES
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.snapshot import RawResponse, Snapshot
from toxicpath.ingest.transform import transform

SUB = "eeeeeeee-0000-0000-0000-000000000005"
RG = f"/subscriptions/{SUB}/resourceGroups/rg"
ATTACKER = "a0a0a0a0-0000-0000-0000-000000000001"
WORKLOAD_MI = "b0b0b0b0-0000-0000-0000-000000000002"
KUBELET_MI = "c0c0c0c0-0000-0000-0000-000000000003"
UAMI = f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-target"


def resource(provider_type: str, name: str, **extra: Any) -> dict[str, Any]:
    item = {
        "id": f"{RG}/providers/{provider_type}/{name}",
        "name": name,
        "type": provider_type,
        "location": "westeurope",
        "identity": {"type": "SystemAssigned", "principalId": WORKLOAD_MI},
    }
    item.update(extra)
    return item


def custom_role(actions: list[str], data_actions: list[str]) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
        "d0d0d0d0-0000-0000-0000-000000000004",
        "name": "d0d0d0d0-0000-0000-0000-000000000004",
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": "Technique test role",
            "type": "CustomRole",
            "assignableScopes": [f"/subscriptions/{SUB}"],
            "permissions": [{"actions": actions, "dataActions": data_actions}],
        },
    }


ASSIGNMENT = {
    "id": f"{RG}/providers/Microsoft.Authorization/roleAssignments/ra-attacker",
    "name": "ra-attacker",
    "type": "Microsoft.Authorization/roleAssignments",
    "properties": {
        "scope": RG,
        "roleDefinitionId": "d0d0d0d0-0000-0000-0000-000000000004",
        "principalId": ATTACKER,
        "principalType": "User",
    },
}


@dataclass(frozen=True)
class Case:
    technique: str
    target: dict[str, Any]
    actions: tuple[str, ...]
    near_miss: tuple[str, ...]
    data_actions: tuple[str, ...] = ()
    target_node: str = ids.principal_node(WORKLOAD_MI)


VM = resource("Microsoft.Compute/virtualMachines", "vm1")
STORAGE = resource("Microsoft.Storage/storageAccounts", "sa1", properties={})
VAULT_POLICY_MODE = resource(
    "Microsoft.KeyVault/vaults",
    "kv1",
    properties={"enableRbacAuthorization": False, "accessPolicies": []},
)
VAULT_RBAC_MODE = resource(
    "Microsoft.KeyVault/vaults", "kv2", properties={"enableRbacAuthorization": True}
)
AKS = resource(
    "Microsoft.ContainerService/managedClusters",
    "aks1",
    properties={
        "identityProfile": {
            "kubeletidentity": {"objectId": KUBELET_MI, "resourceId": UAMI}
        }
    },
)
TARGET_UAMI = {
    "id": UAMI,
    "name": "id-target",
    "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
    "properties": {"principalId": KUBELET_MI},
}

CASES = (
    Case(
        "azure-vm-run-command",
        VM,
        ("Microsoft.Compute/virtualMachines/runCommand/action",),
        ("Microsoft.Compute/virtualMachines/read",),
    ),
    Case(
        "azure-vm-extension",
        VM,
        ("Microsoft.Compute/virtualMachines/extensions/write",),
        ("Microsoft.Compute/virtualMachines/extensions/read",),
    ),
    Case(
        "azure-vm-admin-login",
        VM,
        (),
        (),
        data_actions=("Microsoft.Compute/virtualMachines/loginAsAdmin/action",),
    ),
    Case(
        "azure-vmss-run-command",
        resource("Microsoft.Compute/virtualMachineScaleSets", "vmss1"),
        (
            "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action",
        ),
        ("Microsoft.Compute/virtualMachineScaleSets/read",),
    ),
    Case(
        "azure-web-app-code",
        resource("Microsoft.Web/sites", "app1", kind="app"),
        ("Microsoft.Web/sites/publishxml/action",),
        ("Microsoft.Web/sites/read",),
    ),
    Case(
        "azure-automation-runbook",
        resource("Microsoft.Automation/automationAccounts", "auto1"),
        (
            "Microsoft.Automation/automationAccounts/runbooks/write",
            "Microsoft.Automation/automationAccounts/jobs/write",
        ),
        ("Microsoft.Automation/automationAccounts/runbooks/write",),
    ),
    Case(
        "azure-logic-app-workflow",
        resource("Microsoft.Logic/workflows", "logic1"),
        ("Microsoft.Logic/workflows/write",),
        ("Microsoft.Logic/workflows/read",),
    ),
    Case(
        "azure-aks-command",
        AKS,
        ("Microsoft.ContainerService/managedClusters/runCommand/action",),
        (
            "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
        ),
        target_node=ids.principal_node(KUBELET_MI),
    ),
    Case(
        "azure-uami-federated-credential",
        TARGET_UAMI,
        (
            "Microsoft.ManagedIdentity/userAssignedIdentities/"
            "federatedIdentityCredentials/write",
        ),
        ("Microsoft.ManagedIdentity/userAssignedIdentities/read",),
        target_node=ids.principal_node(KUBELET_MI),
    ),
    Case(
        "azure-uami-assign",
        TARGET_UAMI,
        (
            "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
            "Microsoft.Compute/virtualMachines/write",
        ),
        ("Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",),
        target_node=ids.principal_node(KUBELET_MI),
    ),
    Case(
        "azure-storage-list-keys",
        STORAGE,
        ("Microsoft.Storage/storageAccounts/listkeys/action",),
        ("Microsoft.Storage/storageAccounts/read",),
        target_node=STORAGE["id"].lower(),
    ),
    Case(
        "azure-storage-blob-read",
        STORAGE,
        (),
        (),
        data_actions=(
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        ),
        target_node=STORAGE["id"].lower(),
    ),
    Case(
        "azure-storage-blob-write",
        STORAGE,
        (),
        (),
        data_actions=(
            "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
        ),
        target_node=STORAGE["id"].lower(),
    ),
    Case(
        "azure-keyvault-secret-read",
        VAULT_RBAC_MODE,
        (),
        (),
        data_actions=("Microsoft.KeyVault/vaults/secrets/getSecret/action",),
        target_node=VAULT_RBAC_MODE["id"].lower(),
    ),
    Case(
        "azure-keyvault-key-use",
        VAULT_RBAC_MODE,
        (),
        (),
        data_actions=("Microsoft.KeyVault/vaults/keys/unwrap/action",),
        target_node=VAULT_RBAC_MODE["id"].lower(),
    ),
    Case(
        "azure-keyvault-access-policy-self-grant",
        VAULT_POLICY_MODE,
        ("Microsoft.KeyVault/vaults/write",),
        ("Microsoft.KeyVault/vaults/read",),
        target_node=VAULT_POLICY_MODE["id"].lower(),
    ),
    Case(
        "azure-vm-control",
        VM,
        ("Microsoft.Compute/virtualMachines/runCommand/action",),
        ("Microsoft.Compute/virtualMachines/read",),
        target_node=VM["id"].lower(),
    ),
)


def build(case: Case, *, fire: bool) -> GraphRecords:
    actions = list(case.actions if fire else case.near_miss)
    data_actions = list(case.data_actions if fire else ())
    snapshot = Snapshot(kind="import")
    body = {"value": [case.target, custom_role(actions, data_actions), ASSIGNMENT]}
    snapshot.add_response(
        RawResponse(
            cloud="azure",
            account=SUB,
            region="",
            service="arm",
            operation="t",
            body=body,
        )
    )
    return transform(snapshot)


def technique_edges(graph: GraphRecords, case: Case) -> list[str]:
    attacker = ids.principal_node(ATTACKER)
    technique = next(t for t in TECHNIQUES if t.id == case.technique)
    if technique.edge == "access":
        return [
            e.props["level"]
            for e in graph.edges_of_type("CAN_ACCESS")
            if e.source == attacker
            and e.target == case.target_node
            and e.props["level"] == technique.level
        ]
    return [
        e.props["technique"]
        for e in graph.edges_of_type("CAN_ESCALATE")
        if e.source == attacker
        and e.target == case.target_node
        and e.props["technique"] == case.technique
    ]


def test_every_technique_has_a_case() -> None:
    assert sorted(t.id for t in TECHNIQUES) == sorted(c.technique for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.technique)
def test_technique_fires_on_minimal_estate(case: Case) -> None:
    assert technique_edges(build(case, fire=True), case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.technique)
def test_technique_silent_on_near_miss(case: Case) -> None:
    assert technique_edges(build(case, fire=False), case) == []
