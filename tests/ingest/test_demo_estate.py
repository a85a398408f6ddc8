"""The bundled demo estate: it imports, and the analysis finds its attack paths."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from toxicpath.analysis.aws import ids
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import Edge, GraphRecords
from toxicpath.ingest.demo import demo_estate_path
from toxicpath.ingest.demo.generate_aws import demo_files
from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.transform import transform

PROD = "210987654321"
DEV = "310987654321"
PARTNER_ROOT = "arn:aws:iam::999988887777:root"
WEB_1 = f"arn:aws:ec2:us-east-1:{PROD}:instance/i-0a11ce5web0000001"
BASTION = f"arn:aws:ec2:us-east-1:{PROD}:instance/i-0a11ce5bastion001"
APP_1 = f"arn:aws:ec2:us-east-1:{PROD}:instance/i-0a11ce5app0000001"
INTERNAL_ALB = (
    f"arn:aws:elasticloadbalancing:us-east-1:{PROD}:loadbalancer/app/internal-api/"
    "9f0e2b1c5a7d3e41"
)
ORDERS_DB = f"arn:aws:rds:us-east-1:{PROD}:db:orders-db"
WEBHOOK = f"arn:aws:lambda:us-east-1:{PROD}:function:webhook-handler"
SECRET = (
    f"arn:aws:secretsmanager:us-east-1:{PROD}:secret:"
    "prod/payments/db-credentials-Q1w2E3"
)


def _role(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def _user(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:user/{name}"


@pytest.fixture(scope="module")
def records() -> GraphRecords:
    return transform(load_inputs([demo_estate_path()]))


def _edge(
    records: GraphRecords, edge_type: str, source: str, target: str
) -> Edge | None:
    for edge in records.edges_of_type(edge_type):
        if edge.source == source and edge.target == target:
            return edge
    return None


def _reaches(records: GraphRecords, source: str, target: str) -> bool:
    """Return True when attack and RUNS_AS edges lead from source to target."""
    kinds = ("CAN_ASSUME", "CAN_ESCALATE", "RUNS_AS", "EXPOSED_TO")
    seen, frontier = {source}, [source]
    while frontier:
        current = frontier.pop()
        for edge in records.edges.values():
            if edge.type in kinds and edge.source == current:
                if edge.target == target:
                    return True
                if edge.target not in seen:
                    seen.add(edge.target)
                    frontier.append(edge.target)
    return False


def test_demo_files_match_generator() -> None:
    root = demo_estate_path()
    for folder, files in demo_files().items():
        for relative, body in files.items():
            path = root / folder / "us-east-1" / relative
            assert json.loads(path.read_text()) == body, path


def test_demo_file_names_follow_layout() -> None:
    # Plain calls end in .json. Parameter files are named by the URL-encoded
    # value alone, and the `aws/**/*` package-data pattern ships them.
    for path in demo_estate_path().rglob("*"):
        if path.is_dir():
            assert "." not in path.name, path
            continue
        in_call_folder = path.parent.name not in ("us-east-1",) and (
            path.parent.parent.name == "us-east-1"
        )
        if in_call_folder:
            assert path.suffix == "", path
        else:
            assert path.suffix == ".json", path


def test_demo_parameters_resolve(records: GraphRecords) -> None:
    buckets = {
        n.props["name"]
        for n in records.nodes_with_label("Resource")
        if n.props["type"] == "object_storage"
    }
    assert buckets == {
        "larkspur-customer-data",
        "larkspur-customer-exports",
        "larkspur-app-logs",
        "larkspur-dev-scratch",
    }


def test_web_server_exposed(records: GraphRecords) -> None:
    edge = _edge(records, "EXPOSED_TO", INTERNET_ID, WEB_1)
    assert edge is not None
    assert edge.props["ports"] == ["80", "443"]


def test_web_server_role_reads_data(records: GraphRecords) -> None:
    web_role = _role(PROD, "web-server-role")
    assert _edge(records, "RUNS_AS", WEB_1, web_role) is not None
    access = _edge(
        records, "CAN_ACCESS", web_role, "arn:aws:s3:::larkspur-customer-data"
    )
    assert access is not None
    assert access.props["level"] == "read"
    data = records.nodes["arn:aws:s3:::larkspur-customer-data"]
    assert data.props["sensitivity"] == "critical"


def test_web_server_passrole_to_admin(records: GraphRecords) -> None:
    web_role = _role(PROD, "web-server-role")
    escalation = _edge(
        records, "CAN_ESCALATE", web_role, _role(PROD, "lambda-deploy-admin")
    )
    assert escalation is not None
    assert "lambda" in escalation.props["technique"]
    assert _reaches(records, INTERNET_ID, ids.account_admin_node(PROD))


def test_developer_without_mfa_escalates(records: GraphRecords) -> None:
    alice = records.nodes[_user(DEV, "alice")]
    assert alice.props["console_access"] is True
    assert alice.props["mfa_enabled"] is False
    edge = _edge(
        records, "CAN_ESCALATE", _user(DEV, "alice"), ids.account_admin_node(DEV)
    )
    assert edge is not None
    assert edge.props["technique"] == "aws-iam-create-policy-version"


def test_partner_assumes_without_external_id(records: GraphRecords) -> None:
    edge = _edge(
        records, "CAN_ASSUME", PARTNER_ROOT, _role(PROD, "partner-integration")
    )
    assert edge is not None
    # No condition guards the trust, so the edge holds without one.
    assert edge.props["conditional"] is False


def test_public_bucket_read_by_anonymous(records: GraphRecords) -> None:
    exports = "arn:aws:s3:::larkspur-customer-exports"
    edge = _edge(records, "CAN_ACCESS", ids.ANONYMOUS_NODE, exports)
    assert edge is not None
    assert edge.props["level"] == "read"
    assert records.nodes[exports].props["sensitivity"] == "high"


def test_three_role_chain_to_admin(records: GraphRecords) -> None:
    chain = [
        _user(DEV, "ci-bot"),
        _role(DEV, "build-role"),
        _role(DEV, "deploy-role"),
        _role(DEV, "platform-admin"),
    ]
    for source, target in itertools.pairwise(chain):
        assert _edge(records, "CAN_ASSUME", source, target) is not None, target
    assert _reaches(records, chain[-1], ids.account_admin_node(DEV))


def test_public_lambda_runs_as_admin(records: GraphRecords) -> None:
    exposure = _edge(records, "EXPOSED_TO", INTERNET_ID, WEBHOOK)
    assert exposure is not None
    assert exposure.props["conditional"] is False
    role = _role(PROD, "service-role/webhook-handler-role")
    assert _edge(records, "RUNS_AS", WEBHOOK, role) is not None
    assert _reaches(records, role, ids.account_admin_node(PROD))


def test_reporting_role_reads_secret(records: GraphRecords) -> None:
    reporting = _role(PROD, "reporting-role")
    access = _edge(records, "CAN_ACCESS", reporting, SECRET)
    assert access is not None
    assert access.props["level"] == "read"
    assert (
        _edge(records, "CAN_ASSUME", _role(DEV, "deploy-role"), reporting) is not None
    )


@pytest.mark.parametrize("target", [BASTION, APP_1, INTERNAL_ALB, ORDERS_DB])
def test_benign_network_not_exposed(records: GraphRecords, target: str) -> None:
    assert target in records.nodes
    assert _edge(records, "EXPOSED_TO", INTERNET_ID, target) is None


@pytest.mark.parametrize(
    "bucket", ["larkspur-customer-data", "larkspur-app-logs", "larkspur-dev-scratch"]
)
def test_private_buckets_not_public(records: GraphRecords, bucket: str) -> None:
    arn = f"arn:aws:s3:::{bucket}"
    assert arn in records.nodes
    assert _edge(records, "CAN_ACCESS", ids.ANONYMOUS_NODE, arn) is None


def test_bastion_restriction_recorded(records: GraphRecords) -> None:
    attrs = json.loads(records.nodes[BASTION].props["attrs"])
    assert attrs["restricted_ingress"][0]["cidrs"] == ["192.0.2.0/24"]


def test_no_secret_values_in_graph(records: GraphRecords) -> None:
    text = json.dumps(
        [n.props for n in records.nodes.values()]
        + [e.props for e in records.edges.values()]
    )
    assert "demo-not-a-real-secret" not in text
    attrs = json.loads(records.nodes[WEBHOOK].props["attrs"])
    assert attrs["environment_variable_names"] == ["SIGNING_SECRET", "STAGE"]


def test_demo_path_is_package_folder() -> None:
    assert (
        demo_estate_path()
        == Path(__file__).resolve().parents[2] / "ingest" / "demo" / "aws"
    )


def test_demo_coverage_complete() -> None:
    snapshot = load_inputs([demo_estate_path()])
    missing = [
        (entry.account, entry.region, entry.service)
        for entry in snapshot.coverage
        if entry.status != "ok"
    ]
    assert missing == []


def test_organization_tree_in_graph(records: GraphRecords) -> None:
    dev_account = records.nodes[ids.account_id_node(DEV)]
    dev_unit = ids.organization_unit_node("ou-lk42-dev00001")
    assert dev_account.props["parent_id"] == dev_unit
    assert records.nodes[dev_unit].props["parent_id"] == ids.organization_unit_node(
        "r-lk42"
    )
    assert _edge(records, "IN_ACCOUNT", ids.account_id_node(DEV), dev_unit) is not None
