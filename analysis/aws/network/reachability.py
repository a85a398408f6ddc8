"""Reachability from the internet through security groups, routes and network ACLs.

Each function checks one step for one address family (4 or 6):

- `open_ingress`: the security group rules that admit every address
  (0.0.0.0/0 or ::/0), as per-protocol port sets.
- `internet_route`: whether a subnet's route table sends that family to an
  internet gateway. When the snapshot contains no route table of the VPC, the
  route is assumed and the evidence says so.
- `apply_network_acl`: the ports that the subnet's network ACL lets in from
  an arbitrary internet address and lets the replies out again.

Only rules for the whole address space count as internet exposure. A rule
for narrower ranges (a /32 office address) admits those hosts, not the
internet, and is reported by `restricted_ingress` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.aws.network.ports import (
    ALL_PORTS,
    PORT_PROTOCOLS,
    PortInterval,
    PortSets,
    format_interval,
    intersect,
    merge_port_sets,
    normalise_protocol,
    rule_interval,
    subtract,
    union,
)
from toxicpath.ingest.aws.estate import (
    AwsEstate,
    NetworkAcl,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
)

OPEN_CIDR = {4: "0.0.0.0/0", 6: "::/0"}
# Replies to an internet client go to its ephemeral port. AWS documents
# 1024-65535 as the range a network ACL must allow outbound for any client.
EPHEMERAL_PORTS: PortInterval = (1024, 65535)


@dataclass
class OpenIngress:
    """The ports a set of security groups admits from every address of one family.

    `rules` pairs each admitting rule's evidence with the ports it opens, so a
    caller that narrows the ports (to listener ports) can keep only the rules
    that still matter.
    """

    ports: PortSets = field(default_factory=dict)
    rules: list[tuple[dict[str, Any], PortSets]] = field(default_factory=list)

    def evidence_for(self, ports: PortSets) -> list[dict[str, Any]]:
        """Return the evidence of the rules that open any of `ports`."""
        return [
            evidence
            for evidence, rule_ports in self.rules
            if any(intersect(iv, ports.get(p, [])) for p, iv in rule_ports.items())
        ]


@dataclass(frozen=True)
class RouteCheck:
    """Whether a subnet routes one address family to an internet gateway."""

    routed: bool
    evidence: dict[str, Any]


@dataclass
class AclResult:
    """The ports a network ACL lets through, and the entries that decided it."""

    ports: PortSets
    evidence: list[dict[str, Any]]


def rule_port_sets(rule: SecurityGroupRule) -> PortSets:
    """Return the per-protocol ports one security group rule admits."""
    protocol = normalise_protocol(rule.protocol)
    interval = rule_interval(protocol, rule.from_port, rule.to_port)
    if protocol == "all":
        return {p: [ALL_PORTS] for p in PORT_PROTOCOLS}
    if protocol in PORT_PROTOCOLS:
        return {protocol: [interval]}
    return {}


def describe_rule(rule: SecurityGroupRule) -> str:
    """Return `tcp 22`, `tcp 8000-8080` or `all traffic` for a rule."""
    protocol = normalise_protocol(rule.protocol)
    if protocol == "all":
        return "all traffic"
    interval = rule_interval(protocol, rule.from_port, rule.to_port)
    if protocol not in PORT_PROTOCOLS:
        return protocol
    return f"{protocol} {format_interval(interval)}"


def open_ingress(groups: Iterable[SecurityGroup], family: int) -> OpenIngress:
    """Collect the ingress rules of `groups` that admit every address of `family`."""
    cidr = OPEN_CIDR[family]
    result = OpenIngress()
    for group in groups:
        for rule in group.ingress:
            if cidr not in rule.cidrs:
                continue
            rule_ports = rule_port_sets(rule)
            if not rule_ports:
                continue
            result.ports = merge_port_sets(result.ports, rule_ports)
            evidence = {
                "kind": "security_group_rule",
                "security_group": group.id,
                "security_group_name": group.name,
                "rule": describe_rule(rule),
                "cidr": cidr,
                "description": rule.description,
            }
            result.rules.append((evidence, rule_ports))
    return result


def restricted_ingress(groups: Iterable[SecurityGroup]) -> list[dict[str, Any]]:
    """List the ingress rules that admit only some address ranges or groups.

    These rules are not internet exposure, but they show who else can reach the
    resource (an office range, another security group).
    """
    entries = []
    for group in groups:
        for rule in group.ingress:
            narrow = sorted(c for c in rule.cidrs if c not in OPEN_CIDR.values())
            if not (narrow or rule.source_group_ids or rule.prefix_list_ids):
                continue
            entry: dict[str, Any] = {
                "security_group": group.id,
                "rule": describe_rule(rule),
            }
            if narrow:
                entry["cidrs"] = narrow
            if rule.source_group_ids:
                entry["source_security_groups"] = sorted(rule.source_group_ids)
            if rule.prefix_list_ids:
                entry["prefix_lists"] = sorted(rule.prefix_list_ids)
            entries.append(entry)
    return entries


def admitted_source_ranges(group: SecurityGroup) -> list[str]:
    """Return every source CIDR that a security group's ingress rules admit."""
    return sorted({cidr for rule in group.ingress for cidr in rule.cidrs})


