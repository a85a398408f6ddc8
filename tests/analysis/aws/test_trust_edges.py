"""CAN_ASSUME edges from role trust policies."""

from __future__ import annotations

from identity_builders import (
    ACCOUNT,
    ADMIN_DOCUMENT,
    OTHER_ACCOUNT,
    allow,
    analyze,
    arn,
    document,
    edges,
    estate,
    evidence,
    managed_policy,
    role,
    trust,
    user,
)

from toxicpath.analysis.aws import ids
from toxicpath.graph.model import INTERNET_ID

GITHUB = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"


def _assume_edges(records, source, target):  # type: ignore[no-untyped-def]
    return edges(records, "CAN_ASSUME", source=source, target=target)


def test_three_role_chain_hops() -> None:
    dev = user("dev", inline=document(allow("sts:AssumeRole")))
    first = role("first", trust({"AWS": dev.arn}))
    second = role("second", trust({"AWS": first.arn}))
    third = role("third", trust({"AWS": second.arn}), inline=ADMIN_DOCUMENT)
    records = analyze(estate(dev, first, second, third))
    hops = [(dev.arn, first.arn), (first.arn, second.arn), (second.arn, third.arn)]
    for source, target in hops:
        found = _assume_edges(records, source, target)
        assert len(found) == 1, (source, target)
        assert found[0].props["conditional"] is False
    admin = ids.account_admin_node(ACCOUNT)
    assert edges(records, "CAN_ESCALATE", source=third.arn, target=admin)
    assert _assume_edges(records, dev.arn, third.arn) == []
    assert _assume_edges(records, first.arn, third.arn) == []


