"""Tests of parse_estate on the recorded full-account fixture and on bad fields."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

from toxicpath.ingest.aws.estate import AwsEstate
from toxicpath.ingest.aws.parse import parse_estate
from toxicpath.ingest.errors import InputError
from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.snapshot import RawResponse, Snapshot, write_snapshot

FIXTURE = Path(__file__).parents[2] / "data/ingest/aws/full-account"
ACCOUNT = "111122223333"
REGION = "eu-west-1"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture(scope="module")
def estate() -> AwsEstate:
    return parse_estate(load_inputs([FIXTURE]))


def test_url_encoded_inline_policy(estate: AwsEstate) -> None:
    alice = estate.principals[f"arn:aws:iam::{ACCOUNT}:user/alice"]
    document = alice.inline_policies["read-app-data"]
    assert document["Statement"][0]["Resource"] == "arn:aws:s3:::app-data/*"
    assert alice.permissions_boundary_arn == f"arn:aws:iam::{ACCOUNT}:policy/boundary"
    assert alice.group_names == ["admins"]
    assert alice.tags == {"team": "platform"}


def test_base64_credential_report(estate: AwsEstate) -> None:
    alice = estate.principals[f"arn:aws:iam::{ACCOUNT}:user/alice"]
    assert alice.console_access is True
    assert alice.mfa_enabled is False
    assert alice.password_last_used == "2024-04-01T00:00:00+00:00"
    assert [(key.status, key.last_used) for key in alice.access_keys] == [
        ("Active", "2024-04-02T00:00:00+00:00")
    ]
    account = estate.accounts[ACCOUNT]
    assert account.root_mfa_enabled is False
    assert account.root_access_keys_active is False


def test_role_profile_and_versions(estate: AwsEstate) -> None:
    role = estate.principals[f"arn:aws:iam::{ACCOUNT}:role/web"]
    profile_arn = f"arn:aws:iam::{ACCOUNT}:instance-profile/web"
    assert role.instance_profile_arns == [
        profile_arn,
        f"arn:aws:iam::{ACCOUNT}:instance-profile/batch",
    ]
    assert estate.instance_profiles[profile_arn].role_arns == [role.arn]
    assert role.last_used == "2024-05-01T10:00:00Z"
    policy = estate.policies[f"arn:aws:iam::{ACCOUNT}:policy/app"]
    assert sorted(policy.versions) == ["v1", "v2"]
    assert policy.document["Statement"][0]["Action"] == "s3:*"
    assert policy.versions["v1"]["Statement"][0]["Action"] == "*"


def test_identity_provider_and_password_policy(estate: AwsEstate) -> None:
    provider = estate.identity_providers[
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    ]
    assert provider.kind == "oidc"
    assert provider.url == "token.actions.githubusercontent.com"
    assert provider.client_ids == ["sts.amazonaws.com"]
    assert estate.accounts[ACCOUNT].password_policy == {
        "MinimumPasswordLength": 14,
        "RequireSymbols": True,
    }


def test_instance_interfaces_merged(estate: AwsEstate) -> None:
    instance = estate.instances["i-0web"]
    assert instance.public_ip == "203.0.113.10"
    assert instance.public_ipv6 == ["2a05:d018::10"]
    assert instance.security_group_ids == ["sg-web", "sg-admin"]
    assert (
        instance.instance_profile_arn == f"arn:aws:iam::{ACCOUNT}:instance-profile/web"
    )
    assert instance.metadata_http_tokens == "required"


def test_security_group_rule_kinds(estate: AwsEstate) -> None:
    web = estate.security_groups["sg-web"].ingress
    assert web[0].cidrs == ["0.0.0.0/0", "::/0"]
    assert web[0].description == "https"
    assert web[1].protocol == "icmp"
    assert web[1].from_port is None
    admin = estate.security_groups["sg-admin"].ingress[0]
    assert admin.prefix_list_ids == ["pl-0corp"]
    assert admin.source_group_ids == ["sg-web"]
    assert admin.cidrs == []


def test_routes_acls_gateways(estate: AwsEstate) -> None:
    public = estate.route_tables["rtb-pub"]
    assert public.subnet_ids == ["subnet-pub"]
    # The blackhole peering route is dropped: it carries no traffic.
    assert public.routes == [
        ("10.1.0.0/16", "local"),
        ("0.0.0.0/0", "igw-0a1"),
        ("::/0", "igw-0a1"),
    ]
    assert estate.route_tables["rtb-main"].is_main is True
    assert estate.internet_gateway_ids == {"igw-0a1"}
    acl = estate.network_acls["acl-0a1"]
    assert acl.entries[0] == (100, False, "tcp", 443, 443, "0.0.0.0/0", True)
    assert acl.entries[1] == (32767, False, "all", None, None, "0.0.0.0/0", False)
    assert estate.subnets["subnet-pub"].map_public_ip is True
    assert estate.vpcs["vpc-0a1"].cidrs == ["10.1.0.0/16", "2a05:d018::/56"]


def test_alb_listeners_and_targets(estate: AwsEstate) -> None:
    balancer = next(iter(estate.load_balancers.values()))
    assert balancer.scheme == "internet-facing"
    assert [(listener.port, listener.protocol) for listener in balancer.listeners] == [
        (443, "HTTPS"),
        (80, "HTTP"),
    ]
    assert balancer.target_instance_ids == ["i-0web"]


def test_bucket_settings(estate: AwsEstate) -> None:
    data = estate.buckets["app-data"]
    assert data.region == REGION
    assert data.encrypted is True
    assert data.kms_key_arn == KEY_ARN
    assert data.versioning == "Enabled"
    assert data.logging_enabled is True
    assert data.acl_grants[0].grantee.endswith("/global/AllUsers")
    assert data.public_access_block is None
    logs = estate.buckets["logs"]
    assert logs.region == "eu-west-1"
    assert logs.logging_enabled is False
    assert logs.public_access_block is not None
    assert logs.public_access_block.restrict_public_buckets is True
    account_block = estate.accounts[ACCOUNT].account_public_access_block
    assert account_block is not None
    assert account_block.block_public_acls is False
    assert account_block.block_public_policy is True


def test_lambda_url_and_names(estate: AwsEstate) -> None:
    function = estate.functions[f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:billing"]
    assert function.url_auth_type == "NONE"
    assert function.environment_variable_names == ["DB_PASSWORD", "STRIPE_KEY"]
    assert function.resource_policy is not None
    assert function.resource_policy["Statement"][0]["Principal"] == "*"


def test_policy_resources_parsed(estate: AwsEstate) -> None:
    key = estate.resources[KEY_ARN]
    assert key.kind == "kms_key"
    assert key.policy is not None
    assert key.attributes["aliases"] == ["alias/app"]
    assert key.attributes["key_manager"] == "CUSTOMER"
    table = estate.resources[f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"]
    assert table.kms_key_arn == KEY_ARN
    secret = estate.resources[
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db-AbCdEf"
    ]
    assert secret.policy is not None
    assert secret.attributes["rotation_enabled"] is True
    parameters = sorted(
        resource.name
        for resource in estate.resources.values()
        if resource.kind == "parameter"
    )
    assert parameters == ["/app/api-token", "/app/db-url"]
    cluster = estate.resources[f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/prod"]
    assert cluster.public is True
    assert cluster.attributes["public_access_cidrs"] == ["0.0.0.0/0"]


def test_task_definition_role(estate: AwsEstate) -> None:
    task = estate.resources[f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/api:7"]
    assert task.role_arn == f"arn:aws:iam::{ACCOUNT}:role/api-task"
    assert task.attributes["environment_variable_names"] == [
        "API_SECRET",
        "DB_PASS",
        "LOG_LEVEL",
    ]


def test_databases_roles_and_policy(estate: AwsEstate) -> None:
    aurora = estate.databases[f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:aurora-1"]
    assert aurora.role_arns == [f"arn:aws:iam::{ACCOUNT}:role/rds-s3-import"]
    assert aurora.security_group_ids == ["sg-admin"]
    search = estate.databases[f"arn:aws:es:{REGION}:{ACCOUNT}:domain/search"]
    assert search.kind == "opensearch"
    assert search.publicly_accessible is True
    assert search.policy is not None


def test_organization_tree_and_scps(estate: AwsEstate) -> None:
    organization = estate.organization
    assert organization is not None
    assert organization.root_id == "r-abcd"
    assert organization.parents["444455556666"] == "ou-abcd-11111111"
    assert organization.parents["ou-abcd-11111111"] == "r-abcd"
    scps = {scp.name: scp for scp in organization.scps}
    assert scps["DenyLeave"].target_ids == ["ou-abcd-11111111"]
    assert scps["DenyLeave"].document["Statement"][0]["Effect"] == "Deny"
    assert scps["FullAWSAccess"].target_ids == ["r-abcd"]
    assert estate.accounts["444455556666"].name == "workloads"


def test_fixture_secrets_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "scan.jsonl.gz"
    write_snapshot(load_inputs([FIXTURE]), path)
    stored = gzip.decompress(path.read_bytes()).decode()
    for secret in (
        "s3cr3t-db-password-value",
        "sk_live_example_value",
        "ecs-plaintext-secret-value",
        "plain-token-value-123",
    ):
        assert secret not in stored


def _snapshot_of(service: str, operation: str, body: object) -> Snapshot:
    snapshot = Snapshot()
    snapshot.add_response(
        RawResponse(
            cloud="aws",
            account=ACCOUNT,
            region=REGION,
            service=service,
            operation=operation,
            body=body,
        )
    )
    return snapshot


WRONG_TYPE_CASES = [
    (
        "ec2",
        "describe-security-groups",
        {"SecurityGroups": {"GroupId": "sg-1"}},
        "SecurityGroups",
    ),
    (
        "iam",
        "get-account-authorization-details",
        {"RoleDetailList": [{"RoleName": "x"}]},
        "RoleDetailList[0].Arn",
    ),
    ("s3", "list-buckets", {"Buckets": [{"Name": 7}]}, "Buckets[0].Name"),
    (
        "ec2",
        "describe-instances",
        {"Reservations": [{"Instances": ["i-1"]}]},
        "Reservations[0].Instances[0]",
    ),
    ("iam", "get-credential-report", {"Content": 12}, "Content"),
]


@pytest.mark.parametrize(("service", "operation", "body", "field"), WRONG_TYPE_CASES)
def test_wrong_field_type_raises(
    service: str, operation: str, body: object, field: str
) -> None:
    with pytest.raises(InputError) as raised:
        parse_estate(_snapshot_of(service, operation, body))
    message = str(raised.value)
    assert f"{service} {operation}" in message
    assert field in message
    assert "\n" not in message


def test_missing_optional_fields_tolerated() -> None:
    snapshot = _snapshot_of(
        "ec2",
        "describe-instances",
        {"Reservations": [{"Instances": [{"InstanceId": "i-1"}]}]},
    )
    estate = parse_estate(snapshot)
    instance = estate.instances["i-1"]
    assert instance.public_ip == ""
    assert instance.security_group_ids == []
    assert instance.instance_profile_arn is None
    assert instance.ssm_managed is None


def test_parse_scales_linearly(tmp_path: Path) -> None:
    # 20,000 roles, each with an inline policy and a managed policy.
    roles = [
        {
            "RoleName": f"role-{number}",
            "Arn": f"arn:aws:iam::{ACCOUNT}:role/role-{number}",
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            },
            "RolePolicyList": [
                {
                    "PolicyName": "inline",
                    "PolicyDocument": {
                        "Statement": [
                            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
                        ]
                    },
                }
            ],
            "AttachedManagedPolicies": [
                {"PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/p-{number % 100}"}
            ],
            "InstanceProfileList": [],
        }
        for number in range(20_000)
    ]

    policies = [
        {
            "PolicyName": f"p-{number}",
            "Arn": f"arn:aws:iam::{ACCOUNT}:policy/p-{number}",
            "DefaultVersionId": "v1",
            "PolicyVersionList": [
                {
                    "VersionId": "v1",
                    "IsDefaultVersion": True,
                    "Document": {"Statement": []},
                }
            ],
        }
        for number in range(100)
    ]

    path = tmp_path / "large.json"
    path.write_text(json.dumps({"RoleDetailList": roles, "Policies": policies}))
    snapshot = load_inputs([path])

    started = time.perf_counter()
    estate = parse_estate(snapshot)
    elapsed = time.perf_counter() - started

    assert len(estate.principals_of_kind("role")) == 20_000
    # A generous bound: linear parsing takes well under a second here, a
    # quadratic join would take minutes.
    assert elapsed < 10


def test_parameterised_calls_scale() -> None:
    count = 5_000
    policy = json.dumps(
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]}
    )
    snapshot = Snapshot()

    def add(service: str, operation: str, body: object, **params: str) -> None:
        snapshot.add_response(
            RawResponse(
                cloud="aws",
                account=ACCOUNT,
                region=REGION,
                service=service,
                operation=operation,
                params=params,
                body=body,
            )
        )

    add("s3", "list-buckets", {"Buckets": [{"Name": f"b{n}"} for n in range(count)]})
    add(
        "secretsmanager",
        "list-secrets",
        {
            "SecretList": [
                {
                    "ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:s{n}",
                    "Name": f"s{n}",
                }
                for n in range(count)
            ]
        },
    )
    add(
        "lambda",
        "list-functions",
        {
            "Functions": [
                {
                    "FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f{n}",
                    "FunctionName": f"f{n}",
                }
                for n in range(count)
            ]
        },
    )
    for n in range(count):
        add("s3", "get-bucket-policy", {"Policy": policy}, Bucket=f"b{n}")
        add(
            "secretsmanager",
            "get-resource-policy",
            {"ResourcePolicy": policy},
            SecretId=f"s{n}",
        )
        add("lambda", "get-policy", {"Policy": policy}, FunctionName=f"f{n}")

    started = time.perf_counter()
    estate = parse_estate(snapshot)
    elapsed = time.perf_counter() - started
    assert sum(bucket.policy is not None for bucket in estate.buckets.values()) == count
    assert sum(r.policy is not None for r in estate.resources.values()) == count
    assert (
        sum(f.resource_policy is not None for f in estate.functions.values()) == count
    )
    # A quadratic join over 5,000 resources would take minutes.
    assert elapsed < 10


def test_snapshots_and_images_sharing(estate: AwsEstate) -> None:
    public = estate.resources[f"arn:aws:ec2:{REGION}:{ACCOUNT}:snapshot/snap-0public"]
    assert public.kind == "ebs_snapshot"
    assert public.public is True
    assert public.encrypted is False
    private = estate.resources[f"arn:aws:ec2:{REGION}:{ACCOUNT}:snapshot/snap-0private"]
    assert private.public is False
    assert private.attributes["shared_with"] == ["444455556666"]
    assert private.kms_key_arn == KEY_ARN
    database = estate.resources[f"arn:aws:rds:{REGION}:{ACCOUNT}:snapshot:nightly"]
    assert database.kind == "db_snapshot"
    assert database.public is True
    images = [r for r in estate.resources.values() if r.kind == "ami"]
    assert [image.name for image in images] == ["golden"]
    assert images[0].public is True


def test_bucket_owner_enforced_acls(estate: AwsEstate) -> None:
    assert estate.buckets["app-data"].acls_disabled is True
    assert estate.buckets["logs"].acls_disabled is None


def test_kms_grants_recorded(estate: AwsEstate) -> None:
    grants = estate.resources[KEY_ARN].attributes["grants"]
    assert len(grants) == 1
    assert grants[0]["grantee_principal"] == f"arn:aws:iam::{ACCOUNT}:role/web"
    assert grants[0]["operations"] == ["Decrypt", "GenerateDataKey"]


def test_instance_profile_list_merged(estate: AwsEstate) -> None:
    batch_arn = f"arn:aws:iam::{ACCOUNT}:instance-profile/batch"
    assert estate.instance_profiles[batch_arn].role_arns == [
        f"arn:aws:iam::{ACCOUNT}:role/web"
    ]
    role = estate.principals[f"arn:aws:iam::{ACCOUNT}:role/web"]
    assert batch_arn in role.instance_profile_arns


def test_mfa_devices_keep_report_value(estate: AwsEstate) -> None:
    # The credential report says alice has no MFA, and it takes precedence
    # over list-mfa-devices, which only fills a value the report left unset.
    alice = estate.principals[f"arn:aws:iam::{ACCOUNT}:user/alice"]
    assert alice.mfa_enabled is False


def test_mfa_and_login_without_report() -> None:
    snapshot = _snapshot_of(
        "iam",
        "get-account-authorization-details",
        {
            "UserDetailList": [
                {"UserName": "bob", "Arn": f"arn:aws:iam::{ACCOUNT}:user/bob"}
            ]
        },
    )
    snapshot.add_response(
        RawResponse(
            cloud="aws",
            account=ACCOUNT,
            region="global",
            service="iam",
            operation="list-mfa-devices",
            params={"UserName": "bob"},
            body={
                "MFADevices": [
                    {"UserName": "bob", "SerialNumber": "arn:aws:iam::1:mfa/bob"}
                ]
            },
        )
    )
    snapshot.add_response(
        RawResponse(
            cloud="aws",
            account=ACCOUNT,
            region="global",
            service="iam",
            operation="get-login-profile",
            params={"UserName": "bob"},
            body={
                "LoginProfile": {
                    "UserName": "bob",
                    "CreateDate": "2024-01-01T00:00:00Z",
                }
            },
        )
    )
    estate = parse_estate(snapshot)
    bob = estate.principals[f"arn:aws:iam::{ACCOUNT}:user/bob"]
    assert bob.mfa_enabled is True
    assert bob.console_access is True


def test_ssm_managed_instance(estate: AwsEstate) -> None:
    assert estate.instances["i-0web"].ssm_managed is True


def test_foreign_snapshots_dropped() -> None:
    foreign = "999988887777"
    snapshot = _snapshot_of(
        "ec2",
        "describe-snapshots",
        {
            "Snapshots": [
                {"SnapshotId": "snap-own", "OwnerId": ACCOUNT},
                {"SnapshotId": "snap-foreign", "OwnerId": foreign},
            ]
        },
    )
    rds_arn = f"arn:aws:rds:{REGION}:{{}}:snapshot:{{}}"
    snapshot.merge(
        _snapshot_of(
            "rds",
            "describe-db-snapshots",
            {
                "DBSnapshots": [
                    {
                        "DBSnapshotIdentifier": "own",
                        "DBSnapshotArn": rds_arn.format(ACCOUNT, "own"),
                    },
                    {
                        "DBSnapshotIdentifier": "public",
                        "DBSnapshotArn": rds_arn.format(foreign, "public"),
                    },
                ]
            },
        )
    )
    snapshot.merge(
        _snapshot_of(
            "ec2",
            "describe-images",
            {"Images": [{"ImageId": "ami-foreign", "OwnerId": foreign}]},
        )
    )
    names = sorted(
        resource.name for resource in parse_estate(snapshot).resources.values()
    )
    assert "snap-own" in names
    assert "own" in names
    assert "snap-foreign" not in names
    assert "public" not in names
    assert "ami-foreign" not in names
