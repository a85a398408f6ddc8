"""Generate a synthetic AWS estate as a toxicpath snapshot, for benchmarks.

The estate has `--accounts` accounts sharing `--roles` roles, `--users`
users, `--groups` groups, `--policies` customer managed policies and
`--buckets` buckets, as `get-account-authorization-details`, `list-buckets`
and `get-bucket-policy` responses that the real parser reads.

What it contains, so that every analysis step has work:
- policies of one to four statements: service wildcards (`s3:Get*`,
  `dynamodb:*`), resource ARNs with prefixes, Deny statements, NotAction,
  conditions on source address and principal tags, and a few escalation
  grants (PassRole with Lambda, CreateAccessKey, AttachRolePolicy);
- roles built mostly from a small set of role families, because real
  estates reuse policy combinations, and partly from random picks. One
  percent are admins. Trust policies name services, the account root,
  another role of the account (trust chains) or another account's root;
- users in one to three groups, some with inline policies and keys;
- buckets, some with public or cross-account bucket policies.

Run: .venv/bin/python bench/aws/generate_estate.py --out estate.jsonl.gz
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toxicpath.ingest.snapshot import RawResponse, Snapshot, write_snapshot

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
SERVICES = ("lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com")
REGION = "us-east-1"


@dataclass(frozen=True)
class EstateSize:
    accounts: int = 10
    roles: int = 20_000
    users: int = 5_000
    groups: int = 500
    policies: int = 50_000
    buckets: int = 2_000
    role_families: int = 40
    seed: int = 7


def account_ids(size: EstateSize) -> list[str]:
    return [f"{100000000000 + index:012d}" for index in range(size.accounts)]


def _share(total: int, accounts: int, index: int) -> int:
    base, extra = divmod(total, accounts)
    return base + (1 if index < extra else 0)


def _statement(
    rng: random.Random, account: str, bucket_names: list[str], roles: int, users: int
) -> dict[str, Any]:
    """Return one random statement, mostly ordinary, narrowly scoped access.

    The weights are a guess at a typical estate: most grants name one
    bucket or one service, a few are broad (`NotAction`, tag conditions on
    `*`), and escalation-capable grants are rare.
    """
    choice = rng.random()
    bucket = rng.choice(bucket_names) if bucket_names else "none"
    role = f"arn:aws:iam::{account}:role/role-{rng.randrange(max(roles, 1))}"
    user = f"arn:aws:iam::{account}:user/user-{rng.randrange(max(users, 1))}"
    if choice < 0.28:
        return {
            "Effect": "Allow",
            "Action": rng.choice(["s3:GetObject", "s3:Get*", "s3:PutObject"]),
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        }
    if choice < 0.30:
        # A prefix grant that covers about ten buckets.
        return {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket[:-1]}*",
        }
    if choice < 0.45:
        service = rng.choice(["dynamodb", "sqs", "sns", "secretsmanager", "ssm"])
        return {
            "Effect": "Allow",
            "Action": f"{service}:{rng.choice(['*', 'Get*', 'List*', 'Put*'])}",
            "Resource": "*",
        }
    if choice < 0.55:
        return {
            "Effect": "Deny",
            "Action": rng.choice(
                ["s3:DeleteBucket", "iam:*", "kms:ScheduleKeyDeletion"]
            ),
            "Resource": "*",
        }
    if choice < 0.56:
        return {
            "Effect": "Allow",
            "NotAction": ["iam:*", "organizations:*", "sts:*"],
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}},
        }
    if choice < 0.62:
        return {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role}
    if choice < 0.64:
        return {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}},
        }
    if choice < 0.65:
        return {
            "Effect": "Allow",
            "Action": [
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:InvokeFunction",
            ],
            "Resource": "*",
        }
    if choice < 0.67:
        return {
            "Effect": "Allow",
            "Action": ["iam:PassRole", "ec2:RunInstances"],
            "Resource": role,
        }
    if choice < 0.70:
        return {
            "Effect": "Allow",
            "Action": "iam:CreateAccessKey",
            "Resource": user,
        }
    if choice < 0.72:
        return {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": role}
    return {
        "Effect": "Allow",
        "Action": ["ec2:Describe*", "cloudwatch:*"],
        "Resource": "*",
    }


def _trust(
    rng: random.Random, account: str, others: list[str], index: int
) -> dict[str, Any]:
    choice = rng.random()
    if choice < 0.60:
        principal: dict[str, Any] = {"Service": rng.choice(SERVICES)}
    elif choice < 0.80:
        principal = {"AWS": f"arn:aws:iam::{account}:root"}
    elif choice < 0.95 and index > 0:
        principal = {"AWS": f"arn:aws:iam::{account}:role/role-{rng.randrange(index)}"}
    else:
        principal = {"AWS": f"arn:aws:iam::{rng.choice(others)}:root"}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
        ],
    }


def _account_page(
    rng: random.Random, size: EstateSize, account: str, index: int, others: list[str]
) -> tuple[dict[str, Any], list[str]]:
    roles = _share(size.roles, size.accounts, index)
    users = _share(size.users, size.accounts, index)
    groups = max(1, _share(size.groups, size.accounts, index))
    policies = max(1, _share(size.policies, size.accounts, index))
    buckets = [
        f"acct{index}-data-{number}"
        for number in range(_share(size.buckets, size.accounts, index))
    ]
    policy_arns = [f"arn:aws:iam::{account}:policy/policy-{n}" for n in range(policies)]
    policy_list = [
        {
            "PolicyName": f"policy-{n}",
            "Arn": arn,
            "Path": "/",
            "DefaultVersionId": "v1",
            "AttachmentCount": 1,
            "PolicyVersionList": [
                {
                    "VersionId": "v1",
                    "IsDefaultVersion": True,
                    "Document": {
                        "Version": "2012-10-17",
                        "Statement": [
                            _statement(rng, account, buckets, roles, users)
                            for _ in range(rng.randint(1, 4))
                        ],
                    },
                }
            ],
        }
        for n, arn in enumerate(policy_arns)
    ]
    policy_list.append(
        {
            "PolicyName": "AdministratorAccess",
            "Arn": ADMIN_POLICY_ARN,
            "Path": "/",
            "DefaultVersionId": "v1",
            "PolicyVersionList": [
                {
                    "VersionId": "v1",
                    "IsDefaultVersion": True,
                    "Document": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Effect": "Allow", "Action": "*", "Resource": "*"}
                        ],
                    },
                }
            ],
        }
    )
    families = [
        rng.sample(policy_arns, min(len(policy_arns), rng.randint(1, 5)))
        for _ in range(size.role_families)
    ]

    def attached(number: int) -> list[dict[str, str]]:
        if rng.random() < 0.01:
            arns = [ADMIN_POLICY_ARN]
        elif rng.random() < 0.7:
            arns = families[number % len(families)]
        else:
            arns = rng.sample(policy_arns, min(len(policy_arns), rng.randint(1, 4)))
        return [
            {"PolicyArn": arn, "PolicyName": arn.rsplit("/", 1)[-1]} for arn in arns
        ]

    role_list = [
        {
            "RoleName": f"role-{n}",
            "RoleId": f"AROA{index:03d}{n:08d}",
            "Arn": f"arn:aws:iam::{account}:role/role-{n}",
            "Path": "/",
            "CreateDate": "2024-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": _trust(rng, account, others, n),
            "AttachedManagedPolicies": attached(n),
            "RolePolicyList": [],
            "InstanceProfileList": [],
            "Tags": [],
            "RoleLastUsed": {},
        }
        for n in range(roles)
    ]
    group_list = [
        {
            "GroupName": f"group-{n}",
            "GroupId": f"AGPA{index:03d}{n:08d}",
            "Arn": f"arn:aws:iam::{account}:group/group-{n}",
            "Path": "/",
            "CreateDate": "2024-01-01T00:00:00Z",
            "AttachedManagedPolicies": attached(n),
            "GroupPolicyList": [],
        }
        for n in range(groups)
    ]
    user_list = []
    for n in range(users):
        entry: dict[str, Any] = {
            "UserName": f"user-{n}",
            "UserId": f"AIDA{index:03d}{n:08d}",
            "Arn": f"arn:aws:iam::{account}:user/user-{n}",
            "Path": "/",
            "CreateDate": "2024-01-01T00:00:00Z",
            "GroupList": [
                f"group-{g}"
                for g in rng.sample(range(groups), min(groups, rng.randint(1, 3)))
            ],
            "AttachedManagedPolicies": [],
            "UserPolicyList": [],
            "Tags": [],
        }
        if rng.random() < 0.2:
            entry["UserPolicyList"] = [
                {
                    "PolicyName": "inline",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [_statement(rng, account, buckets, roles, users)],
                    },
                }
            ]
        user_list.append(entry)
    page = {
        "UserDetailList": user_list,
        "GroupDetailList": group_list,
        "RoleDetailList": role_list,
        "Policies": policy_list,
    }
    return page, buckets


def _bucket_policy(
    rng: random.Random, name: str, others: list[str]
) -> dict[str, Any] | None:
    choice = rng.random()
    if choice < 0.03:
        principal: Any = "*"
    elif choice < 0.10:
        principal = {"AWS": f"arn:aws:iam::{rng.choice(others)}:root"}
    else:
        return None
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": principal,
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*",
            }
        ],
    }


def generate_snapshot(size: EstateSize) -> Snapshot:
    """Build the synthetic estate's snapshot in memory."""
    import json

    rng = random.Random(size.seed)
    snapshot = Snapshot(kind="import")
    accounts = account_ids(size)
    for index, account in enumerate(accounts):
        others = [a for a in accounts if a != account] or ["999999999999"]
        page, buckets = _account_page(rng, size, account, index, others)
        snapshot.add_response(
            RawResponse(
                "aws",
                account,
                "global",
                "iam",
                "get-account-authorization-details",
                body=page,
            )
        )
        snapshot.add_response(
            RawResponse(
                "aws",
                account,
                REGION,
                "s3",
                "list-buckets",
                body={
                    "Owner": {"ID": f"owner-{index}"},
                    "Buckets": [{"Name": name} for name in buckets],
                },
            )
        )
        for name in buckets:
            policy = _bucket_policy(rng, name, others)
            if policy is not None:
                snapshot.add_response(
                    RawResponse(
                        "aws",
                        account,
                        REGION,
                        "s3",
                        "get-bucket-policy",
                        params={"Bucket": name},
                        body={"Policy": json.dumps(policy)},
                    )
                )
    return snapshot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--accounts", type=int, default=10, help="number of accounts")
    parser.add_argument("--roles", type=int, default=20_000, help="roles in total")
    parser.add_argument("--users", type=int, default=5_000, help="users in total")
    parser.add_argument("--groups", type=int, default=500, help="groups in total")
    parser.add_argument(
        "--policies", type=int, default=50_000, help="managed policies in total"
    )
    parser.add_argument("--buckets", type=int, default=2_000, help="buckets in total")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    parser.add_argument(
        "--out", type=Path, required=True, help="snapshot file to write"
    )
    args = parser.parse_args()
    size = EstateSize(
        accounts=args.accounts,
        roles=args.roles,
        users=args.users,
        groups=args.groups,
        policies=args.policies,
        buckets=args.buckets,
        seed=args.seed,
    )
    write_snapshot(generate_snapshot(size), args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
