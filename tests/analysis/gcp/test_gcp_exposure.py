"""Internet exposure of Cloud SQL, external load balancers and their target pools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_gcp_techniques import ANCESTORS, project_asset, records_for

from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.importers import load_input
from toxicpath.ingest.transform import transform

COMPUTE = "//compute.googleapis.com/projects/lab"
NETWORK_URL = (
    "https://www.googleapis.com/compute/v1/projects/lab/global/networks/default"
)


def exposed(records: GraphRecords) -> dict[str, list[str]]:
    return {
        e.target: list(e.props["ports"])
        for e in records.edges_of_type("EXPOSED_TO")
        if e.source == "internet" and records.nodes[e.target].label == "Resource"
    }


def _sql_fixture(shared_data: Path) -> Path:
    return (
        shared_data / "gcp" / "asset-fixtures" / "sql_allowed_authorized_networks.json"
    )


def test_sql_narrow_authorized_network_not_exposed(shared_data: Path) -> None:
    # authorized-networks-35 authorizes only 35.187.118.0/24.
    assert exposed(transform(load_input(_sql_fixture(shared_data)))) == {}


def test_sql_narrow_network_recorded(shared_data: Path) -> None:
    records = transform(load_input(_sql_fixture(shared_data)))
    [node] = [
        n for n in records.nodes.values() if n.id.endswith("/authorized-networks-35")
    ]
    attrs = json.loads(node.props["attrs"])
    assert attrs["restricted_ingress"] == [
        {"rule": "authorized_networks", "cidrs": ["35.187.118.0/24"]}
    ]


def test_sql_open_to_internet_exposed(shared_data: Path, tmp_path: Path) -> None:
    assets = json.loads(_sql_fixture(shared_data).read_text(encoding="utf-8"))
    for item in assets:
        configuration = item["resource"]["data"]["settings"]["ipConfiguration"]
        if configuration.get("authorizedNetworks"):
            configuration["authorizedNetworks"].append({"value": "0.0.0.0/0"})
    path = tmp_path / "sql_open.json"
    path.write_text(json.dumps(assets), encoding="utf-8")
    found = transform(load_input(path))
    edges = [
        e
        for e in found.edges_of_type("EXPOSED_TO")
        if e.source == "internet" and found.nodes[e.target].label == "Resource"
    ]
    assert [e.target.rsplit("/", 1)[-1] for e in edges] == ["authorized-networks-35"]
    assert edges[0].props["cidrs"] == ["0.0.0.0/0"]


def test_sql_public_ip_alone_not_exposed(shared_data: Path) -> None:
    path = shared_data / "gcp" / "asset-fixtures" / "sql_public_ip.json"
    assert exposed(transform(load_input(path))) == {}


def asset(name: str, asset_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": f"{COMPUTE}/{name}",
        "asset_type": asset_type,
        "ancestors": ANCESTORS,
        "resource": {"data": data},
    }


def pool_estate(firewall_ports: list[str]) -> GraphRecords:
    instance = asset(
        "zones/us-central1-a/instances/backend",
        "compute.googleapis.com/Instance",
        {
            "name": "backend",
            "networkInterfaces": [{"network": NETWORK_URL}],
            "serviceAccounts": [],
        },
    )
    pool = asset(
        "regions/us-central1/targetPools/web",
        "compute.googleapis.com/TargetPool",
        {
            "name": "web",
            "instances": [
                "https://www.googleapis.com/compute/v1/projects/lab/zones/"
                "us-central1-a/instances/backend"
            ],
        },
    )
    rule = asset(
        "regions/us-central1/forwardingRules/web",
        "compute.googleapis.com/ForwardingRule",
        {
            "name": "web",
            "IPAddress": "34.9.9.9",
            "IPProtocol": "TCP",
            "portRange": "80-80",
            "loadBalancingScheme": "EXTERNAL",
            "target": "https://www.googleapis.com/compute/v1/projects/lab/regions/"
            "us-central1/targetPools/web",
        },
    )
    firewall = asset(
        "global/firewalls/allow-web",
        "compute.googleapis.com/Firewall",
        {
            "name": "allow-web",
            "network": NETWORK_URL,
            "direction": "INGRESS",
            "priority": 1000,
            "sourceRanges": ["0.0.0.0/0"],
            "allowed": [{"IPProtocol": "tcp", "ports": firewall_ports}],
        },
    )
    return records_for(project_asset([]), instance, pool, rule, firewall)


def test_target_pool_vm_exposed_on_lb_ports() -> None:
    found = exposed(pool_estate(["80", "22"]))
    assert found[f"{COMPUTE}/zones/us-central1-a/instances/backend"] == ["80"]
    assert found[f"{COMPUTE}/regions/us-central1/forwardingRules/web"] == ["80"]


def test_target_pool_vm_needs_firewall() -> None:
    found = exposed(pool_estate(["443"]))
    assert f"{COMPUTE}/zones/us-central1-a/instances/backend" not in found
    assert f"{COMPUTE}/regions/us-central1/forwardingRules/web" in found


def test_forwarding_rule_public_ip() -> None:
    records = pool_estate(["80"])
    node = records.nodes[f"{COMPUTE}/regions/us-central1/forwardingRules/web"]
    assert node.props["public_ip"] == "34.9.9.9"
    assert node.props["type"] == "load_balancer"
