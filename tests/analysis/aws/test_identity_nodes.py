"""Identity and Policy nodes with their fact edges."""

from __future__ import annotations

import json

from identity_builders import (
    ACCOUNT,
    ADMIN_DOCUMENT,
    access_key,
    allow,
    analyze,
    deny,
    document,
    edges,
    estate,
    group,
    managed_policy,
    role,
    trust,
    user,
    with_scp,
)

from toxicpath.analysis.aws import ids


def _sample():  # type: ignore[no-untyped-def]
    boundary = managed_policy("boundary", {"v1": document(allow("s3:*"))})
    shared = managed_policy("shared", {"v1": document(allow("s3:GetObject"))})
    alice = user(
        "alice",
        groups=["devs"],
        managed=[shared.arn],
        inline=document(allow("sqs:*")),
        boundary=boundary.arn,
        console_access=True,
        mfa_enabled=False,
        password_last_used="2025-12-01T00:00:00Z",
        access_keys=[
            access_key("Active", "2025-12-20 10:00:00+00:00"),
            access_key("Inactive"),
        ],
        created="2024-01-01T00:00:00Z",
        tags={"team": "data"},
    )
    devs = group("devs", inline=document(allow("ec2:Describe*")))
    app = role(
        "app",
        trust({"Service": "lambda.amazonaws.com"}),
        created="2025-06-01T00:00:00Z",
        last_used="",
    )
    return estate(alice, devs, app, policies=[boundary, shared])


def test_user_node_properties() -> None:
    records = analyze(_sample())
    alice = records.nodes[f"arn:aws:iam::{ACCOUNT}:user/alice"]
    assert alice.label == "Identity"
    props = alice.props
    assert props["type"] == "user"
    assert props["native_type"] == "AWS::IAM::User"
    assert props["name"] == "alice"
    assert props["account_id"] == ACCOUNT
    assert props["console_access"] is True
    assert props["mfa_enabled"] is False
    assert props["active_keys"] == 1
    assert props["last_used"] == "2025-12-20 10:00:00+00:00"
    assert props["days_inactive"] == 11
    assert json.loads(props["tags"]) == {"team": "data"}
    assert props["is_admin"] is False


def test_role_without_usage_data_inactivity_unknown() -> None:
    records = analyze(_sample())
    app = records.nodes[f"arn:aws:iam::{ACCOUNT}:role/app"]
    assert app.props["last_used"] == ""
    assert app.props["days_inactive"] is None
    assert app.props["active_keys"] is None


def test_role_last_used_sets_inactivity() -> None:
    app = role(
        "app",
        trust({"Service": "lambda.amazonaws.com"}),
        created="2025-06-01T00:00:00Z",
        last_used="2025-12-01T00:00:00Z",
    )
    records = analyze(estate(app))
    node = records.nodes[f"arn:aws:iam::{ACCOUNT}:role/app"]
    assert node.props["days_inactive"] == 31


def test_group_has_no_inactivity() -> None:
    records = analyze(_sample())
    devs = records.nodes[f"arn:aws:iam::{ACCOUNT}:group/devs"]
    assert devs.props["days_inactive"] is None


def test_user_without_usage_data_inactivity_unknown() -> None:
    bob = user("bob", created="2020-01-01T00:00:00Z")
    records = analyze(estate(bob))
    node = records.nodes[f"arn:aws:iam::{ACCOUNT}:user/bob"]
    assert node.props["days_inactive"] is None


def test_user_node_lists_access_key_ids() -> None:
    records = analyze(_sample())
    alice = records.nodes[f"arn:aws:iam::{ACCOUNT}:user/alice"]
    attrs = json.loads(alice.props["attrs"])
    assert attrs["access_key_ids"] == ["AKIAEXAMPLE"]


