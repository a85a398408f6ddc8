"""EXPOSED_TO edges: which AWS resources the internet reaches, on which ports.

A resource is exposed when every step of the path admits traffic from an
arbitrary internet address (0.0.0.0/0 over IPv4, ::/0 over IPv6):

- a public address: an instance's public IPv4 or IPv6 address, an
  internet-facing load balancer, a publicly accessible RDS or Redshift
  database, a search domain outside any VPC, or a Lambda function URL whose
  auth type is NONE;
- a security group rule for the whole address space on some port (for a load
  balancer, only its listener ports count);
- a route from the subnet to an internet gateway. When the snapshot contains no
  route table of the VPC, the route is assumed and the evidence notes it;
- the subnet's network ACL, when the snapshot contains it (see
  `reachability.apply_network_acl`).

Instances behind an internet-facing load balancer: the graph has no edge type
from one resource to another for traffic, so each registered target instance
gets its own EXPOSED_TO edge whose evidence names the load balancer, the
listener port and the port on the instance. The edge exists only when the
load balancer itself is exposed and a security group of the instance admits
the forwarded port from the load balancer's security group or from some
address range.

Rules for narrower ranges (an office /32) are not exposure; they are listed
in the resource's `attrs.restricted_ingress` and on the security group's
`cidrs`.

Not handled: managed prefix lists in rules (their ranges are not read), the
IP address type of load balancers and databases (IPv4 is assumed), and NAT
through other appliances. ICMP-only openings create no edge.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.network.ports import (
    ALL_PORTS,
    PORT_PROTOCOLS,
    PortSets,
    describe_port_sets,
    intersect,
    merge_port_sets,
)
from toxicpath.analysis.aws.network.reachability import (
    OPEN_CIDR,
    NetworkIndex,
    apply_network_acl,
    describe_rule,
    internet_route,
    open_ingress,
    rule_port_sets,
)
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords, to_json_text
from toxicpath.ingest.aws.estate import (
    AwsEstate,
    DbInstance,
    Instance,
    LambdaFunction,
    LoadBalancer,
    SecurityGroup,
)
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

_LISTENER_PROTOCOLS = {
    "http": ("tcp",),
    "https": ("tcp",),
    "tcp": ("tcp",),
    "tls": ("tcp",),
    "ssl": ("tcp",),
    "udp": ("udp",),
    "tcp_udp": ("tcp", "udp"),
}


@dataclass
class Exposure:
    """One way the internet reaches a resource."""

    ports: PortSets
    cidrs: set[str]
    evidence: list[dict[str, Any]]
    reason: str
    conditional: bool = False


@dataclass
class _PathResult:
    ports: PortSets = field(default_factory=dict)
    cidrs: set[str] = field(default_factory=set)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    assumed_route: bool = False
    gateways: set[str] = field(default_factory=set)


def derive_exposure_edges(
    estate: AwsEstate, records: GraphRecords, context: TransformContext
) -> None:
    """Add an EXPOSED_TO edge from the Internet node to every exposed resource."""
    exposures: dict[str, list[Exposure]] = defaultdict(list)
    network = NetworkIndex.build(estate)
    for instance in estate.instances.values():
        found = instance_exposure(estate, instance, network=network)
        if found is not None:
            exposures[_instance_node_id(instance)].append(found)
    for balancer in estate.load_balancers.values():
        found = load_balancer_exposure(estate, balancer, network=network)
        if found is None:
            continue
        exposures[balancer.arn].append(found)
        for instance_id in balancer.target_instance_ids:
            target = estate.instances.get(instance_id)
            if target is None:
                continue
            behind = target_exposure(estate, balancer, found, target)
            if behind is not None:
                exposures[_instance_node_id(target)].append(behind)
    for database in estate.databases.values():
        found = database_exposure(estate, database, network=network)
        if found is not None:
            exposures[database.arn].append(found)
    for function in estate.functions.values():
        found = function_url_exposure(function)
        if found is not None:
            exposures[function.arn].append(found)

    if exposures:
        _add_internet_node(records, context.scan_id)
    for node_id, found_list in exposures.items():
        if node_id not in records.nodes:
            logger.warning("exposed resource %s has no node; edge skipped", node_id)
            continue
        _write_edge(records, node_id, found_list, context.scan_id)
    logger.info("derived %d EXPOSED_TO edges to AWS resources", len(exposures))


# --- one function per kind -------------------------------------------------


def instance_exposure(
    estate: AwsEstate, instance: Instance, *, network: NetworkIndex
) -> Exposure | None:
    """Return how the internet reaches an instance through its own public address."""
    if instance.state in ("terminated", "shutting-down"):
        return None
    families = []
    if instance.public_ip:
        families.append(4)
    if instance.public_ipv6:
        families.append(6)
    if not families:
        return None
    groups = _groups(estate, instance.security_group_ids, instance.id)
    path = _network_path(
        network,
        groups=groups,
        subnet_ids=[instance.subnet_id] if instance.subnet_id else [],
        vpc_id=instance.vpc_id,
        families=families,
        served=None,
    )
    if not path.ports:
        return None
    addresses = [a for a in [instance.public_ip, *instance.public_ipv6] if a]
    evidence = [
        {"kind": "public_address", "address": address} for address in addresses
    ] + path.evidence
    name = instance.name or instance.tags.get("Name", "") or instance.id
    reason = (
        f"Instance {name} has public address {', '.join(addresses)} and "
        f"{_rules_sentence(path)}{_route_sentence(path)}."
    )
    return Exposure(path.ports, path.cidrs, evidence, reason)


def load_balancer_exposure(
    estate: AwsEstate, balancer: LoadBalancer, *, network: NetworkIndex
) -> Exposure | None:
    """Return how the internet reaches an internet-facing load balancer's listeners."""
    if balancer.scheme != "internet-facing" or balancer.kind == "gateway":
        return None
    evidence: list[dict[str, Any]] = [
        {"kind": "load_balancer_scheme", "scheme": balancer.scheme}
    ]
    served: PortSets | None = None
    if balancer.listeners:
        served = merge_port_sets(
            *(
                {p: [(listener.port, listener.port)]}
                for listener in balancer.listeners
                for p in _LISTENER_PROTOCOLS.get(listener.protocol.lower(), ("tcp",))
            )
        )
    else:
        evidence.append(
            {
                "kind": "listeners",
                "note": "the snapshot contains no listener of this load balancer, so "
                "every port its security groups admit is counted",
            }
        )
    groups: list[SecurityGroup] | None = None
    if balancer.security_group_ids:
        groups = _groups(estate, balancer.security_group_ids, balancer.arn)
    path = _network_path(
        network,
        groups=groups,
        subnet_ids=balancer.subnet_ids,
        vpc_id=balancer.vpc_id,
        families=[4],
        served=served,
    )
    if not path.ports:
        return None
    reason = (
        f"Load balancer {balancer.name} is internet-facing and "
        f"{_rules_sentence(path)}{_route_sentence(path)}."
    )
    return Exposure(path.ports, path.cidrs, evidence + path.evidence, reason)


