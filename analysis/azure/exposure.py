"""Internet exposure of VMs and scale sets through public IPs and load balancers.

Inbound traffic passes the subnet's NSG, then the NIC's NSG; both must allow
it and a layer without an NSG passes. With no NSG at all, Standard SKU public
IPs and load balancers are closed, Basic SKU ones are open. A load-balancing
rule exposes its backend port on every NIC in its backend pool. An inbound NAT
rule exposes its backend port on one IP configuration.

Web and Function Apps serve requests on their public host name unless
`publicNetworkAccess` is Disabled. Their access restrictions live in the site
configuration, which the generic resource list does not return, so those
edges are conditional unless the input carries `siteConfig`.

NOTE: Application Gateway, Azure Firewall DNAT, Bastion and Virtual Network
Manager admin rules are not evaluated, and NAT pools of scale sets are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.azure.network_nodes import machine_nic_ids
from toxicpath.analysis.azure.nsg import PROTOCOLS, PortSet, Target, internet_ports
from toxicpath.analysis.azure.types import (
    LOAD_BALANCER_TYPE,
    NETWORK_INTERFACE_TYPE,
    NSG_TYPE,
    VIRTUAL_MACHINE_TYPE,
    VMSS_TYPE,
    WEB_SITE_TYPE,
)
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.azure.arm import flatten, normalize_id, ref_id, ref_ids
from toxicpath.ingest.azure.estate import AzureEstate, AzureResource
from toxicpath.ingest.transform import TransformContext

INTERNET_CIDRS = ["0.0.0.0/0", "::/0"]


@dataclass
class IpConfiguration:
    """One NIC IP configuration of a VM, or of a scale set's NIC template."""

    id: str
    machine: AzureResource
    nic_nsg: str
    subnet_id: str
    private_ip: str
    public_ip_id: str
    asgs: frozenset[str]
    pools: frozenset[str]


@dataclass
class Exposure:
    """Ports one machine exposes, per protocol, with the evidence of each entry."""

    ports: dict[str, PortSet] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    public_ips: list[str] = field(default_factory=list)
    # False once one route needs no assumption about an NSG missing from the input.
    conditional: bool = True

    def add(self, protocol: str, ports: PortSet) -> None:
        self.ports[protocol] = self.ports.get(protocol, PortSet()).union(ports)


def derive_exposure_edges(
    estate: AzureEstate, records: GraphRecords, context: TransformContext
) -> None:
    """Add EXPOSED_TO edges from the Internet node to reachable machines."""
    configurations = list(_ip_configurations(estate))
    by_id = {c.id: c for c in configurations}
    exposures: dict[str, Exposure] = {}
    for configuration in configurations:
        if not configuration.public_ip_id:
            continue
        public_ip = estate.resources.get(configuration.public_ip_id)
        sku = _sku(public_ip) if public_ip else "standard"
        address = str(public_ip.properties.get("ipAddress") or "") if public_ip else ""
        entry = {
            "kind": "public_ip",
            "public_ip": configuration.public_ip_id,
            "address": address,
            "sku": sku,
        }
        for protocol in PROTOCOLS:
            ports, rules = _allowed(estate, configuration, protocol, sku)
            _record(exposures, configuration, protocol, ports, rules, entry, address)
    for balancer in estate.resources_of_type(LOAD_BALANCER_TYPE):
        _load_balancer_exposure(
            estate, records, context, balancer, configurations, by_id, exposures
        )
    for machine_id, exposure in exposures.items():
        _add_edge(records, context, machine_id, exposure)
    _web_app_exposure(estate, records, context)


def _sku(resource: AzureResource) -> str:
    return str((resource.sku or {}).get("name") or "basic").lower()


