"""Micro-benchmark of the AWS policy evaluator at estate scale.

Builds an estate of `--accounts` accounts with `--roles` roles and
`--policies` policy documents, then times compiling every document and
asking, for every role, which privilege-escalation actions it may perform
on `*` and on one role ARN of its account.

AWS managed policies are the real documents of the MAMIP collection, read
from `managed-policies/` under `--data` when that folder exists. Some have
hundreds of actions. The rest are generated customer policies with
wildcards, NotAction, resource ARNs and conditions. The candidate actions
are the required actions of the pathfinding.cloud catalog
(`privesc-catalog/gap-analysis.json` under `--data`) when that file exists.

Run: .venv/bin/python bench/aws/bench_evaluator.py [--roles N] [--policies N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toxicpath.analysis.aws.policy import (
    CompiledPolicy,
    PrincipalPolicySet,
    RequestContext,
    allowed_actions,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "aws"

FALLBACK_CANDIDATES = [
    "iam:passrole",
    "iam:createaccesskey",
    "iam:createpolicyversion",
    "iam:attachrolepolicy",
    "iam:putrolepolicy",
    "iam:updateassumerolepolicy",
    "lambda:createfunction",
    "lambda:updatefunctioncode",
    "ec2:runinstances",
    "sts:assumerole",
]
ROLE_ACTIONS = [
    "iam:PassRole",
    "sts:AssumeRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
]
SERVICES = ["s3", "ec2", "iam", "lambda", "sts", "kms", "dynamodb", "sqs", "ssm", "ecs"]
VERBS = ["Get", "List", "Describe", "Put", "Create", "Delete", "Update", "Attach"]
CONDITIONS: list[dict[str, Any]] = [
    {"StringEquals": {"aws:PrincipalTag/team": "red"}},
    {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"StringEquals": {"aws:PrincipalOrgID": "o-bench"}},
    {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
]


@dataclass
class Estate:
    documents: dict[str, dict[str, Any]]
    roles: list[
        tuple[str, str, list[str], str | None]
    ]  # arn, account, policies, boundary
    scps: list[list[str]]
    candidates: list[str]
    managed_count: int


def _load_managed(data: Path) -> dict[str, dict[str, Any]]:
    folder = data / "managed-policies" / "policies"
    documents: dict[str, dict[str, Any]] = {}
    if not folder.is_dir():
        return documents
    for path in sorted(folder.iterdir()):
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        document = body.get("PolicyVersion", {}).get("Document")
        if isinstance(document, dict):
            documents[f"arn:aws:iam::aws:policy/{path.name}"] = document
    return documents


def _load_candidates(data: Path) -> list[str]:
    path = data / "privesc-catalog" / "gap-analysis.json"
    if not path.is_file():
        return FALLBACK_CANDIDATES
    actions = json.loads(path.read_text(encoding="utf-8"))["distinct_required_actions"]
    return [str(action) for action in actions]


def _action_vocabulary(managed: dict[str, dict[str, Any]]) -> list[str]:
    vocabulary: set[str] = set()
    for document in managed.values():
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        for statement in statements:
            actions = statement.get("Action", [])
            if isinstance(actions, str):
                actions = [actions]
            vocabulary.update(a for a in actions if "*" not in a and "?" not in a)
    if not vocabulary:
        vocabulary = {
            f"{s}:{v}Thing{i}" for s in SERVICES for v in VERBS for i in range(5)
        }
    return sorted(vocabulary)


def _customer_statement(
    rng: random.Random, vocabulary: list[str], account: str
) -> dict[str, Any]:
    actions: list[str] = []
    for _ in range(rng.randint(1, 8)):
        roll = rng.random()
        if roll < 0.1:
            actions.append(f"{rng.choice(SERVICES)}:*")
        elif roll < 0.2:
            actions.append(f"{rng.choice(SERVICES)}:{rng.choice(VERBS)}*")
        else:
            actions.append(rng.choice(vocabulary))
    statement: dict[str, Any] = {
        "Effect": "Deny" if rng.random() < 0.15 else "Allow",
        "NotAction" if rng.random() < 0.05 else "Action": actions,
    }
    roll = rng.random()
    if roll < 0.5:
        statement["Resource"] = "*"
    elif roll < 0.75:
        statement["Resource"] = [
            f"arn:aws:iam::{account}:role/team-{rng.randint(0, 50)}/*",
            f"arn:aws:s3:::bucket-{account}-{rng.randint(0, 99)}/*",
        ]
    else:
        statement["Resource"] = f"arn:aws:*:*:{account}:*"
    if rng.random() < 0.2:
        statement["Condition"] = rng.choice(CONDITIONS)
    return statement


def build_estate(
    *, accounts: int, roles: int, policies: int, data: Path, seed: int
) -> Estate:
    rng = random.Random(seed)
    managed = _load_managed(data)
    vocabulary = _action_vocabulary(managed)
    documents: dict[str, dict[str, Any]] = dict(managed)
    managed_ids = list(managed)
    popular = [
        m
        for m in managed_ids
        if m.rsplit("/", 1)[-1]
        in {
            "ReadOnlyAccess",
            "PowerUserAccess",
            "AdministratorAccess",
            "IAMFullAccess",
            "AmazonS3FullAccess",
            "AWSLambda_FullAccess",
            "AmazonEC2FullAccess",
        }
    ]

    customer_count = max(policies - len(managed), 0)
    account_ids = [f"{100000000000 + index:012d}" for index in range(accounts)]
    customer_ids: list[str] = []
    for index in range(customer_count):
        account = account_ids[index % accounts]
        policy_id = f"arn:aws:iam::{account}:policy/customer-{index}"
        documents[policy_id] = {
            "Version": "2012-10-17",
            "Statement": [
                _customer_statement(rng, vocabulary, account)
                for _ in range(rng.randint(1, 4))
            ],
        }
        customer_ids.append(policy_id)

    boundary_ids = customer_ids[:20]
    role_list: list[tuple[str, str, list[str], str | None]] = []
    per_role = max(customer_count // max(roles, 1), 1)
    cursor = 0
    for index in range(roles):
        account = account_ids[index % accounts]
        attached: list[str] = []
        if managed_ids:
            pool = popular if popular and rng.random() < 0.3 else managed_ids
            attached.extend(rng.sample(pool, k=min(len(pool), rng.randint(1, 2))))
        for _ in range(per_role + (1 if rng.random() < 0.4 else 0)):
            attached.append(customer_ids[cursor % len(customer_ids)])
            cursor += 1
        boundary = rng.choice(boundary_ids) if rng.random() < 0.1 else None
        role_list.append(
            (
                f"arn:aws:iam::{account}:role/team-{index % 50}/role-{index}",
                account,
                attached,
                boundary,
            )
        )

    documents["scp-full-access"] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    documents["scp-guardrails"] = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": ["organizations:LeaveOrganization", "iam:CreateUser"],
                "Resource": "*",
                "Condition": {
                    "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}
                },
            },
        ],
    }
    return Estate(
        documents=documents,
        roles=role_list,
        scps=[["scp-full-access"], ["scp-guardrails"]],
        candidates=_load_candidates(data),
        managed_count=len(managed),
    )


def run(estate: Estate) -> dict[str, float]:
    started = time.perf_counter()
    cpu_started = time.process_time()
    compiled = {
        policy_id: CompiledPolicy.compile(document, policy_id=policy_id)
        for policy_id, document in estate.documents.items()
    }
    compile_seconds = time.perf_counter() - started
    compile_cpu_seconds = time.process_time() - cpu_started
    statement_count = sum(len(policy.statements) for policy in compiled.values())

    scp_levels = [[compiled[policy_id] for policy_id in level] for level in estate.scps]
    allowed = 0
    conditional = 0
    evaluations = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    for arn, account, attached, boundary in estate.roles:
        policy_set = PrincipalPolicySet(
            identity_policies=[compiled[policy_id] for policy_id in attached],
            boundary=compiled[boundary] if boundary else None,
            scp_levels=scp_levels,
        )
        context = RequestContext(principal_arn=arn, principal_account=account)
        for resource, candidates in (
            ("*", estate.candidates),
            (f"arn:aws:iam::{account}:role/admin", ROLE_ACTIONS),
        ):
            results = allowed_actions(
                policy_set,
                resource=resource,
                candidate_actions=candidates,
                context=context,
            )
            evaluations += len(results)
            for result in results.values():
                if result.allowed:
                    allowed += 1
                    conditional += result.conditional
    evaluate_seconds = time.perf_counter() - started
    evaluate_cpu_seconds = time.process_time() - cpu_started
    return {
        "policies": len(compiled),
        "statements": statement_count,
        "roles": len(estate.roles),
        "compile_seconds": compile_seconds,
        "compile_cpu_seconds": compile_cpu_seconds,
        "evaluate_seconds": evaluate_seconds,
        "evaluate_cpu_seconds": evaluate_cpu_seconds,
        "evaluations": evaluations,
        "allowed": allowed,
        "conditional": conditional,
        "cpu_microseconds_per_evaluation": evaluate_cpu_seconds
        / max(evaluations, 1)
        * 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10, help="number of accounts")
    parser.add_argument("--roles", type=int, default=20_000, help="number of roles")
    parser.add_argument(
        "--policies", type=int, default=50_000, help="number of policy documents"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder with managed-policies/ and privesc-catalog/",
    )
    arguments = parser.parse_args(argv)

    estate = build_estate(
        accounts=arguments.accounts,
        roles=arguments.roles,
        policies=arguments.policies,
        data=arguments.data,
        seed=arguments.seed,
    )
    print(
        f"estate: {arguments.accounts} accounts, {len(estate.roles)} roles,"
        f" {len(estate.documents)} policies ({estate.managed_count} AWS managed),"
        f" {len(estate.candidates)} candidate actions",
        file=sys.stderr,
    )

    numbers = run(estate)
    for name, value in numbers.items():
        if isinstance(value, float):
            print(f"{name}: {value:.3f}")
        else:
            print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
