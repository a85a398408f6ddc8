"""Firewall evaluation: priorities, deny ties, targets, policies and implied deny."""

from __future__ import annotations

from typing import Any

from toxicpath.analysis.gcp.firewall import evaluate, policy_rules, vpc_rule

NETWORK = "projects/p/global/networks/default"


def rule(**fields: Any) -> Any:
    data: dict[str, Any] = {"direction": "INGRESS", "priority": 1000}
    data.update(fields)
    parsed = vpc_rule(data, fields.get("name", "rule"), 100)
    assert parsed is not None
    return parsed


def open_ports(rules: list[Any], tags: tuple[str, ...] = ("web",)) -> dict[str, Any]:
    return evaluate(rules, tags=tags, accounts=[], network=NETWORK).open


def test_implied_deny_closes_everything() -> None:
    assert open_ports([]) == {}


def test_open_ssh_rule() -> None:
    allow = rule(
        allowed=[{"IPProtocol": "tcp", "ports": ["22"]}], sourceRanges=["0.0.0.0/0"]
    )
    assert open_ports([allow]) == {"tcp": ((22, 22),)}


def test_private_source_not_internet() -> None:
    allow = rule(allowed=[{"IPProtocol": "all"}], sourceRanges=["10.0.0.0/8"])
    assert open_ports([allow]) == {}


def test_lower_priority_deny_wins() -> None:
    allow = rule(
        allowed=[{"IPProtocol": "tcp", "ports": ["20-25"]}], sourceRanges=["0.0.0.0/0"]
    )
    deny = rule(
        denied=[{"IPProtocol": "tcp", "ports": ["22"]}],
        sourceRanges=["0.0.0.0/0"],
        priority=900,
    )
    assert open_ports([allow, deny]) == {"tcp": ((20, 21), (23, 25))}


def test_deny_wins_equal_priority() -> None:
    allow = rule(
        allowed=[{"IPProtocol": "tcp", "ports": ["22"]}], sourceRanges=["0.0.0.0/0"]
    )
    deny = rule(denied=[{"IPProtocol": "tcp"}], sourceRanges=["0.0.0.0/0"])
    assert open_ports([allow, deny]) == {}


def test_higher_priority_deny_loses() -> None:
    allow = rule(
        allowed=[{"IPProtocol": "tcp", "ports": ["22"]}],
        sourceRanges=["0.0.0.0/0"],
        priority=100,
    )
    deny = rule(
        denied=[{"IPProtocol": "all"}], sourceRanges=["0.0.0.0/0"], priority=200
    )
    assert open_ports([allow, deny]) == {"tcp": ((22, 22),)}


def test_target_tag_must_match() -> None:
    allow = rule(
        allowed=[{"IPProtocol": "tcp", "ports": ["22"]}],
        sourceRanges=["0.0.0.0/0"],
        targetTags=["bastion"],
    )
    assert open_ports([allow]) == {}
    assert open_ports([allow], tags=("bastion",)) == {"tcp": ((22, 22),)}


def test_target_service_account() -> None:
    allow = rule(
        allowed=[{"IPProtocol": "udp", "ports": ["53"]}],
        sourceRanges=["0.0.0.0/0"],
        targetServiceAccounts=["dns@p.iam.gserviceaccount.com"],
    )
    exposure = evaluate(
        [allow], tags=[], accounts=["dns@p.iam.gserviceaccount.com"], network=NETWORK
    )
    assert exposure.open == {"udp": ((53, 53),)}
    assert exposure.protocol() == "udp"


def test_disabled_and_egress_rules_ignored() -> None:
    assert (
        vpc_rule({"disabled": True, "allowed": [{"IPProtocol": "all"}]}, "r", 100)
        is None
    )
    assert (
        vpc_rule({"direction": "EGRESS", "allowed": [{"IPProtocol": "all"}]}, "r", 100)
        is None
    )


def test_hierarchical_deny_overrides_vpc_allow() -> None:
    policy = {
        "rules": [
            {
                "priority": 10,
                "action": "deny",
                "direction": "INGRESS",
                "match": {
                    "srcIpRanges": ["0.0.0.0/0"],
                    "layer4Configs": [{"ipProtocol": "tcp", "ports": ["22"]}],
                },
            },
            {
                "priority": 20,
                "action": "goto_next",
                "direction": "INGRESS",
                "match": {
                    "srcIpRanges": ["0.0.0.0/0"],
                    "layer4Configs": [{"ipProtocol": "all"}],
                },
            },
        ]
    }
    hierarchical = policy_rules(policy, "org-policy", 0)
    allow = rule(
        allowed=[{"IPProtocol": "tcp", "ports": ["22", "443"]}],
        sourceRanges=["0.0.0.0/0"],
    )
    assert open_ports([*hierarchical, allow]) == {"tcp": ((443, 443),)}


def test_labels_and_full_range() -> None:
    allow = rule(allowed=[{"IPProtocol": "tcp"}], sourceRanges=["0.0.0.0/0"])
    exposure = evaluate([allow], tags=[], accounts=[], network=NETWORK)
    assert exposure.labels() == ["all"]
    assert exposure.cidrs == {"0.0.0.0/0"}


def test_public_range_source_reported() -> None:
    allow = rule(
        allowed=[{"IPProtocol": "tcp", "ports": ["443"]}],
        sourceRanges=["35.235.240.0/20"],
    )
    exposure = evaluate([allow], tags=[], accounts=[], network=NETWORK)
    assert exposure.labels() == ["443"]
    assert exposure.cidrs == {"35.235.240.0/20"}


def test_protocol_lists_open_protocols() -> None:
    allow = rule(
        allowed=[
            {"IPProtocol": "tcp", "ports": ["22", "3389"]},
            {"IPProtocol": "icmp"},
        ],
        sourceRanges=["0.0.0.0/0"],
    )
    exposure = evaluate([allow], tags=[], accounts=[], network=NETWORK)
    assert exposure.protocol() == "tcp,icmp"
    assert exposure.labels() == ["22", "3389"]


def test_protocol_all_needs_everything_open() -> None:
    allow = rule(allowed=[{"IPProtocol": "all"}], sourceRanges=["0.0.0.0/0"])
    exposure = evaluate([allow], tags=[], accounts=[], network=NETWORK)
    assert exposure.protocol() == "all"