def target_exposure(
    estate: AwsEstate, balancer: LoadBalancer, exposed: Exposure, target: Instance
) -> Exposure | None:
    """Return the exposure of an instance registered behind an exposed load balancer."""
    listener_ports: list[int] = []
    target_ports: list[int] = []
    for listener in balancer.listeners:
        open_ports = exposed.ports.get("tcp", []) + exposed.ports.get("udp", [])
        if not intersect(open_ports, [(listener.port, listener.port)]):
            continue
        listener_ports.append(listener.port)
        if listener.instance_port is not None:
            target_ports.append(listener.instance_port)
    if balancer.listeners and not listener_ports:
        return None
    # Without listener details the port on the instance is unknown, so the
    # ports the load balancer exposes stand in for it.
    ports: PortSets = (
        {"tcp": [(p, p) for p in sorted(set(target_ports))]}
        if target_ports and len(target_ports) == len(listener_ports)
        else exposed.ports
    )
    admitting = _rules_admitting_balancer(estate, target, balancer, ports)
    if admitting is not None and not admitting:
        logger.debug(
            "%s targets %s, but no security group rule of the instance admits it",
            balancer.name,
            target.id,
        )
        return None
    _, port_strings = describe_port_sets(exposed.ports)
    evidence: list[dict[str, Any]] = [
        {
            "kind": "load_balancer_target",
            "load_balancer": balancer.arn,
            "listener_ports": [str(p) for p in listener_ports] or port_strings,
            "target_ports": [str(p) for p in sorted(set(target_ports))],
        },
        *(admitting or []),
    ]
    name = target.name or target.tags.get("Name", "") or target.id
    protocol, forwarded = describe_port_sets(ports)
    reason = (
        f"Instance {name} is a target of internet-facing load balancer "
        f"{balancer.name}, which forwards internet traffic to it on "
        f"{_ports_phrase(protocol, forwarded)}."
    )
    return Exposure(ports, set(exposed.cidrs), evidence, reason)


