"""Escalation techniques on small hand-written estates, one technique per test."""

from __future__ import annotations

import json
from typing import Any

from toxicpath.graph.records import Edge, GraphRecords
from toxicpath.ingest.gcp.assets import normalize_asset
from toxicpath.ingest.snapshot import RawResponse, Snapshot
from toxicpath.ingest.transform import transform

CRM = "//cloudresourcemanager.googleapis.com/"
PROJECT = "projects/500"
ANCESTORS = [PROJECT, "organizations/1"]


def project_asset(bindings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": CRM + PROJECT,
        "asset_type": "cloudresourcemanager.googleapis.com/Project",
        "ancestors": ANCESTORS,
        "resource": {
            "data": {
                "projectNumber": "500",
                "projectId": "lab",
                "parent": {"type": "organization", "id": "1"},
            }
        },
        "iam_policy": {"bindings": bindings},
    }


def account_asset(
    name: str, unique_id: str, bindings: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "name": f"//iam.googleapis.com/projects/lab/serviceAccounts/{unique_id}",
        "asset_type": "iam.googleapis.com/ServiceAccount",
        "ancestors": ANCESTORS,
        "resource": {
            "data": {
                "email": f"{name}@lab.iam.gserviceaccount.com",
                "projectId": "lab",
                "uniqueId": unique_id,
            }
        },
        "iam_policy": {"bindings": bindings},
    }


def records_for(*assets: dict[str, Any]) -> GraphRecords:
    snapshot = Snapshot()
    snapshot.add_response(
        RawResponse(
            cloud="gcp",
            account="",
            region="",
            service="cloudasset",
            operation="export",
            body={"assets": [normalize_asset(a) for a in assets]},
        )
    )
    return transform(snapshot)


def sa(name: str) -> str:
    return f"gcp:serviceAccount:{name}@lab.iam.gserviceaccount.com"


def techniques(records: GraphRecords, source: str, target: str) -> set[str]:
    return {
        str(e.props["technique"])
        for e in records.edges_of_type("CAN_ESCALATE")
        if e.source == source and e.target == target
    }


def assumes(records: GraphRecords, source: str, target: str) -> list[Edge]:
    return [
        e
        for e in records.edges_of_type("CAN_ASSUME")
        if e.source == source and e.target == target
    ]


def test_implicit_delegation_chain() -> None:
    records = records_for(
        project_asset([]),
        account_asset(
            "middle",
            "1",
            [
                {
                    "role": "roles/iam.serviceAccountTokenCreator",
                    "members": ["user:mallory@example.com"],
                }
            ],
        ),
        account_asset(
            "target",
            "2",
            [
                {
                    "role": "roles/iam.serviceAccountTokenCreator",
                    "members": ["serviceAccount:middle@lab.iam.gserviceaccount.com"],
                }
            ],
        ),
    )
    mallory = "gcp:user:mallory@example.com"
    assert "gcp-sa-implicit-delegation" in techniques(records, mallory, sa("target"))
    assert assumes(records, sa("middle"), sa("target"))


def test_delegation_through_two_accounts() -> None:
    def delegation(member: str) -> list[dict[str, Any]]:
        return [{"role": "roles/iam.serviceAccountTokenCreator", "members": [member]}]

    records = records_for(
        project_asset([]),
        account_asset("first", "1", delegation("user:mallory@example.com")),
        account_asset(
            "second",
            "2",
            delegation("serviceAccount:first@lab.iam.gserviceaccount.com"),
        ),
        account_asset(
            "target",
            "3",
            delegation("serviceAccount:second@lab.iam.gserviceaccount.com"),
        ),
    )
    mallory = "gcp:user:mallory@example.com"
    assert "gcp-sa-implicit-delegation" in techniques(records, mallory, sa("second"))
    assert "gcp-sa-implicit-delegation" in techniques(records, mallory, sa("target"))


def test_key_create_and_set_iam_policy() -> None:
    records = records_for(
        project_asset([]),
        account_asset(
            "target",
            "2",
            [
                {
                    "role": "roles/iam.serviceAccountKeyAdmin",
                    "members": ["user:kim@example.com"],
                },
                {
                    "role": "roles/iam.serviceAccountAdmin",
                    "members": ["user:lee@example.com"],
                },
            ],
        ),
    )
    assert "gcp-sa-key-create" in techniques(
        records, "gcp:user:kim@example.com", sa("target")
    )
    assert "gcp-sa-set-iam-policy" in techniques(
        records, "gcp:user:lee@example.com", sa("target")
    )


def test_project_binding_covers_every_account() -> None:
    records = records_for(
        project_asset(
            [
                {
                    "role": "roles/iam.serviceAccountTokenCreator",
                    "members": ["group:ops@example.com"],
                }
            ]
        ),
        account_asset("one", "1", []),
        account_asset("two", "2", []),
    )
    group = "gcp:group:ops@example.com"
    assert assumes(records, group, sa("one"))
    assert assumes(records, group, sa("two"))