def _record(
    exposures: dict[str, Exposure],
    configuration: IpConfiguration,
    protocol: str,
    ports: PortSet,
    rules: list[dict[str, Any]],
    entry: dict[str, Any],
    address: str,
) -> None:
    if ports.is_empty():
        return
    exposure = exposures.setdefault(configuration.machine.id, Exposure())
    exposure.add(protocol, ports)
    if not any(rule.get("kind") == "nsg_missing" for rule in rules):
        exposure.conditional = False
    exposure.evidence.append(
        {**entry, "protocol": protocol, "ports": ports.labels(), "rules": rules}
    )
    if address and address not in exposure.public_ips:
        exposure.public_ips.append(address)


def _allowed(
    estate: AzureEstate, configuration: IpConfiguration, protocol: str, sku: str
) -> tuple[PortSet, list[dict[str, Any]]]:
    """Return the ports both NSG layers admit from the internet, and the rules."""
    subnet = estate.resources.get(configuration.subnet_id)
    subnet_nsg = ref_id(subnet.properties.get("networkSecurityGroup")) if subnet else ""
    layers = [nsg for nsg in (subnet_nsg, configuration.nic_nsg) if nsg]
    if not layers:
        if sku == "basic":
            return PortSet.all_ports(), [
                {"kind": "no_nsg", "note": "Basic SKU is open without an NSG"}
            ]
        return PortSet(), []
    target = Target(private_ip=configuration.private_ip, asgs=configuration.asgs)
    ports = PortSet.all_ports()
    evidence: list[dict[str, Any]] = []
    for nsg_id in layers:
        nsg = estate.resources.get(nsg_id)
        if nsg is None or nsg.type != NSG_TYPE:
            # An NSG missing from the snapshot is assumed to pass. The evidence
            # records the assumption and the route counts as conditional.
            evidence.append({"kind": "nsg_missing", "nsg": nsg_id})
            continue
        layer = internet_ports(nsg_id, nsg.properties, protocol=protocol, target=target)
        ports = ports.intersect(layer.ports)
        evidence.extend(layer.allowing_rules)
    return ports, evidence


def _ip_configurations(estate: AzureEstate) -> Iterator[IpConfiguration]:
    nics = {nic.id: nic for nic in estate.resources_of_type(NETWORK_INTERFACE_TYPE)}
    owners: dict[str, AzureResource] = {}
    for machine in estate.resources_of_type(VIRTUAL_MACHINE_TYPE):
        for nic_id in machine_nic_ids(machine):
            owners[nic_id] = machine
    for nic in nics.values():
        machine_ref = ref_id(nic.properties.get("virtualMachine"))
        if nic.id not in owners and machine_ref in estate.resources:
            # A NIC export names its VM even when the VM list lacks networkProfile.
            owners[nic.id] = estate.resources[machine_ref]
    for nic_id, machine in owners.items():
        owned_nic = nics.get(nic_id)
        if owned_nic is None:
            continue
        nic_nsg = ref_id(owned_nic.properties.get("networkSecurityGroup"))
        for raw in owned_nic.properties.get("ipConfigurations") or []:
            if isinstance(raw, dict):
                yield _configuration(raw, machine, nic_nsg, fallback_id=nic_id)
    for scale_set in estate.resources_of_type(VMSS_TYPE):
        yield from _scale_set_configurations(scale_set)


def _configuration(
    raw: dict[str, Any], machine: AzureResource, nic_nsg: str, *, fallback_id: str
) -> IpConfiguration:
    flat = flatten(raw)
    pools = ref_ids(flat.get("loadBalancerBackendAddressPools"))
    return IpConfiguration(
        id=normalize_id(flat.get("id")) or fallback_id,
        machine=machine,
        nic_nsg=nic_nsg,
        subnet_id=ref_id(flat.get("subnet")),
        private_ip=str(flat.get("privateIPAddress") or ""),
        public_ip_id=ref_id(flat.get("publicIPAddress")),
        asgs=frozenset(ref_ids(flat.get("applicationSecurityGroups"))),
        pools=frozenset(pools),
    )


