"""Network security group rules and the ports they open to the internet.

Azure evaluates inbound rules by priority (lowest number first); the first
rule that matches protocol, source, destination and port decides, and the
default rules (AllowVnetInBound 65000, AllowAzureLoadBalancerInBound 65001,
DenyAllInBound 65500) close the list. A rule admits "the internet" when its
source is `*`, `Internet`, `0.0.0.0/0` or `::/0`.

NOTE: a rule whose source is a specific public range (for example one
office's /24) is not treated as internet-wide, so it neither opens nor closes
ports for the anonymous attacker modelled here; ICMP is not evaluated.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from toxicpath.ingest.azure.arm import flatten, ref_ids

MAX_PORT = 65535
INTERNET_SOURCES = frozenset({"*", "internet", "0.0.0.0/0", "::/0", "any"})
PROTOCOLS = ("tcp", "udp")

Interval = tuple[int, int]


class PortSet:
    """A set of ports kept as sorted, disjoint, inclusive intervals."""

    def __init__(self, intervals: Iterable[Interval] = ()) -> None:
        self.intervals = _normalise(intervals)

    @classmethod
    def all_ports(cls) -> PortSet:
        return cls([(0, MAX_PORT)])

    def is_empty(self) -> bool:
        return not self.intervals

    def union(self, other: PortSet) -> PortSet:
        return PortSet([*self.intervals, *other.intervals])

    def intersect(self, other: PortSet) -> PortSet:
        result = []
        for low, high in self.intervals:
            for other_low, other_high in other.intervals:
                start, end = max(low, other_low), min(high, other_high)
                if start <= end:
                    result.append((start, end))
        return PortSet(result)

    def subtract(self, other: PortSet) -> PortSet:
        result = list(self.intervals)
        for cut_low, cut_high in other.intervals:
            next_result = []
            for low, high in result:
                if cut_high < low or cut_low > high:
                    next_result.append((low, high))
                    continue
                if low < cut_low:
                    next_result.append((low, cut_low - 1))
                if cut_high < high:
                    next_result.append((cut_high + 1, high))
            result = next_result
        return PortSet(result)

    def labels(self) -> list[str]:
        """Return the ports as `22`, `8000-8080` or `all`."""
        if self.intervals == [(0, MAX_PORT)]:
            return ["all"]
        return [
            str(low) if low == high else f"{low}-{high}" for low, high in self.intervals
        ]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PortSet) and self.intervals == other.intervals

    def __repr__(self) -> str:
        return f"PortSet({self.labels()})"


def _normalise(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def parse_port_ranges(values: Iterable[Any]) -> PortSet:
    """Parse NSG port expressions such as `*`, `22`, `1000-2000`."""
    intervals: list[Interval] = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        if text == "*":
            return PortSet.all_ports()
        if "-" in text:
            low, high = text.split("-", 1)
            intervals.append((int(low), int(high)))
        else:
            intervals.append((int(text), int(text)))
    return PortSet(intervals)


@dataclass(frozen=True)
class NsgRule:
    name: str
    priority: int
    direction: str  # inbound or outbound
    access: str  # allow or deny
    protocol: str  # tcp, udp, icmp, esp, ah or *
    sources: tuple[str, ...]
    source_asgs: tuple[str, ...]
    destinations: tuple[str, ...]
    destination_asgs: tuple[str, ...]
    ports: PortSet
    is_default: bool = False

    def evidence(self, nsg_id: str) -> dict[str, Any]:
        return {
            "kind": "nsg_rule",
            "nsg": nsg_id,
            "rule": self.name,
            "priority": self.priority,
            "access": self.access,
            "protocol": self.protocol,
            "sources": list(self.sources),
            "ports": self.ports.labels(),
            "default": self.is_default,
        }


def _prefixes(flat: Mapping[str, Any], single: str, plural: str) -> tuple[str, ...]:
    values = [flat.get(single), *list(flat.get(plural) or [])]
    return tuple(str(v) for v in values if v not in (None, ""))


def parse_rule(item: Mapping[str, Any], *, is_default: bool) -> NsgRule:
    flat = flatten(item)
    port_values = [
        flat.get("destinationPortRange"),
        *list(flat.get("destinationPortRanges") or []),
    ]
    return NsgRule(
        name=str(flat.get("name") or ""),
        priority=int(flat.get("priority") or 0),
        direction=str(flat.get("direction") or "").lower(),
        access=str(flat.get("access") or "").lower(),
        protocol=str(flat.get("protocol") or "*").lower(),
        sources=_prefixes(flat, "sourceAddressPrefix", "sourceAddressPrefixes"),
        source_asgs=tuple(ref_ids(flat.get("sourceApplicationSecurityGroups"))),
        destinations=_prefixes(
            flat, "destinationAddressPrefix", "destinationAddressPrefixes"
        ),
        destination_asgs=tuple(
            ref_ids(flat.get("destinationApplicationSecurityGroups"))
        ),
        ports=parse_port_ranges(v for v in port_values if v not in (None, "")),
        is_default=is_default,
    )


# The inbound default rules every NSG has, used when an export omits them.
_DEFAULT_INBOUND = (
    NsgRule(
        "AllowVnetInBound", 65000, "inbound", "allow", "*",
        ("VirtualNetwork",), (), ("VirtualNetwork",), (), PortSet.all_ports(), True,
    ),
    NsgRule(
        "AllowAzureLoadBalancerInBound", 65001, "inbound", "allow", "*",
        ("AzureLoadBalancer",), (), ("*",), (), PortSet.all_ports(), True,
    ),
    NsgRule(
        "DenyAllInBound", 65500, "inbound", "deny", "*",
        ("*",), (), ("*",), (), PortSet.all_ports(), True,
    ),
)  # fmt: skip


def parse_rules(properties: Mapping[str, Any]) -> list[NsgRule]:
    """Return an NSG's custom and default rules, adding the defaults if absent."""
    rules = [
        parse_rule(item, is_default=False)
        for item in properties.get("securityRules") or []
        if isinstance(item, Mapping)
    ]
    defaults = [
        parse_rule(item, is_default=True)
        for item in properties.get("defaultSecurityRules") or []
        if isinstance(item, Mapping)
    ]
    if not any(rule.direction == "inbound" for rule in defaults):
        defaults.extend(_DEFAULT_INBOUND)
    return rules + defaults


