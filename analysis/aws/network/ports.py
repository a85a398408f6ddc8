"""Port sets as sorted, disjoint, inclusive intervals, and protocol names.

Security group rules, NACL entries and listeners each admit a protocol and a
port range. Reachability is the intersection of those sets, so they are kept
as interval lists per protocol (`{"tcp": [(22, 22), (8000, 8080)]}`).
"""

from __future__ import annotations

from collections.abc import Iterable

PortInterval = tuple[int, int]
PortSets = dict[str, list[PortInterval]]

ALL_PORTS: PortInterval = (0, 65535)
# The protocols that carry ports. An all-traffic rule opens every port of both.
PORT_PROTOCOLS = ("tcp", "udp")

_PROTOCOL_NAMES = {
    "-1": "all",
    "all": "all",
    "6": "tcp",
    "tcp": "tcp",
    "17": "udp",
    "udp": "udp",
    "1": "icmp",
    "icmp": "icmp",
    "58": "icmpv6",
    "icmpv6": "icmpv6",
}


def normalise_protocol(value: str | int | None) -> str:
    """Return tcp, udp, icmp, icmpv6 or all for an AWS protocol name or number."""
    if value is None:
        return "all"
    text = str(value).strip().lower()
    return _PROTOCOL_NAMES.get(text, text)


def rule_interval(
    protocol: str, from_port: int | None, to_port: int | None
) -> PortInterval:
    """Return the port interval of a rule; no ports or all-traffic means every port."""
    if protocol == "all" or from_port is None or from_port < 0:
        return ALL_PORTS
    if to_port is None or to_port < 0:
        return (from_port, from_port)
    return (min(from_port, to_port), max(from_port, to_port))


def union(intervals: Iterable[PortInterval]) -> list[PortInterval]:
    """Merge intervals into a sorted list of disjoint intervals."""
    merged: list[PortInterval] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def intersect(
    first: Iterable[PortInterval], second: Iterable[PortInterval]
) -> list[PortInterval]:
    """Return the ports present in both interval lists."""
    result = []
    for low_a, high_a in union(first):
        for low_b, high_b in union(second):
            low, high = max(low_a, low_b), min(high_a, high_b)
            if low <= high:
                result.append((low, high))
    return union(result)


def subtract(
    first: Iterable[PortInterval], second: Iterable[PortInterval]
) -> list[PortInterval]:
    """Return the ports of `first` that are not in `second`."""
    remaining = union(first)
    for low_b, high_b in union(second):
        next_remaining = []
        for low_a, high_a in remaining:
            if high_b < low_a or low_b > high_a:
                next_remaining.append((low_a, high_a))
                continue
            if low_a < low_b:
                next_remaining.append((low_a, low_b - 1))
            if high_b < high_a:
                next_remaining.append((high_b + 1, high_a))
        remaining = next_remaining
    return remaining


def merge_port_sets(*port_sets: PortSets) -> PortSets:
    """Union several per-protocol port sets."""
    merged: dict[str, list[PortInterval]] = {}
    for port_set in port_sets:
        for protocol, intervals in port_set.items():
            merged[protocol] = union([*merged.get(protocol, []), *intervals])
    return {protocol: iv for protocol, iv in merged.items() if iv}


def format_interval(interval: PortInterval) -> str:
    """Return `22`, `8000-8080`, or `all` for every port."""
    low, high = interval
    if interval == ALL_PORTS:
        return "all"
    return str(low) if low == high else f"{low}-{high}"


def describe_port_sets(port_sets: PortSets) -> tuple[str, list[str]]:
    """Return the protocol name and port strings of an EXPOSED_TO edge.

    One protocol gives its name and its ports. More than one gives protocol
    `all` and the ports open on any of them, so `ports` keeps the model's
    plain `22` and `8000-8080` form; the evidence says which protocol each
    rule opens.
    """
    protocols = [p for p in PORT_PROTOCOLS if port_sets.get(p)]
    if not protocols:
        return "", []
    merged = union(interval for p in protocols for interval in port_sets[p])
    protocol = protocols[0] if len(protocols) == 1 else "all"
    return protocol, [format_interval(interval) for interval in merged]