def _scale_set_configurations(scale_set: AzureResource) -> Iterator[IpConfiguration]:
    profile = scale_set.properties.get("virtualMachineProfile") or {}
    network = (profile.get("networkProfile") or {}) if isinstance(profile, dict) else {}
    for nic in network.get("networkInterfaceConfigurations") or []:
        nic_flat = flatten(nic) if isinstance(nic, dict) else {}
        nic_nsg = ref_id(nic_flat.get("networkSecurityGroup"))
        for raw in nic_flat.get("ipConfigurations") or []:
            if not isinstance(raw, dict):
                continue
            configuration = _configuration(
                raw, scale_set, nic_nsg, fallback_id=scale_set.id
            )
            configuration.id = (
                f"{scale_set.id}/{nic_flat.get('name')}/{raw.get('name')}"
            )
            if flatten(raw).get("publicIPAddressConfiguration"):
                # Each instance gets its own public IP; the template has no id.
                configuration.public_ip_id = f"{configuration.id}/public-ip"
            yield configuration


def _load_balancer_exposure(
    estate: AzureEstate,
    records: GraphRecords,
    context: TransformContext,
    balancer: AzureResource,
    configurations: list[IpConfiguration],
    by_id: dict[str, IpConfiguration],
    exposures: dict[str, Exposure],
) -> None:
    public_frontends: dict[str, str] = {}
    for frontend in balancer.properties.get("frontendIPConfigurations") or []:
        flat = flatten(frontend) if isinstance(frontend, dict) else {}
        public_ip = ref_id(flat.get("publicIPAddress"))
        if public_ip:
            resource = estate.resources.get(public_ip)
            address = (
                str(resource.properties.get("ipAddress") or "") if resource else ""
            )
            public_frontends[normalize_id(flat.get("id"))] = address or public_ip
    if not public_frontends:
        return
    sku = _sku(balancer)
    frontend_ports: dict[str, PortSet] = {}
    for kind, rule, targets in _balancer_rules(balancer, configurations, by_id):
        frontend = ref_id(rule.get("frontendIPConfiguration"))
        if frontend not in public_frontends:
            continue
        protocols = _rule_protocols(rule)
        backend = _port_set(rule.get("backendPort"))
        frontend_port = _port_set(rule.get("frontendPort"))
        entry = {
            "kind": kind,
            "load_balancer": balancer.id,
            "rule": rule.get("name", ""),
            "frontend": public_frontends[frontend],
            "frontend_port": frontend_port.labels(),
            "sku": sku,
        }
        for configuration in targets:
            for protocol in protocols:
                ports, rules = _allowed(estate, configuration, protocol, sku)
                open_ports = ports.intersect(backend)
                _record(
                    exposures,
                    configuration,
                    protocol,
                    open_ports,
                    rules,
                    entry,
                    public_frontends[frontend],
                )
                if not open_ports.is_empty():
                    frontend_ports[protocol] = frontend_ports.get(
                        protocol, PortSet()
                    ).union(frontend_port)
    if frontend_ports and balancer.id in records.nodes:
        exposure = Exposure(ports=frontend_ports, conditional=False)
        exposure.public_ips = [a for a in public_frontends.values() if a]
        exposure.evidence.append(
            {"kind": "load_balancer", "load_balancer": balancer.id}
        )
        _add_edge(records, context, balancer.id, exposure)


def _balancer_rules(
    balancer: AzureResource,
    configurations: list[IpConfiguration],
    by_id: dict[str, IpConfiguration],
) -> Iterator[tuple[str, dict[str, Any], list[IpConfiguration]]]:
    for rule in balancer.properties.get("loadBalancingRules") or []:
        flat = flatten(rule) if isinstance(rule, dict) else {}
        pools = {ref_id(flat.get("backendAddressPool"))} | set(
            ref_ids(flat.get("backendAddressPools"))
        )
        pools.discard("")
        targets = [c for c in configurations if c.pools & pools]
        yield "load_balancing_rule", flat, targets
    for rule in balancer.properties.get("inboundNatRules") or []:
        flat = flatten(rule) if isinstance(rule, dict) else {}
        backend = by_id.get(ref_id(flat.get("backendIPConfiguration")))
        yield "inbound_nat_rule", flat, [backend] if backend else []