@dataclass(frozen=True)
class Target:
    """The destination of inbound traffic: one NIC IP configuration."""

    private_ip: str
    subnet_prefixes: tuple[str, ...] = ()
    asgs: frozenset[str] = frozenset()


def _source_is_internet(rule: NsgRule) -> bool:
    if rule.source_asgs:
        return False
    return any(source.lower() in INTERNET_SOURCES for source in rule.sources)


def _destination_matches(rule: NsgRule, target: Target) -> bool:
    if rule.destination_asgs:
        return bool(target.asgs & set(rule.destination_asgs))
    for destination in rule.destinations:
        lowered = destination.lower()
        if lowered in ("*", "any", "virtualnetwork"):
            return True
        if target.private_ip and _in_prefix(target.private_ip, destination):
            return True
    return False


def _in_prefix(address: str, prefix: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(
            prefix, strict=False
        )
    except ValueError:
        return False


def _protocol_matches(rule: NsgRule, protocol: str) -> bool:
    return rule.protocol in ("*", "all", protocol)


@dataclass
class LayerResult:
    ports: PortSet
    allowing_rules: list[dict[str, Any]]


def internet_ports(
    nsg_id: str, properties: Mapping[str, Any], *, protocol: str, target: Target
) -> LayerResult:
    """Return the ports one NSG admits from the internet to `target`."""
    undecided = PortSet.all_ports()
    allowed = PortSet()
    evidence: list[dict[str, Any]] = []
    inbound = [r for r in parse_rules(properties) if r.direction == "inbound"]
    for rule in sorted(inbound, key=lambda r: r.priority):
        if not _protocol_matches(rule, protocol) or not _source_is_internet(rule):
            continue
        if not _destination_matches(rule, target):
            continue
        hit = undecided.intersect(rule.ports)
        if hit.is_empty():
            continue
        if rule.access == "allow":
            allowed = allowed.union(hit)
            evidence.append(rule.evidence(nsg_id))
        undecided = undecided.subtract(hit)
        if undecided.is_empty():
            break
    return LayerResult(allowed, evidence)
