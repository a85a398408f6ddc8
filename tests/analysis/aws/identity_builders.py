"""Small builders for AWS estates in identity-analysis tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from toxicpath.analysis.aws.analyze import analyze_estate
from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import Edge, GraphRecords
from toxicpath.ingest.aws.estate import (
    AccessKey,
    AwsAccount,
    AwsEstate,
    ManagedPolicy,
    Organization,
    Principal,
    ServiceControlPolicy,
)
from toxicpath.ingest.transform import TransformContext

ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"
MANAGEMENT_ACCOUNT = "999999999999"
SCANNED_AT = datetime(2026, 1, 1, tzinfo=UTC)
ADMIN_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def statement(
    effect: str,
    actions: str | list[str],
    resources: str | list[str] = "*",
    condition: dict[str, Any] | None = None,
    sid: str = "",
) -> dict[str, Any]:
    item: dict[str, Any] = {"Effect": effect, "Action": actions, "Resource": resources}
    if condition:
        item["Condition"] = condition
    if sid:
        item["Sid"] = sid
    return item


def allow(
    actions: str | list[str],
    resources: str | list[str] = "*",
    condition: dict[str, Any] | None = None,
    sid: str = "",
) -> dict[str, Any]:
    return statement("Allow", actions, resources, condition, sid)


def deny(
    actions: str | list[str],
    resources: str | list[str] = "*",
    condition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return statement("Deny", actions, resources, condition)


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def arn(kind: str, name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:{kind}/{name}"


def trust(principal: dict[str, Any] | str, **condition: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition:
        item["Condition"] = condition
    return document(item)


def principal(
    kind: str,
    name: str,
    *,
    account: str = ACCOUNT,
    inline: dict[str, Any] | None = None,
    managed: list[str] | None = None,
    groups: list[str] | None = None,
    boundary: str | None = None,
    trust_policy: dict[str, Any] | None = None,
    **fields: Any,
) -> Principal:
    return Principal(
        arn=arn(kind, name, account),
        name=name,
        kind=kind,
        account_id=account,
        id=f"ID{kind.upper()}{name.upper()}",
        inline_policies={"inline": inline} if inline else {},
        managed_policy_arns=list(managed or []),
        group_names=list(groups or []),
        permissions_boundary_arn=boundary,
        trust_policy=trust_policy,
        **fields,
    )


def user(name: str, **kwargs: Any) -> Principal:
    kwargs.setdefault("console_access", False)
    kwargs.setdefault("mfa_enabled", False)
    return principal("user", name, **kwargs)


def role(
    name: str, trust_policy: dict[str, Any] | None = None, **kwargs: Any
) -> Principal:
    if trust_policy is None:
        trust_policy = trust({"Service": "nobody.example.com"})
    return principal("role", name, trust_policy=trust_policy, **kwargs)


def group(name: str, **kwargs: Any) -> Principal:
    return principal("group", name, **kwargs)


def managed_policy(
    name: str,
    versions: dict[str, dict[str, Any]],
    default: str = "v1",
    account: str = ACCOUNT,
) -> ManagedPolicy:
    return ManagedPolicy(
        arn=f"arn:aws:iam::{account}:policy/{name}",
        name=name,
        account_id=account,
        default_version_id=default,
        versions=versions,
    )


def estate(
    *principals: Principal,
    policies: list[ManagedPolicy] | None = None,
    accounts: tuple[str, ...] = (ACCOUNT,),
) -> AwsEstate:
    result = AwsEstate(accounts={a: AwsAccount(id=a) for a in accounts})
    for item in principals:
        result.principals[item.arn] = item
    for policy in policies or []:
        result.policies[policy.arn] = policy
    return result


def with_scp(result: AwsEstate, scp_document: dict[str, Any]) -> AwsEstate:
    """Put ACCOUNT under an organization root with FullAWSAccess at each level
    plus `scp_document` on the account."""
    full_access = ServiceControlPolicy(
        id="p-FullAWSAccess",
        arn="arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
        name="FullAWSAccess",
        document=ADMIN_DOCUMENT,
        target_ids=["r-root", ACCOUNT],
    )
    restriction = ServiceControlPolicy(
        id="p-restrict",
        arn=f"arn:aws:organizations::{MANAGEMENT_ACCOUNT}:policy/o-1/p-restrict",
        name="restrict",
        document=scp_document,
        target_ids=[ACCOUNT],
    )
    result.organization = Organization(
        id="o-1",
        management_account_id=MANAGEMENT_ACCOUNT,
        root_id="r-root",
        parents={ACCOUNT: "r-root"},
        scps=[full_access, restriction],
    )
    return result


def context() -> TransformContext:
    return TransformContext(scan_id="scan-test", scanned_at=SCANNED_AT)


def analyze(result: AwsEstate) -> GraphRecords:
    """Run the whole AWS analysis and check the records against the model."""
    records = analyze_estate(result, context())
    records.add_node(
        "Internet",
        INTERNET_ID,
        cloud="none",
        type="internet",
        name="Internet",
        native_type="",
        account_id="",
        region="",
        tags="{}",
        attrs="{}",
        scan_id="scan-test",
    )
    records.validate()
    return records


def edges(
    records: GraphRecords,
    edge_type: str,
    *,
    source: str | None = None,
    target: str | None = None,
    technique: str | None = None,
) -> list[Edge]:
    found = []
    for edge in records.edges_of_type(edge_type):
        if source is not None and edge.source != source:
            continue
        if target is not None and edge.target != target:
            continue
        if technique is not None and edge.props.get("technique") != technique:
            continue
        found.append(edge)
    return found


def evidence(edge: Edge) -> list[dict[str, Any]]:
    loaded = json.loads(edge.props["evidence"])
    assert isinstance(loaded, list)
    return loaded


def access_key(status: str = "Active", last_used: str = "") -> AccessKey:
    return AccessKey(key_id="AKIAEXAMPLE", status=status, last_used=last_used)