def database_exposure(
    estate: AwsEstate, database: DbInstance, *, network: NetworkIndex
) -> Exposure | None:
    """Return how the internet reaches a publicly accessible database or domain."""
    if not database.publicly_accessible:
        return None
    if database.kind in ("elasticsearch", "opensearch") and not database.vpc_id:
        evidence = [
            {
                "kind": "public_endpoint",
                "endpoint": database.endpoint,
                "note": "the domain is outside any VPC; its access policy decides "
                "who may call it",
            }
        ]
        reason = (
            f"Search domain {database.id} has a public endpoint outside any VPC, "
            "so the internet reaches it on port 443."
        )
        return Exposure({"tcp": [(443, 443)]}, {OPEN_CIDR[4]}, evidence, reason)
    served = {"tcp": [(database.port, database.port)]} if database.port else None
    path = _network_path(
        network,
        groups=_groups(estate, database.security_group_ids, database.arn),
        subnet_ids=database.subnet_ids,
        vpc_id=database.vpc_id,
        families=[4],
        served=served,
    )
    if not path.ports:
        return None
    evidence = [
        {
            "kind": "publicly_accessible",
            "database": database.id,
            "endpoint": database.endpoint,
        },
        *path.evidence,
    ]
    reason = (
        f"Database {database.id} is publicly accessible and "
        f"{_rules_sentence(path)}{_route_sentence(path)}."
    )
    return Exposure(path.ports, path.cidrs, evidence, reason)


def function_url_exposure(function: LambdaFunction) -> Exposure | None:
    """Return the exposure of a Lambda function URL whose auth type is NONE.

    AWS also requires a resource policy statement that lets `*` call
    lambda:InvokeFunctionUrl. When the snapshot shows no such statement the
    edge is kept but marked conditional.
    """
    if (function.url_auth_type or "").upper() != "NONE":
        return None
    statement = _public_url_statement(function.resource_policy)
    evidence: list[dict[str, Any]] = [
        {"kind": "function_url", "function": function.arn, "auth_type": "NONE"}
    ]
    if statement is not None:
        evidence.append(
            {
                "kind": "resource_policy_statement",
                "sid": str(statement.get("Sid", "")),
                "statement": statement,
            }
        )
        reason = (
            f"Function {function.name} has a function URL with auth type NONE and "
            "a resource policy that lets anyone invoke it over HTTPS."
        )
    else:
        evidence.append(
            {
                "kind": "resource_policy_statement",
                "note": "no statement allowing `*` to call lambda:InvokeFunctionUrl "
                "is in the snapshot; the URL answers 403 without one",
            }
        )
        reason = (
            f"Function {function.name} has a function URL with auth type NONE; "
            "anyone can invoke it if its resource policy allows public calls."
        )
    return Exposure(
        {"tcp": [(443, 443)]},
        {OPEN_CIDR[4], OPEN_CIDR[6]},
        evidence,
        reason,
        conditional=statement is None,
    )


# --- shared steps ----------------------------------------------------------


def _instance_node_id(instance: Instance) -> str:
    return instance.arn or ids.instance_node(
        instance.region, instance.account_id, instance.id
    )


def _groups(estate: AwsEstate, group_ids: list[str], owner: str) -> list[SecurityGroup]:
    groups = []
    for group_id in group_ids:
        group = estate.security_groups.get(group_id)
        if group is None:
            logger.warning(
                "%s uses security group %s, which the snapshot does not contain; "
                "its rules are not evaluated",
                owner,
                group_id,
            )
            continue
        groups.append(group)
    return groups


def _network_path(
    network: NetworkIndex,
    *,
    groups: list[SecurityGroup] | None,
    subnet_ids: list[str],
    vpc_id: str,
    families: list[int],
    served: PortSets | None,
) -> _PathResult:
    """Combine security groups, routes and network ACLs for each address family.

    `groups` None means no security group filters the traffic (a network load
    balancer without security groups). `served` narrows the ports to those a
    listener or database serves. With several subnets (a load balancer, a
    database subnet group), any subnet that passes counts.
    """
    result = _PathResult()
    for family in families:
        ingress = None if groups is None else open_ingress(groups, family)
        admitted: PortSets = (
            {p: [ALL_PORTS] for p in PORT_PROTOCOLS}
            if ingress is None
            else ingress.ports
        )
        if served is not None:
            admitted = {
                p: intersect(iv, served.get(p, [])) for p, iv in admitted.items()
            }
            admitted = {p: iv for p, iv in admitted.items() if iv}
        if not admitted:
            continue
        rule_evidence = (
            [{"kind": "security_group", "note": "no security group filters it"}]
            if ingress is None
            else ingress.evidence_for(admitted)
        )
        for subnet_id in subnet_ids or [""]:
            route = internet_route(
                network, vpc_id=vpc_id, subnet_id=subnet_id, family=family
            )
            if not route.routed:
                logger.debug("no internet route: %s", route.evidence)
                continue
            acl_ports, acl_evidence = admitted, []
            if subnet_id:
                acl = apply_network_acl(
                    network, subnet_id=subnet_id, family=family, ports=admitted
                )
                acl_ports, acl_evidence = acl.ports, acl.evidence
            if not acl_ports:
                continue
            result.ports = merge_port_sets(result.ports, acl_ports)
            result.cidrs.add(OPEN_CIDR[family])
            if route.evidence.get("assumed"):
                result.assumed_route = True
            if route.evidence.get("target"):
                result.gateways.add(str(route.evidence["target"]))
            for item in [*rule_evidence, route.evidence, *acl_evidence]:
                if item not in result.evidence:
                    result.evidence.append(item)
    return result


