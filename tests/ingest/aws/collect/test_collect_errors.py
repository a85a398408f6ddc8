"""Denied, throttled and unexpected API errors during a collection.

moto does not enforce IAM and never throttles, so a botocore `before-send`
handler returns error responses in each protocol's wire format to chosen
requests, and lets every other request reach the moto server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from labs.aws_errors import ErrorInjector
from labs.aws_lab import AwsLab
from typer.testing import CliRunner

from toxicpath.ingest.aws.collect import AwsCollectOptions, collect_aws
from toxicpath.ingest.snapshot import CoverageEntry, Snapshot, write_snapshot
from toxicpath.ui.cli.main import app

OptionsFactory = Callable[..., AwsCollectOptions]


@pytest.fixture
def collect(lab_options: OptionsFactory) -> Callable[..., Snapshot]:
    """Collect `services` of the management account in us-east-1 only."""

    def run(services: tuple[str, ...], handlers: list[tuple[str, Any]]) -> Snapshot:
        options = lab_options(
            regions=("us-east-1",), services=services, event_handlers=tuple(handlers)
        )
        return collect_aws(options)

    return run


def _coverage(snapshot: Snapshot, service: str) -> CoverageEntry:
    (entry,) = [item for item in snapshot.coverage if item.service == service]
    return entry


def test_denied_service_recorded_others_collected(
    aws_lab: AwsLab,
    error_injector: Callable[..., ErrorInjector],
    collect: Callable[..., Snapshot],
) -> None:
    denied = error_injector("kms-access-denied")
    snapshot = collect(("kms", "sns", "secretsmanager"), [("before-send.kms", denied)])
    kms = _coverage(snapshot, "kms")
    assert kms.status == "denied"
    assert "AccessDeniedException" in kms.reason
    assert "kms:ListKeys" in kms.reason
    assert _coverage(snapshot, "secretsmanager").status == "ok"
    assert _coverage(snapshot, "sns").status == "ok"
    secrets = list(snapshot.responses_for("aws", "secretsmanager", "list-secrets"))
    assert len(secrets) == 1
    assert not list(snapshot.responses_for("aws", "kms", "list-keys"))


def test_ec2_unauthorized_is_denied(
    aws_lab: AwsLab,
    error_injector: Callable[..., ErrorInjector],
    collect: Callable[..., Snapshot],
) -> None:
    refused = error_injector("ec2-unauthorized")
    snapshot = collect(("ec2",), [("before-send.ec2.DescribeInstances", refused)])
    ec2 = [
        entry
        for entry in snapshot.coverage
        if entry.service == "ec2" and entry.region == "us-east-1"
    ]
    assert len(ec2) == 1
    assert ec2[0].status == "denied"
    assert "UnauthorizedOperation" in ec2[0].reason
    # The other EC2 reads of the same unit still ran.
    groups = list(snapshot.responses_for("aws", "ec2", "describe-security-groups"))
    assert len(groups) == 1


def test_throttling_retried_then_collected(
    aws_lab: AwsLab,
    error_injector: Callable[..., ErrorInjector],
    collect: Callable[..., Snapshot],
) -> None:
    throttled = error_injector("sns-throttling", times=2)
    snapshot = collect(("sns",), [("before-send.sns.ListTopics", throttled)])
    assert throttled.answered == 2
    assert throttled.seen == 3
    assert _coverage(snapshot, "sns").status == "ok"
    assert len(list(snapshot.responses_for("aws", "sns", "list-topics"))) == 1


def test_throttling_outlasting_retries_recorded(
    aws_lab: AwsLab,
    error_injector: Callable[..., ErrorInjector],
    collect: Callable[..., Snapshot],
) -> None:
    throttled = error_injector("sns-throttling")
    snapshot = collect(("sns", "sqs"), [("before-send.sns", throttled)])
    sns = _coverage(snapshot, "sns")
    assert sns.status == "throttled"
    assert "Throttling" in sns.reason
    # lab_options allows 3 attempts per call.
    assert throttled.seen == 3
    assert _coverage(snapshot, "sqs").status == "ok"


def test_unlisted_error_raises(
    aws_lab: AwsLab,
    error_injector: Callable[..., ErrorInjector],
    collect: Callable[..., Snapshot],
) -> None:
    invalid = error_injector("sns-internal-failure")
    with pytest.raises(ClientError, match="InvalidParameter"):
        collect(("sns", "sqs"), [("before-send.sns", invalid)])


def test_denied_service_reported_not_evaluated(
    aws_lab: AwsLab,
    error_injector: Callable[..., ErrorInjector],
    lab_options: OptionsFactory,
    tmp_path: Path,
) -> None:
    # The whole way: a collection where KMS is denied, then a scan of its
    # snapshot, whose HTML report must name KMS as not evaluated while the
    # other services still produce findings.
    denied = error_injector("kms-access-denied")
    options = lab_options(
        regions=("us-east-1",), event_handlers=(("before-send.kms", denied),)
    )
    snapshot_path = tmp_path / "lab.jsonl.gz"
    write_snapshot(collect_aws(options), snapshot_path)
    report_path = tmp_path / "report.html"
    result = CliRunner().invoke(
        app,
        [
            "scan",
            "--input",
            str(snapshot_path),
            "--store",
            str(tmp_path / "graph.lbdb"),
            "--no-alerts",
            "--report",
            f"html:{report_path}",
            "--output",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    not_evaluated = {(e["service"], e["status"]) for e in document["not_evaluated"]}
    assert ("kms", "denied") in not_evaluated
    assert document["paths"], "the other services must still be analysed"
    html = report_path.read_text(encoding="utf-8")
    assert "not evaluated (denied)" in html
    assert "kms:ListKeys" in html
