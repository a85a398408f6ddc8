"""Findings on the real cloudmapper demo account, from snapshot to rules.

The demo has a root access key marked active in its credential report, an
ECR repository whose policy names Principal "*", and an SNS topic
`demo_private` whose default policy limits access with AWS:SourceOwner.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from toxicpath.findings.compliance.summary import ControlResult, summarize
from toxicpath.findings.evaluate import Evaluation, evaluate_store
from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.transform import TransformContext, transform

ACCOUNT = "aws:account:123456789012"
REGISTRY = "arn:aws:ecr:us-east-1:123456789012:repository/cloudmapper"
PRIVATE_TOPIC = "arn:aws:sns:us-east-1:123456789012:demo_private"
# The demo's authorization details give this user the account id "aws".
BAD_INLINE_USER = "arn:aws:iam::aws:user/USER_WITH_BAD_INLINE_POLICY"


@pytest.fixture
def evaluation(shared_data: Path, load_store) -> Evaluation:
    snapshot = load_inputs([shared_data / "aws" / "cloudmapper-demo"])
    context = TransformContext(
        scan_id="cloudmapper", scanned_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    return evaluate_store(load_store(transform(snapshot, context)))


def _subjects(evaluation: Evaluation, rule_id: str) -> set[str]:
    return {f.resource_id for f in evaluation.findings if f.rule_id == rule_id}


def test_demo_root_access_key_flagged(evaluation: Evaluation) -> None:
    assert _subjects(evaluation, "aws-root-access-keys-active") == {ACCOUNT}


def test_demo_public_registry_flagged(evaluation: Evaluation) -> None:
    assert REGISTRY in _subjects(evaluation, "public-resource")


def test_demo_conditional_topic_not_public_write(evaluation: Evaluation) -> None:
    assert PRIVATE_TOPIC not in _subjects(evaluation, "public-write-access")


def test_demo_conditional_topic_reported_low(evaluation: Evaluation) -> None:
    assert PRIVATE_TOPIC in _subjects(evaluation, "conditional-public-access")


def test_demo_no_stale_admin_without_usage(evaluation: Evaluation) -> None:
    assert _subjects(evaluation, "stale-admin-identity") == set()


def _cis_control(evaluation: Evaluation, control_id: str) -> ControlResult:
    summary = summarize("cis_aws_3", evaluation.findings, None, rules=evaluation.rules)
    return next(c for c in summary.controls if c.control_id == control_id)


def test_demo_cis_rds_encryption_passes(evaluation: Evaluation) -> None:
    # The demo has one RDS instance, which is encrypted, but Redshift, ES and
    # SNS are not.
    assert _cis_control(evaluation, "2.3.1").status == "pass"


def test_demo_cis_groups_only_fails(evaluation: Evaluation) -> None:
    control = _cis_control(evaluation, "1.15")
    failing = {
        f.fingerprint
        for f in evaluation.findings
        if f.rule_id == "aws-user-with-direct-policies"
        and f.resource_id == BAD_INLINE_USER
    }
    assert control.status == "fail"
    assert failing <= set(control.failing_fingerprints)
    assert len(failing) == 1
