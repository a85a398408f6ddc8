"""Evaluate GCP firewall rules for traffic from the internet to one VM.

The default `AFTER_CLASSIC_FIREWALL` enforcement order runs hierarchical
firewall policies of the organization first, then those of each folder from
the top down. The VPC network's firewall rules come next, then network
firewall policies attached to the VPC, and last the implied deny-ingress rule.
Within a policy, rules run by priority (lower first). Among VPC rules of equal
priority a deny wins. The first rule that matches a packet decides, except `goto_next`,
which hands it to the next stage.

Ports are tracked per protocol (tcp, udp, icmp) as closed intervals. A rule
matches internet traffic when a source range is a public (global) network or
`0.0.0.0/0`; an ingress rule with no source at all defaults to `0.0.0.0/0`.
A deny rule decides only when it covers all IPv4 addresses (`0.0.0.0/0`), so
a deny for some public ranges in front of a broad allow still reports the
allow.

NOTE: an allow for some public ranges is reported with those ranges and does
not decide the ports for other internet sources, so later rules still apply
to them, and the exposure is the union. Secure Tags (`targetSecureTags`) and
regional system policies are not evaluated.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Interval = tuple[int, int]
ALL_PORTS: tuple[Interval, ...] = ((0, 65535),)
PROTOCOLS = ("tcp", "udp", "icmp")
_PROTOCOL_NUMBERS = {"6": "tcp", "17": "udp", "1": "icmp"}
INTERNET_CIDRS = ("0.0.0.0/0", "::/0")


@dataclass
class FirewallRule:
    name: str
    priority: int
    action: str  # allow, deny, goto_next
    stage: int  # 0.. hierarchical levels, then VPC, then network policies
    source_ranges: tuple[str, ...]
    other_sources: bool  # source tags or service accounts
    target_tags: tuple[str, ...] = ()
    target_service_accounts: tuple[str, ...] = ()
    target_networks: tuple[str, ...] = ()
    ports: dict[str, tuple[Interval, ...]] = field(default_factory=dict)

    def applies_to(
        self, tags: Iterable[str], accounts: Iterable[str], network: str
    ) -> bool:
        if self.target_networks and network not in self.target_networks:
            return False
        if self.target_tags and not set(self.target_tags) & set(tags):
            return False
        return not self.target_service_accounts or bool(
            {a.lower() for a in self.target_service_accounts}
            & {a.lower() for a in accounts}
        )

    def internet_ranges(self) -> list[str]:
        ranges = list(self.source_ranges)
        if not ranges and not self.other_sources:
            ranges = ["0.0.0.0/0"]
        return [r for r in ranges if is_public_range(r)]

    def covers_internet(self) -> bool:
        ranges = self.source_ranges or (() if self.other_sources else ("0.0.0.0/0",))
        return any(r in INTERNET_CIDRS for r in ranges)


def is_public_range(cidr: str) -> bool:
    """True for `0.0.0.0/0`, `::/0` and globally routed ranges."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    if network.prefixlen == 0:
        return True
    return network.is_global


def parse_ports(
    entries: Iterable[dict[str, Any]], protocol_key: str
) -> dict[str, tuple[Interval, ...]]:
    """Return port intervals per protocol of `allowed`, `denied` or `layer4Configs`."""
    ports: dict[str, list[Interval]] = {}
    for entry in entries:
        protocol = str(entry.get(protocol_key) or "").lower()
        protocol = _PROTOCOL_NUMBERS.get(protocol, protocol)
        names = PROTOCOLS if protocol == "all" else (protocol,)
        for name in names:
            if name not in PROTOCOLS:
                continue
            values = entry.get("ports") or []
            if name == "icmp" or not values:
                ports.setdefault(name, []).extend(ALL_PORTS)
                continue
            for value in values:
                low, _, high = str(value).partition("-")
                try:
                    ports.setdefault(name, []).append((int(low), int(high or low)))
                except ValueError:
                    continue
    return {name: merge_intervals(intervals) for name, intervals in ports.items()}


def vpc_rule(data: dict[str, Any], name: str, stage: int) -> FirewallRule | None:
    """Return an ingress VPC firewall rule, or None for egress or disabled rules."""
    if str(data.get("direction") or "INGRESS").upper() != "INGRESS" or data.get(
        "disabled"
    ):
        return None
    allowed = data.get("allowed")
    return FirewallRule(
        name=name,
        priority=int(data.get("priority", 1000)),
        action="allow" if allowed else "deny",
        stage=stage,
        source_ranges=tuple(str(r) for r in data.get("sourceRanges") or []),
        other_sources=bool(data.get("sourceTags") or data.get("sourceServiceAccounts")),
        target_tags=tuple(str(t) for t in data.get("targetTags") or []),
        target_service_accounts=tuple(
            str(a) for a in data.get("targetServiceAccounts") or []
        ),
        ports=parse_ports(allowed or data.get("denied") or [], "IPProtocol"),
    )


