"""Responses of the production account (210987654321) of the demo estate."""

from __future__ import annotations

from typing import Any

from toxicpath.ingest.demo.aws_production_network import (
    production_load_balancers,
    production_network,
)
from toxicpath.ingest.demo.aws_shapes import (
    ADMIN_MANAGED,
    ADMIN_POLICY,
    CREATED,
    DEV,
    DEVELOPMENT_OU,
    ORGANIZATION_ID,
    PARTNER,
    PROD,
    PROD_CANONICAL_ID,
    PRODUCTION_OU,
    REGION,
    ROOT_ID,
    Files,
    account_public_access_block,
    allow,
    bucket_files,
    credential_report,
    describe_organization,
    doc,
    param_file_name,
    policy_text,
    report_row,
    role,
    tags,
    trust,
    user,
    with_empty_services,
)

_WEB_ROLE_POLICY = doc(
    {
        "Sid": "ReadCustomerData",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [
            "arn:aws:s3:::larkspur-customer-data",
            "arn:aws:s3:::larkspur-customer-data/*",
        ],
    },
    {
        "Sid": "DeployThumbnailers",
        "Effect": "Allow",
        "Action": [
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
            "lambda:GetFunction",
        ],
        "Resource": "*",
    },
)


def _prod_iam() -> dict[str, Any]:
    roles = [
        role(
            PROD,
            "web-server-role",
            trust({"Service": "ec2.amazonaws.com"}),
            role_id="AROAPRODWEBSERVER0001",
            inline={"web-app": _WEB_ROLE_POLICY},
            profile="web-server-profile",
        ),
        role(
            PROD,
            "lambda-deploy-admin",
            trust({"Service": "lambda.amazonaws.com"}),
            role_id="AROAPRODLAMBDAADMIN01",
            managed=(ADMIN_POLICY,),
        ),
        role(
            PROD,
            "partner-integration",
            trust({"AWS": f"arn:aws:iam::{PARTNER}:root"}),
            role_id="AROAPRODPARTNER000001",
            inline={
                "partner-read": doc(
                    allow(
                        ["s3:GetObject", "s3:ListBucket"],
                        [
                            "arn:aws:s3:::larkspur-customer-data",
                            "arn:aws:s3:::larkspur-customer-data/*",
                        ],
                    )
                )
            },
        ),
        role(
            PROD,
            "webhook-handler-role",
            trust({"Service": "lambda.amazonaws.com"}),
            role_id="AROAPRODWEBHOOK000001",
            managed=(ADMIN_POLICY,),
            path="/service-role/",
        ),
        role(
            PROD,
            "thumbnailer-role",
            trust({"Service": "lambda.amazonaws.com"}),
            role_id="AROAPRODTHUMBNAILER01",
            inline={
                "thumbnails": doc(
                    allow(
                        ["s3:GetObject", "s3:PutObject"],
                        "arn:aws:s3:::larkspur-app-logs/thumbnails/*",
                    )
                )
            },
        ),
        role(
            PROD,
            "reporting-role",
            trust({"AWS": f"arn:aws:iam::{DEV}:role/deploy-role"}),
            role_id="AROAPRODREPORTING0001",
            inline={
                "reporting": doc(
                    allow(
                        [
                            "secretsmanager:GetSecretValue",
                            "secretsmanager:ListSecrets",
                            "secretsmanager:DescribeSecret",
                        ],
                        "*",
                    ),
                    allow(["rds:Describe*", "cloudwatch:GetMetricData"], "*"),
                )
            },
        ),
        role(
            PROD,
            "app-server-role",
            trust({"Service": "ec2.amazonaws.com"}),
            role_id="AROAPRODAPPSERVER0001",
            inline={
                "app": doc(
                    allow("s3:PutObject", "arn:aws:s3:::larkspur-app-logs/app/*")
                )
            },
            profile="app-server-profile",
        ),
    ]
    users = [
        user(
            PROD, "ops-admin", user_id="AIDAPRODOPSADMIN00001", managed=(ADMIN_POLICY,)
        ),
    ]
    return {
        "UserDetailList": users,
        "GroupDetailList": [],
        "RoleDetailList": roles,
        "Policies": [ADMIN_MANAGED],
        "IsTruncated": False,
    }


_DATA_KEY_ID = "5b3e9f0a-7c21-4d6e-9a8b-2f4c6d8e0a11"
_DATA_KEY = f"arn:aws:kms:{REGION}:{PROD}:key/{_DATA_KEY_ID}"