def _rule_protocols(rule: dict[str, Any]) -> tuple[str, ...]:
    protocol = str(rule.get("protocol") or "all").lower()
    return PROTOCOLS if protocol == "all" else (protocol,)


def _port_set(value: Any) -> PortSet:
    """Return one LB port; 0 is the HA-ports rule that forwards every port."""
    try:
        port = int(value)
    except (TypeError, ValueError):
        return PortSet()
    return PortSet.all_ports() if port == 0 else PortSet([(port, port)])


def _add_edge(
    records: GraphRecords, context: TransformContext, node_id: str, exposure: Exposure
) -> None:
    node = records.nodes.get(node_id)
    if node is None or not exposure.ports:
        return
    protocols = sorted(exposure.ports)
    combined = PortSet()
    for ports in exposure.ports.values():
        combined = combined.union(ports)
    # With both TCP and UDP open the edge protocol is `all`, and the evidence
    # keeps the ports of each protocol.
    protocol = protocols[0] if len(protocols) == 1 else "all"
    if exposure.public_ips and not node.props.get("public_ip"):
        node.props["public_ip"] = exposure.public_ips[0]
    records.add_edge(
        "EXPOSED_TO",
        INTERNET_ID,
        node_id,
        ports=combined.labels(),
        protocol=protocol,
        cidrs=list(INTERNET_CIDRS),
        conditional=exposure.conditional,
        scan_id=context.scan_id,
        reason=f"{node.props.get('name', node_id)} accepts internet traffic on "
        f"{protocol} {', '.join(combined.labels())}.",
        evidence=to_json_text(exposure.evidence),
    )


def _web_app_exposure(
    estate: AzureEstate, records: GraphRecords, context: TransformContext
) -> None:
    """Add EXPOSED_TO edges for Web and Function Apps with public network access."""
    for site in estate.resources_of_type(WEB_SITE_TYPE):
        properties = site.properties
        access = str(properties.get("publicNetworkAccess") or "Enabled").lower()
        if access == "disabled" or site.id not in records.nodes:
            continue
        site_config = properties.get("siteConfig")
        restrictions = (
            site_config.get("ipSecurityRestrictions")
            if isinstance(site_config, dict)
            else None
        )
        if restrictions is not None and not _allows_everyone(restrictions):
            continue
        ports = ["443"] if properties.get("httpsOnly") else ["80", "443"]
        host = str(
            properties.get("defaultHostName") or f"{site.name}.azurewebsites.net"
        )
        evidence: dict[str, Any] = {
            "kind": "app_service",
            "host": host,
            "publicNetworkAccess": properties.get("publicNetworkAccess"),
        }
        if restrictions is None:
            evidence["note"] = (
                "access restrictions were not in the input, so the site is assumed "
                "reachable from the internet"
            )
        records.add_edge(
            "EXPOSED_TO",
            INTERNET_ID,
            site.id,
            ports=ports,
            protocol="tcp",
            cidrs=list(INTERNET_CIDRS),
            conditional=restrictions is None,
            scan_id=context.scan_id,
            reason=f"{site.name} serves HTTP requests on its public host name {host}.",
            evidence=to_json_text([evidence]),
        )


def _allows_everyone(restrictions: Any) -> bool:
    """True when the access restrictions admit any internet address."""
    if not isinstance(restrictions, list) or not restrictions:
        return True
    for rule in sorted(
        (r for r in restrictions if isinstance(r, dict)),
        key=lambda r: int(r.get("priority") or 0),
    ):
        address = str(rule.get("ipAddress") or "").lower()
        if address in ("any", "0.0.0.0/0", "::/0", "*"):
            return str(rule.get("action") or "Allow").lower() == "allow"
    return False
