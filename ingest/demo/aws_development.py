"""Responses of the development account (310987654321) of the demo estate."""

from __future__ import annotations

from typing import Any

from toxicpath.ingest.demo.aws_shapes import (
    ADMIN_MANAGED,
    ADMIN_POLICY,
    CREATED,
    DEV,
    DEV_CANONICAL_ID,
    PROD,
    Files,
    account_public_access_block,
    allow,
    bucket_files,
    credential_report,
    describe_organization,
    doc,
    managed_policy,
    report_row,
    role,
    tags,
    trust,
    user,
    with_empty_services,
)


def _dev_iam() -> dict[str, Any]:
    developer_tools = f"arn:aws:iam::{DEV}:policy/developer-tools"
    roles = [
        role(
            DEV,
            "build-role",
            trust({"AWS": f"arn:aws:iam::{DEV}:user/ci-bot"}),
            role_id="AROADEVBUILD000000001",
            inline={
                "chain": doc(
                    allow("sts:AssumeRole", f"arn:aws:iam::{DEV}:role/deploy-role"),
                    allow(["codebuild:StartBuild", "logs:PutLogEvents"], "*"),
                )
            },
        ),
        role(
            DEV,
            "deploy-role",
            trust({"AWS": f"arn:aws:iam::{DEV}:role/build-role"}),
            role_id="AROADEVDEPLOY00000001",
            inline={
                "chain": doc(
                    allow(
                        "sts:AssumeRole",
                        [
                            f"arn:aws:iam::{DEV}:role/platform-admin",
                            f"arn:aws:iam::{PROD}:role/reporting-role",
                        ],
                    ),
                    allow(["cloudformation:*"], "*"),
                )
            },
        ),
        role(
            DEV,
            "platform-admin",
            trust({"AWS": f"arn:aws:iam::{DEV}:role/deploy-role"}),
            role_id="AROADEVPLATFORMADMIN1",
            managed=(ADMIN_POLICY,),
        ),
    ]
    users = [
        user(DEV, "alice", user_id="AIDADEVALICE000000001", managed=(developer_tools,)),
        user(
            DEV,
            "ci-bot",
            user_id="AIDADEVCIBOT000000001",
            inline={
                "assume-build": doc(
                    allow("sts:AssumeRole", f"arn:aws:iam::{DEV}:role/build-role")
                )
            },
        ),
    ]
    policies = [
        managed_policy(
            developer_tools,
            "ANPADEVDEVELOPERTOOLS",
            doc(
                {
                    "Sid": "ManagePolicies",
                    "Effect": "Allow",
                    "Action": ["iam:CreatePolicyVersion", "iam:Get*", "iam:List*"],
                    "Resource": "*",
                },
                allow(["ec2:Describe*", "logs:Get*", "logs:Describe*"], "*"),
            ),
            1,
        ),
        ADMIN_MANAGED,
    ]
    return {
        "UserDetailList": users,
        "GroupDetailList": [],
        "RoleDetailList": roles,
        "Policies": policies,
        "IsTruncated": False,
    }


def development_files() -> Files:
    """Return the development account's files by path under its region folder."""
    files: Files = {
        "sts-get-caller-identity.json": {
            "UserId": "AIDADEVALICE000000001",
            "Account": DEV,
            "Arn": f"arn:aws:iam::{DEV}:user/alice",
        },
        "iam-list-account-aliases.json": {"AccountAliases": ["larkspur-dev"]},
        "iam-get-account-authorization-details.json": _dev_iam(),
        "iam-get-credential-report.json": credential_report(
            [
                report_row(
                    DEV, "<root_account>", password=True, mfa=True, key_active=False
                ),
                report_row(DEV, "alice", password=True, mfa=False, key_active=False),
                report_row(DEV, "ci-bot", password=False, mfa=False, key_active=True),
            ]
        ),
        "s3-list-buckets.json": {
            "Buckets": [{"Name": "larkspur-dev-scratch", "CreationDate": CREATED}],
            "Owner": {
                "DisplayName": "larkspur-dev",
                "ID": DEV_CANONICAL_ID,
            },
        },
    }
    files.update(
        bucket_files(
            "larkspur-dev-scratch",
            tags=tags(owner="engineering"),
            policy=None,
            block_public=True,
            kms_key=None,
            owner_id=DEV_CANONICAL_ID,
        )
    )
    files["organizations-describe-organization.json"] = describe_organization()
    files.update(account_public_access_block(DEV, blocked=True))
    return with_empty_services(files)
