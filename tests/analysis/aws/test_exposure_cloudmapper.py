"""Exposure and resource nodes on the real cloudmapper demo account."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from toxicpath.analysis.aws.exposure import derive_exposure_edges
from toxicpath.analysis.aws.resources import add_account_nodes, add_resource_nodes
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.aws.parse import parse_estate
from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.transform import TransformContext

PREFIX = "arn:aws:ec2:us-east-1:123456789012"
BASTION = f"{PREFIX}:instance/i-00000000000000000"
ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo/qwerty"
CLASSIC_ELB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/weblb"
REDSHIFT = "arn:aws:redshift:us-east-1:123456789012:cluster:redshift-cluster-1"


@pytest.fixture
def records(shared_data: Path) -> GraphRecords:
    snapshot = load_inputs([shared_data / "aws" / "cloudmapper-demo"])
    estate = parse_estate(snapshot)
    context = TransformContext(
        scan_id="cloudmapper", scanned_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    result = GraphRecords()
    add_account_nodes(estate, result, context)
    add_resource_nodes(estate, result, context)
    derive_exposure_edges(estate, result, context)
    result.validate()
    return result


def _exposed_targets(records: GraphRecords) -> dict[str, dict[str, Any]]:
    return {
        edge.target: edge.props
        for edge in records.edges_of_type("EXPOSED_TO")
        if edge.source == INTERNET_ID
    }


def test_bastion_not_exposed(records: GraphRecords) -> None:
    assert BASTION not in _exposed_targets(records)


def test_bastion_restricted_cidrs_recorded(records: GraphRecords) -> None:
    attrs = json.loads(records.nodes[BASTION].props["attrs"])
    assert attrs["restricted_ingress"] == [
        {
            "security_group": "sg-00000002",
            "rule": "tcp 22",
            "cidrs": ["1.1.1.1/32", "2.2.2.2/28"],
        }
    ]
    group = records.nodes[f"{PREFIX}:security-group/sg-00000002"]
    assert group.props["cidrs"] == ["1.1.1.1/32", "2.2.2.2/28"]


def test_alb_exposed_on_443(records: GraphRecords) -> None:
    props = _exposed_targets(records)[ALB]
    assert props["ports"] == ["443"]
    assert props["protocol"] == "tcp"
    assert props["cidrs"] == ["0.0.0.0/0"]
    evidence = json.loads(props["evidence"])
    rules = [e for e in evidence if e["kind"] == "security_group_rule"]
    assert rules[0]["security_group"] == "sg-00000003"
    routes = [e for e in evidence if e["kind"] == "route"]
    assert routes[0]["assumed"] is True


def test_classic_elb_listener_not_admitted(records: GraphRecords) -> None:
    # weblb listens on 8000 only, and its group sg-00000003 admits 443 only.
    assert CLASSIC_ELB not in _exposed_targets(records)


def test_redshift_public_but_group_closed(records: GraphRecords) -> None:
    assert REDSHIFT not in _exposed_targets(records)


def test_only_expected_exposures(records: GraphRecords) -> None:
    assert set(_exposed_targets(records)) == {ALB}


def test_instances_in_subnets_and_groups(records: GraphRecords) -> None:
    edges = {(e.type, e.source, e.target) for e in records.edges.values()}
    assert ("IN_NETWORK", BASTION, f"{PREFIX}:subnet/subnet-00000001") in edges
    assert ("PROTECTED_BY", BASTION, f"{PREFIX}:security-group/sg-00000002") in edges
    assert (
        "IN_NETWORK",
        f"{PREFIX}:subnet/subnet-00000001",
        f"{PREFIX}:vpc/vpc-12345678",
    ) in edges


def test_resource_types_and_sensitivity(records: GraphRecords) -> None:
    secret = next(
        n for n in records.nodes_with_label("Resource") if n.props["type"] == "secret"
    )
    assert secret.props["sensitivity"] == "high"
    bastion = records.nodes[BASTION]
    assert bastion.props["type"] == "virtual_machine"
    assert bastion.props["public_ip"] == "1.2.3.4"