def policy_rules(data: dict[str, Any], name: str, stage: int) -> list[FirewallRule]:
    """Return the ingress rules of a hierarchical or network firewall policy."""
    rules = []
    for rule in data.get("rules") or []:
        if str(rule.get("direction") or "INGRESS").upper() != "INGRESS" or rule.get(
            "disabled"
        ):
            continue
        match = rule.get("match") or {}
        rules.append(
            FirewallRule(
                name=f"{name}#{rule.get('priority', '')}",
                priority=int(rule.get("priority", 0)),
                action=str(rule.get("action") or "allow").lower(),
                stage=stage,
                source_ranges=tuple(str(r) for r in match.get("srcIpRanges") or []),
                other_sources=bool(
                    match.get("srcSecureTags") or match.get("srcAddressGroups")
                ),
                target_service_accounts=tuple(
                    str(a) for a in rule.get("targetServiceAccounts") or []
                ),
                target_networks=tuple(
                    network_key(str(r)) for r in rule.get("targetResources") or []
                ),
                ports=parse_ports(match.get("layer4Configs") or [], "ipProtocol"),
            )
        )
    return rules


def network_key(url: str) -> str:
    """Return `projects/P/global/networks/N` from a network URL or short name."""
    marker = "projects/"
    return url[url.index(marker) :] if marker in url else url


@dataclass
class Exposure:
    open: dict[str, tuple[Interval, ...]] = field(default_factory=dict)
    cidrs: set[str] = field(default_factory=set)
    rules: list[str] = field(default_factory=list)

    @property
    def exposed(self) -> bool:
        return any(self.open.values())

    def labels(self) -> list[str]:
        labels: list[str] = []
        for protocol in ("tcp", "udp"):
            for low, high in self.open.get(protocol, ()):
                if (low, high) in ((0, 65535), (1, 65535)):
                    label = "all"
                elif low == high:
                    label = str(low)
                else:
                    label = f"{low}-{high}"
                if label not in labels:
                    labels.append(label)
        return labels

    def protocol(self) -> str:
        """Return `all` only when every protocol is open on every port, else the
        open protocols joined by commas (`tcp,icmp`)."""
        protocols = [p for p in PROTOCOLS if self.open.get(p)]
        if all(_covers_all_ports(self.open.get(p, ())) for p in PROTOCOLS):
            return "all"
        return ",".join(protocols)


def evaluate(
    rules: list[FirewallRule],
    *,
    tags: Iterable[str],
    accounts: Iterable[str],
    network: str,
    limit: dict[str, tuple[Interval, ...]] | None = None,
) -> Exposure:
    """Return what internet traffic reaches a VM through `rules` (all stages)."""
    tags, accounts = list(tags), list(accounts)
    undecided: dict[str, tuple[Interval, ...]] = {}
    for protocol in PROTOCOLS:
        if limit is None:
            undecided[protocol] = ALL_PORTS
        else:
            undecided[protocol] = limit.get(protocol, ())
    exposure = Exposure()
    opened: dict[str, list[Interval]] = {p: [] for p in PROTOCOLS}
    ordered = sorted(rules, key=lambda r: (r.stage, r.priority, r.action != "deny"))
    for rule in ordered:
        if not rule.applies_to(tags, accounts, network) or rule.action == "goto_next":
            continue
        if rule.action == "deny":
            if not rule.covers_internet():
                continue
            for protocol, ports in rule.ports.items():
                undecided[protocol] = _subtract(undecided[protocol], ports)
            continue
        ranges = rule.internet_ranges()
        if not ranges:
            continue
        matched = False
        for protocol, ports in rule.ports.items():
            hit = _intersect(undecided[protocol], ports)
            if not hit:
                continue
            matched = True
            opened[protocol].extend(hit)
            if rule.covers_internet():
                undecided[protocol] = _subtract(undecided[protocol], ports)
        if matched:
            exposure.cidrs.update(ranges)
            exposure.rules.append(rule.name)
    exposure.open = {p: merge_intervals(v) for p, v in opened.items() if v}
    return exposure


def _covers_all_ports(intervals: Iterable[Interval]) -> bool:
    merged = merge_intervals(intervals)
    return len(merged) == 1 and merged[0][0] <= 1 and merged[0][1] >= 65535


def merge_intervals(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    merged: list[list[int]] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple((low, high) for low, high in merged)


def _intersect(
    first: Iterable[Interval], second: Iterable[Interval]
) -> tuple[Interval, ...]:
    result = []
    for a_low, a_high in first:
        for b_low, b_high in second:
            low, high = max(a_low, b_low), min(a_high, b_high)
            if low <= high:
                result.append((low, high))
    return merge_intervals(result)


def _subtract(
    base: Iterable[Interval], removed: Iterable[Interval]
) -> tuple[Interval, ...]:
    result = list(base)
    for r_low, r_high in removed:
        next_result = []
        for low, high in result:
            if r_high < low or r_low > high:
                next_result.append((low, high))
                continue
            if low < r_low:
                next_result.append((low, r_low - 1))
            if r_high < high:
                next_result.append((r_high + 1, high))
        result = next_result
    return merge_intervals(result)
