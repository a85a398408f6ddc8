"""Account, resource and network nodes with their fact edges."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.resources import add_account_nodes, add_resource_nodes
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.aws.estate import (
    AwsAccount,
    AwsEstate,
    Bucket,
    DbInstance,
    Instance,
    InstanceProfile,
    LambdaFunction,
    Organization,
    PolicyResource,
    SecurityGroup,
    Subnet,
    Vpc,
)
from toxicpath.ingest.transform import TransformContext

ACCOUNT = "111122223333"
OTHER = "444455556666"
REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/web"
TASK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/task"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _context(overrides: dict[str, str] | None = None) -> TransformContext:
    return TransformContext(
        scan_id="scan-1",
        scanned_at=datetime(2026, 1, 1, tzinfo=UTC),
        sensitivity_overrides=overrides or {},
    )


def _estate() -> AwsEstate:
    estate = AwsEstate(accounts={ACCOUNT: AwsAccount(id=ACCOUNT, name="prod")})
    estate.vpcs["vpc-1"] = Vpc("vpc-1", ACCOUNT, REGION, cidrs=["10.0.0.0/16"])
    estate.subnets["subnet-1"] = Subnet("subnet-1", ACCOUNT, REGION, "vpc-1")
    estate.security_groups["sg-1"] = SecurityGroup(
        "sg-1", "web", ACCOUNT, REGION, "vpc-1"
    )
    estate.instance_profiles["arn:profile"] = InstanceProfile(
        "arn:profile", "web-profile", role_arns=[ROLE]
    )
    estate.instances["i-1"] = Instance(
        id="i-1",
        arn=ids.instance_node(REGION, ACCOUNT, "i-1"),
        account_id=ACCOUNT,
        region=REGION,
        name="web-1",
        subnet_id="subnet-1",
        vpc_id="vpc-1",
        security_group_ids=["sg-1"],
        instance_profile_arn="arn:profile",
    )
    estate.buckets["acme-payroll-exports"] = Bucket(
        "acme-payroll-exports", ACCOUNT, REGION, encrypted=True, kms_key_arn=KEY
    )
    estate.buckets["acme-static"] = Bucket("acme-static", ACCOUNT, REGION)
    estate.functions["arn:fn"] = LambdaFunction(
        arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:hook",
        name="hook",
        account_id=ACCOUNT,
        region=REGION,
        role_arn=ROLE,
        environment_variable_names=["DB_PASSWORD", "STAGE"],
    )
    estate.databases["arn:db"] = DbInstance(
        arn=f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders",
        id="orders",
        account_id=ACCOUNT,
        region=REGION,
        encrypted=False,
        vpc_id="vpc-1",
        subnet_ids=["subnet-1"],
        security_group_ids=["sg-1"],
    )
    estate.resources[KEY] = PolicyResource(KEY, "1234abcd", "kms_key", ACCOUNT, REGION)
    task = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/api:3"
    estate.resources[task] = PolicyResource(
        task,
        "api:3",
        "task_definition",
        ACCOUNT,
        REGION,
        role_arn=TASK_ROLE,
        attributes={"family": "api", "SecretString": "hunter2"},
    )
    return estate


def _build(estate: AwsEstate, context: TransformContext | None = None) -> GraphRecords:
    context = context or _context()
    records = GraphRecords()
    add_account_nodes(estate, records, context)
    # Identity nodes come from the identity analysis; two stand-ins here.
    for role in (ROLE, TASK_ROLE):
        records.add_node("Identity", role, cloud="aws", type="role", name=role)
    add_resource_nodes(estate, records, context)
    records.validate()
    return records


def _edges(records: GraphRecords) -> set[tuple[str, str, str]]:
    return {(e.type, e.source, e.target) for e in records.edges.values()}


def test_account_node_named() -> None:
    records = _build(_estate())
    node = records.nodes[ids.account_id_node(ACCOUNT)]
    assert node.label == "Account"
    assert node.props["type"] == "aws_account"
    assert node.props["name"] == "prod"
    assert node.props["parent_id"] == ""


def test_organization_hierarchy() -> None:
    estate = _estate()
    estate.organization = Organization(
        id="o-abc",
        management_account_id=OTHER,
        root_id="r-root",
        parents={ACCOUNT: "ou-prod", "ou-prod": "r-root", OTHER: "r-root"},
        account_names={OTHER: "management", "ou-prod": "Production"},
    )
    records = _build(estate)
    root = ids.organization_unit_node("r-root")
    unit = ids.organization_unit_node("ou-prod")
    assert records.nodes[root].props["type"] == "aws_organization_root"
    assert records.nodes[unit].props["type"] == "aws_organizational_unit"
    assert records.nodes[unit].props["name"] == "Production"
    assert records.nodes[unit].props["parent_id"] == root
    account = records.nodes[ids.account_id_node(ACCOUNT)]
    assert account.props["parent_id"] == unit
    edges = _edges(records)
    assert ("IN_ACCOUNT", ids.account_id_node(ACCOUNT), unit) in edges
    assert ("IN_ACCOUNT", unit, root) in edges
    assert ("IN_ACCOUNT", ids.account_id_node(OTHER), root) in edges
    assert records.nodes[ids.account_id_node(OTHER)].props["name"] == "management"


def test_instance_runs_as_profile_role() -> None:
    records = _build(_estate())
    instance = ids.instance_node(REGION, ACCOUNT, "i-1")
    edges = _edges(records)
    assert ("RUNS_AS", instance, ROLE) in edges
    assert (
        "IN_NETWORK",
        instance,
        ids.subnet_node(REGION, ACCOUNT, "subnet-1"),
    ) in edges
    assert (
        "PROTECTED_BY",
        instance,
        ids.security_group_node(REGION, ACCOUNT, "sg-1"),
    ) in edges
    assert ("IN_ACCOUNT", instance, ids.account_id_node(ACCOUNT)) in edges


def test_lambda_and_task_run_as_roles() -> None:
    records = _build(_estate())
    edges = _edges(records)
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:hook"
    task = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/api:3"
    assert ("RUNS_AS", function, ROLE) in edges
    assert ("RUNS_AS", task, TASK_ROLE) in edges
    assert records.nodes[task].props["type"] == "container_service"


def test_missing_role_gets_no_edge() -> None:
    estate = _estate()
    estate.functions["arn:fn"].role_arn = f"arn:aws:iam::{OTHER}:role/elsewhere"
    records = _build(estate)
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:hook"
    assert not [e for e in records.edges_of_type("RUNS_AS") if e.source == function]
    attrs = json.loads(records.nodes[function].props["attrs"])
    assert attrs["role_arn"] == f"arn:aws:iam::{OTHER}:role/elsewhere"


def test_bucket_encrypted_with_key() -> None:
    records = _build(_estate())
    bucket = "arn:aws:s3:::acme-payroll-exports"
    assert ("ENCRYPTED_WITH", bucket, KEY) in _edges(records)
    assert records.nodes[bucket].props["encrypted"] is True
    assert records.nodes[bucket].props["type"] == "object_storage"
    assert records.nodes[KEY].props["type"] == "kms_key"


def test_sensitivity_from_name_and_kind() -> None:
    records = _build(_estate())
    assert records.nodes["arn:aws:s3:::acme-payroll-exports"].props["sensitivity"] == (
        "critical"
    )
    assert records.nodes["arn:aws:s3:::acme-static"].props["sensitivity"] == "medium"
    assert records.nodes[KEY].props["sensitivity"] == "high"
    instance = ids.instance_node(REGION, ACCOUNT, "i-1")
    assert records.nodes[instance].props["sensitivity"] == "low"


def test_sensitivity_override_wins() -> None:
    records = _build(
        _estate(), _context({"acme-static": "critical", "*:db:orders": "low"})
    )
    assert records.nodes["arn:aws:s3:::acme-static"].props["sensitivity"] == "critical"
    database = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders"
    assert records.nodes[database].props["sensitivity"] == "low"


def test_invalid_override_level_rejected() -> None:
    with pytest.raises(ValueError, match="use one of low, medium, high, critical"):
        _build(_estate(), _context({"acme-*": "severe"}))


def test_no_secret_values_in_attrs() -> None:
    records = _build(_estate())
    text = json.dumps([node.props for node in records.nodes.values()])
    assert "hunter2" not in text
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:hook"
    attrs = json.loads(records.nodes[function].props["attrs"])
    assert attrs["environment_variable_names"] == ["DB_PASSWORD", "STAGE"]


def test_network_nodes_and_edges() -> None:
    records = _build(_estate())
    vpc = ids.vpc_node(REGION, ACCOUNT, "vpc-1")
    subnet = ids.subnet_node(REGION, ACCOUNT, "subnet-1")
    group = ids.security_group_node(REGION, ACCOUNT, "sg-1")
    assert records.nodes[vpc].props["cidrs"] == ["10.0.0.0/16"]
    assert records.nodes[subnet].props["type"] == "subnet"
    edges = _edges(records)
    assert ("IN_NETWORK", subnet, vpc) in edges
    assert ("IN_NETWORK", group, vpc) in edges
    database = f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders"
    assert ("IN_NETWORK", database, subnet) in edges
    assert records.nodes[database].props["encrypted"] is False


def test_key_found_by_alias_arn() -> None:
    estate = _estate()
    estate.resources[KEY].attributes["aliases"] = ["alias/data"]
    estate.buckets[
        "acme-static"
    ].kms_key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/data"
    records = _build(estate)
    assert ("ENCRYPTED_WITH", "arn:aws:s3:::acme-static", KEY) in _edges(records)


def test_key_outside_snapshot_no_edge() -> None:
    estate = _estate()
    estate.buckets["acme-static"].kms_key_arn = f"arn:aws:kms:{REGION}:{OTHER}:key/x"
    records = _build(estate)
    targets = [e.target for e in records.edges_of_type("ENCRYPTED_WITH")]
    assert targets == [KEY]