def test_policy_nodes_and_attachments() -> None:
    records = analyze(_sample())
    alice = f"arn:aws:iam::{ACCOUNT}:user/alice"
    attachments = {
        (e.source, e.props["attachment"])
        for e in edges(records, "ATTACHED_TO", target=alice)
    }
    assert attachments == {
        (f"arn:aws:iam::{ACCOUNT}:policy/shared", "managed"),
        (f"arn:aws:iam::{ACCOUNT}:policy/boundary", "boundary"),
        (ids.inline_policy_node(alice, "inline"), "inline"),
    }
    inline = records.nodes[ids.inline_policy_node(alice, "inline")]
    assert inline.label == "Policy"
    assert inline.props["type"] == "inline_policy"
    assert json.loads(inline.props["document"]) == document(allow("sqs:*"))


def test_trust_policy_node() -> None:
    records = analyze(_sample())
    app = f"arn:aws:iam::{ACCOUNT}:role/app"
    node = records.nodes[ids.trust_policy_node(app)]
    assert node.props["type"] == "trust_policy"
    (edge,) = edges(records, "ATTACHED_TO", source=node.id, target=app)
    assert edge.props["attachment"] == "trust"


def test_membership_and_account_edges() -> None:
    records = analyze(_sample())
    alice = f"arn:aws:iam::{ACCOUNT}:user/alice"
    devs = f"arn:aws:iam::{ACCOUNT}:group/devs"
    assert len(edges(records, "MEMBER_OF", source=alice, target=devs)) == 1
    account = ids.account_id_node(ACCOUNT)
    for node_id in (alice, devs, f"arn:aws:iam::{ACCOUNT}:role/app"):
        assert len(edges(records, "IN_ACCOUNT", source=node_id, target=account)) == 1


def test_account_admin_node() -> None:
    records = analyze(_sample())
    admin = records.nodes[ids.account_admin_node(ACCOUNT)]
    assert admin.props["type"] == "account_admin"
    assert admin.props["is_admin"] is True


def test_scp_policy_node_attached() -> None:
    result = with_scp(_sample(), document(deny("iam:*")))
    records = analyze(result)
    node = records.nodes[ids.scp_node("p-restrict")]
    assert node.props["type"] == "scp"
    (edge,) = edges(records, "ATTACHED_TO", source=node.id)
    assert edge.target == ids.account_id_node(ACCOUNT)
    assert edge.props["attachment"] == "scp"


def test_scp_deny_cancels_admin() -> None:
    boss = user("boss", inline=ADMIN_DOCUMENT)
    records = analyze(with_scp(estate(boss), document(deny("iam:*"))))
    assert records.nodes[boss.arn].props["is_admin"] is False
    assert edges(records, "CAN_ESCALATE", source=boss.arn) == []


def test_boundary_caps_admin() -> None:
    cap = managed_policy("cap", {"v1": document(allow("s3:*"))})
    boss = user("boss", inline=ADMIN_DOCUMENT, boundary=cap.arn)
    records = analyze(estate(boss, policies=[cap]))
    assert records.nodes[boss.arn].props["is_admin"] is False


def test_admin_split_across_group() -> None:
    """Admin rights granted through a group reach the member."""
    admins = group("admins", inline=ADMIN_DOCUMENT)
    member = user("member", groups=["admins"])
    records = analyze(estate(admins, member))
    assert records.nodes[member.arn].props["is_admin"] is True
    (edge,) = edges(
        records, "CAN_ESCALATE", source=member.arn, technique="aws-admin-policy"
    )
    assert edge.target == ids.account_admin_node(ACCOUNT)
    assert admins.arn in edge.props["evidence"]
    assert edge.props["reason"].startswith("User member already has full control")


def test_conditional_admin_not_flagged() -> None:
    boss = user(
        "boss",
        inline=document(
            allow("*", condition={"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}})
        ),
    )
    records = analyze(estate(boss))
    assert records.nodes[boss.arn].props["is_admin"] is False
    (edge,) = edges(
        records, "CAN_ESCALATE", source=boss.arn, technique="aws-admin-policy"
    )
    assert edge.props["conditional"] is True