@dataclass(frozen=True)
class NetworkIndex:
    """Route tables and network ACLs of an estate, indexed by subnet and VPC.

    Built once per analysis, so each lookup is a dict access instead of a scan
    of every route table and network ACL.
    """

    table_by_subnet: dict[str, RouteTable]
    main_table_by_vpc: dict[str, RouteTable]
    vpcs_with_tables: frozenset[str]
    acl_by_subnet: dict[str, NetworkAcl]

    @classmethod
    def build(cls, estate: AwsEstate) -> NetworkIndex:
        table_by_subnet: dict[str, RouteTable] = {}
        main_table_by_vpc: dict[str, RouteTable] = {}
        for table in estate.route_tables.values():
            for subnet_id in table.subnet_ids:
                table_by_subnet.setdefault(subnet_id, table)
            if table.is_main:
                main_table_by_vpc.setdefault(table.vpc_id, table)
        acl_by_subnet: dict[str, NetworkAcl] = {}
        for acl in estate.network_acls.values():
            for subnet_id in acl.subnet_ids:
                acl_by_subnet.setdefault(subnet_id, acl)
        return cls(
            table_by_subnet=table_by_subnet,
            main_table_by_vpc=main_table_by_vpc,
            vpcs_with_tables=frozenset(t.vpc_id for t in estate.route_tables.values()),
            acl_by_subnet=acl_by_subnet,
        )

    def route_table_for_subnet(
        self, *, vpc_id: str, subnet_id: str
    ) -> RouteTable | None:
        """Return the subnet's associated route table, else the VPC's main one."""
        if subnet_id and subnet_id in self.table_by_subnet:
            return self.table_by_subnet[subnet_id]
        return self.main_table_by_vpc.get(vpc_id)


def internet_route(
    network: NetworkIndex, *, vpc_id: str, subnet_id: str, family: int
) -> RouteCheck:
    """Check that `subnet_id` routes `family` traffic to an internet gateway."""
    if vpc_id not in network.vpcs_with_tables:
        return RouteCheck(
            routed=True,
            evidence={
                "kind": "route",
                "subnet": subnet_id,
                "assumed": True,
                "note": "the snapshot contains no route table of this VPC, so a route "
                "to an internet gateway is assumed",
            },
        )
    table = network.route_table_for_subnet(vpc_id=vpc_id, subnet_id=subnet_id)
    if table is None:
        return RouteCheck(
            routed=False,
            evidence={
                "kind": "route",
                "subnet": subnet_id,
                "note": "no route table is associated with the subnet",
            },
        )
    for destination, target in table.routes:
        if not target.startswith("igw-"):
            continue
        if (":" in destination) != (family == 6):
            continue
        return RouteCheck(
            routed=True,
            evidence={
                "kind": "route",
                "subnet": subnet_id,
                "route_table": table.id,
                "destination": destination,
                "target": target,
            },
        )
    return RouteCheck(
        routed=False,
        evidence={
            "kind": "route",
            "subnet": subnet_id,
            "route_table": table.id,
            "note": f"no IPv{family} route to an internet gateway",
        },
    )


def apply_network_acl(
    network: NetworkIndex, *, subnet_id: str, family: int, ports: PortSets
) -> AclResult:
    """Return the part of `ports` that the subnet's network ACL lets through.

    Entries are evaluated in rule-number order and the first match decides,
    as AWS does. Only entries for the whole address space are read: an entry
    for a narrower range decides for some hosts only, so it neither makes nor
    breaks exposure to an arbitrary internet address. A network ACL is
    stateless, so a protocol also needs an outbound entry that lets replies
    reach the client's ephemeral ports.
    """
    acl = network.acl_by_subnet.get(subnet_id)
    if acl is None:
        note = (
            "the snapshot contains no network ACL for the subnet; "
            "AWS's default network ACL allows all traffic"
        )
        return AclResult(ports, [{"kind": "network_acl", "note": note}])
    cidr = OPEN_CIDR[family]
    allowed: PortSets = {}
    for protocol, intervals in ports.items():
        inbound = _acl_allowed(acl, egress=False, cidr=cidr, protocol=protocol)
        outbound = _acl_allowed(acl, egress=True, cidr=cidr, protocol=protocol)
        if not intersect(outbound, [EPHEMERAL_PORTS]):
            continue
        through = intersect(intervals, inbound)
        if through:
            allowed[protocol] = through
    evidence = {
        "kind": "network_acl",
        "network_acl": acl.id,
        "allowed": {p: [format_interval(i) for i in iv] for p, iv in allowed.items()},
    }
    return AclResult(allowed, [evidence])


def _acl_allowed(
    acl: NetworkAcl, *, egress: bool, cidr: str, protocol: str
) -> list[PortInterval]:
    """Return the ports of `protocol` that the first matching entries allow."""
    remaining = [ALL_PORTS]
    allowed: list[PortInterval] = []
    entries = sorted(
        (e for e in acl.entries if e[1] == egress and e[5] == cidr),
        key=lambda e: e[0],
    )
    for _number, _egress, entry_protocol, from_port, to_port, _cidr, allow in entries:
        normalised = normalise_protocol(entry_protocol)
        if normalised not in ("all", protocol):
            continue
        interval = rule_interval(normalised, from_port, to_port)
        decided = intersect(remaining, [interval])
        if allow:
            allowed = union([*allowed, *decided])
        remaining = subtract(remaining, [interval])
        if not remaining:
            break
    return allowed
