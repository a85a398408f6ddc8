"""Who reaches account admin in Cloudsplaining's example account export.

The file (`aws iam get-account-authorization-details` of account
012345678901) contains 3 users, 2 groups and 3 roles. Reading it by hand:

- user obama has AdministratorAccess attached and is in group admin, which
  has AdministratorAccess too: admin.
- user userwithlotsofpermissions is in group admin: admin.
- group admin itself: admin (its members gain it).
- user biden has AWSLambdaFullAccess (iam:PassRole, lambda:*) and his group
  has AmazonRDSFullAccess. PassRole plus lambda:CreateFunction would
  escalate through a role that Lambda may assume, but no role in the file
  trusts lambda.amazonaws.com, and no function exists for
  lambda:UpdateFunctionCode to hijack: biden does not reach admin.
- role OverprivilegedEC2 has iam:CreateAccessKey on `*` in an inline
  policy: it can mint keys for obama and userwithlotsofpermissions (both
  admin), so it reaches admin in two hops (create-access-key, then
  admin-policy). It can also mint keys for biden, who leads nowhere.
- ec2.amazonaws.com may assume OverprivilegedEC2 (its trust policy), so
  code on an instance with that role reaches admin in three hops.
- roles MyRole and MyOtherRole have iam:PassRole and instance-profile
  actions but no ec2:RunInstances, and no instance exists to attach a
  profile to, so neither reaches admin; ssm.amazonaws.com, which may
  assume them, does not either.
"""

from __future__ import annotations

import json
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

import pytest

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.analyze import analyze_estate
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.aws.parse import parse_estate
from toxicpath.ingest.importers import load_input
from toxicpath.ingest.transform import TransformContext

ACCOUNT = "012345678901"
ADMIN = ids.account_admin_node(ACCOUNT)
IAM = f"arn:aws:iam::{ACCOUNT}"
ATTACK_EDGES = ("CAN_ESCALATE", "CAN_ASSUME")


@pytest.fixture
def records(shared_data: Path) -> GraphRecords:
    path = shared_data / "aws/authorization-details/example-authz-details.json"
    estate = parse_estate(load_input(path))
    context = TransformContext(
        scan_id="scan-authz", scanned_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    return analyze_estate(estate, context)


def _chains_to_admin(records: GraphRecords) -> dict[str, list[str]]:
    """Shortest chain of techniques from each identity to account admin."""
    incoming: dict[str, list[tuple[str, str]]] = {}
    for edge in records.edges.values():
        if edge.type not in ATTACK_EDGES or edge.props.get("conditional"):
            continue
        step = edge.props.get("technique") or "assume-role"
        incoming.setdefault(edge.target, []).append((edge.source, step))
    chains: dict[str, list[str]] = {ADMIN: []}
    queue = deque([ADMIN])
    while queue:
        node = queue.popleft()
        for source, step in incoming.get(node, []):
            if source not in chains:
                chains[source] = [step, *chains[node]]
                queue.append(source)
    del chains[ADMIN]
    return chains


def test_example_admin_reachers(records: GraphRecords) -> None:
    chains = _chains_to_admin(records)
    assert chains == {
        f"{IAM}:user/obama": ["aws-admin-policy"],
        f"{IAM}:user/userwithlotsofpermissions": ["aws-admin-policy"],
        f"{IAM}:group/admin": ["aws-admin-policy"],
        f"{IAM}:role/OverprivilegedEC2": [
            "aws-iam-create-access-key",
            "aws-admin-policy",
        ],
        ids.service_principal_node("ec2.amazonaws.com"): [
            "assume-role",
            "aws-iam-create-access-key",
            "aws-admin-policy",
        ],
    }


def test_example_admin_flags(records: GraphRecords) -> None:
    admins = {
        node.id
        for node in records.nodes_with_label("Identity")
        if node.props.get("is_admin") and node.props.get("type") != "account_admin"
    }
    assert admins == {
        f"{IAM}:user/obama",
        f"{IAM}:user/userwithlotsofpermissions",
        f"{IAM}:group/admin",
    }


def test_example_biden_stays_put(records: GraphRecords) -> None:
    biden = f"{IAM}:user/biden"
    outgoing = [
        e
        for e in records.edges.values()
        if e.source == biden and e.type in ATTACK_EDGES
    ]
    assert outgoing == []


def test_example_admin_evidence_names_policy(records: GraphRecords) -> None:
    edge = records.edges[
        (
            "CAN_ESCALATE",
            f"{IAM}:user/userwithlotsofpermissions",
            ADMIN,
            "aws-admin-policy",
        )
    ]
    assert "AdministratorAccess" in edge.props["reason"]
    assert "InsecureUserPolicy" not in edge.props["reason"]
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in edge.props["evidence"]
    assert f"{IAM}:group/admin" in edge.props["evidence"]


def _own_policies_admin(records: GraphRecords, principal: str) -> bool:
    edge = records.edges[("CAN_ESCALATE", principal, ADMIN, "aws-admin-policy")]
    [item] = json.loads(edge.props["evidence"])
    return bool(item["own_policies_admin"])


def test_example_direct_admin_user(records: GraphRecords) -> None:
    assert _own_policies_admin(records, f"{IAM}:user/obama") is True


def test_example_group_only_admin_user(records: GraphRecords) -> None:
    principal = f"{IAM}:user/userwithlotsofpermissions"
    assert _own_policies_admin(records, principal) is False


def test_example_inactivity_only_from_last_used(records: GraphRecords) -> None:
    # Only OverprivilegedEC2 carries a RoleLastUsed date (2019-01-20).
    inactive = {
        node.id: node.props.get("days_inactive")
        for node in records.nodes_with_label("Identity")
        if node.props.get("days_inactive") is not None
    }
    assert inactive == {f"{IAM}:role/OverprivilegedEC2": 345}
