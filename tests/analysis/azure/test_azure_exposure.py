"""Exposure through scale sets, NAT rules and load balancer SKUs."""

from __future__ import annotations

from typing import Any

from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.snapshot import RawResponse, Snapshot
from toxicpath.ingest.transform import transform

SUB = "ffffffff-0000-0000-0000-000000000006"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-net"
NET = f"{RG}/providers/Microsoft.Network"
POOL = f"{NET}/loadBalancers/lb/backendAddressPools/pool"
FRONT = f"{NET}/loadBalancers/lb/frontendIPConfigurations/front"
NIC_CONFIG = f"{NET}/networkInterfaces/nic-vm/ipConfigurations/ipconfig1"


def nsg(name: str, port: str) -> dict[str, Any]:
    return {
        "id": f"{NET}/networkSecurityGroups/{name}",
        "name": name,
        "type": "Microsoft.Network/networkSecurityGroups",
        "properties": {
            "securityRules": [
                {
                    "name": "allow",
                    "properties": {
                        "protocol": "Tcp",
                        "destinationPortRange": port,
                        "sourceAddressPrefix": "Internet",
                        "destinationAddressPrefix": "*",
                        "access": "Allow",
                        "priority": 100,
                        "direction": "Inbound",
                    },
                }
            ]
        },
    }


def balancer(sku: str, *, nat_port: int | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "frontendIPConfigurations": [
            {
                "id": FRONT,
                "name": "front",
                "properties": {
                    "publicIPAddress": {"id": f"{NET}/publicIPAddresses/pip"}
                },
            }
        ],
        "loadBalancingRules": [
            {
                "name": "web",
                "properties": {
                    "frontendIPConfiguration": {"id": FRONT},
                    "backendAddressPool": {"id": POOL},
                    "protocol": "Tcp",
                    "frontendPort": 80,
                    "backendPort": 8080,
                },
            }
        ],
    }
    if nat_port is not None:
        properties["inboundNatRules"] = [
            {
                "name": "ssh",
                "properties": {
                    "frontendIPConfiguration": {"id": FRONT},
                    "backendIPConfiguration": {"id": NIC_CONFIG},
                    "protocol": "Tcp",
                    "frontendPort": 50022,
                    "backendPort": nat_port,
                },
            }
        ]
    return {
        "id": f"{NET}/loadBalancers/lb",
        "name": "lb",
        "type": "Microsoft.Network/loadBalancers",
        "sku": {"name": sku},
        "properties": properties,
    }


def scale_set(nsg_name: str | None) -> dict[str, Any]:
    nic: dict[str, Any] = {
        "name": "nic",
        "properties": {
            "ipConfigurations": [
                {
                    "name": "ipconfig",
                    "properties": {
                        "subnet": {"id": f"{NET}/virtualNetworks/vnet/subnets/app"},
                        "loadBalancerBackendAddressPools": [{"id": POOL}],
                    },
                }
            ]
        },
    }
    if nsg_name:
        nic["properties"]["networkSecurityGroup"] = {
            "id": f"{NET}/networkSecurityGroups/{nsg_name}"
        }
    return {
        "id": f"{RG}/providers/Microsoft.Compute/virtualMachineScaleSets/vmss",
        "name": "vmss",
        "type": "Microsoft.Compute/virtualMachineScaleSets",
        "properties": {
            "virtualMachineProfile": {
                "networkProfile": {"networkInterfaceConfigurations": [nic]}
            }
        },
    }


VM = {
    "id": f"{RG}/providers/Microsoft.Compute/virtualMachines/vm",
    "name": "vm",
    "type": "Microsoft.Compute/virtualMachines",
    "properties": {
        "networkProfile": {
            "networkInterfaces": [{"id": f"{NET}/networkInterfaces/nic-vm"}]
        }
    },
}
NIC = {
    "id": f"{NET}/networkInterfaces/nic-vm",
    "name": "nic-vm",
    "type": "Microsoft.Network/networkInterfaces",
    "properties": {
        "networkSecurityGroup": {"id": f"{NET}/networkSecurityGroups/nsg-ssh"},
        "ipConfigurations": [
            {
                "id": NIC_CONFIG,
                "name": "ipconfig1",
                "properties": {
                    "privateIPAddress": "10.2.0.4",
                    "subnet": {"id": f"{NET}/virtualNetworks/vnet/subnets/app"},
                },
            }
        ],
    },
}


