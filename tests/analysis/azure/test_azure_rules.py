"""The rule library, cloud-neutral and Azure rules, finds the Azure estate's risks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_azure_estate_paths import estate_snapshot

from toxicpath.findings.model import Finding
from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.store import ScanInfo
from toxicpath.ingest.snapshot import RawResponse
from toxicpath.ingest.transform import transform
from toxicpath.queries.loader import load_rules
from toxicpath.queries.runner import RunResult, run_rules

S1 = "aaaaaaaa-0000-0000-0000-000000000001"
S2 = "bbbbbbbb-0000-0000-0000-000000000002"
RG_DATA = f"/subscriptions/{S1}/resourcegroups/rg-data"
RG_APP = f"/subscriptions/{S2}/resourcegroups/rg-app"
SA_PUBLIC = f"{RG_DATA}/providers/microsoft.storage/storageaccounts/sapublic"
PUBLIC_CONTAINER = f"{SA_PUBLIC}/blobservices/default/containers/public-assets"
BLOCKED_CONTAINER = (
    f"{RG_DATA}/providers/microsoft.storage/storageaccounts/salocked/"
    "blobservices/default/containers/www"
)
VM_APP = f"{RG_APP}/providers/microsoft.compute/virtualmachines/vm-app"
VM_LEGACY = f"{RG_APP}/providers/microsoft.compute/virtualmachines/vm-legacy"
ALICE = "azure:principal:a11ce000-0000-0000-0000-000000000001"
BOB = "azure:principal:b0b00000-0000-0000-0000-000000000002"
DAVE = "azure:principal:da7e0000-0000-0000-0000-000000000004"
CAROL = "azure:principal:ca401000-0000-0000-0000-000000000003"
MI_VM = "azure:principal:5a5a0000-0000-0000-0000-0000000000a1"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    records = transform(estate_snapshot())
    path: Path = tmp_path_factory.mktemp("store") / "azure.lbdb"
    store = LadybugStore(path)
    store.load(
        records,
        ScanInfo(id="azure-scan", created_at="2026-01-01T00:00:00Z", complete=True),
    )
    yield run_rules(store, load_rules())
    store.close()


def subjects(result: RunResult, rule_id: str) -> set[str]:
    return {f.resource_id for f in result.findings if f.rule_id == rule_id}


def findings_for(result: RunResult, rule_id: str, subject: str) -> list[Finding]:
    return [
        f for f in result.findings if f.rule_id == rule_id and f.resource_id == subject
    ]


def test_rules_run_without_failures(result: RunResult) -> None:
    assert result.failures == []


def test_exposed_vm_identity_reaches_admin(result: RunResult) -> None:
    found = findings_for(result, "exposed-compute-reaches-account-admin", VM_APP)
    assert found
    assert found[0].path.node_ids[-1] == f"azure:account_admin:{S2}"


def test_exposed_function_app_reaches_admin(result: RunResult) -> None:
    function_app = f"{RG_DATA}/providers/microsoft.web/sites/fn-deploy"
    found = findings_for(result, "exposed-compute-reaches-account-admin", function_app)
    assert found
    assert found[0].path.node_ids[-1] == f"azure:account_admin:{S2}"


def test_admin_port_rule_respects_subnet_deny(result: RunResult) -> None:
    flagged = subjects(result, "admin-port-open-to-internet")
    assert VM_LEGACY in flagged
    assert VM_APP not in flagged


def test_public_container_rules(result: RunResult) -> None:
    assert PUBLIC_CONTAINER in subjects(result, "public-object-storage")
    assert BLOCKED_CONTAINER not in subjects(result, "public-object-storage")
    assert PUBLIC_CONTAINER in subjects(result, "anonymous-reads-sensitive-data")


def test_identity_reaches_admin_through_vm(result: RunResult) -> None:
    flagged = subjects(result, "identity-reaches-account-admin")
    assert BOB in flagged
    assert DAVE not in flagged


def test_direct_owner_is_admin_user(result: RunResult) -> None:
    assert ALICE in subjects(result, "user-with-direct-admin")
    assert ALICE not in subjects(result, "identity-reaches-account-admin")


def test_exact_subject_trust_not_flagged(result: RunResult) -> None:
    deploy = "azure:principal:5a5a0000-0000-0000-0000-0000000000a2"
    assert deploy not in subjects(result, "federated-trust-without-subject-condition")


def test_storage_keys_listable_from_internet(result: RunResult) -> None:
    salocked = f"{RG_DATA}/providers/microsoft.storage/storageaccounts/salocked"
    flagged = subjects(result, "azure-storage-keys-reachable-from-internet")
    assert SA_PUBLIC in flagged
    assert salocked not in flagged


def test_storage_keys_path_through_vm(result: RunResult) -> None:
    [found] = findings_for(
        result, "azure-storage-keys-reachable-from-internet", SA_PUBLIC
    )
    assert found.path.node_ids == ("internet", VM_APP, MI_VM, SA_PUBLIC)


def test_public_blob_setting_rule(result: RunResult) -> None:
    salocked = f"{RG_DATA}/providers/microsoft.storage/storageaccounts/salocked"
    flagged = subjects(result, "azure-storage-public-blob-access-allowed")
    # sapublic allows anonymous access but already has a public container.
    assert SA_PUBLIC in subjects(result, "public-object-storage")
    assert SA_PUBLIC not in flagged
    assert salocked not in flagged


def test_key_vault_self_grant_identities(result: RunResult) -> None:
    kv_legacy = f"{RG_DATA}/providers/microsoft.keyvault/vaults/kv-legacy"
    [found] = findings_for(
        result, "azure-key-vault-access-policy-self-grant", kv_legacy
    )
    # Frank holds only a read access policy, which grants no vault write.
    assert sorted(found.evidence["identity_ids"]) == sorted([MI_VM, CAROL])


def test_key_vault_rbac_mode_not_flagged(result: RunResult) -> None:
    kv_rbac = f"{RG_DATA}/providers/microsoft.keyvault/vaults/kv-rbac"
    assert kv_rbac not in subjects(result, "azure-key-vault-access-policy-self-grant")


def test_management_group_owner_user_not_flagged(result: RunResult) -> None:
    # Alice is Owner at mg-prod, but she is a user, and the deploy identity's
    # Owner assignment is at subscription scope.
    assert subjects(result, "azure-management-group-admin-service-principal") == set()


MG_PROD = "/providers/Microsoft.Management/managementGroups/mg-prod"
ACCESS_MANAGER_ROLE = "c0570000-0000-0000-0000-00000000c0a3"
PIPELINE_ASSIGNMENTS = [
    # User Access Administrator, matched by its built-in role id.
    ("ra-pipeline-uaa", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "9e9e0000-0001"),
    # A custom role with roleAssignments/write, matched by the escalation
    # the analysis derives from it.
    ("ra-pipeline-access", ACCESS_MANAGER_ROLE, "9e9e0000-0002"),
    # Reader grants no role assignment rights.
    ("ra-pipeline-reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7", "9e9e0000-0003"),
]


def _pipeline_responses() -> list[RawResponse]:
    """Return ARM pages adding service principal assignments at mg-prod."""
    role = {
        "id": f"{MG_PROD}/providers/Microsoft.Authorization/roleDefinitions/"
        f"{ACCESS_MANAGER_ROLE}",
        "name": ACCESS_MANAGER_ROLE,
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": "Access Manager",
            "type": "CustomRole",
            "assignableScopes": [MG_PROD],
            "permissions": [
                {
                    "actions": [
                        "*/read",
                        "Microsoft.Authorization/roleAssignments/write",
                    ],
                    "notActions": [],
                    "dataActions": [],
                    "notDataActions": [],
                }
            ],
        },
    }
    assignments = [
        {
            "id": f"{MG_PROD}/providers/Microsoft.Authorization/roleAssignments/{name}",
            "name": name,
            "type": "Microsoft.Authorization/roleAssignments",
            "properties": {
                "scope": MG_PROD,
                "roleDefinitionId": "/providers/Microsoft.Authorization/"
                f"roleDefinitions/{role_id}",
                "principalId": f"{principal}-0000-0000-000000000000",
                "principalType": "ServicePrincipal",
            },
        }
        for name, role_id, principal in PIPELINE_ASSIGNMENTS
    ]
    return [
        RawResponse(
            cloud="azure",
            account="",
            region="",
            service="arm",
            operation=f"{MG_PROD}/providers/Microsoft.Authorization/{kind}",
            body={"value": items},
        )
        for kind, items in (
            ("roleDefinitions", [role]),
            ("roleAssignments", assignments),
        )
    ]


SA_STAGING = f"{RG_DATA}/providers/microsoft.storage/storageaccounts/sastaging"


def _staging_account_response() -> RawResponse:
    """Return an ARM page with an account that allows anonymous blob access."""
    account = {
        "id": f"/subscriptions/{S1}/resourceGroups/rg-data/providers/"
        "Microsoft.Storage/storageAccounts/sastaging",
        "name": "sastaging",
        "type": "Microsoft.Storage/storageAccounts",
        "location": "westeurope",
        "kind": "StorageV2",
        "sku": {"name": "Standard_LRS", "tier": "Standard"},
        "properties": {
            "allowBlobPublicAccess": True,
            "allowSharedKeyAccess": False,
            "supportsHttpsTrafficOnly": True,
        },
    }
    return RawResponse(
        cloud="azure",
        account="",
        region="",
        service="arm",
        operation=f"/subscriptions/{S1}/providers/Microsoft.Storage/storageAccounts",
        body={"value": [account]},
    )


@pytest.fixture(scope="module")
def extended_result(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    """Run the Azure rules on the recorded estate plus the responses above."""
    snapshot = estate_snapshot()
    for response in [*_pipeline_responses(), _staging_account_response()]:
        snapshot.add_response(response)
    path: Path = tmp_path_factory.mktemp("store") / "azure-extended.lbdb"
    store = LadybugStore(path)
    store.load(
        transform(snapshot),
        ScanInfo(id="azure-scan", created_at="2026-01-01T00:00:00Z", complete=True),
    )
    rules = [r for r in load_rules() if r.id.startswith("azure-")]
    yield run_rules(store, rules)
    store.close()


def test_extended_estate_rules_run(extended_result: RunResult) -> None:
    assert extended_result.failures == []


def test_management_group_admin_service_principals(
    extended_result: RunResult,
) -> None:
    rule_id = "azure-management-group-admin-service-principal"
    prefix = MG_PROD.lower() + "/providers/microsoft.authorization/roleassignments/"
    flagged = {s.removeprefix(prefix) for s in subjects(extended_result, rule_id)}
    assert flagged == {"ra-pipeline-uaa", "ra-pipeline-access"}


def test_public_blob_setting_flags_staging(extended_result: RunResult) -> None:
    flagged = subjects(extended_result, "azure-storage-public-blob-access-allowed")
    assert flagged == {SA_STAGING}
