"""Exposure on recorded raw responses: IPv6, network ACLs, blackhole routes,
a network load balancer without security groups and a public database.

The responses under tests/data/analysis/aws/exposure/edge-cases go through the
real importer and parser, so the field names of IPv6 routes, IPv6 addresses
on network interfaces and network ACL entries are exercised too.
"""

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

DATA = Path(__file__).resolve().parents[2] / "data" / "analysis" / "aws" / "exposure"
PREFIX = "arn:aws:ec2:eu-west-1:444455556666:instance"
NLB = (
    "arn:aws:elasticloadbalancing:eu-west-1:444455556666:loadbalancer/net/edge-nlb/"
    "1a2b3c4d5e6f7a8b"
)
DATABASE = "arn:aws:rds:eu-west-1:444455556666:db:public-db"


@pytest.fixture(scope="module")
def exposed() -> dict[str, dict[str, Any]]:
    estate = parse_estate(load_inputs([DATA / "edge-cases"]))
    context = TransformContext(
        scan_id="edge", scanned_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    records = GraphRecords()
    add_account_nodes(estate, records, context)
    add_resource_nodes(estate, records, context)
    derive_exposure_edges(estate, records, context)
    records.validate()
    return {
        edge.target: edge.props
        for edge in records.edges_of_type("EXPOSED_TO")
        if edge.source == INTERNET_ID
    }


def test_ipv6_only_instance_exposed(exposed: dict[str, dict[str, Any]]) -> None:
    props = exposed[f"{PREFIX}/i-0v6only"]
    assert props["cidrs"] == ["::/0"]
    assert props["ports"] == ["443"]
    routes = [e for e in json.loads(props["evidence"]) if e["kind"] == "route"]
    assert routes[0]["destination"] == "::/0"
    assert routes[0]["target"] == "igw-0e1"


def test_nacl_denied_port_not_exposed(exposed: dict[str, dict[str, Any]]) -> None:
    assert f"{PREFIX}/i-0acl" not in exposed


def test_blackhole_route_not_exposed(exposed: dict[str, dict[str, Any]]) -> None:
    assert f"{PREFIX}/i-0priv" not in exposed


def test_network_balancer_listener_exposed(exposed: dict[str, dict[str, Any]]) -> None:
    props = exposed[NLB]
    assert props["ports"] == ["5000"]
    assert props["protocol"] == "tcp"


def test_public_database_exposed(exposed: dict[str, dict[str, Any]]) -> None:
    props = exposed[DATABASE]
    assert props["ports"] == ["5432"]
    acl = [e for e in json.loads(props["evidence"]) if e["kind"] == "network_acl"]
    assert acl[0]["network_acl"] == "acl-0default"


def test_only_expected_exposures(exposed: dict[str, dict[str, Any]]) -> None:
    assert set(exposed) == {f"{PREFIX}/i-0v6only", NLB, DATABASE}