def graph_of(*items: dict[str, Any]) -> GraphRecords:
    snapshot = Snapshot(kind="import")
    snapshot.add_response(
        RawResponse(
            cloud="azure",
            account=SUB,
            region="",
            service="arm",
            operation="test",
            body={"value": list(items)},
        )
    )
    return transform(snapshot)


def exposed_ports(graph: GraphRecords, name: str) -> list[str]:
    for edge in graph.edges_of_type("EXPOSED_TO"):
        if (
            edge.source == INTERNET_ID
            and graph.nodes[edge.target].props["name"] == name
        ):
            return list(edge.props["ports"])
    return []


def test_scale_set_behind_standard_balancer() -> None:
    graph = graph_of(scale_set("nsg-web"), nsg("nsg-web", "8080"), balancer("Standard"))
    assert exposed_ports(graph, "vmss") == ["8080"]
    assert exposed_ports(graph, "lb") == ["80"]


def test_standard_balancer_closed_without_nsg() -> None:
    graph = graph_of(scale_set(None), balancer("Standard"))
    assert exposed_ports(graph, "vmss") == []
    assert exposed_ports(graph, "lb") == []


def test_basic_balancer_open_without_nsg() -> None:
    graph = graph_of(scale_set(None), balancer("Basic"))
    assert exposed_ports(graph, "vmss") == ["8080"]


def test_nsg_port_mismatch_blocks_balancer() -> None:
    graph = graph_of(scale_set("nsg-web"), nsg("nsg-web", "9090"), balancer("Standard"))
    assert exposed_ports(graph, "vmss") == []


def test_inbound_nat_rule_exposes_one_vm() -> None:
    graph = graph_of(VM, NIC, nsg("nsg-ssh", "22"), balancer("Standard", nat_port=22))
    assert exposed_ports(graph, "vm") == ["22"]


def site(**properties: Any) -> dict[str, Any]:
    return {
        "id": f"{RG}/providers/Microsoft.Web/sites/app",
        "name": "app",
        "type": "Microsoft.Web/sites",
        "kind": "app",
        "properties": properties,
    }


def site_edge(graph: GraphRecords) -> list[Any]:
    return [
        e
        for e in graph.edges_of_type("EXPOSED_TO")
        if graph.nodes[e.target].props["name"] == "app"
    ]


def test_web_app_public_by_default() -> None:
    edges = site_edge(graph_of(site(httpsOnly=True)))
    assert len(edges) == 1
    assert edges[0].props["ports"] == ["443"]
    assert edges[0].props["conditional"] is True


def test_web_app_private_access_disabled() -> None:
    assert site_edge(graph_of(site(publicNetworkAccess="Disabled"))) == []


def test_web_app_access_restrictions_deny() -> None:
    office_only = [{"ipAddress": "203.0.113.0/24", "action": "Allow", "priority": 100}]
    restricted = site(siteConfig={"ipSecurityRestrictions": office_only})
    assert site_edge(graph_of(restricted)) == []


def test_web_app_allow_all_restriction() -> None:
    allow_all = [{"ipAddress": "Any", "action": "Allow", "priority": 2147483647}]
    edges = site_edge(graph_of(site(siteConfig={"ipSecurityRestrictions": allow_all})))
    assert len(edges) == 1
    assert edges[0].props["conditional"] is False
    assert edges[0].props["ports"] == ["80", "443"]


def test_missing_nsg_makes_exposure_conditional() -> None:
    graph = graph_of(scale_set("nsg-not-exported"), balancer("Standard"))
    edges = [
        e
        for e in graph.edges_of_type("EXPOSED_TO")
        if graph.nodes[e.target].props["name"] == "vmss"
    ]
    assert len(edges) == 1
    assert edges[0].props["conditional"] is True
    assert edges[0].props["ports"] == ["8080"]


def test_known_nsg_exposure_unconditional() -> None:
    graph = graph_of(scale_set("nsg-web"), nsg("nsg-web", "8080"), balancer("Standard"))
    edges = [
        e
        for e in graph.edges_of_type("EXPOSED_TO")
        if graph.nodes[e.target].props["name"] == "vmss"
    ]
    assert edges[0].props["conditional"] is False
