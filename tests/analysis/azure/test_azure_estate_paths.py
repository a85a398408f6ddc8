"""Attack paths and non-paths in the recorded two-subscription Azure estate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from toxicpath.analysis.azure import ids
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import Edge, GraphRecords
from toxicpath.ingest.snapshot import RawResponse, Snapshot
from toxicpath.ingest.transform import transform

ESTATE = Path(__file__).resolve().parents[2] / "data" / "azure" / "estate.json"
S1 = "aaaaaaaa-0000-0000-0000-000000000001"
S2 = "bbbbbbbb-0000-0000-0000-000000000002"
ALICE = ids.principal_node("a11ce000-0000-0000-0000-000000000001")
BOB = ids.principal_node("b0b00000-0000-0000-0000-000000000002")
CAROL = ids.principal_node("ca401000-0000-0000-0000-000000000003")
DAVE = ids.principal_node("da7e0000-0000-0000-0000-000000000004")
EVE = ids.principal_node("e7e00000-0000-0000-0000-000000000005")
FRANK = ids.principal_node("f4a4c000-0000-0000-0000-000000000006")
GINA = ids.principal_node("6140a000-0000-0000-0000-000000000007")
MI_VM = ids.principal_node("5a5a0000-0000-0000-0000-0000000000a1")
MI_DEPLOY = ids.principal_node("5a5a0000-0000-0000-0000-0000000000a2")
RG_DATA = f"/subscriptions/{S1}/resourcegroups/rg-data"
RG_APP = f"/subscriptions/{S2}/resourcegroups/rg-app"
SA_PUBLIC = f"{RG_DATA}/providers/microsoft.storage/storageaccounts/sapublic"
SA_LOCKED = f"{RG_DATA}/providers/microsoft.storage/storageaccounts/salocked"
KV_LEGACY = f"{RG_DATA}/providers/microsoft.keyvault/vaults/kv-legacy"
KV_RBAC = f"{RG_DATA}/providers/microsoft.keyvault/vaults/kv-rbac"
VM_APP = f"{RG_APP}/providers/microsoft.compute/virtualmachines/vm-app"
VM_DB = f"{RG_APP}/providers/microsoft.compute/virtualmachines/vm-db"
VM_WEB = f"{RG_APP}/providers/microsoft.compute/virtualmachines/vm-web"
VM_LEGACY = f"{RG_APP}/providers/microsoft.compute/virtualmachines/vm-legacy"
LB_WEB = f"{RG_APP}/providers/microsoft.network/loadbalancers/lb-web"


def estate_snapshot() -> Snapshot:
    """Build a snapshot holding every recorded response of the test estate."""
    routes = json.loads(ESTATE.read_text(encoding="utf-8"))["routes"]
    snapshot = Snapshot(kind="import")
    for path, route in routes.items():
        bodies: list[Any] = (
            [route["body"]]
            if "body" in route
            else [{"value": p} for p in route["pages"]]
        )
        for body in bodies:
            snapshot.add_response(
                RawResponse(
                    cloud="azure",
                    account="",
                    region="",
                    service="arm",
                    operation=path,
                    body=body,
                )
            )
    return snapshot


@pytest.fixture(scope="module")
def graph() -> GraphRecords:
    return transform(estate_snapshot())


def edges(graph: GraphRecords, edge_type: str, source: str, target: str) -> list[Edge]:
    return [
        e
        for e in graph.edges_of_type(edge_type)
        if e.source == source and e.target == target
    ]


def techniques(graph: GraphRecords, source: str, target: str) -> set[str]:
    return {
        str(e.props.get("technique"))
        for e in edges(graph, "CAN_ESCALATE", source, target)
    }


def test_owner_inherited_from_management_group(graph: GraphRecords) -> None:
    assert techniques(graph, ALICE, ids.account_admin_node(S1)) == {"azure-owner"}
    assert not techniques(graph, ALICE, ids.account_admin_node(S2))


def test_custom_run_command_role_reaches_identity(graph: GraphRecords) -> None:
    assert "azure-vm-run-command" in techniques(graph, BOB, MI_VM)
    edge = edges(graph, "CAN_ESCALATE", BOB, MI_VM)[0]
    evidence = json.loads(edge.props["evidence"])
    assert evidence[0]["role"] == "VM Operator"
    assert evidence[0]["scope"] == RG_APP
    assert edge.props["conditional"] is False


def test_vm_identity_contributor_is_not_admin(graph: GraphRecords) -> None:
    assert not techniques(graph, MI_VM, ids.account_admin_node(S1))
    assert edges(graph, "RUNS_AS", VM_APP, MI_VM)


def test_chain_reaches_second_subscription(graph: GraphRecords) -> None:
    assert "azure-web-app-code" in techniques(graph, MI_VM, MI_DEPLOY)
    assert "azure-uami-federated-credential" in techniques(graph, MI_VM, MI_DEPLOY)
    assert techniques(graph, MI_DEPLOY, ids.account_admin_node(S2)) == {"azure-owner"}
    assert "azure-web-app-code" in techniques(graph, GINA, MI_DEPLOY)


def test_list_keys_respects_shared_key_setting(graph: GraphRecords) -> None:
    public = edges(graph, "CAN_ACCESS", MI_VM, SA_PUBLIC)
    assert public
    assert public[0].props["level"] == "admin"
    assert (
        "Microsoft.Storage/storageAccounts/listkeys/action"
        in public[0].props["actions"]
    )
    assert not edges(graph, "CAN_ACCESS", MI_VM, SA_LOCKED)


def test_key_vault_access_policy_self_grant(graph: GraphRecords) -> None:
    legacy = edges(graph, "CAN_ACCESS", CAROL, KV_LEGACY)
    assert legacy
    assert legacy[0].props["level"] == "admin"
    assert not edges(graph, "CAN_ACCESS", CAROL, KV_RBAC)


def test_key_vault_access_policy_grants_read(graph: GraphRecords) -> None:
    policy = edges(graph, "CAN_ACCESS", FRANK, KV_LEGACY)
    assert policy
    assert policy[0].props["level"] == "read"
    assert "secrets/get" in policy[0].props["actions"]


def test_public_container_is_anonymous(graph: GraphRecords) -> None:
    container = f"{SA_PUBLIC}/blobservices/default/containers/public-assets"
    assert edges(graph, "CAN_ACCESS", ids.ANONYMOUS_NODE, container)
    assert graph.nodes[container].props["public"] is True
    assert graph.nodes[SA_PUBLIC].props["public"] is True


def test_account_setting_blocks_public_container(graph: GraphRecords) -> None:
    container = f"{SA_LOCKED}/blobservices/default/containers/www"
    assert not edges(graph, "CAN_ACCESS", ids.ANONYMOUS_NODE, container)
    assert graph.nodes[container].props["public"] is False
    attrs = json.loads(graph.nodes[container].props["attrs"])
    assert "allowBlobPublicAccess" in attrs["anonymous_blocked_by"]


def test_private_container_is_not_anonymous(graph: GraphRecords) -> None:
    container = f"{SA_PUBLIC}/blobservices/default/containers/reports"
    assert not edges(graph, "CAN_ACCESS", ids.ANONYMOUS_NODE, container)


def test_subnet_deny_wins_over_nic_allow(graph: GraphRecords) -> None:
    exposed = edges(graph, "EXPOSED_TO", INTERNET_ID, VM_APP)
    assert exposed
    assert exposed[0].props["ports"] == ["443"]
    assert exposed[0].props["protocol"] == "tcp"
    assert graph.nodes[VM_APP].props["public_ip"] == "20.1.2.3"


def test_private_vm_is_not_exposed(graph: GraphRecords) -> None:
    assert not edges(graph, "EXPOSED_TO", INTERNET_ID, VM_DB)


def test_load_balancer_rule_exposes_backend(graph: GraphRecords) -> None:
    backend = edges(graph, "EXPOSED_TO", INTERNET_ID, VM_WEB)
    assert backend
    assert backend[0].props["ports"] == ["8080"]
    frontend = edges(graph, "EXPOSED_TO", INTERNET_ID, LB_WEB)
    assert frontend
    assert frontend[0].props["ports"] == ["80"]


def test_basic_public_ip_without_nsg_is_open(graph: GraphRecords) -> None:
    exposed = edges(graph, "EXPOSED_TO", INTERNET_ID, VM_LEGACY)
    assert exposed
    assert exposed[0].props["ports"] == ["all"]
    assert exposed[0].props["protocol"] == "all"


def test_deny_assignment_blocks_run_command(graph: GraphRecords) -> None:
    eve = techniques(graph, EVE, MI_VM)
    assert "azure-vm-run-command" not in eve
    assert "azure-vm-extension" in eve


def test_deny_assignment_exclusion_keeps_grant(graph: GraphRecords) -> None:
    assert "azure-vm-run-command" in techniques(graph, BOB, MI_VM)


def test_abac_condition_gives_conditional_edge(graph: GraphRecords) -> None:
    blob = edges(graph, "CAN_ACCESS", FRANK, SA_PUBLIC)
    assert blob
    assert blob[0].props["conditional"] is True
    evidence = json.loads(blob[0].props["evidence"])
    assert "StringEquals 'reports'" in evidence[0]["condition"]


def test_reader_gets_no_attack_edges(graph: GraphRecords) -> None:
    derived = [
        e
        for e in graph.edges.values()
        if e.source == DAVE and e.type in ("CAN_ESCALATE", "CAN_ACCESS")
    ]
    assert derived == []


def test_admin_reaches_subscription_resources(graph: GraphRecords) -> None:
    admin = ids.account_admin_node(S1)
    assert edges(graph, "CAN_ACCESS", admin, KV_RBAC)
    assert techniques(graph, admin, MI_DEPLOY) == {"azure-subscription-control"}
    assert not edges(graph, "CAN_ACCESS", admin, VM_APP)


def test_hierarchy_edges_link_subscription(graph: GraphRecords) -> None:
    production = "/providers/microsoft.management/managementgroups/mg-prod"
    assert edges(graph, "IN_ACCOUNT", f"/subscriptions/{S1}", production)
    assert graph.nodes[f"/subscriptions/{S1}"].props["type"] == "azure_subscription"
    assert graph.nodes[production].props["type"] == "azure_management_group"


def test_sensitivity_from_classification_tag(graph: GraphRecords) -> None:
    assert graph.nodes[SA_PUBLIC].props["sensitivity"] == "high"
    assert graph.nodes[KV_RBAC].props["sensitivity"] == "high"


def test_federated_credential_trusts_subject(graph: GraphRecords) -> None:
    provider = "azure:federated:https://token.actions.githubusercontent.com"
    trust = edges(graph, "CAN_ASSUME", provider, MI_DEPLOY)
    assert trust
    assert trust[0].props["conditional"] is True
    evidence = json.loads(trust[0].props["evidence"])
    assert evidence[0]["subject"] == "repo:contoso/app:environment:production"
    assert graph.nodes[provider].props["type"] == "federated_provider"
