"""Attack paths of the fixture organization in `tests/data/gcp/org_export.jsonl`.

The organization: project prod-app (number 300) under folder production,
project dev-sandbox (400) under the organization. Service account deployer
is Owner of prod-app; alice has Token Creator on it and bob only Service
Account User. The Compute Engine default account is Editor and runs two
VMs with external addresses. An SSH rule open to 0.0.0.0/0 targets the tag
of vm-web only. Two buckets grant allUsers objectViewer, one with public
access prevention enforced.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from toxicpath.graph.records import Edge, GraphRecords
from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.snapshot import RawResponse, Snapshot
from toxicpath.ingest.transform import transform

DATA = Path(__file__).resolve().parents[2] / "data" / "gcp"
EXPORT = DATA / "org_export.jsonl"
DENY = DATA / "deny_token_minting.json"

ALICE = "gcp:user:alice@example.com"
BOB = "gcp:user:bob@example.com"
ERIN = "gcp:user:erin@example.com"
FRANK = "gcp:user:frank@example.com"
GINA = "gcp:user:gina@example.com"
DEPLOYER = "gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com"
COMPUTE_SA = "gcp:serviceAccount:300-compute@developer.gserviceaccount.com"
PROD_ADMIN = "gcp:account_admin:projects/300"
DEV_ADMIN = "gcp:account_admin:projects/400"
VM_WEB = (
    "//compute.googleapis.com/projects/prod-app/zones/us-central1-a/instances/vm-web"
)
VM_BATCH = (
    "//compute.googleapis.com/projects/prod-app/zones/us-central1-a/instances/vm-batch"
)
PUBLIC_BUCKET = "//storage.googleapis.com/prod-app-public-assets"
LOCKED_BUCKET = "//storage.googleapis.com/prod-app-locked-assets"


def estate_snapshot(*extra: Path) -> Snapshot:
    return load_inputs([EXPORT, *extra])


def records_of(snapshot: Snapshot) -> GraphRecords:
    return transform(snapshot)


def edges(
    records: GraphRecords, edge_type: str, source: str, target: str
) -> list[Edge]:
    return [
        e
        for e in records.edges_of_type(edge_type)
        if e.source == source and e.target == target
    ]


def with_binding(snapshot: Snapshot, resource: str, role: str, member: str) -> Snapshot:
    """Add one binding on `resource`, as a second IAM policy line would."""
    asset: dict[str, Any] = {
        "name": resource,
        "asset_type": "cloudresourcemanager.googleapis.com/Project",
        "iam_policy": {"bindings": [{"role": role, "members": [member]}]},
    }
    snapshot.add_response(
        RawResponse(
            cloud="gcp",
            account="",
            region="",
            service="cloudasset",
            operation="export",
            body={"assets": [asset]},
        )
    )
    return snapshot


def test_token_creator_reaches_sa() -> None:
    records = records_of(estate_snapshot())
    assert edges(records, "CAN_ASSUME", ALICE, DEPLOYER)


def test_owner_sa_reaches_project_admin() -> None:
    records = records_of(estate_snapshot())
    found = edges(records, "CAN_ESCALATE", DEPLOYER, PROD_ADMIN)
    assert [e.props["technique"] for e in found] == ["gcp-owner"]
    assert found[0].props["conditional"] is False


def test_act_as_alone_gives_no_edge() -> None:
    records = records_of(estate_snapshot())
    outgoing = [e for e in records.edges.values() if e.source == BOB]
    assert [e.type for e in outgoing if e.type.startswith("CAN_")] == []


def test_act_as_with_instance_create() -> None:
    snapshot = with_binding(
        estate_snapshot(),
        "//cloudresourcemanager.googleapis.com/projects/300",
        "roles/compute.instanceAdmin.v1",
        "user:bob@example.com",
    )
    found = edges(records_of(snapshot), "CAN_ESCALATE", BOB, DEPLOYER)
    assert [e.props["technique"] for e in found] == ["gcp-actas-compute-instance"]
    evidence = json.loads(found[0].props["evidence"])
    permissions = {item.get("permission") for item in evidence}
    assert "iam.serviceAccounts.actAs" in permissions
    assert "compute.instances.create" in permissions


def test_instance_create_without_act_as() -> None:
    snapshot = with_binding(
        estate_snapshot(),
        "//cloudresourcemanager.googleapis.com/projects/300",
        "roles/compute.instanceAdmin.v1",
        "user:zoe@example.com",
    )
    records = records_of(snapshot)
    assert not edges(records, "CAN_ESCALATE", "gcp:user:zoe@example.com", DEPLOYER)


def test_deny_policy_blocks_token_path() -> None:
    records = records_of(estate_snapshot(DENY))
    assert not edges(records, "CAN_ASSUME", ALICE, DEPLOYER)
    assert not edges(records, "CAN_ESCALATE", ALICE, DEPLOYER)


def test_deny_of_one_permission_leaves_others(tmp_path: Path) -> None:
    policy = json.loads(DENY.read_text())
    rule = policy["rules"][0]["denyRule"]
    rule["deniedPermissions"] = ["iam.googleapis.com/serviceAccounts.getAccessToken"]
    narrow = tmp_path / "deny_get_access_token.json"
    narrow.write_text(json.dumps(policy))
    found = edges(records_of(estate_snapshot(narrow)), "CAN_ASSUME", ALICE, DEPLOYER)
    assert len(found) == 1
    evidence = json.loads(found[0].props["evidence"])
    permissions = {item["permission"] for item in evidence}
    assert "iam.serviceAccounts.getAccessToken" not in permissions
    assert "iam.serviceAccounts.signJwt" in permissions


def test_deny_exception_principal_keeps_path(tmp_path: Path) -> None:
    policy = json.loads(DENY.read_text())
    policy["rules"][0]["denyRule"]["exceptionPrincipals"] = [
        "principal://goog/subject/alice@example.com"
    ]
    excepted = tmp_path / "deny_except_alice.json"
    excepted.write_text(json.dumps(policy))
    records = records_of(estate_snapshot(excepted))
    assert edges(records, "CAN_ASSUME", ALICE, DEPLOYER)


def test_exposed_vm_runs_as_editor() -> None:
    records = records_of(estate_snapshot())
    exposed = edges(records, "EXPOSED_TO", "internet", VM_WEB)
    assert len(exposed) == 1
    assert exposed[0].props["ports"] == ["22"]
    assert exposed[0].props["protocol"] == "tcp"
    assert exposed[0].props["cidrs"] == ["0.0.0.0/0"]
    assert edges(records, "RUNS_AS", VM_WEB, COMPUTE_SA)
    attrs = json.loads(records.nodes[COMPUTE_SA].props["attrs"])
    assert attrs["basic_roles"] == ["roles/editor"]
    assert attrs["default_account"] == "compute_default"


def test_editor_sa_reaches_owner_sa() -> None:
    records = records_of(estate_snapshot())
    techniques = {
        e.props["technique"]
        for e in edges(records, "CAN_ESCALATE", COMPUTE_SA, DEPLOYER)
    }
    assert "gcp-actas-compute-instance" in techniques


def test_vm_scopes_recorded() -> None:
    records = records_of(estate_snapshot())
    attrs = json.loads(records.nodes[VM_WEB].props["attrs"])
    assert attrs["full_api_access"] is True
    assert attrs["access_scopes"] == ["https://www.googleapis.com/auth/cloud-platform"]


def test_rule_for_other_tag_not_exposed() -> None:
    records = records_of(estate_snapshot())
    assert not edges(records, "EXPOSED_TO", "internet", VM_BATCH)
    assert records.nodes[VM_BATCH].props["public_ip"] == "34.1.2.4"


def test_all_users_bucket_is_public() -> None:
    records = records_of(estate_snapshot())
    assert records.nodes[PUBLIC_BUCKET].props["public"] is True
    found = edges(records, "CAN_ACCESS", "gcp:allUsers", PUBLIC_BUCKET)
    assert [e.props["level"] for e in found] == ["read"]


def test_prevention_enforced_bucket_not_public() -> None:
    records = records_of(estate_snapshot())
    assert records.nodes[LOCKED_BUCKET].props["public"] is False
    assert not edges(records, "CAN_ACCESS", "gcp:allUsers", LOCKED_BUCKET)
    attrs = json.loads(records.nodes[LOCKED_BUCKET].props["attrs"])
    assert "enforced" in attrs["public_access_blocked_by"]


def test_folder_admin_reaches_project_admin() -> None:
    records = records_of(estate_snapshot())
    assert edges(records, "CAN_ESCALATE", ERIN, PROD_ADMIN)
    assert not edges(records, "CAN_ESCALATE", ERIN, DEV_ADMIN)


def test_custom_role_update_reaches_admin() -> None:
    records = records_of(estate_snapshot())
    found = edges(records, "CAN_ESCALATE", FRANK, DEV_ADMIN)
    assert [e.props["technique"] for e in found] == ["gcp-custom-role-update"]


def test_conditional_owner_is_conditional() -> None:
    records = records_of(estate_snapshot())
    found = edges(records, "CAN_ESCALATE", GINA, DEV_ADMIN)
    assert len(found) == 1
    assert found[0].props["conditional"] is True
    assert records.nodes[GINA].props["is_admin"] is False


def test_metadata_values_never_stored() -> None:
    snapshot = estate_snapshot()
    text = json.dumps([r.body for r in snapshot.responses])
    assert "hunter2" not in text
    assert '"enable-oslogin"' in text


def test_records_validate() -> None:
    records_of(estate_snapshot(DENY)).validate()
