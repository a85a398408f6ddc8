"""Collect the moto lab organization, then analyse the snapshot."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from labs.aws_lab import LAB_SECRET_MARKER, AwsLab

from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.aws.collect import write_snapshot
from toxicpath.ingest.redact import REDACTED
from toxicpath.ingest.snapshot import RawResponse, Snapshot, read_snapshot
from toxicpath.ingest.transform import transform


@pytest.fixture(scope="module")
def lab_records(lab_snapshot: Snapshot) -> GraphRecords:
    return transform(lab_snapshot)


def _edge_keys(records: GraphRecords, edge_type: str) -> set[tuple[str, str, str]]:
    return {
        (edge.source, edge.target, str(edge.props.get("technique", "")))
        for edge in records.edges_of_type(edge_type)
    }


def _responses(
    snapshot: Snapshot, service: str, operation: str, account: str
) -> list[RawResponse]:
    return list(snapshot.responses_for("aws", service, operation, account=account))


def test_escalation_paths_found(lab_records: GraphRecords, aws_lab: AwsLab) -> None:
    admin = f"aws:account_admin:{aws_lab.management_account_id}"
    escalations = _edge_keys(lab_records, "CAN_ESCALATE")
    users, roles = aws_lab.users, aws_lab.roles
    assert (
        users["policy-editor"],
        admin,
        "aws-iam-create-policy-version",
    ) in escalations
    assert (
        users["lambda-deployer"],
        roles["lambda-admin-role"],
        "aws-lambda-create-invoke",
    ) in escalations
    assert (users["self-attacher"], admin, "aws-iam-attach-user-policy") in escalations
    assert (roles["chain-admin"], admin, "aws-admin-policy") in escalations
    assert (roles["lambda-admin-role"], admin, "aws-admin-policy") in escalations


def test_role_chain_found(lab_records: GraphRecords, aws_lab: AwsLab) -> None:
    assumes = {
        (source, target) for source, target, _ in _edge_keys(lab_records, "CAN_ASSUME")
    }
    users, roles = aws_lab.users, aws_lab.roles
    assert (users["analyst"], roles["chain-1"]) in assumes
    assert (roles["chain-1"], roles["chain-2"]) in assumes
    assert (roles["chain-2"], roles["chain-admin"]) in assumes
    assert ("aws:any_principal", roles["wildcard-trust"]) in assumes


def test_cross_account_trust_found(lab_records: GraphRecords, aws_lab: AwsLab) -> None:
    assumes = {
        (source, target) for source, target, _ in _edge_keys(lab_records, "CAN_ASSUME")
    }
    member_admin = f"aws:account_admin:{aws_lab.member_account_id}"
    management_admin = f"aws:account_admin:{aws_lab.management_account_id}"
    member_role = (
        f"arn:aws:iam::{aws_lab.member_account_id}:role/OrganizationAccountAccessRole"
    )
    audit = aws_lab.roles["cross-account-audit"]
    assert (aws_lab.member_users["auditor"], audit) in assumes
    assert (member_admin, audit) in assumes
    assert (management_admin, member_role) in assumes
    # The analyst is trusted by the member role but has no sts:AssumeRole on it.
    assert (
        aws_lab.users["analyst"],
        aws_lab.member_roles["deploy-from-management"],
    ) not in assumes


def test_internet_exposure_found(lab_records: GraphRecords, aws_lab: AwsLab) -> None:
    exposed = {
        edge.target: edge.props.get("ports")
        for edge in lab_records.edges_of_type("EXPOSED_TO")
    }
    instance = (
        f"arn:aws:ec2:us-east-1:{aws_lab.management_account_id}:instance/"
        f"{aws_lab.instance_id}"
    )
    assert instance in exposed
    assert "22" in str(exposed[instance])
    assert aws_lab.function_arn in exposed
    runs_as = _edge_keys(lab_records, "RUNS_AS")
    assert (instance, aws_lab.roles["web-instance-role"], "") in runs_as
    assert (aws_lab.function_arn, aws_lab.roles["lambda-admin-role"], "") in runs_as


def test_public_and_private_buckets(lab_records: GraphRecords, aws_lab: AwsLab) -> None:
    access = _edge_keys(lab_records, "CAN_ACCESS")
    public = f"arn:aws:s3:::{aws_lab.public_bucket}"
    private = f"arn:aws:s3:::{aws_lab.private_bucket}"
    assert ("aws:anonymous", public, "") in access
    assert ("aws:anonymous", private, "") not in access
    assert (aws_lab.roles["web-instance-role"], private, "") in access
    assert (aws_lab.roles["web-instance-role"], aws_lab.secret_arn, "") in access


def test_member_account_reaches_secret(
    lab_records: GraphRecords, aws_lab: AwsLab
) -> None:
    access = _edge_keys(lab_records, "CAN_ACCESS")
    deploy = aws_lab.member_roles["deploy-from-management"]
    assert (deploy, aws_lab.secret_arn, "") in access


def test_snapshot_round_trip_same_records(
    lab_snapshot: Snapshot, lab_records: GraphRecords, tmp_path: Path
) -> None:
    path = tmp_path / "lab.snapshot.jsonl.gz"
    write_snapshot(lab_snapshot, path)
    reread = read_snapshot(path)
    records = transform(reread)
    assert len(reread.responses) == len(lab_snapshot.responses)
    assert records.nodes == lab_records.nodes
    assert records.edges == lab_records.edges


def test_both_accounts_collected(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    accounts = {aws_lab.management_account_id, aws_lab.member_account_id}
    assert set(lab_snapshot.metadata["accounts"]) == accounts
    for account in accounts:
        details = _responses(
            lab_snapshot, "iam", "get-account-authorization-details", account
        )
        assert len(details) == 1
    assert lab_snapshot.kind == "collect"


def test_opt_in_region_not_enabled(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    entries = [
        entry
        for entry in lab_snapshot.coverage
        if entry.region == "ap-east-1" and entry.account == aws_lab.member_account_id
    ]
    assert len(entries) == 1
    assert entries[0].status == "not_enabled"
    assert entries[0].service == "*"
    regional = [r for r in lab_snapshot.responses if r.region == "ap-east-1"]
    assert regional == []


def test_coverage_counts_calls(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    by_key = {
        (entry.account, entry.region, entry.service): entry
        for entry in lab_snapshot.coverage
    }
    iam = by_key[(aws_lab.management_account_id, "global", "iam")]
    assert iam.status == "ok"
    assert iam.calls >= 10
    assert iam.seconds > 0
    for service in ("ec2", "lambda", "kms", "secretsmanager", "elbv2", "sqs"):
        entry = by_key[(aws_lab.management_account_id, "us-east-1", service)]
        assert entry.status == "ok", entry


def test_unimplemented_call_unsupported(
    lab_snapshot: Snapshot, aws_lab: AwsLab
) -> None:
    # moto 5.2.5 does not implement ssm DescribeInstanceInformation.
    ssm = [
        entry
        for entry in lab_snapshot.coverage
        if entry.service == "ssm" and entry.account == aws_lab.management_account_id
    ]
    assert len(ssm) == 1
    assert ssm[0].status == "unsupported"
    assert "describe-instance-information" in ssm[0].reason
    parameters = _responses(
        lab_snapshot, "ssm", "describe-parameters", aws_lab.management_account_id
    )
    assert len(parameters) == 1


def test_no_secret_value_collected(lab_snapshot: Snapshot) -> None:
    text = json.dumps([asdict(response) for response in lab_snapshot.responses])
    assert LAB_SECRET_MARKER not in text


def test_lambda_keeps_variable_names(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    (listed,) = _responses(
        lab_snapshot, "lambda", "list-functions", aws_lab.management_account_id
    )
    (function,) = listed.body["Functions"]
    variables = function["Environment"]["Variables"]
    assert sorted(variables) == ["DB_PASSWORD", "STAGE"]
    assert set(variables.values()) == {REDACTED}


def test_responses_keyed_by_parameters(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    account = aws_lab.management_account_id
    (policy,) = [
        response
        for response in _responses(lab_snapshot, "s3", "get-bucket-policy", account)
        if response.params == {"Bucket": aws_lab.public_bucket}
    ]
    assert policy.region == "global"
    assert "PublicRead" in policy.body["Policy"]
    key_policies = _responses(lab_snapshot, "kms", "get-key-policy", account)
    assert {"KeyId": aws_lab.key_id, "PolicyName": "default"} in [
        response.params for response in key_policies
    ]
    secret_policies = _responses(
        lab_snapshot, "secretsmanager", "get-resource-policy", account
    )
    assert [response.params for response in secret_policies] == [
        {"SecretId": aws_lab.secret_arn}
    ]


def test_account_public_access_block(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    member = _responses(
        lab_snapshot, "s3control", "get-public-access-block", aws_lab.member_account_id
    )
    assert len(member) == 1
    configuration = member[0].body["PublicAccessBlockConfiguration"]
    assert configuration["BlockPublicPolicy"] is True
    management = _responses(
        lab_snapshot,
        "s3control",
        "get-public-access-block",
        aws_lab.management_account_id,
    )
    assert management == []
    statuses = {
        entry.account: entry.status
        for entry in lab_snapshot.coverage
        if entry.service == "s3control"
    }
    assert statuses == {
        aws_lab.management_account_id: "ok",
        aws_lab.member_account_id: "ok",
    }


def test_organization_and_scp(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    account = aws_lab.management_account_id
    (accounts,) = _responses(lab_snapshot, "organizations", "list-accounts", account)
    listed = {item["Id"] for item in accounts.body["Accounts"]}
    assert aws_lab.member_account_id in listed
    targets = _responses(
        lab_snapshot, "organizations", "list-targets-for-policy", account
    )
    scp_targets = [r for r in targets if r.params == {"PolicyId": aws_lab.scp_id}]
    assert len(scp_targets) == 1
    assert scp_targets[0].body["Targets"][0]["Type"] == "ORGANIZATIONAL_UNIT"
    member_listing = _responses(
        lab_snapshot, "organizations", "list-accounts", aws_lab.member_account_id
    )
    assert member_listing == []


def test_credential_report_as_text(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    (report,) = _responses(
        lab_snapshot, "iam", "get-credential-report", aws_lab.management_account_id
    )
    content = report.body["Content"]
    assert content.startswith("user,arn,")
    assert "analyst" in content


def test_datetimes_are_iso_strings(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    (instances,) = _responses(
        lab_snapshot, "ec2", "describe-instances", aws_lab.management_account_id
    )
    launch_time = instances.body["Reservations"][0]["Instances"][0]["LaunchTime"]
    assert isinstance(launch_time, str)
    assert launch_time[:2] == "20"


def test_public_snapshots_recorded(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    account = aws_lab.management_account_id
    stores = aws_lab.stores
    (db_attributes,) = [
        response
        for response in _responses(
            lab_snapshot, "rds", "describe-db-snapshot-attributes", account
        )
        if response.params == {"DBSnapshotIdentifier": stores.db_snapshot_id}
    ]
    result = db_attributes.body["DBSnapshotAttributesResult"]
    assert result["DBSnapshotAttributes"][0]["AttributeValues"] == ["all"]
    (ebs_attributes,) = [
        response
        for response in _responses(
            lab_snapshot, "ec2", "describe-snapshot-attribute", account
        )
        if response.params["SnapshotId"] == stores.ebs_snapshot_id
    ]
    assert ebs_attributes.body["CreateVolumePermissions"] == [{"Group": "all"}]


def test_queue_and_topic_policies(lab_records: GraphRecords, aws_lab: AwsLab) -> None:
    access = {
        (edge.source, edge.target): edge.props.get("level")
        for edge in lab_records.edges_of_type("CAN_ACCESS")
    }
    queue = f"arn:aws:sqs:us-east-1:{aws_lab.management_account_id}:order-events"
    assert access[("aws:anonymous", queue)] == "write"
    assert access[("aws:any_principal", aws_lab.stores.topic_arn)] == "write"


def test_container_roles_found(lab_records: GraphRecords, aws_lab: AwsLab) -> None:
    runs_as = {
        (edge.source, edge.target) for edge in lab_records.edges_of_type("RUNS_AS")
    }
    account = aws_lab.management_account_id
    task = f"arn:aws:ecs:us-east-1:{account}:task-definition/report-generator:1"
    cluster = f"arn:aws:eks:us-east-1:{account}:cluster/platform"
    assert (task, aws_lab.stores.task_role_arn) in runs_as
    assert (cluster, f"arn:aws:iam::{account}:role/eks-cluster-role") in runs_as


def test_container_responses_recorded(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    account = aws_lab.management_account_id
    (task,) = _responses(lab_snapshot, "ecs", "describe-task-definition", account)
    assert task.params == {"taskDefinition": "report-generator"}
    definition = task.body["taskDefinition"]
    assert definition["taskRoleArn"] == aws_lab.stores.task_role_arn
    environment = definition["containerDefinitions"][0]["environment"]
    assert environment == [{"name": "API_TOKEN", "value": REDACTED}]
    (cluster,) = _responses(lab_snapshot, "eks", "describe-cluster", account)
    assert cluster.body["cluster"]["resourcesVpcConfig"]["endpointPublicAccess"] is True
    (repository,) = _responses(lab_snapshot, "ecr", "get-repository-policy", account)
    assert repository.params == {"repositoryName": "web-images"}
    (table,) = _responses(lab_snapshot, "dynamodb", "describe-table", account)
    assert table.params == {"TableName": "sessions"}


def test_analytics_stores_recorded(lab_snapshot: Snapshot, aws_lab: AwsLab) -> None:
    account = aws_lab.management_account_id
    (clusters,) = _responses(lab_snapshot, "redshift", "describe-clusters", account)
    (cluster,) = clusters.body["Clusters"]
    assert cluster["ClusterIdentifier"] == aws_lab.stores.warehouse_id
    assert cluster["PubliclyAccessible"] is True
    (domain,) = _responses(lab_snapshot, "opensearch", "describe-domain", account)
    assert domain.params == {"DomainName": aws_lab.stores.search_domain}
    assert "es:ESHttpGet" in domain.body["DomainStatus"]["AccessPolicies"]