def test_account_root_needs_identity_permission() -> None:
    allowed = user(
        "allowed", inline=document(allow("sts:AssumeRole", arn("role", "ops")))
    )
    plain = user("plain", inline=document(allow("s3:ListAllMyBuckets")))
    ops = role("ops", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    records = analyze(estate(allowed, plain, ops))
    assert len(_assume_edges(records, allowed.arn, ops.arn)) == 1
    assert _assume_edges(records, plain.arn, ops.arn) == []
    admin = ids.account_admin_node(ACCOUNT)
    assert len(_assume_edges(records, admin, ops.arn)) == 1


def test_service_principal_edge() -> None:
    worker = role("worker", trust({"Service": "lambda.amazonaws.com"}))
    records = analyze(estate(worker))
    service = ids.service_principal_node("lambda.amazonaws.com")
    found = _assume_edges(records, service, worker.arn)
    assert len(found) == 1
    assert records.nodes[service].props["type"] == "service"


def test_any_principal_exposed() -> None:
    public = role("public", trust({"AWS": "*"}))
    records = analyze(estate(public))
    found = _assume_edges(records, ids.ANY_AWS_PRINCIPAL_NODE, public.arn)
    assert len(found) == 1
    assert found[0].props["conditional"] is False
    assert edges(
        records, "EXPOSED_TO", source=INTERNET_ID, target=ids.ANY_AWS_PRINCIPAL_NODE
    )


def test_any_principal_with_external_id() -> None:
    vendor = role("vendor", trust({"AWS": "*"}, StringEquals={"sts:ExternalId": "x1"}))
    records = analyze(estate(vendor))
    found = _assume_edges(records, ids.ANY_AWS_PRINCIPAL_NODE, vendor.arn)
    assert len(found) == 1
    assert found[0].props["conditional"] is True
    (item,) = evidence(found[0])
    assert item["conditions"] == {"StringEquals": {"sts:ExternalId": "x1"}}


def test_cross_account_external_root() -> None:
    audit = role("audit", trust({"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}))
    records = analyze(estate(audit))
    external = ids.external_account_node(OTHER_ACCOUNT)
    assert len(_assume_edges(records, external, audit.arn)) == 1
    assert records.nodes[external].props["type"] == "external_account"


def test_cross_account_in_estate() -> None:
    """A principal of another scanned account needs its own permission too."""
    caller = user(
        "caller",
        account=OTHER_ACCOUNT,
        inline=document(allow("sts:AssumeRole")),
    )
    silent = user("silent", account=OTHER_ACCOUNT)
    target = role("target", trust({"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}))
    records = analyze(estate(caller, silent, target, accounts=(ACCOUNT, OTHER_ACCOUNT)))
    assert len(_assume_edges(records, caller.arn, target.arn)) == 1
    assert _assume_edges(records, silent.arn, target.arn) == []
    external = ids.external_account_node(OTHER_ACCOUNT)
    assert external not in records.nodes


def test_github_oidc_without_sub() -> None:
    deploy = role(
        "deploy",
        document(
            {
                "Effect": "Allow",
                "Principal": {"Federated": GITHUB},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
                    }
                },
            }
        ),
    )
    records = analyze(estate(deploy))
    provider = ids.federated_provider_node(GITHUB)
    found = _assume_edges(records, provider, deploy.arn)
    assert len(found) == 1
    (item,) = evidence(found[0])
    assert item["unrestricted"] is True
    assert "any repository" in found[0].props["reason"]
    assert edges(records, "EXPOSED_TO", source=INTERNET_ID, target=provider)


def test_github_oidc_with_sub() -> None:
    deploy = role(
        "deploy",
        document(
            {
                "Effect": "Allow",
                "Principal": {"Federated": GITHUB},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringLike": {
                        "token.actions.githubusercontent.com:sub": "repo:acme/app:*"
                    }
                },
            }
        ),
    )
    records = analyze(estate(deploy))
    provider = ids.federated_provider_node(GITHUB)
    found = _assume_edges(records, provider, deploy.arn)
    assert len(found) == 1
    (item,) = evidence(found[0])
    assert "unrestricted" not in item
    assert found[0].props["conditional"] is True
    assert edges(records, "EXPOSED_TO", source=INTERNET_ID, target=provider) == []


def test_saml_provider_edge() -> None:
    saml = f"arn:aws:iam::{ACCOUNT}:saml-provider/okta"
    sso = role(
        "sso",
        document(
            {
                "Effect": "Allow",
                "Principal": {"Federated": saml},
                "Action": "sts:AssumeRoleWithSAML",
            }
        ),
    )
    records = analyze(estate(sso))
    assert len(_assume_edges(records, saml, sso.arn)) == 1
    assert records.nodes[saml].props["type"] == "federated_provider"


def test_trust_deny_blocks_principal() -> None:
    dev = user("dev")
    guarded = role(
        "guarded",
        document(
            {
                "Effect": "Allow",
                "Principal": {"AWS": dev.arn},
                "Action": "sts:AssumeRole",
            },
            {
                "Effect": "Deny",
                "Principal": {"AWS": dev.arn},
                "Action": "sts:AssumeRole",
            },
        ),
    )
    records = analyze(estate(dev, guarded))
    assert _assume_edges(records, dev.arn, guarded.arn) == []


def test_undecidable_condition_is_conditional() -> None:
    dev = user("dev")
    office = role(
        "office", trust({"AWS": dev.arn}, IpAddress={"aws:SourceIp": "198.51.100.0/24"})
    )
    records = analyze(estate(dev, office))
    found = _assume_edges(records, dev.arn, office.arn)
    assert len(found) == 1
    assert found[0].props["conditional"] is True


def test_trust_condition_names_one_role() -> None:
    # Both roles carry the same policy, so their evaluation results are shared
    # unless a policy in play names principals, as this trust policy does.
    shared = managed_policy("assume-any", {"v1": document(allow("sts:AssumeRole"))})
    named = role("named", managed=[shared.arn])
    unnamed = role("unnamed", managed=[shared.arn])
    root = f"arn:aws:iam::{ACCOUNT}:root"
    target = role(
        "target",
        trust({"AWS": root}, StringEquals={"aws:PrincipalArn": named.arn}),
    )
    records = analyze(estate(named, unnamed, target, policies=[shared]))
    assert len(_assume_edges(records, named.arn, target.arn)) == 1
    assert _assume_edges(records, unnamed.arn, target.arn) == []
