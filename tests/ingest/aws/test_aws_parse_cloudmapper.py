"""Tests of parse_estate on the public CloudMapper demo account."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from toxicpath.ingest.aws.estate import AwsEstate
from toxicpath.ingest.aws.parse import parse_estate
from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.snapshot import write_snapshot

ACCOUNT = "123456789012"


@pytest.fixture
def demo(shared_data: Path) -> AwsEstate:
    return parse_estate(load_inputs([shared_data / "aws/cloudmapper-demo"]))


def test_bucket_policy_grants_everyone(demo: AwsEstate) -> None:
    bucket = demo.buckets["cloudmapper_demo"]
    assert bucket.policy is not None
    statement = bucket.policy["Statement"][0]
    assert statement["Principal"] == {"AWS": "*"}
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "s3:GetObject"
    assert bucket.region == "us-east-1"
    assert bucket.account_id == ACCOUNT


def test_bucket_acl_owner_only(demo: AwsEstate) -> None:
    bucket = demo.buckets["cloudmapper_demo"]
    assert [grant.permission for grant in bucket.acl_grants] == ["FULL_CONTROL"]
    assert bucket.acl_grants[0].grantee == bucket.owner_id


def test_bad_role_trust_policy(demo: AwsEstate) -> None:
    role = demo.principals[f"arn:aws:iam::{ACCOUNT}:role/bad_role"]
    assert role.kind == "role"
    assert role.trust_policy is not None
    # The demo's iam-get-role/bad_role names the account root, but the
    # authorization details, which take precedence, trust any AWS principal.
    statement = role.trust_policy["Statement"][0]
    assert statement["Principal"] == {"AWS": "*"}
    assert statement["Action"] == "sts:AssumeRole"
    assert role.max_session_duration == 3600
    assert "dostuff" in role.inline_policies


def test_bastion_ssh_sources(demo: AwsEstate) -> None:
    bastion = next(i for i in demo.instances.values() if i.name == "Bastion")
    assert bastion.public_ip == "1.2.3.4"
    assert bastion.security_group_ids == ["sg-00000002"]
    rules = demo.security_groups["sg-00000002"].ingress
    assert len(rules) == 1
    assert rules[0].protocol == "tcp"
    assert (rules[0].from_port, rules[0].to_port) == (22, 22)
    assert rules[0].cidrs == ["1.1.1.1/32", "2.2.2.2/28"]
    assert rules[0].source_group_ids == []


def test_egress_all_protocols(demo: AwsEstate) -> None:
    egress = demo.security_groups["sg-00000002"].egress[0]
    assert egress.protocol == "all"
    assert egress.from_port is None
    assert egress.to_port is None


def test_load_balancers_parsed(demo: AwsEstate) -> None:
    by_name = {balancer.name: balancer for balancer in demo.load_balancers.values()}
    classic = by_name["weblb"]
    assert classic.kind == "classic"
    assert classic.scheme == "internet-facing"
    assert [
        (listener.port, listener.instance_port) for listener in classic.listeners
    ] == [(8000, 8000)]
    assert classic.target_instance_ids == ["i-00000000000000002", "i-00000000000000003"]
    application = by_name["webalb"]
    assert application.kind == "application"
    assert application.scheme == "internet-facing"
    # The demo contains no describe-listeners response for the ALB, so it has no
    # listeners; its security group is what admits port 443 from anywhere.
    assert application.listeners == []
    assert application.security_group_ids == ["sg-00000003"]
    public_web = demo.security_groups["sg-00000003"].ingress
    assert [(rule.from_port, rule.cidrs) for rule in public_web] == [
        (443, ["0.0.0.0/0"])
    ]


def test_lambda_resource_policy(demo: AwsEstate) -> None:
    function = demo.functions[
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:invpclambda"
    ]
    assert function.role_arn == f"arn:aws:iam::{ACCOUNT}:role/service-role/invpclambda"
    assert function.resource_policy is not None
    principal = function.resource_policy["Statement"][0]["Principal"]
    assert principal == {"Service": "apigateway.amazonaws.com"}
    assert function.security_group_ids == ["sg-09920178"]


def test_databases_by_kind(demo: AwsEstate) -> None:
    kinds = {database.kind: database for database in demo.databases.values()}
    assert set(kinds) == {"rds", "redshift", "elasticsearch"}
    assert kinds["redshift"].publicly_accessible is True
    assert kinds["redshift"].subnet_ids == ["subnet-00000001", "subnet-00000002"]
    assert kinds["rds"].publicly_accessible is False
    domain = kinds["elasticsearch"]
    assert domain.policy is not None
    assert domain.policy["Statement"][0]["Principal"] == {"AWS": "*"}


def test_resource_policies_parsed(demo: AwsEstate) -> None:
    queue = demo.resources[f"arn:aws:sqs:us-east-1:{ACCOUNT}:demo"]
    assert queue.policy is not None
    assert queue.policy["Statement"][0]["Action"] == "sqs:SendMessage"
    topic = demo.resources[f"arn:aws:sns:us-east-1:{ACCOUNT}:demo_private"]
    assert topic.policy is not None
    assert "Condition" in topic.policy["Statement"][0]
    repository = demo.resources[
        f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/cloudmapper"
    ]
    assert repository.policy is not None
    assert repository.policy["Statement"][0]["Principal"] == "*"
    secrets = [r for r in demo.resources.values() if r.kind == "secret"]
    assert [secret.name for secret in secrets] == ["demo-secret"]
    assert secrets[0].policy is None


def test_credential_report_users(demo: AwsEstate) -> None:
    user = demo.principals[f"arn:aws:iam::{ACCOUNT}:user/user"]
    assert user.console_access is True
    assert user.mfa_enabled is False
    assert [key.status for key in user.access_keys] == ["Active", "Active"]
    assert user.access_keys[1].last_used == "2018-05-07T15:35:54+00:00"
    auditor = demo.principals[f"arn:aws:iam::{ACCOUNT}:user/auditor_tmp"]
    assert auditor.console_access is False
    account = demo.accounts[ACCOUNT]
    assert account.root_mfa_enabled is True
    assert account.root_access_keys_active is True


def test_lambda_values_never_stored(shared_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(shared_data / "aws/cloudmapper-demo", folder)
    functions_file = folder / "us-east-1/lambda-list-functions.json"
    functions = json.loads(functions_file.read_text())
    functions["Functions"][0]["Environment"] = {
        "Variables": {"DB_PASSWORD": "hunter2-value", "STAGE": "stage-value"}
    }
    functions_file.write_text(json.dumps(functions))

    snapshot = load_inputs([folder])
    snapshot_path = tmp_path / "scan.jsonl.gz"
    write_snapshot(snapshot, snapshot_path)
    stored = gzip.decompress(snapshot_path.read_bytes()).decode()
    assert "hunter2-value" not in stored
    assert "stage-value" not in stored
    assert "DB_PASSWORD" in stored

    estate = parse_estate(load_inputs([snapshot_path]))
    function = next(iter(estate.functions.values()))
    assert function.environment_variable_names == ["DB_PASSWORD", "STAGE"]
    assert "hunter2-value" not in repr(estate)
