"""The GCP collector runs the real Google REST clients against a local server."""

from __future__ import annotations

import json

import pytest
from gcp_api_server import ServerState, gcp_api_server
from google.oauth2.credentials import Credentials

from toxicpath.ingest.gcp.collect import CollectError, GcpCollectorConfig, collect_gcp
from toxicpath.ingest.snapshot import Snapshot
from toxicpath.ingest.transform import transform

ALICE = "gcp:user:alice@example.com"
DEPLOYER = "gcp:serviceAccount:deployer@prod-app.iam.gserviceaccount.com"
VM_WEB = (
    "//compute.googleapis.com/projects/prod-app/zones/us-central1-a/instances/vm-web"
)


def collect(endpoint: str, **scope: object) -> Snapshot:
    config = GcpCollectorConfig(
        credentials=Credentials(token="fake-token"),
        api_endpoint=endpoint,
        retry_initial=0.01,
        retry_deadline=5.0,
        **scope,  # type: ignore[arg-type]
    )
    return collect_gcp(config)


def coverage_of(snapshot: Snapshot) -> dict[tuple[str, str], str]:
    return {(c.account, c.service): c.status for c in snapshot.coverage}


def test_organization_collection_builds_paths() -> None:
    with gcp_api_server() as (endpoint, _):
        snapshot = collect(endpoint, organization="100")
    records = transform(snapshot)
    owner = [
        e
        for e in records.edges_of_type("CAN_ESCALATE")
        if e.source == DEPLOYER and e.target == "gcp:account_admin:projects/300"
    ]
    assert [e.props["technique"] for e in owner] == ["gcp-owner"]
    exposed = [e for e in records.edges_of_type("EXPOSED_TO") if e.target == VM_WEB]
    assert len(exposed) == 1
    bucket = records.nodes["//storage.googleapis.com/prod-app-public-assets"]
    assert bucket.props["public"] is True


def test_collected_deny_policy_applies() -> None:
    with gcp_api_server() as (endpoint, _):
        snapshot = collect(endpoint, organization="100")
    records = transform(snapshot)
    assumes = [e for e in records.edges_of_type("CAN_ASSUME") if e.source == ALICE]
    assert assumes == []
    deny = next(snapshot.responses_for("gcp", "iam", "deny-policies"))
    assert len(deny.body["policies"]) == 1


def test_collector_sends_only_get() -> None:
    with gcp_api_server() as (endpoint, state):
        collect(endpoint, organization="100")
    methods = {method for method, _ in state.requests}
    assert methods == {"GET"}


def test_project_scope_reads_ancestors() -> None:
    with gcp_api_server() as (endpoint, state):
        snapshot = collect(endpoint, projects=("prod-app",))
    assert snapshot.metadata["gcp"]["ancestors"] == ["folders/200", "organizations/100"]
    posts = sorted(path for method, path in state.requests if method == "POST")
    assert [p.split("?")[0] for p in posts] == [
        "/v3/folders/200:getIamPolicy",
        "/v3/organizations/100:getIamPolicy",
    ]
    records = transform(snapshot)
    erin = [
        e
        for e in records.edges_of_type("CAN_ESCALATE")
        if e.source == "gcp:user:erin@example.com"
    ]
    assert [e.target for e in erin] == ["gcp:account_admin:projects/300"]
    deny_requests = [p for _, p in state.requests if "denypolicies" in p]
    assert any("organizations" in p for p in deny_requests)


def test_assets_are_paged() -> None:
    with gcp_api_server() as (endpoint, state):
        snapshot = collect(endpoint, organization="100")
    asset_requests = [p for _, p in state.requests if "/assets?" in p]
    assert any("pageToken=" in p for p in asset_requests)
    resources = next(
        snapshot.responses_for("gcp", "cloudasset", "list-assets-resource")
    )
    assert len(resources.body["assets"]) == 16


def test_resource_types_are_filtered() -> None:
    with gcp_api_server() as (endpoint, state):
        collect(endpoint, organization="100")
    resource_calls = [p for _, p in state.requests if "contentType=1" in p]
    assert resource_calls
    assert all(
        "assetTypes=compute.googleapis.com%2FInstance" in p for p in resource_calls
    )
    policy_calls = [p for _, p in state.requests if "contentType=2" in p]
    assert not any("assetTypes=" in p for p in policy_calls)


def test_all_asset_types_read_everything() -> None:
    extra = {
        "name": "//dns.googleapis.com/projects/prod-app/managedZones/corp",
        "assetType": "dns.googleapis.com/ManagedZone",
        "ancestors": ["projects/300", "folders/200", "organizations/100"],
        "resource": {"data": {"name": "corp"}},
    }
    state = ServerState()
    state.assets.append(extra)
    with gcp_api_server(state) as (endpoint, _):
        filtered = collect(endpoint, organization="100")
        everything = collect(endpoint, organization="100", asset_types=())

    def names(snapshot: Snapshot) -> set[str]:
        response = next(
            snapshot.responses_for("gcp", "cloudasset", "list-assets-resource")
        )
        return {asset["name"] for asset in response.body["assets"]}

    assert extra["name"] not in names(filtered)
    assert extra["name"] in names(everything)


def test_hierarchy_is_walked() -> None:
    with gcp_api_server() as (endpoint, _):
        snapshot = collect(endpoint, organization="100")
    assert snapshot.metadata["gcp"]["projects"] == ["dev-sandbox", "prod-app"]
    assert snapshot.metadata["gcp"]["folders"] == ["200"]
    records = transform(snapshot)
    project = records.nodes["gcp:projects/300"]
    assert project.props["parent_id"] == "gcp:folders/200"


def test_disabled_api_is_not_enabled() -> None:
    with gcp_api_server() as (endpoint, _):
        snapshot = collect(endpoint, projects=("prod-app", "dev-sandbox"))
    coverage = coverage_of(snapshot)
    assert coverage[("projects/dev-sandbox", "cloudasset")] == "not_enabled"
    assert coverage[("projects/prod-app", "cloudasset")] == "ok"
    assert coverage[("projects/dev-sandbox", "compute")] == "not_enabled"
    assert coverage[("projects/prod-app", "storage")] == "ok"
    assert snapshot.complete is False


def test_throttling_is_retried() -> None:
    state = ServerState(throttle={"/v1/organizations/100/assets": 2})
    with gcp_api_server(state) as (endpoint, _):
        snapshot = collect(endpoint, organization="100")
    coverage = coverage_of(snapshot)
    assert coverage[("organizations/100", "cloudasset")] == "ok"
    assert state.throttle["/v1/organizations/100/assets"] == 0


def test_metadata_values_are_redacted() -> None:
    with gcp_api_server() as (endpoint, _):
        snapshot = collect(endpoint, organization="100")
    text = json.dumps([r.body for r in snapshot.responses])
    assert "hunter2" not in text
    assert "startup-script" in text


def test_missing_scope_is_rejected() -> None:
    with pytest.raises(CollectError):
        collect("http://127.0.0.1:9")
