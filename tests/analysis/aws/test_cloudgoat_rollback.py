"""CloudGoat's iam_privesc_by_rollback: five versions of one managed policy,
the default one allows iam:SetDefaultPolicyVersion, and version 3 is
`Allow * on *`."""

from __future__ import annotations

import json
from pathlib import Path

from identity_builders import ACCOUNT, analyze, edges, estate, evidence, user

from toxicpath.analysis.aws import ids
from toxicpath.ingest.aws.estate import ManagedPolicy

TECHNIQUE = "aws-iam-set-default-policy-version"


def _rollback_policy(shared_data: Path, default: str) -> ManagedPolicy:
    folder = shared_data / "aws/cloudgoat-rollback"
    versions = {
        path.stem: json.loads(path.read_text())
        for path in sorted(folder.glob("v*.json"))
    }
    return ManagedPolicy(
        arn=f"arn:aws:iam::{ACCOUNT}:policy/cg-raynor-policy",
        name="cg-raynor-policy",
        account_id=ACCOUNT,
        default_version_id=default,
        versions=versions,
    )


def test_rollback_reaches_admin(shared_data: Path) -> None:
    policy = _rollback_policy(shared_data, default="v1")
    raynor = user("raynor", managed=[policy.arn])
    records = analyze(estate(raynor, policies=[policy]))
    found = edges(records, "CAN_ESCALATE", source=raynor.arn, technique=TECHNIQUE)
    assert [e.target for e in found] == [ids.account_admin_node(ACCOUNT)]
    assert found[0].props["conditional"] is False
    (item,) = evidence(found[0])
    assert item["victim"] == policy.arn
    assert item["notes"] == ["admin versions: v3"]
    assert "version v3" in found[0].props["reason"]
    allowed_by = item["steps"][0]["allowed_by"][0]
    assert allowed_by["policy"] == policy.arn
    assert allowed_by["statement"] == "IAMPrivilegeEscalationByRollback"


def test_rollback_user_not_admin_yet(shared_data: Path) -> None:
    policy = _rollback_policy(shared_data, default="v1")
    raynor = user("raynor", managed=[policy.arn])
    records = analyze(estate(raynor, policies=[policy]))
    assert records.nodes[raynor.arn].props["is_admin"] is False
    assert (
        edges(records, "CAN_ESCALATE", source=raynor.arn, technique="aws-admin-policy")
        == []
    )


def test_rollback_from_read_only_default(shared_data: Path) -> None:
    """With v5 (S3 read) as the default, the user lacks SetDefaultPolicyVersion."""
    policy = _rollback_policy(shared_data, default="v5")
    raynor = user("raynor", managed=[policy.arn])
    records = analyze(estate(raynor, policies=[policy]))
    assert edges(records, "CAN_ESCALATE", source=raynor.arn) == []
