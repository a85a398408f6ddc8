"""Graph records shared by the store tests: a small AWS-shaped estate."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from toxicpath.graph.records import GraphRecords
from toxicpath.graph.store import ScanInfo


def build_estate(*, bucket_name: str = "payroll") -> GraphRecords:
    """Build an estate with one attack path: internet-exposed VM -> role -> admin."""
    records = GraphRecords()
    records.add_node(
        "Account",
        "aws:account:111111111111",
        cloud="aws",
        type="aws_account",
        name="prod",
        tags={"env": "prod"},
    )
    records.add_node("Internet", "internet", cloud="none", type="internet")
    records.add_node(
        "Identity",
        "arn:aws:iam::111111111111:user/alice",
        cloud="aws",
        type="user",
        name="alice",
        account_id="111111111111",
        is_admin=False,
        days_inactive=12,
        active_keys=1,
    )
    records.add_node(
        "Identity",
        "arn:aws:iam::111111111111:role/web",
        cloud="aws",
        type="role",
        name="web",
        account_id="111111111111",
    )
    records.add_node(
        "Identity",
        "arn:aws:iam::111111111111:role/deploy",
        cloud="aws",
        type="role",
        name="deploy",
        account_id="111111111111",
    )
    records.add_node(
        "Identity",
        "aws:account_admin:111111111111",
        cloud="aws",
        type="account_admin",
        name="admin of 111111111111",
        account_id="111111111111",
        is_admin=True,
    )
    records.add_node(
        "Resource",
        "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc",
        cloud="aws",
        type="virtual_machine",
        name="web-1",
        public_ip="203.0.113.7",
        attrs={"image": "ami-1"},
    )
    records.add_node(
        "Resource",
        f"arn:aws:s3:::{bucket_name}",
        cloud="aws",
        type="object_storage",
        name=bucket_name,
        sensitivity="critical",
        public=False,
        encrypted=True,
    )
    records.add_node(
        "Network",
        "arn:aws:ec2:us-east-1:111111111111:security-group/sg-1",
        cloud="aws",
        type="security_group",
        cidrs=["0.0.0.0/0"],
    )
    for node_id in list(records.nodes):
        if node_id.startswith("arn:aws:iam") or node_id.startswith("arn:aws:ec2"):
            records.add_edge("IN_ACCOUNT", node_id, "aws:account:111111111111")
    records.add_edge(
        "EXPOSED_TO",
        "internet",
        "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc",
        ports=["443"],
        protocol="tcp",
        cidrs=["0.0.0.0/0"],
        conditional=False,
        reason="sg-1 admits 0.0.0.0/0 on 443",
    )
    records.add_edge(
        "PROTECTED_BY",
        "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc",
        "arn:aws:ec2:us-east-1:111111111111:security-group/sg-1",
    )
    records.add_edge(
        "RUNS_AS",
        "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc",
        "arn:aws:iam::111111111111:role/web",
    )
    records.add_edge(
        "CAN_ASSUME",
        "arn:aws:iam::111111111111:role/web",
        "arn:aws:iam::111111111111:role/deploy",
        conditional=False,
        evidence=[{"policy": "deploy-trust", "statement": 0}],
        reason="deploy trusts web",
    )
    records.add_edge(
        "CAN_ASSUME",
        "arn:aws:iam::111111111111:user/alice",
        "arn:aws:iam::111111111111:role/deploy",
        conditional=True,
        reason="deploy trusts alice with MFA",
    )
    records.add_edge(
        "CAN_ESCALATE",
        "arn:aws:iam::111111111111:role/deploy",
        "aws:account_admin:111111111111",
        technique="aws-iam-put-role-policy",
        conditional=False,
        reason="deploy can put an inline policy on itself",
    )
    records.add_edge(
        "CAN_ACCESS",
        "aws:account_admin:111111111111",
        f"arn:aws:s3:::{bucket_name}",
        level="admin",
        actions=["s3:*"],
        conditional=False,
    )
    records.add_edge(
        "CAN_ACCESS",
        "arn:aws:iam::111111111111:role/deploy",
        f"arn:aws:s3:::{bucket_name}",
        level="read",
        actions=["s3:GetObject"],
        conditional=False,
    )
    return records


@pytest.fixture
def estate() -> GraphRecords:
    return build_estate()


def _make_scan(scan_id: str, day: int = 1) -> ScanInfo:
    return ScanInfo(
        id=scan_id,
        created_at=f"2026-03-{day:02d}T00:00:00Z",
        complete=True,
        sources=(f"{scan_id}.jsonl.gz",),
    )


@pytest.fixture
def make_scan() -> Callable[..., ScanInfo]:
    return _make_scan


@pytest.fixture
def make_estate() -> Callable[..., GraphRecords]:
    return build_estate
