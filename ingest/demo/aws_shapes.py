"""Builders of AWS API response shapes shared by the demo accounts.

Each builder returns a dict shaped like the AWS CLI's JSON output for one
call, so the demo files read like a real `--output json` collection.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

PROD = "210987654321"
DEV = "310987654321"
PARTNER = "999988887777"
REGION = "us-east-1"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
CREATED = "2025-03-14T09:30:00+00:00"
# S3 canonical user ids of the two accounts.
PROD_CANONICAL_ID = "7c1a5e0b3f2d4c6e8a9b0d1f2e3c4b5a6978d0e1f2a3b4c5d6e7f8091a2b3c4d"
DEV_CANONICAL_ID = "0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d"

Files = dict[str, Any]


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: str | list[str], resources: str | list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def trust(principal: dict[str, Any], **extra: Any) -> dict[str, Any]:
    statement = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
        **extra,
    }
    return doc(statement)


def tags(**pairs: str) -> list[dict[str, str]]:
    return [
        {"Key": key.replace("_", "-"), "Value": value} for key, value in pairs.items()
    ]


def role(
    account: str,
    name: str,
    trust: dict[str, Any],
    *,
    role_id: str,
    inline: dict[str, dict[str, Any]] | None = None,
    managed: tuple[str, ...] = (),
    profile: str | None = None,
    path: str = "/",
) -> dict[str, Any]:
    arn = f"arn:aws:iam::{account}:role{path}{name}"
    role: dict[str, Any] = {
        "Path": path,
        "RoleName": name,
        "RoleId": role_id,
        "Arn": arn,
        "CreateDate": CREATED,
        "AssumeRolePolicyDocument": trust,
        "InstanceProfileList": [],
        "RolePolicyList": [
            {"PolicyName": policy_name, "PolicyDocument": document}
            for policy_name, document in (inline or {}).items()
        ],
        "AttachedManagedPolicies": [
            {"PolicyName": arn_.rsplit("/", 1)[-1], "PolicyArn": arn_}
            for arn_ in managed
        ],
        "Tags": [],
        "RoleLastUsed": {"LastUsedDate": "2026-11-30T08:00:00+00:00", "Region": REGION},
    }
    if profile is not None:
        role["InstanceProfileList"].append(
            {
                "Path": "/",
                "InstanceProfileName": profile,
                "InstanceProfileId": f"AIPA{role_id[4:]}",
                "Arn": f"arn:aws:iam::{account}:instance-profile/{profile}",
                "CreateDate": CREATED,
                "Roles": [
                    {
                        "Path": path,
                        "RoleName": name,
                        "RoleId": role_id,
                        "Arn": arn,
                        "CreateDate": CREATED,
                        "AssumeRolePolicyDocument": trust,
                    }
                ],
            }
        )
    return role


def user(
    account: str,
    name: str,
    *,
    user_id: str,
    inline: dict[str, dict[str, Any]] | None = None,
    managed: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "Path": "/",
        "UserName": name,
        "UserId": user_id,
        "Arn": f"arn:aws:iam::{account}:user/{name}",
        "CreateDate": CREATED,
        "UserPolicyList": [
            {"PolicyName": policy_name, "PolicyDocument": document}
            for policy_name, document in (inline or {}).items()
        ],
        "GroupList": list(groups),
        "AttachedManagedPolicies": [
            {"PolicyName": arn_.rsplit("/", 1)[-1], "PolicyArn": arn_}
            for arn_ in managed
        ],
        "Tags": [],
    }


def managed_policy(
    arn: str, policy_id: str, document: dict[str, Any], attachments: int
) -> dict[str, Any]:
    return {
        "PolicyName": arn.rsplit("/", 1)[-1],
        "PolicyId": policy_id,
        "Arn": arn,
        "Path": "/",
        "DefaultVersionId": "v1",
        "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True,
        "CreateDate": CREATED,
        "UpdateDate": CREATED,
        "PolicyVersionList": [
            {
                "Document": document,
                "VersionId": "v1",
                "IsDefaultVersion": True,
                "CreateDate": CREATED,
            }
        ],
    }


ADMIN_MANAGED = managed_policy(
    ADMIN_POLICY, "ANPAIWMBCKSKIEE64ZLYK", doc(allow("*", "*")), 3
)

_REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,"
    "password_last_changed,password_next_rotation,mfa_active,access_key_1_active,"
    "access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)


def report_row(
    account: str,
    user: str,
    *,
    password: bool,
    mfa: bool,
    key_active: bool,
) -> str:
    arn = (
        f"arn:aws:iam::{account}:root"
        if user == "<root_account>"
        else (f"arn:aws:iam::{account}:user/{user}")
    )
    password_enabled = (
        "not_supported" if user == "<root_account>" else str(password).lower()
    )
    password_used = "2026-11-28T17:02:11+00:00" if password else "N/A"
    key_rotated = "2025-06-01T10:00:00+00:00" if key_active else "N/A"
    key_used = "2026-12-01T06:15:00+00:00" if key_active else "N/A"
    fields = [
        user,
        arn,
        CREATED,
        password_enabled,
        password_used,
        CREATED if password else "N/A",
        "N/A",
        str(mfa).lower(),
        str(key_active).lower(),
        key_rotated,
        key_used,
        REGION if key_active else "N/A",
        "sts" if key_active else "N/A",
        "false",
        "N/A",
        "N/A",
        "N/A",
        "N/A",
        "false",
        "N/A",
        "false",
        "N/A",
    ]
    return ",".join(fields)


def credential_report(rows: list[str]) -> dict[str, Any]:
    content = "\n".join([_REPORT_HEADER, *rows]) + "\n"
    return {
        "Content": base64.b64encode(content.encode()).decode(),
        "ReportFormat": "text/csv",
        "GeneratedTime": "2026-12-01T12:00:00+00:00",
    }


def policy_text(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


def param_file_name(value: str) -> str:
    """Return the file name of a parameterised call's response.

    The importer reads the file name as the URL-encoded parameter value, so
    it has no `.json` suffix.
    """
    return quote(value, safe="")


def bucket_files(
    name: str,
    *,
    tags: list[dict[str, str]],
    policy: dict[str, Any] | None,
    block_public: bool | None,
    kms_key: str | None,
    owner_id: str,
) -> Files:
    files: Files = {
        f"s3-get-bucket-tagging/{param_file_name(name)}": {"TagSet": tags},
        f"s3-get-bucket-location/{param_file_name(name)}": {"LocationConstraint": None},
        f"s3-get-bucket-encryption/{param_file_name(name)}": {
            "ServerSideEncryptionConfiguration": {
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": (
                            {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key}
                            if kms_key
                            else {"SSEAlgorithm": "AES256"}
                        ),
                        "BucketKeyEnabled": kms_key is not None,
                    }
                ]
            }
        },
        f"s3-get-bucket-acl/{param_file_name(name)}": {
            "Owner": {"ID": owner_id},
            "Grants": [
                {
                    "Grantee": {
                        "ID": owner_id,
                        "Type": "CanonicalUser",
                    },
                    "Permission": "FULL_CONTROL",
                }
            ],
        },
    }
    if policy is not None:
        files[f"s3-get-bucket-policy/{param_file_name(name)}"] = {
            "Policy": policy_text(policy)
        }
    if block_public is not None:
        files[f"s3-get-public-access-block/{param_file_name(name)}"] = {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": block_public,
                "IgnorePublicAcls": block_public,
                "BlockPublicPolicy": block_public,
                "RestrictPublicBuckets": block_public,
            }
        }
    return files


# Empty responses of the list calls the analysis reads, by file name. An
# account that has none of a service still answers its list call, and an
# input with the empty answer tells the analysis the service was read.
EMPTY_LIST_RESPONSES: dict[str, dict[str, Any]] = {
    "ec2-describe-instances.json": {"Reservations": []},
    "ec2-describe-security-groups.json": {"SecurityGroups": []},
    "ec2-describe-vpcs.json": {"Vpcs": []},
    "ec2-describe-subnets.json": {"Subnets": []},
    "ec2-describe-route-tables.json": {"RouteTables": []},
    "ec2-describe-network-acls.json": {"NetworkAcls": []},
    "ec2-describe-internet-gateways.json": {"InternetGateways": []},
    "elb-describe-load-balancers.json": {"LoadBalancerDescriptions": []},
    "elbv2-describe-load-balancers.json": {"LoadBalancers": []},
    "lambda-list-functions.json": {"Functions": []},
    "rds-describe-db-instances.json": {"DBInstances": []},
    "redshift-describe-clusters.json": {"Clusters": []},
    "es-list-domain-names.json": {"DomainNames": []},
    "opensearch-list-domain-names.json": {"DomainNames": []},
    "secretsmanager-list-secrets.json": {"SecretList": []},
    "kms-list-keys.json": {"Keys": []},
    "sqs-list-queues.json": {"QueueUrls": []},
    "sns-list-topics.json": {"Topics": []},
    "ecr-describe-repositories.json": {"repositories": []},
    "ecs-list-clusters.json": {"clusterArns": []},
    "dynamodb-list-tables.json": {"TableNames": []},
    "ssm-describe-parameters.json": {"Parameters": []},
    "eks-list-clusters.json": {"clusters": []},
}


def with_empty_services(files: Files) -> Files:
    """Add an empty list response for each list call that `files` lacks."""
    completed = dict(files)
    for name, body in EMPTY_LIST_RESPONSES.items():
        completed.setdefault(name, body)
    return completed


def account_public_access_block(account: str, *, blocked: bool) -> Files:
    """Return the account-wide S3 public access block response."""
    return {
        f"s3control-get-public-access-block/{param_file_name(account)}": {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": blocked,
                "IgnorePublicAcls": blocked,
                "BlockPublicPolicy": blocked,
                "RestrictPublicBuckets": blocked,
            }
        }
    }


ORGANIZATION_ID = "o-lk42xq7m3d"
ROOT_ID = "r-lk42"
PRODUCTION_OU = "ou-lk42-prod0001"
DEVELOPMENT_OU = "ou-lk42-dev00001"


def describe_organization() -> dict[str, Any]:
    """Return `organizations describe-organization`, as any member account sees it."""
    return {
        "Organization": {
            "Id": ORGANIZATION_ID,
            "Arn": f"arn:aws:organizations::{PROD}:organization/{ORGANIZATION_ID}",
            "FeatureSet": "ALL",
            "MasterAccountArn": f"arn:aws:organizations::{PROD}:account/"
            f"{ORGANIZATION_ID}/{PROD}",
            "MasterAccountId": PROD,
            "MasterAccountEmail": "aws-root@larkspur.example",
            "AvailablePolicyTypes": [
                {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}
            ],
        }
    }
