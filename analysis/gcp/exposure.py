"""Internet exposure of GCP VMs and external load balancers.

A VM is reachable from the internet when it has an entry point and the
firewall (see `firewall.py`) admits internet traffic to it. Entry points are
an external address on a network interface (an `accessConfigs` entry, IPv4
or IPv6) and membership in the target pool of an external forwarding rule.
An external forwarding rule is itself exposed on its ports.

NOTE: proxy load balancers (HTTP(S), SSL and TCP proxy) reach their backend
VMs from Google front-end ranges through backend services and instance
groups; those backends are not traced, so the forwarding rule node is
exposed but its backends get no EXPOSED_TO edge from it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from toxicpath.analysis.gcp.firewall import (
    ALL_PORTS,
    INTERNET_CIDRS,
    Exposure,
    FirewallRule,
    Interval,
    evaluate,
    merge_intervals,
    network_key,
    parse_ports,
    policy_rules,
    vpc_rule,
)
from toxicpath.analysis.gcp.node_props import add_fact_edge
from toxicpath.analysis.gcp.nodes import IdentityIndex
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.gcp.assets import (
    FIREWALL_POLICY_TYPE,
    FIREWALL_TYPE,
    FORWARDING_RULE_TYPE,
    GLOBAL_FORWARDING_RULE_TYPE,
    INSTANCE_TYPE,
)
from toxicpath.ingest.gcp.estate import GcpAsset, GcpEstate
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

COMPUTE_PREFIX = "//compute.googleapis.com/"
SQL_INSTANCE_TYPE = "sqladmin.googleapis.com/Instance"
_SQL_PORTS = (("MYSQL", "3306"), ("POSTGRES", "5432"), ("SQLSERVER", "1433"))
VPC_STAGE = 100
NETWORK_POLICY_STAGE = 200


class FirewallIndex:
    """Firewall rules by VPC network and hierarchical policies by container."""

    def __init__(self, estate: GcpEstate) -> None:
        self.estate = estate
        self.vpc: dict[str, list[tuple[FirewallRule, str]]] = {}
        self.by_container: dict[str, list[tuple[FirewallRule, str]]] = {}
        self.by_network: dict[str, list[tuple[FirewallRule, str]]] = {}
        for asset in estate.assets_of_type(FIREWALL_TYPE):
            rule = vpc_rule(asset.data, asset.name, VPC_STAGE)
            network = network_key(str(asset.data.get("network") or ""))
            if rule is not None:
                self.vpc.setdefault(network, []).append((rule, asset.name))
        for asset in estate.assets_of_type(FIREWALL_POLICY_TYPE):
            for target in _attachments(asset):
                if target.startswith(("organizations/", "folders/")):
                    rules = policy_rules(asset.data, asset.name, 0)
                    self.by_container.setdefault(target, []).extend(
                        (rule, asset.name) for rule in rules
                    )
                else:
                    rules = policy_rules(asset.data, asset.name, NETWORK_POLICY_STAGE)
                    self.by_network.setdefault(network_key(target), []).extend(
                        (rule, asset.name) for rule in rules
                    )

    def rules_for(
        self, project_key: str, network: str
    ) -> list[tuple[FirewallRule, str]]:
        rules: list[tuple[FirewallRule, str]] = []
        top_down = list(reversed(self.estate.chain(project_key)))
        for stage, key in enumerate(top_down):
            for rule, asset in self.by_container.get(key, []):
                rule.stage = stage
                rules.append((rule, asset))
        rules.extend(self.vpc.get(network, []))
        rules.extend(self.by_network.get(network, []))
        return rules


def _attachments(asset: GcpAsset) -> list[str]:
    targets = [
        str(a.get("attachmentTarget") or "")
        for a in asset.data.get("associations") or []
    ]
    targets = [t for t in targets if t]
    if not targets and asset.data.get("parent"):
        targets = [str(asset.data["parent"])]
    return targets


def derive_exposure_edges(
    estate: GcpEstate,
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
) -> None:
    """Add EXPOSED_TO, PROTECTED_BY and IN_NETWORK edges for VMs and load balancers."""
    firewalls = FirewallIndex(estate)
    pool_limits = _derive_load_balancers(estate, records, context)
    for asset in estate.assets_of_type(INSTANCE_TYPE):
        if asset.name not in records.nodes:
            continue
        _instance_exposure(
            estate,
            records,
            context,
            index,
            firewalls,
            asset,
            pool_limits.get(asset.name),
        )
    for asset in estate.assets_of_type(SQL_INSTANCE_TYPE):
        if asset.name in records.nodes:
            _sql_exposure(records, context, asset)


def _sql_exposure(
    records: GraphRecords, context: TransformContext, asset: GcpAsset
) -> None:
    """Expose a Cloud SQL instance whose public IP admits the whole internet.

    With a public IP but no authorized networks, only the Cloud SQL Auth Proxy
    and connectors (which check IAM) reach it, so that is no exposure. Narrower
    authorized networks (an office range) are no exposure either: they are
    listed in the node's `attrs.restricted_ingress`, as on AWS resources.
    """
    settings = asset.data.get("settings") or {}
    configuration = settings.get("ipConfiguration") or {}
    if not configuration.get("ipv4Enabled"):
        return
    networks = [
        str(n.get("value") or "") for n in configuration.get("authorizedNetworks") or []
    ]
    public = sorted(n for n in networks if n in INTERNET_CIDRS)
    restricted = sorted(n for n in networks if n not in INTERNET_CIDRS and n)
    if restricted:
        _record_restricted_networks(records, asset.name, restricted)
    if not public:
        return
    version = str(asset.data.get("databaseVersion") or "").upper()
    # An input without databaseVersion leaves the port unknown (empty list).
    ports = [p for prefix, p in _SQL_PORTS if version.startswith(prefix)]
    node = records.nodes[asset.name]
    address = next(
        (
            str(a.get("ipAddress") or "")
            for a in asset.data.get("ipAddresses") or []
            if a.get("type") == "PRIMARY"
        ),
        "",
    )
    if address:
        node.props["public_ip"] = address
    records.add_edge(
        "EXPOSED_TO",
        INTERNET_ID,
        asset.name,
        ports=ports,
        protocol="tcp",
        cidrs=public,
        conditional=False,
        scan_id=context.scan_id,
        reason=f"Cloud SQL instance {node.props.get('name', asset.name)} has a public "
        f"IP and authorizes {', '.join(public)}.",
        evidence=to_json_text(
            [{"kind": "authorized_networks", "networks": networks, "version": version}]
        ),
    )


def _record_restricted_networks(
    records: GraphRecords, node_id: str, cidrs: list[str]
) -> None:
    node = records.nodes[node_id]
    attrs = json.loads(str(node.props.get("attrs") or "{}"))
    attrs["restricted_ingress"] = [{"rule": "authorized_networks", "cidrs": cidrs}]
    node.props["attrs"] = to_json_text(attrs)


def _instance_exposure(
    estate: GcpEstate,
    records: GraphRecords,
    context: TransformContext,
    index: IdentityIndex,
    firewalls: FirewallIndex,
    asset: GcpAsset,
    pool_limit: tuple[dict[str, tuple[Interval, ...]], list[dict[str, Any]]] | None,
) -> None:
    tags = [str(t) for t in (asset.data.get("tags") or {}).get("items") or []]
    accounts = index.runs_as.get(asset.name, [])
    combined_open: dict[str, list[Interval]] = {}
    cidrs: set[str] = set()
    evidence: list[dict[str, Any]] = []
    for interface in asset.data.get("networkInterfaces") or []:
        network = network_key(str(interface.get("network") or ""))
        _network_facts(records, context, asset, interface, network)
        rules = firewalls.rules_for(asset.project_key, network)
        for rule, rule_asset in rules:
            if rule.applies_to(tags, accounts, network) and rule_asset in records.nodes:
                add_fact_edge(
                    records,
                    "PROTECTED_BY",
                    asset.name,
                    rule_asset,
                    scan_id=context.scan_id,
                    reason=f"Firewall rule {rule_asset.rsplit('/', 1)[-1]} applies to "
                    f"{asset.name.rsplit('/', 1)[-1]}.",
                )
        entries = _entry_points(interface, pool_limit)
        for limit, entry in entries:
            exposure = evaluate(
                [rule for rule, _ in rules],
                tags=tags,
                accounts=accounts,
                network=network,
                limit=limit,
            )
            if not exposure.exposed:
                continue
            for protocol, ports in exposure.open.items():
                combined_open.setdefault(protocol, []).extend(ports)
            cidrs.update(exposure.cidrs)
            evidence.append(
                {**entry, "firewall_rules": exposure.rules, "network": network}
            )
    if not combined_open:
        return
    combined = Exposure(open={p: merge_intervals(v) for p, v in combined_open.items()})
    name = str(records.nodes[asset.name].props.get("name", asset.name))
    records.add_edge(
        "EXPOSED_TO",
        INTERNET_ID,
        asset.name,
        ports=combined.labels(),
        protocol=combined.protocol(),
        cidrs=sorted(cidrs),
        conditional=False,
        scan_id=context.scan_id,
        reason=f"{name} accepts internet traffic on {combined.protocol()} "
        f"{', '.join(combined.labels()) or '(no ports)'}.",
        evidence=to_json_text(evidence),
    )


def _entry_points(
    interface: dict[str, Any],
    pool_limit: tuple[dict[str, tuple[Interval, ...]], list[dict[str, Any]]] | None,
) -> list[tuple[dict[str, tuple[Interval, ...]] | None, dict[str, Any]]]:
    entries: list[tuple[dict[str, tuple[Interval, ...]] | None, dict[str, Any]]] = []
    configs = list(interface.get("accessConfigs") or []) + list(
        interface.get("ipv6AccessConfigs") or []
    )
    if configs:
        address = next(
            (str(c.get("natIP") or c.get("externalIpv6") or "") for c in configs), ""
        )
        entries.append((None, {"kind": "external_ip", "address": address}))
    if pool_limit is not None:
        limit, rules = pool_limit
        entries.append((limit, {"kind": "target_pool", "forwarding_rules": rules}))
    return entries


def _network_facts(
    records: GraphRecords,
    context: TransformContext,
    asset: GcpAsset,
    interface: dict[str, Any],
    network: str,
) -> None:
    # The subnetwork node when the input has it, else the VPC network node.
    for key in ("subnetwork", "network"):
        value = str(interface.get(key) or "")
        if not value:
            continue
        target = COMPUTE_PREFIX + network_key(value)
        if target in records.nodes:
            add_fact_edge(
                records,
                "IN_NETWORK",
                asset.name,
                target,
                scan_id=context.scan_id,
                reason=f"{asset.name.rsplit('/', 1)[-1]} has an interface in "
                f"{network_key(value)}.",
            )
            break


def _derive_load_balancers(
    estate: GcpEstate, records: GraphRecords, context: TransformContext
) -> dict[str, tuple[dict[str, tuple[Interval, ...]], list[dict[str, Any]]]]:
    """Expose external forwarding rules; return the ports target-pool VMs get."""
    pool_limits: dict[
        str, tuple[dict[str, tuple[Interval, ...]], list[dict[str, Any]]]
    ] = {}
    for asset in estate.assets_of_type(
        FORWARDING_RULE_TYPE, GLOBAL_FORWARDING_RULE_TYPE
    ):
        data = asset.data
        scheme = str(data.get("loadBalancingScheme") or "EXTERNAL").upper()
        if not scheme.startswith("EXTERNAL"):
            continue
        ports = _forwarding_ports(data)
        target = str(data.get("target") or "")
        if asset.name in records.nodes:
            labels = _labels(ports)
            protocol = next(iter(ports)) if len(ports) == 1 else "all"
            records.add_edge(
                "EXPOSED_TO",
                INTERNET_ID,
                asset.name,
                ports=labels,
                protocol=protocol,
                cidrs=["0.0.0.0/0"],
                conditional=False,
                scan_id=context.scan_id,
                reason=f"External forwarding rule {asset.name.rsplit('/', 1)[-1]} "
                f"accepts internet traffic on {protocol} {', '.join(labels)}.",
                evidence=to_json_text(
                    [
                        {
                            "kind": "forwarding_rule",
                            "scheme": scheme,
                            "address": data.get("IPAddress", ""),
                            "target": target,
                        }
                    ]
                ),
            )
        if "/targetPools/" not in target:
            continue
        pool = estate.assets.get(COMPUTE_PREFIX + network_key(target))
        if pool is None:
            continue
        for instance in pool.data.get("instances") or []:
            name = COMPUTE_PREFIX + network_key(str(instance))
            limit, rules = pool_limits.get(name, ({}, []))
            for protocol, intervals in ports.items():
                limit[protocol] = tuple(limit.get(protocol, ())) + intervals
            rules.append({"forwarding_rule": asset.name, "target_pool": pool.name})
            pool_limits[name] = (limit, rules)
    return pool_limits


def _forwarding_ports(data: dict[str, Any]) -> dict[str, tuple[Interval, ...]]:
    protocol = str(data.get("IPProtocol") or "TCP").lower()
    if data.get("allPorts"):
        values: list[str] = []
    elif data.get("ports"):
        values = [str(p) for p in data["ports"]]
    elif data.get("portRange"):
        values = [str(data["portRange"])]
    else:
        values = []
    if protocol not in ("tcp", "udp"):
        protocol = "all"
    parsed = parse_ports([{"IPProtocol": protocol, "ports": values}], "IPProtocol")
    return parsed or {"tcp": ALL_PORTS}


def _labels(ports: dict[str, tuple[Interval, ...]]) -> list[str]:
    return Exposure(open=dict(ports)).labels()
