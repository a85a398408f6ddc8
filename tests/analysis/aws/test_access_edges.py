"""CAN_ACCESS edges and public access from identity and resource policies."""

from __future__ import annotations

from typing import Any

from identity_builders import (
    ACCOUNT,
    ADMIN_DOCUMENT,
    OTHER_ACCOUNT,
    allow,
    analyze,
    deny,
    document,
    edges,
    estate,
    evidence,
    user,
)

from toxicpath.analysis.aws import ids
from toxicpath.ingest.aws.estate import (
    AclGrant,
    AwsEstate,
    Bucket,
    PolicyResource,
    PublicAccessBlock,
)

REGION = "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111-2222"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:db-password-AbCdEf"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def _bucket(name: str, account: str = ACCOUNT, **fields: Any) -> Bucket:
    return Bucket(name=name, account_id=account, region=REGION, **fields)


def _public_read_policy(name: str, **condition: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*",
    }
    if condition:
        item["Condition"] = condition
    return document(item)


def _with_buckets(result: AwsEstate, *buckets: Bucket) -> AwsEstate:
    for bucket in buckets:
        result.buckets[bucket.name] = bucket
    return result


def _access(records, source, target):  # type: ignore[no-untyped-def]
    return edges(records, "CAN_ACCESS", source=source, target=target)


def test_public_bucket_by_policy() -> None:
    site = _bucket("site", policy=_public_read_policy("site"))
    records = analyze(_with_buckets(estate(), site))
    found = _access(records, ids.ANONYMOUS_NODE, site.arn)
    assert len(found) == 1
    assert found[0].props["level"] == "read"
    assert found[0].props["actions"] == ["s3:GetObject"]
    assert found[0].props["conditional"] is False
    assert records.nodes[site.arn].props["public"] is True
    assert edges(records, "EXPOSED_TO", source="internet", target=ids.ANONYMOUS_NODE)


def test_public_bucket_by_acl() -> None:
    logs = _bucket(
        "logs",
        acl_grants=[
            AclGrant("Group", ALL_USERS, "READ"),
            AclGrant("Group", AUTHENTICATED, "WRITE"),
        ],
    )
    records = analyze(_with_buckets(estate(), logs))
    anonymous = _access(records, ids.ANONYMOUS_NODE, logs.arn)
    assert [e.props["level"] for e in anonymous] == ["read"]
    anyone = _access(records, ids.ANY_AWS_PRINCIPAL_NODE, logs.arn)
    assert [e.props["level"] for e in anyone] == ["write"]
    assert records.nodes[logs.arn].props["public"] is True


def test_account_block_suppresses_policy() -> None:
    site = _bucket("site", policy=_public_read_policy("site"))
    result = _with_buckets(estate(), site)
    result.accounts[ACCOUNT].account_public_access_block = PublicAccessBlock(
        restrict_public_buckets=True
    )
    records = analyze(result)
    assert _access(records, ids.ANONYMOUS_NODE, site.arn) == []
    assert records.nodes[site.arn].props.get("public") is not True


def test_bucket_block_suppresses_acl() -> None:
    logs = _bucket(
        "logs",
        acl_grants=[AclGrant("Group", ALL_USERS, "READ")],
        public_access_block=PublicAccessBlock(ignore_public_acls=True),
    )
    records = analyze(_with_buckets(estate(), logs))
    assert _access(records, ids.ANONYMOUS_NODE, logs.arn) == []
    assert records.nodes[logs.arn].props.get("public") is not True


def test_block_public_policy_alone_keeps_access() -> None:
    """BlockPublicPolicy only rejects new policies; the existing one still works."""
    site = _bucket(
        "site",
        policy=_public_read_policy("site"),
        public_access_block=PublicAccessBlock(block_public_policy=True),
    )
    records = analyze(_with_buckets(estate(), site))
    assert len(_access(records, ids.ANONYMOUS_NODE, site.arn)) == 1


def test_public_policy_with_condition() -> None:
    site = _bucket(
        "site",
        policy=_public_read_policy(
            "site", IpAddress={"aws:SourceIp": "198.51.100.0/24"}
        ),
    )
    records = analyze(_with_buckets(estate(), site))
    found = _access(records, ids.ANONYMOUS_NODE, site.arn)
    assert len(found) == 1
    assert found[0].props["conditional"] is True
    assert records.nodes[site.arn].props.get("public") is not True


def test_identity_grant_on_one_bucket() -> None:
    reader = user(
        "reader", inline=document(allow("s3:GetObject", "arn:aws:s3:::data/*"))
    )
    data, other = _bucket("data"), _bucket("other")
    records = analyze(_with_buckets(estate(reader), data, other))
    found = _access(records, reader.arn, data.arn)
    assert len(found) == 1
    assert found[0].props["level"] == "read"
    assert found[0].props["actions"] == ["s3:GetObject"]
    (item,) = evidence(found[0])
    assert item["allowed_by"][0]["policy"] == f"{reader.arn}#inline:inline"
    assert _access(records, reader.arn, other.arn) == []


