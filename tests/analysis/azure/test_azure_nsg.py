"""NSG evaluation: port sets, priorities, default rules and ASGs."""

from __future__ import annotations

from typing import Any

from toxicpath.analysis.azure.nsg import (
    PortSet,
    Target,
    internet_ports,
    parse_port_ranges,
)


def rule(
    name: str, priority: int, access: str, ports: str, **extra: Any
) -> dict[str, Any]:
    properties = {
        "protocol": "Tcp",
        "destinationPortRange": ports,
        "sourceAddressPrefix": "Internet",
        "destinationAddressPrefix": "*",
        "access": access,
        "priority": priority,
        "direction": "Inbound",
    }
    properties.update(extra)
    return {"name": name, "properties": properties}


TARGET = Target(private_ip="10.0.0.4", asgs=frozenset({"/asg/web"}))


def open_ports(*rules: dict[str, Any], protocol: str = "tcp") -> list[str]:
    return internet_ports(
        "nsg", {"securityRules": list(rules)}, protocol=protocol, target=TARGET
    ).ports.labels()


def test_port_set_subtract_splits_range() -> None:
    remaining = PortSet([(1, 100)]).subtract(PortSet([(10, 20)]))
    assert remaining.intervals == [(1, 9), (21, 100)]


def test_port_ranges_parse_lists() -> None:
    assert parse_port_ranges(["22", "8000-8080"]).labels() == ["22", "8000-8080"]
    assert parse_port_ranges(["*"]).labels() == ["all"]


def test_lower_priority_deny_wins() -> None:
    assert open_ports(
        rule("deny", 100, "Deny", "22"), rule("allow", 200, "Allow", "0-1000")
    ) == [
        "0-21",
        "23-1000",
    ]


def test_default_rules_close_everything() -> None:
    assert open_ports() == []


def test_specific_source_is_not_internet() -> None:
    office = rule("office", 100, "Allow", "22", sourceAddressPrefix="203.0.113.0/24")
    assert open_ports(office) == []


def test_asg_destination_must_match() -> None:
    web = rule(
        "web",
        100,
        "Allow",
        "443",
        destinationAddressPrefix=None,
        destinationApplicationSecurityGroups=[{"id": "/asg/web"}],
    )
    db = rule(
        "db",
        110,
        "Allow",
        "5432",
        destinationAddressPrefix=None,
        destinationApplicationSecurityGroups=[{"id": "/asg/db"}],
    )
    assert open_ports(web, db) == ["443"]


def test_udp_rule_leaves_tcp_closed() -> None:
    dns = rule("dns", 100, "Allow", "53", protocol="Udp")
    assert open_ports(dns, protocol="tcp") == []
    assert open_ports(dns, protocol="udp") == ["53"]


def test_private_destination_prefix_matches() -> None:
    inside = rule("inside", 100, "Allow", "80", destinationAddressPrefix="10.0.0.0/24")
    outside = rule(
        "outside", 110, "Allow", "81", destinationAddressPrefix="10.9.0.0/24"
    )
    assert open_ports(inside, outside) == ["80"]