def test_function_update_needs_act_as() -> None:
    function = {
        "name": "//cloudfunctions.googleapis.com/projects/lab/locations/us-central1/"
        "functions/etl",
        "asset_type": "cloudfunctions.googleapis.com/CloudFunction",
        "ancestors": ANCESTORS,
        "resource": {
            "data": {
                "name": "projects/lab/locations/us-central1/functions/etl",
                "serviceAccountEmail": "runner@lab.iam.gserviceaccount.com",
            }
        },
    }
    developer = {"role": "roles/cloudfunctions.developer", "members": []}
    without = records_for(
        project_asset([{**developer, "members": ["user:dev@example.com"]}]),
        account_asset("runner", "3", []),
        function,
    )
    dev = "gcp:user:dev@example.com"
    assert "gcp-function-update" not in techniques(without, dev, sa("runner"))
    with_act_as = records_for(
        project_asset(
            [
                {**developer, "members": ["user:dev@example.com"]},
                {"role": "roles/iam.serviceAccountUser", "members": [dev[4:]]},
            ]
        ),
        account_asset("runner", "3", []),
        function,
    )
    assert "gcp-function-update" in techniques(with_act_as, dev, sa("runner"))
    runs_as = [
        e for e in with_act_as.edges_of_type("RUNS_AS") if e.target == sa("runner")
    ]
    assert len(runs_as) == 1


def test_cloud_build_default_account() -> None:
    records = records_for(
        project_asset(
            [
                {
                    "role": "roles/editor",
                    "members": ["serviceAccount:500@cloudbuild.gserviceaccount.com"],
                },
                {
                    "role": "roles/cloudbuild.builds.editor",
                    "members": ["user:ci@example.com"],
                },
            ]
        )
    )
    target = "gcp:serviceAccount:500@cloudbuild.gserviceaccount.com"
    assert "gcp-cloud-build-default-account" in techniques(
        records, "gcp:user:ci@example.com", target
    )


def test_pool_provider_update_reaches_sa() -> None:
    pool_member = (
        "principalSet://iam.googleapis.com/projects/500/locations/global/"
        "workloadIdentityPools/github/attribute.repository/acme/app"
    )
    records = records_for(
        project_asset(
            [
                {
                    "role": "roles/iam.workloadIdentityPoolAdmin",
                    "members": ["user:wif@example.com"],
                }
            ]
        ),
        account_asset(
            "deploy",
            "4",
            [{"role": "roles/iam.workloadIdentityUser", "members": [pool_member]}],
        ),
    )
    pool_node = f"gcp:{pool_member}"
    assert records.nodes[pool_node].props["type"] == "federated_provider"
    assert assumes(records, pool_node, sa("deploy"))
    assert "gcp-wif-provider-update" in techniques(
        records, "gcp:user:wif@example.com", pool_node
    )


def test_public_token_creator_is_anonymous() -> None:
    records = records_for(
        project_asset([]),
        account_asset(
            "leaky",
            "5",
            [{"role": "roles/iam.serviceAccountTokenCreator", "members": ["allUsers"]}],
        ),
    )
    assert assumes(records, "gcp:allUsers", sa("leaky"))


def test_legacy_acl_makes_bucket_public() -> None:
    bucket = {
        "name": "//storage.googleapis.com/old-site",
        "asset_type": "storage.googleapis.com/Bucket",
        "ancestors": ANCESTORS,
        "resource": {
            "data": {
                "name": "old-site",
                "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": False}},
                "defaultObjectAcl": [{"entity": "allUsers", "role": "READER"}],
            }
        },
    }
    records = records_for(project_asset([]), bucket)
    node = records.nodes["//storage.googleapis.com/old-site"]
    assert node.props["public"] is True
    access = [
        e
        for e in records.edges_of_type("CAN_ACCESS")
        if e.source == "gcp:allUsers" and e.target == node.id
    ]
    assert json.loads(access[0].props["evidence"])[0]["kind"] == "bucket_acl"


def test_uniform_access_ignores_acl() -> None:
    bucket = {
        "name": "//storage.googleapis.com/new-site",
        "asset_type": "storage.googleapis.com/Bucket",
        "ancestors": ANCESTORS,
        "resource": {
            "data": {
                "name": "new-site",
                "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": True}},
                "defaultObjectAcl": [{"entity": "allUsers", "role": "READER"}],
            }
        },
    }
    records = records_for(project_asset([]), bucket)
    assert records.nodes["//storage.googleapis.com/new-site"].props["public"] is False


def test_org_prevention_blocks_public_binding() -> None:
    organization = {
        "name": CRM + "organizations/1",
        "asset_type": "cloudresourcemanager.googleapis.com/Organization",
        "ancestors": ["organizations/1"],
        "org_policy": [
            {
                "constraint": "constraints/storage.publicAccessPrevention",
                "boolean_policy": {"enforced": True},
            }
        ],
    }
    bucket = {
        "name": "//storage.googleapis.com/site",
        "asset_type": "storage.googleapis.com/Bucket",
        "ancestors": ANCESTORS,
        "resource": {"data": {"name": "site"}},
        "iam_policy": {
            "bindings": [
                {"role": "roles/storage.objectViewer", "members": ["allUsers"]}
            ]
        },
    }
    records = records_for(organization, project_asset([]), bucket)
    assert records.nodes["//storage.googleapis.com/site"].props["public"] is False


def test_narrow_vm_scopes_in_reason() -> None:
    scope = "https://www.googleapis.com/auth/devstorage.read_only"
    instance = {
        "name": "//compute.googleapis.com/projects/lab/zones/z/instances/old",
        "asset_type": "compute.googleapis.com/Instance",
        "ancestors": ANCESTORS,
        "resource": {
            "data": {
                "name": "old",
                "serviceAccounts": [
                    {
                        "email": "500-compute@developer.gserviceaccount.com",
                        "scopes": [scope],
                    }
                ],
            }
        },
    }
    records = records_for(project_asset([]), instance)
    runs_as = list(records.edges_of_type("RUNS_AS"))
    assert len(runs_as) == 1
    assert "limited to the access scopes" in runs_as[0].props["reason"]
    attrs = json.loads(records.nodes[instance["name"]].props["attrs"])
    assert attrs["full_api_access"] is False