def test_write_level_and_actions() -> None:
    writer = user("writer", inline=document(allow(["s3:GetObject", "s3:PutObject"])))
    data = _bucket("data")
    records = analyze(_with_buckets(estate(writer), data))
    (edge,) = _access(records, writer.arn, data.arn)
    assert edge.props["level"] == "write"
    assert edge.props["actions"] == ["s3:GetObject", "s3:PutObject"]


def test_identity_deny_blocks_access() -> None:
    reader = user(
        "reader",
        inline=document(allow("s3:*"), deny("s3:*", "arn:aws:s3:::data*")),
    )
    data, other = _bucket("data"), _bucket("other")
    records = analyze(_with_buckets(estate(reader), data, other))
    assert _access(records, reader.arn, data.arn) == []
    assert _access(records, reader.arn, other.arn)[0].props["level"] == "admin"


def test_admin_gets_no_access_edges() -> None:
    boss = user("boss", inline=ADMIN_DOCUMENT)
    records = analyze(_with_buckets(estate(boss), _bucket("data")))
    assert edges(records, "CAN_ACCESS", source=boss.arn) == []


def _key(policy: dict[str, Any] | None) -> PolicyResource:
    return PolicyResource(
        arn=KEY,
        name="app-key",
        kind="kms_key",
        account_id=ACCOUNT,
        region=REGION,
        policy=policy,
    )


def test_kms_needs_key_policy() -> None:
    app = user("app", inline=document(allow("kms:Decrypt")))
    result = estate(app)
    result.resources[KEY] = _key(
        document(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        )
    )
    records = analyze(result)
    assert _access(records, app.arn, KEY) == []


def test_kms_key_policy_delegates_to_account() -> None:
    app = user("app", inline=document(allow("kms:Decrypt")))
    result = estate(app)
    result.resources[KEY] = _key(
        document(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        )
    )
    records = analyze(result)
    (edge,) = _access(records, app.arn, KEY)
    assert edge.props["level"] == "read"
    assert edge.props["actions"] == ["kms:Decrypt"]


def test_cross_account_bucket_grant() -> None:
    partner = user(
        "partner", account=OTHER_ACCOUNT, inline=document(allow("s3:GetObject"))
    )
    idle = user("idle", account=OTHER_ACCOUNT, inline=document(allow("sqs:*")))
    shared = _bucket(
        "shared",
        policy=document(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::shared/*",
            }
        ),
    )
    result = _with_buckets(
        estate(partner, idle, accounts=(ACCOUNT, OTHER_ACCOUNT)), shared
    )
    records = analyze(result)
    assert len(_access(records, partner.arn, shared.arn)) == 1
    assert _access(records, idle.arn, shared.arn) == []


def test_bucket_in_other_account_unshared() -> None:
    reader = user("reader", account=OTHER_ACCOUNT, inline=document(allow("s3:*")))
    private = _bucket("private")
    result = _with_buckets(estate(reader, accounts=(ACCOUNT, OTHER_ACCOUNT)), private)
    records = analyze(result)
    assert _access(records, reader.arn, private.arn) == []


def test_secret_policy_grants_user() -> None:
    """A resource policy naming a user grants within the account on its own."""
    ops = user("ops")
    result = estate(ops)
    result.resources[SECRET] = PolicyResource(
        arn=SECRET,
        name="db-password",
        kind="secret",
        account_id=ACCOUNT,
        region=REGION,
        policy=document(
            {
                "Effect": "Allow",
                "Principal": {"AWS": ops.arn},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ),
    )
    records = analyze(result)
    (edge,) = _access(records, ops.arn, SECRET)
    assert edge.props["level"] == "read"


def test_conditional_write_keeps_certain_read() -> None:
    # Anyone may read; writing needs a condition the snapshot cannot decide.
    # The edge is certain, so it must state the certain level (read), with
    # the conditional write kept in its actions and evidence.
    policy = document(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::mixed/*",
        },
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::mixed/*",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        },
    )
    mixed = _bucket("mixed", policy=policy)
    records = analyze(_with_buckets(estate(), mixed))
    (edge,) = _access(records, ids.ANONYMOUS_NODE, mixed.arn)
    assert edge.props["conditional"] is False
    assert edge.props["level"] == "read"
    assert "s3:PutObject" in edge.props["actions"]
    conditional_items = [item for item in evidence(edge) if item["conditional"]]
    assert conditional_items