def _prod_storage() -> Files:
    buckets = [
        "larkspur-customer-data",
        "larkspur-customer-exports",
        "larkspur-app-logs",
    ]
    files: Files = {
        "s3-list-buckets.json": {
            "Buckets": [{"Name": name, "CreationDate": CREATED} for name in buckets],
            "Owner": {
                "DisplayName": "larkspur-prod",
                "ID": PROD_CANONICAL_ID,
            },
        }
    }
    files.update(
        bucket_files(
            "larkspur-customer-data",
            tags=tags(data_classification="restricted", owner="data-platform"),
            policy=None,
            block_public=True,
            kms_key=_DATA_KEY,
            owner_id=PROD_CANONICAL_ID,
        )
    )
    files.update(
        bucket_files(
            "larkspur-customer-exports",
            tags=tags(data_classification="confidential", owner="growth"),
            policy=doc(
                {
                    "Sid": "PartnerDownloads",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::larkspur-customer-exports/*",
                }
            ),
            block_public=False,
            kms_key=None,
            owner_id=PROD_CANONICAL_ID,
        )
    )
    files.update(
        bucket_files(
            "larkspur-app-logs",
            tags=tags(owner="platform"),
            policy=doc(
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [
                        "arn:aws:s3:::larkspur-app-logs",
                        "arn:aws:s3:::larkspur-app-logs/*",
                    ],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ),
            block_public=True,
            kms_key=_DATA_KEY,
            owner_id=PROD_CANONICAL_ID,
        )
    )
    return files


def _prod_services() -> Files:
    webhook = f"arn:aws:lambda:{REGION}:{PROD}:function:webhook-handler"
    thumbnailer = f"arn:aws:lambda:{REGION}:{PROD}:function:thumbnailer"

    def function(arn: str, role: str, variables: dict[str, str]) -> dict[str, Any]:
        name = arn.rsplit(":", 1)[-1]
        return {
            "FunctionName": name,
            "FunctionArn": arn,
            "Runtime": "python3.12",
            "Role": role,
            "Handler": "app.handler",
            "CodeSize": 48213,
            "Description": "",
            "Timeout": 30,
            "MemorySize": 256,
            "LastModified": "2026-09-18T14:22:05.000+0000",
            "CodeSha256": "nLr1H0n8oX3wqQ0cK2c8y1mJ0mTqkq7m0bYHqkG1c3E=",
            "Version": "$LATEST",
            "Environment": {"Variables": variables},
            "TracingConfig": {"Mode": "PassThrough"},
            "PackageType": "Zip",
            "Architectures": ["arm64"],
        }

    return {
        "lambda-list-functions.json": {
            "Functions": [
                function(
                    webhook,
                    f"arn:aws:iam::{PROD}:role/service-role/webhook-handler-role",
                    {"STAGE": "prod", "SIGNING_SECRET": "demo-not-a-real-secret"},
                ),
                function(
                    thumbnailer,
                    f"arn:aws:iam::{PROD}:role/thumbnailer-role",
                    {"STAGE": "prod"},
                ),
            ]
        },
        f"lambda-get-function-url-config/{param_file_name('webhook-handler')}": {
            "FunctionUrl": "https://q4x7k2m9d1a3b5c6e8f0g2h4j6k8l0n2.lambda-url.us-east-1.on.aws/",
            "FunctionArn": webhook,
            "AuthType": "NONE",
            "CreationTime": "2026-09-18T14:30:00.000000Z",
            "LastModifiedTime": "2026-09-18T14:30:00.000000Z",
            "InvokeMode": "BUFFERED",
        },
        f"lambda-get-policy/{param_file_name('webhook-handler')}": {
            "Policy": policy_text(
                {
                    "Version": "2012-10-17",
                    "Id": "default",
                    "Statement": [
                        {
                            "Sid": "FunctionURLAllowPublicAccess",
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "lambda:InvokeFunctionUrl",
                            "Resource": webhook,
                            "Condition": {
                                "StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}
                            },
                        }
                    ],
                }
            ),
            "RevisionId": "0d6b3c9e-2a41-4f7b-8e15-7a9c0b2d4e61",
        },
        "secretsmanager-list-secrets.json": {
            "SecretList": [
                {
                    "ARN": f"arn:aws:secretsmanager:{REGION}:{PROD}:secret:"
                    "prod/payments/db-credentials-Q1w2E3",
                    "Name": "prod/payments/db-credentials",
                    "Description": "Payments database master credentials",
                    "KmsKeyId": _DATA_KEY,
                    "RotationEnabled": False,
                    "LastChangedDate": "2026-02-01T10:00:00+00:00",
                    "Tags": tags(owner="payments"),
                    "SecretVersionsToStages": {
                        "7b0e4c1a-3d5f-4a2b-9c8e-1f0a2b3c4d5e": ["AWSCURRENT"]
                    },
                }
            ]
        },
        "kms-list-keys.json": {"Keys": [{"KeyId": _DATA_KEY_ID, "KeyArn": _DATA_KEY}]},
        "kms-list-aliases.json": {
            "Aliases": [
                {
                    "AliasName": "alias/larkspur-data",
                    "AliasArn": f"arn:aws:kms:{REGION}:{PROD}:alias/larkspur-data",
                    "TargetKeyId": _DATA_KEY_ID,
                }
            ]
        },
        "rds-describe-db-instances.json": {
            "DBInstances": [
                {
                    "DBInstanceIdentifier": "orders-db",
                    "DBInstanceClass": "db.t4g.medium",
                    "Engine": "postgres",
                    "EngineVersion": "16.3",
                    "DBInstanceStatus": "available",
                    "MasterUsername": "orders_admin",
                    "Endpoint": {
                        "Address": "orders-db.c9akciq32.us-east-1.rds.amazonaws.com",
                        "Port": 5432,
                        "HostedZoneId": "Z2R2ITUGPM61AM",
                    },
                    "VpcSecurityGroups": [
                        {
                            "VpcSecurityGroupId": "sg-0a11ce5db0000001",
                            "Status": "active",
                        }
                    ],
                    "DBSubnetGroup": {
                        "DBSubnetGroupName": "private",
                        "VpcId": "vpc-0a11ce5prod00001",
                        "SubnetGroupStatus": "Complete",
                        "Subnets": [
                            {
                                "SubnetIdentifier": "subnet-0a11ce5priv0001",
                                "SubnetAvailabilityZone": {"Name": "us-east-1a"},
                                "SubnetStatus": "Active",
                            }
                        ],
                    },
                    "PubliclyAccessible": False,
                    "StorageEncrypted": True,
                    "KmsKeyId": _DATA_KEY,
                    "DBInstanceArn": f"arn:aws:rds:{REGION}:{PROD}:db:orders-db",
                    "TagList": tags(owner="payments"),
                }
            ]
        },
    }


_FULL_ACCESS_SCP = "p-FullAWSAccess"
_DENY_LEAVE_SCP = "p-lk42denyleave"


def _prod_organization() -> Files:
    """Return the organization tree and its SCPs, read from the management account."""
    root_arn = f"arn:aws:organizations::{PROD}:root/{ORGANIZATION_ID}/{ROOT_ID}"

    def account(account_id: str, name: str) -> dict[str, Any]:
        return {
            "Id": account_id,
            "Arn": f"arn:aws:organizations::{PROD}:account/{ORGANIZATION_ID}/"
            f"{account_id}",
            "Email": f"aws+{name}@larkspur.example",
            "Name": name,
            "Status": "ACTIVE",
            "JoinedMethod": "CREATED",
            "JoinedTimestamp": CREATED,
        }

    def unit(unit_id: str, name: str) -> dict[str, Any]:
        return {
            "Id": unit_id,
            "Arn": f"arn:aws:organizations::{PROD}:ou/{ORGANIZATION_ID}/{unit_id}",
            "Name": name,
        }

    def policy(policy_id: str, name: str, aws_managed: bool) -> dict[str, Any]:
        owner = "aws" if aws_managed else PROD
        return {
            "Id": policy_id,
            "Arn": f"arn:aws:organizations::{owner}:policy/service_control_policy/"
            f"{policy_id}",
            "Name": name,
            "Description": name,
            "Type": "SERVICE_CONTROL_POLICY",
            "AwsManaged": aws_managed,
        }

    def target(target_id: str, name: str, kind: str) -> dict[str, Any]:
        return {"TargetId": target_id, "Arn": "", "Name": name, "Type": kind}

    full_access = policy(_FULL_ACCESS_SCP, "FullAWSAccess", True)
    deny_leave = policy(_DENY_LEAVE_SCP, "deny-leave-organization", False)
    return {
        "organizations-describe-organization.json": describe_organization(),
        "organizations-list-roots.json": {
            "Roots": [
                {
                    "Id": ROOT_ID,
                    "Arn": root_arn,
                    "Name": "Root",
                    "PolicyTypes": [
                        {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}
                    ],
                }
            ]
        },
        "organizations-list-accounts.json": {
            "Accounts": [account(PROD, "larkspur-prod"), account(DEV, "larkspur-dev")]
        },
        f"organizations-list-organizational-units-for-parent/{ROOT_ID}": {
            "OrganizationalUnits": [
                unit(PRODUCTION_OU, "Production"),
                unit(DEVELOPMENT_OU, "Development"),
            ]
        },
        f"organizations-list-accounts-for-parent/{PRODUCTION_OU}": {
            "Accounts": [account(PROD, "larkspur-prod")]
        },
        f"organizations-list-accounts-for-parent/{DEVELOPMENT_OU}": {
            "Accounts": [account(DEV, "larkspur-dev")]
        },
        "organizations-list-policies/SERVICE_CONTROL_POLICY": {
            "Policies": [full_access, deny_leave]
        },
        f"organizations-describe-policy/{_FULL_ACCESS_SCP}": {
            "Policy": {
                "PolicySummary": full_access,
                "Content": policy_text(doc(allow("*", "*"))),
            }
        },
        f"organizations-describe-policy/{_DENY_LEAVE_SCP}": {
            "Policy": {
                "PolicySummary": deny_leave,
                "Content": policy_text(
                    doc(
                        {
                            "Sid": "DenyLeaveOrganization",
                            "Effect": "Deny",
                            "Action": "organizations:LeaveOrganization",
                            "Resource": "*",
                        }
                    )
                ),
            }
        },
        f"organizations-list-targets-for-policy/{_FULL_ACCESS_SCP}": {
            # AWS attaches FullAWSAccess to every root, OU and account by
            # default; without it at a level, everything there is denied.
            "Targets": [
                target(ROOT_ID, "Root", "ROOT"),
                target(PRODUCTION_OU, "Production", "ORGANIZATIONAL_UNIT"),
                target(DEVELOPMENT_OU, "Development", "ORGANIZATIONAL_UNIT"),
                target(PROD, "larkspur-prod", "ACCOUNT"),
                target(DEV, "larkspur-dev", "ACCOUNT"),
            ]
        },
        f"organizations-list-targets-for-policy/{_DENY_LEAVE_SCP}": {
            "Targets": [
                target(PRODUCTION_OU, "Production", "ORGANIZATIONAL_UNIT"),
                target(DEVELOPMENT_OU, "Development", "ORGANIZATIONAL_UNIT"),
            ]
        },
    }


def _prod_parameters() -> Files:
    """Return the SSM parameters; describe-parameters never returns values."""
    return {
        "ssm-describe-parameters.json": {
            "Parameters": [
                {
                    "Name": "/prod/web/session-signing-key",
                    "ARN": f"arn:aws:ssm:{REGION}:{PROD}:parameter/prod/web/"
                    "session-signing-key",
                    "Type": "SecureString",
                    "KeyId": "alias/aws/ssm",
                    "LastModifiedDate": "2026-06-01T09:00:00+00:00",
                    "LastModifiedUser": f"arn:aws:iam::{PROD}:user/ops-admin",
                    "Version": 3,
                    "Tier": "Standard",
                    "DataType": "text",
                }
            ]
        }
    }


def production_files() -> Files:
    """Return the production account's files by path under its region folder."""
    files: Files = {
        "sts-get-caller-identity.json": {
            "UserId": "AIDAPRODOPSADMIN00001",
            "Account": PROD,
            "Arn": f"arn:aws:iam::{PROD}:user/ops-admin",
        },
        "iam-list-account-aliases.json": {"AccountAliases": ["larkspur-prod"]},
        "iam-get-account-authorization-details.json": _prod_iam(),
        "iam-get-credential-report.json": credential_report(
            [
                report_row(
                    PROD, "<root_account>", password=True, mfa=True, key_active=False
                ),
                report_row(
                    PROD, "ops-admin", password=True, mfa=True, key_active=False
                ),
            ]
        ),
    }
    files.update(production_network())
    files.update(production_load_balancers())
    files.update(_prod_storage())
    files.update(_prod_services())
    files.update(_prod_organization())
    files.update(_prod_parameters())
    files.update(account_public_access_block(PROD, blocked=False))
    return with_empty_services(files)
