"""Azure network nodes (virtual networks, subnets, NSGs) and their fact edges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toxicpath.analysis.azure.node_props import (
    add_fact_edge,
    azure_node_props,
    link_to_account,
)
from toxicpath.analysis.azure.types import (
    NETWORK_INTERFACE_TYPE,
    VIRTUAL_MACHINE_TYPE,
    VMSS_TYPE,
)
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.azure.arm import ref_id
from toxicpath.ingest.azure.estate import (
    SUBNET_TYPE,
    VNET_TYPE,
    AzureEstate,
    AzureResource,
)


def add_network_node(
    records: GraphRecords, resource: AzureResource, scan_id: str
) -> None:
    properties = resource.properties
    if resource.type == VNET_TYPE:
        space = properties.get("addressSpace") or {}
        cidrs = (
            list(space.get("addressPrefixes") or []) if isinstance(space, dict) else []
        )
        node_type = "vnet"
    elif resource.type == SUBNET_TYPE:
        prefixes = properties.get("addressPrefixes") or []
        prefix = properties.get("addressPrefix")
        cidrs = [prefix] if prefix else list(prefixes)
        node_type = "subnet"
    else:
        cidrs = _nsg_allowed_sources(properties)
        node_type = "nsg"
    records.add_node(
        "Network",
        resource.id,
        cidrs=[str(c) for c in cidrs],
        **azure_node_props(
            node_type=node_type,
            native_type=resource.native_type,
            name=resource.name,
            account_id=resource.subscription_id,
            region=resource.location,
            tags=resource.tags,
            attrs={"arm_id": resource.id},
            scan_id=scan_id,
        ),
    )
    link_to_account(records, resource, scan_id)


def _nsg_allowed_sources(properties: Mapping[str, Any]) -> list[str]:
    from toxicpath.analysis.azure.nsg import parse_rules

    sources: list[str] = []
    for rule in parse_rules(properties):
        if rule.direction == "inbound" and rule.access == "allow":
            for source in rule.sources:
                if source not in sources:
                    sources.append(source)
    return sources


def link_networks(estate: AzureEstate, records: GraphRecords, scan_id: str) -> None:
    for subnet in estate.resources_of_type(SUBNET_TYPE):
        vnet_id = subnet.id.rsplit("/subnets/", 1)[0]
        if vnet_id in records.nodes:
            add_fact_edge(
                records,
                "IN_NETWORK",
                subnet.id,
                vnet_id,
                scan_id=scan_id,
                reason=f"Subnet {subnet.name} is in virtual network {vnet_id}.",
            )
        nsg = ref_id(subnet.properties.get("networkSecurityGroup"))
        if nsg in records.nodes:
            add_fact_edge(
                records,
                "IN_NETWORK",
                subnet.id,
                nsg,
                scan_id=scan_id,
                reason=f"Subnet {subnet.name} is guarded by NSG {nsg}.",
            )
    nics = {nic.id: nic for nic in estate.resources_of_type(NETWORK_INTERFACE_TYPE)}
    for machine in estate.resources_of_type(VIRTUAL_MACHINE_TYPE, VMSS_TYPE):
        for nic_id in machine_nic_ids(machine):
            nic = nics.get(nic_id)
            if nic is None:
                continue
            _link_machine_nic(estate, records, machine, nic, scan_id)


def machine_nic_ids(machine: AzureResource) -> list[str]:
    profile = machine.properties.get("networkProfile") or {}
    if not isinstance(profile, dict):
        return []
    return [
        ref_id(nic) for nic in profile.get("networkInterfaces") or [] if ref_id(nic)
    ]


def _link_machine_nic(
    estate: AzureEstate,
    records: GraphRecords,
    machine: AzureResource,
    nic: AzureResource,
    scan_id: str,
) -> None:
    nsg = ref_id(nic.properties.get("networkSecurityGroup"))
    if nsg in records.nodes:
        add_fact_edge(
            records,
            "PROTECTED_BY",
            machine.id,
            nsg,
            scan_id=scan_id,
            reason=f"{machine.name} has NSG {nsg} on network interface {nic.name}.",
        )
    for configuration in nic.properties.get("ipConfigurations") or []:
        if not isinstance(configuration, dict):
            continue
        subnet = ref_id(
            (configuration.get("properties") or configuration).get("subnet")
        )
        if subnet in records.nodes:
            add_fact_edge(
                records,
                "IN_NETWORK",
                machine.id,
                subnet,
                scan_id=scan_id,
                reason=f"{machine.name} has a network interface in subnet {subnet}.",
            )
            subnet_nsg = ref_id(
                estate.resources[subnet].properties.get("networkSecurityGroup")
            )
            if subnet_nsg in records.nodes:
                add_fact_edge(
                    records,
                    "PROTECTED_BY",
                    machine.id,
                    subnet_nsg,
                    scan_id=scan_id,
                    reason=f"{machine.name} is in subnet {subnet} guarded by NSG "
                    f"{subnet_nsg}.",
                )
