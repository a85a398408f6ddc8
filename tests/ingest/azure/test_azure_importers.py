"""Offline Azure inputs: az CLI folders, REST examples, AzureHound, bad files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toxicpath.analysis.azure import ids
from toxicpath.graph.model import INTERNET_ID
from toxicpath.ingest.errors import InputError
from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.transform import transform

DATA = Path(__file__).resolve().parents[2] / "data" / "azure"
CLI_SUB = "cccccccc-0000-0000-0000-000000000003"
CLI_RG = f"/subscriptions/{CLI_SUB}/resourcegroups/rg-cli"
HOUND_SUB = "dddddddd-0000-0000-0000-000000000004"


def test_cli_folder_builds_paths() -> None:
    graph = transform(load_inputs([DATA / "cli"]))
    alice = ids.principal_node("a1a1a1a1-0000-0000-0000-000000000001")
    automation = ids.principal_node("b2b2b2b2-0000-0000-0000-000000000002")
    identity = ids.principal_node("c3c3c3c3-0000-0000-0000-000000000003")
    escalations = {
        (e.source, e.target, e.props["technique"])
        for e in graph.edges_of_type("CAN_ESCALATE")
    }
    assert (
        alice,
        ids.account_admin_node(CLI_SUB),
        "azure-role-assignment-write",
    ) in escalations
    assert (automation, identity, "azure-vm-run-command") in escalations
    assert graph.nodes[alice].props["name"] == "alice@contoso.example"


def test_cli_folder_flattened_nsg_exposes_rdp() -> None:
    graph = transform(load_inputs([DATA / "cli"]))
    vm = f"{CLI_RG}/providers/microsoft.compute/virtualmachines/jump-host"
    exposed = [
        e
        for e in graph.edges_of_type("EXPOSED_TO")
        if e.source == INTERNET_ID and graph.nodes[e.target].label == "Resource"
    ]
    assert [e.target for e in exposed] == [vm]
    assert exposed[0].props["ports"] == ["3389"]
    assert graph.nodes[vm].props["public_ip"] == "52.170.0.10"


def test_cli_container_public_when_setting_null() -> None:
    graph = transform(load_inputs([DATA / "cli"]))
    container = (
        f"{CLI_RG}/providers/microsoft.storage/storageaccounts/clilogs/"
        "blobservices/default/containers/exports"
    )
    anonymous = [
        e for e in graph.edges_of_type("CAN_ACCESS") if e.source == ids.ANONYMOUS_NODE
    ]
    assert [e.target for e in anonymous] == [container]


def test_cli_import_reports_missing_services() -> None:
    snapshot = load_inputs([DATA / "cli"])
    status = {(c.account, c.service): c.status for c in snapshot.coverage}
    assert status[(CLI_SUB, "compute")] == "ok"
    assert status[(CLI_SUB, "keyvault")] == "not_collected"
    assert status[(CLI_SUB, "msi")] == "not_collected"


def test_cli_import_drops_secret_values(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(DATA / "cli", folder)
    vms = json.loads((folder / "vm-list.json").read_text())
    vms[0]["osProfile"]["customData"] = "c2VjcmV0LXNjcmlwdA=="
    (folder / "vm-list.json").write_text(json.dumps(vms))
    snapshot = load_inputs([folder])
    text = json.dumps([r.body for r in snapshot.responses])
    assert "c2VjcmV0LXNjcmlwdA==" not in text
    assert "customData" in text


def test_rest_examples_import(shared_data: Path) -> None:
    snapshot = load_inputs([shared_data / "azure" / "rest-examples"])
    assert len(snapshot.responses) == 2
    graph = transform(snapshot)
    nsg = (
        "/subscriptions/subid/resourcegroups/rg1/providers/microsoft.network/"
        "networksecuritygroups/testnsg"
    )
    assert graph.nodes[nsg].props["type"] == "nsg"
    assert graph.nodes[nsg].props["cidrs"] == [
        "*",
        "VirtualNetwork",
        "AzureLoadBalancer",
    ]
    principal = ids.principal_node("ce2ce14e-85d7-4629-bdbc-454d0519d987")
    assert graph.nodes[principal].props["type"] == "user"


def test_role_catalog_file_imports(shared_data: Path) -> None:
    snapshot = load_inputs([shared_data / "azure" / "built-in-role-definitions.json"])
    assert len(snapshot.responses[0].body["value"]) == 928


def test_export_cut_after_item_is_truncated() -> None:
    path = DATA / "bad" / "role-assignment-list-cut-after-item.json"
    with pytest.raises(InputError) as caught:
        load_inputs([path])
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert "the file is truncated" in message
    assert "Azure az CLI or ARM REST JSON" in message


def test_export_cut_mid_string_is_invalid() -> None:
    path = DATA / "bad" / "role-assignment-list-cut-mid-string.json"
    with pytest.raises(InputError) as caught:
        load_inputs([path])
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert "not valid JSON" in message


def test_malformed_item_names_index(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(DATA / "cli" / "account-list.json", folder)
    shutil.copy(DATA / "bad" / "vm-list-malformed.json", folder)
    with pytest.raises(InputError) as caught:
        load_inputs([folder])
    message = str(caught.value)
    assert "\n" not in message
    assert "vm-list-malformed.json" in message
    assert "item 1 is not an Azure object" in message


def test_truncated_file_in_folder_fails(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(DATA / "cli" / "account-list.json", folder)
    shutil.copy(DATA / "bad" / "role-assignment-list-cut-after-item.json", folder)
    with pytest.raises(InputError) as caught:
        load_inputs([folder])
    message = str(caught.value)
    assert "role-assignment-list-cut-after-item.json: " in message
    assert "the file is truncated" in message


def test_azurehound_group_member_inherits_owner() -> None:
    graph = transform(load_inputs([DATA / "azurehound.json"]))
    dan = ids.principal_node("d4d4d4d4-0000-0000-0000-000000000001")
    group = ids.principal_node("9a9a9a9a-0000-0000-0000-000000000004")
    admin = ids.account_admin_node(HOUND_SUB)
    escalations = {(e.source, e.target) for e in graph.edges_of_type("CAN_ESCALATE")}
    assert (dan, admin) in escalations
    assert (group, admin) in escalations
    members = {(e.source, e.target) for e in graph.edges_of_type("MEMBER_OF")}
    assert (dan, group) in members


def test_azurehound_directory_roles_and_owners() -> None:
    graph = transform(load_inputs([DATA / "azurehound.json"]))
    gail = ids.principal_node("6a116a11-0000-0000-0000-000000000002")
    olivia = ids.principal_node("0d1a0d1a-0000-0000-0000-000000000003")
    deployer = ids.principal_node("5e5e5e5e-0000-0000-0000-000000000006")
    techniques = {
        (e.source, e.target): e.props["technique"]
        for e in graph.edges_of_type("CAN_ESCALATE")
    }
    assert (
        techniques[(gail, ids.account_admin_node(HOUND_SUB))]
        == "azure-global-admin-elevate-access"
    )
    assert techniques[(olivia, deployer)] == "azure-owner-add-secret"
    assert techniques[(gail, deployer)] == "azure-app-admin-add-secret"
    assert (deployer, ids.account_admin_node(HOUND_SUB)) not in techniques
    assert graph.nodes[gail].props["name"] == "Gail Global"


def test_azurehound_entry_without_data_fails(tmp_path: Path) -> None:
    path = tmp_path / "hound.json"
    path.write_text(
        json.dumps({"meta": {"type": "azure"}, "data": [{"kind": "AZUser"}]})
    )
    with pytest.raises(InputError) as caught:
        load_inputs([path])
    assert "data[0] has no `data` object" in str(caught.value)


def test_azurehound_graph_app_roles() -> None:
    graph = transform(load_inputs([DATA / "azurehound.json"]))
    ci = ids.principal_node("7a7a7a7a-0000-0000-0000-000000000007")
    deployer = ids.principal_node("5e5e5e5e-0000-0000-0000-000000000006")
    group = ids.principal_node("9a9a9a9a-0000-0000-0000-000000000004")
    techniques = {
        (e.source, e.target): e.props["technique"]
        for e in graph.edges_of_type("CAN_ESCALATE")
    }
    admin = ids.account_admin_node(HOUND_SUB)
    assert techniques[(ci, admin)] == "azure-graph-role-management"
    assert techniques[(ci, deployer)] == "azure-graph-add-secret"
    assert techniques[(deployer, group)] == "azure-graph-add-member"
    assert (deployer, admin) not in techniques