def _rules_admitting_balancer(
    estate: AwsEstate, target: Instance, balancer: LoadBalancer, ports: PortSets
) -> list[dict[str, Any]] | None:
    """Return the instance's rules that admit `ports` from the load balancer.

    A rule counts when its source is one of the load balancer's security
    groups or any address range (the range is assumed to cover the load
    balancer's nodes). Returns None when the instance's groups are unknown.
    """
    groups = _groups(estate, target.security_group_ids, target.id)
    if not groups:
        return None
    admitting = []
    for group in groups:
        for rule in group.ingress:
            from_balancer = bool(
                set(rule.source_group_ids) & set(balancer.security_group_ids)
            )
            if not (from_balancer or rule.cidrs):
                continue
            rule_ports = rule_port_sets(rule)
            if not any(intersect(iv, ports.get(p, [])) for p, iv in rule_ports.items()):
                continue
            admitting.append(
                {
                    "kind": "security_group_rule",
                    "security_group": group.id,
                    "rule": describe_rule(rule),
                    "source": "load balancer security group"
                    if from_balancer
                    else ", ".join(sorted(rule.cidrs)),
                }
            )
    return admitting


def _public_url_statement(policy: dict[str, Any] | None) -> dict[str, Any] | None:
    if not policy:
        return None
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            principal = principal.get("AWS")
        principals = principal if isinstance(principal, list) else [principal]
        if "*" not in principals:
            continue
        actions = statement.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        if any(
            a.lower() in ("lambda:invokefunctionurl", "lambda:*", "*") for a in actions
        ):
            return dict(statement)
    return None


def _rules_sentence(path: _PathResult) -> str:
    protocol, ports = describe_port_sets(path.ports)
    groups = sorted(
        {
            str(item["security_group"])
            for item in path.evidence
            if item.get("kind") == "security_group_rule"
        }
    )
    cidrs = " and ".join(sorted(path.cidrs))
    where = _ports_phrase(protocol, ports)
    if not groups:
        return f"no security group filters traffic from {cidrs} on {where}"
    return f"security group {', '.join(groups)} admits {cidrs} on {where}"


def _ports_phrase(protocol: str, ports: list[str]) -> str:
    """Return `tcp port 22`, `tcp ports 80 and 443` or `all ports`."""
    if ports == ["all"]:
        return "all ports"
    listed = (
        ports[0] if len(ports) == 1 else ", ".join(ports[:-1]) + " and " + ports[-1]
    )
    noun = "port" if len(ports) == 1 and "-" not in ports[0] else "ports"
    prefix = f"{protocol} " if protocol != "all" else ""
    return f"{prefix}{noun} {listed}"


def _route_sentence(path: _PathResult) -> str:
    if path.gateways:
        return f", with a route to internet gateway {', '.join(sorted(path.gateways))}"
    if path.assumed_route:
        return (
            " (the snapshot contains no route table, so the internet route is assumed)"
        )
    return ""


def _add_internet_node(records: GraphRecords, scan_id: str) -> None:
    records.add_node(
        "Internet",
        INTERNET_ID,
        cloud="none",
        type="internet",
        name="Internet",
        native_type="",
        account_id="",
        region="",
        tags="{}",
        attrs="{}",
        scan_id=scan_id,
    )


def _write_edge(
    records: GraphRecords, node_id: str, found: list[Exposure], scan_id: str
) -> None:
    ports = merge_port_sets(*(item.ports for item in found))
    protocol, port_strings = describe_port_sets(ports)
    cidrs = sorted(set().union(*(item.cidrs for item in found)))
    evidence: list[dict[str, Any]] = []
    for item in found:
        for entry in item.evidence:
            if entry not in evidence:
                evidence.append(entry)
    records.add_edge(
        "EXPOSED_TO",
        INTERNET_ID,
        node_id,
        scan_id=scan_id,
        reason=" ".join(item.reason for item in found),
        evidence=to_json_text(evidence),
        conditional=all(item.conditional for item in found),
        ports=port_strings,
        protocol=protocol,
        cidrs=cidrs,
    )
