"""The Azure collector runs the real SDK clients against a local ARM server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError
from azure_arm_server import ArmServer, start_arm_server

from toxicpath.analysis.azure import ids
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.azure.collect import (
    AzureCollectorConfig,
    ReadOnlyPolicyError,
    collect_azure,
)
from toxicpath.ingest.snapshot import Snapshot
from toxicpath.ingest.transform import transform

ESTATE = Path(__file__).resolve().parents[2] / "data" / "azure" / "estate.json"
S1 = "aaaaaaaa-0000-0000-0000-000000000001"
S2 = "bbbbbbbb-0000-0000-0000-000000000002"
VMS_S2 = f"/subscriptions/{S2}/providers/microsoft.compute/virtualmachines"
ASGS_S1 = f"/subscriptions/{S1}/providers/Microsoft.Network/applicationSecurityGroups"


class FakeCredential:
    """A TokenCredential that hands out a static token and never signs in."""

    def __init__(self) -> None:
        self.calls = 0

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.calls += 1
        return AccessToken("fake-token", int(time.time()) + 3600)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArmServer]:
    routes = json.loads(ESTATE.read_text(encoding="utf-8"))["routes"]
    routes[ASGS_S1] = {
        "status": 403,
        "body": {
            "error": {
                "code": "AuthorizationFailed",
                "message": "The client does not have authorization to perform action "
                "'Microsoft.Network/applicationSecurityGroups/read'.",
            }
        },
    }
    state = start_arm_server(routes, tmp_path_factory.mktemp("arm"))
    state.throttle_once.add(VMS_S2)
    yield state
    state.stop()


@pytest.fixture(scope="module")
def collected(server: ArmServer) -> Snapshot:
    config = AzureCollectorConfig(
        credential=FakeCredential(),
        base_url=server.base_url,
        connection_verify=str(server.ca_path),
        client_options={"retry_backoff_factor": 0.01},
    )
    return collect_azure(config)


@pytest.fixture(scope="module")
def graph(collected: Snapshot) -> GraphRecords:
    return transform(collected)


def test_collector_sends_only_authenticated_gets(
    server: ArmServer, collected: Snapshot
) -> None:
    assert server.requests
    assert {r.method for r in server.requests} == {"GET"}
    assert all(r.authorization == "Bearer fake-token" for r in server.requests)


def test_collector_follows_next_link(server: ArmServer, collected: Snapshot) -> None:
    assert collected.metadata["azure"]["subscriptions"] == [S1, S2]
    paged = [
        r for r in server.requests if r.path == "/subscriptions" and "page" in r.query
    ]
    assert paged


def test_collector_retries_throttled_call(
    server: ArmServer, collected: Snapshot
) -> None:
    hits = [r for r in server.requests if r.path == VMS_S2]
    assert len(hits) >= 2
    names = {
        item["name"]
        for response in collected.responses_for(
            "azure", "compute", "virtual-machines-list"
        )
        for item in response.body["value"]
    }
    assert {"vm-app", "vm-db", "vm-web", "vm-legacy"} <= names


def test_collector_records_denied_coverage(collected: Snapshot) -> None:
    network = [
        c for c in collected.coverage if c.account == S1 and c.service == "network"
    ]
    assert len(network) == 1
    assert network[0].status == "denied"
    assert "AuthorizationFailed" in network[0].reason
    assert collected.complete is False
    storage = [
        c for c in collected.coverage if c.account == S1 and c.service == "storage"
    ]
    assert storage[0].status == "ok"


def test_collector_reads_containers_per_account(collected: Snapshot) -> None:
    calls = list(collected.responses_for("azure", "storage", "blob-containers-list"))
    assert {c.params["accountName"] for c in calls} == {"sapublic", "salocked"}


def test_collected_graph_has_expected_paths(graph: GraphRecords) -> None:
    bob = ids.principal_node("b0b00000-0000-0000-0000-000000000002")
    identity = ids.principal_node("5a5a0000-0000-0000-0000-0000000000a1")
    alice = ids.principal_node("a11ce000-0000-0000-0000-000000000001")
    escalations = {
        (e.source, e.target, e.props["technique"])
        for e in graph.edges_of_type("CAN_ESCALATE")
    }
    assert (bob, identity, "azure-vm-run-command") in escalations
    assert (alice, ids.account_admin_node(S1), "azure-owner") in escalations
    assert (alice, ids.account_admin_node(S2), "azure-owner") not in escalations


def test_collected_graph_has_exposure(graph: GraphRecords) -> None:
    vm = (
        f"/subscriptions/{S2}/resourcegroups/rg-app/providers/"
        "microsoft.compute/virtualmachines/vm-app"
    )
    exposed = [
        e
        for e in graph.edges_of_type("EXPOSED_TO")
        if e.source == INTERNET_ID and e.target == vm
    ]
    assert len(exposed) == 1
    assert exposed[0].props["ports"] == ["443"]


def test_collected_graph_has_anonymous_container(graph: GraphRecords) -> None:
    container = (
        f"/subscriptions/{S1}/resourcegroups/rg-data/providers/microsoft.storage/"
        "storageaccounts/sapublic/blobservices/default/containers/public-assets"
    )
    anonymous = [
        e for e in graph.edges_of_type("CAN_ACCESS") if e.source == ids.ANONYMOUS_NODE
    ]
    assert [e.target for e in anonymous] == [container]


def test_collector_reads_aks_details(graph: GraphRecords) -> None:
    cluster = (
        f"/subscriptions/{S2}/resourcegroups/rg-app/providers/"
        "microsoft.containerservice/managedclusters/aks-app"
    )
    kubelet = ids.principal_node("5a5a0000-0000-0000-0000-0000000000a3")
    runs_as = {e.target for e in graph.edges_of_type("RUNS_AS") if e.source == cluster}
    assert kubelet in runs_as
    assert graph.nodes[cluster].props["type"] == "kubernetes_cluster"


def test_collector_reads_federated_credentials(collected: Snapshot) -> None:
    calls = list(
        collected.responses_for("azure", "msi", "federated-identity-credentials-list")
    )
    assert [c.params["resourceName"] for c in calls] == ["id-deploy"]
    subjects = [item["properties"]["subject"] for item in calls[0].body["value"]]
    assert subjects == ["repo:contoso/app:environment:production"]


def test_collector_marks_entra_not_collected(collected: Snapshot) -> None:
    entra = [c for c in collected.coverage if c.service == "entra"]
    assert len(entra) == 1
    assert entra[0].status == "not_collected"


def test_read_only_policy_rejects_post(server: ArmServer) -> None:
    from azure.mgmt.storage import StorageManagementClient

    from toxicpath.ingest.azure.collect import ReadOnlyPolicy

    client = StorageManagementClient(
        FakeCredential(),
        S1,
        base_url=server.base_url,
        connection_verify=str(server.ca_path),
        per_call_policies=[ReadOnlyPolicy()],
    )
    before = len(server.requests)
    with pytest.raises(ReadOnlyPolicyError):
        client.storage_accounts.list_keys("rg-data", "sapublic")
    assert len(server.requests) == before


class FailingCredential:
    """A credential whose sign-in fails, as an expired `az login` does."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        raise ClientAuthenticationError("AzureCliCredential: please run 'az login'")


def test_collector_stops_on_sign_in_failure(server: ArmServer) -> None:
    config = AzureCollectorConfig(
        credential=FailingCredential(),
        base_url=server.base_url,
        connection_verify=str(server.ca_path),
    )
    with pytest.raises(ClientAuthenticationError):
        collect_azure(config)
