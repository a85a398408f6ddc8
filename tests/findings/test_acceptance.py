"""Risk acceptance: expiry re-opens, live entries hide from the open list only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from toxicpath.findings.acceptance import (
    Acceptance,
    AcceptanceError,
    apply_acceptances,
    load_acceptances,
    open_findings,
    save_acceptance,
)
from toxicpath.findings.model import Finding

TODAY = date(2026, 6, 1)


def _finding(resource_id: str = "arn:aws:s3:::static-site-www") -> Finding:
    return Finding(
        rule_id="public-object-storage",
        severity="high",
        title="Object storage is public",
        resource_id=resource_id,
        fingerprint=f"fp-{resource_id}",
    )


def _write(
    path: Path, expires: str, resource: str = "arn:aws:s3:::static-site-*"
) -> Path:
    path.write_text(
        "acceptances:\n"
        "  - rule: public-object-storage\n"
        f"    resource: '{resource}'\n"
        "    owner: web-team@example.com\n"
        "    justification: Public website assets.\n"
        f"    expires: {expires}\n"
        "    compensating_control: Built from the public repository.\n"
    )
    return path


def test_expired_acceptance_reopens(tmp_path: Path) -> None:
    entries = load_acceptances(_write(tmp_path / "a.yaml", "2026-05-31"))
    [finding] = apply_acceptances([_finding()], entries, today=TODAY)
    assert finding.status == "open"
    assert "expired on 2026-05-31" in finding.status_reason
    assert open_findings([finding]) == [finding]


def test_live_acceptance_hides_from_open(tmp_path: Path) -> None:
    entries = load_acceptances(_write(tmp_path / "a.yaml", "2026-12-31"))
    report = apply_acceptances([_finding()], entries, today=TODAY)
    assert [f.status for f in report] == ["accepted"]
    assert "web-team@example.com" in report[0].status_reason
    assert open_findings(report) == []


def test_acceptance_glob_limits_resources(tmp_path: Path) -> None:
    entries = load_acceptances(_write(tmp_path / "a.yaml", "2026-12-31"))
    report = apply_acceptances(
        [_finding(), _finding("arn:aws:s3:::payroll")], entries, today=TODAY
    )
    assert [f.status for f in report] == ["accepted", "open"]


def test_expiry_day_itself_still_applies(tmp_path: Path) -> None:
    entries = load_acceptances(_write(tmp_path / "a.yaml", "2026-06-01"))
    [finding] = apply_acceptances([_finding()], entries, today=TODAY)
    assert finding.status == "accepted"


def test_fingerprint_suppression(tmp_path: Path) -> None:
    entry = Acceptance(
        fingerprint="fp-arn:aws:s3:::payroll",
        status="suppressed",
        owner="sec@example.com",
        justification="False positive: bucket policy denies all but VPC endpoint.",
        expires=date(2027, 1, 1),
    )
    report = apply_acceptances(
        [_finding(), _finding("arn:aws:s3:::payroll")], [entry], today=TODAY
    )
    assert [f.status for f in report] == ["open", "suppressed"]


def test_save_then_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "acceptances.yaml"
    entry = Acceptance(
        rule="public-database",
        owner="dba@example.com",
        justification="Migration window.",
        expires=date(2026, 7, 1),
    )
    save_acceptance(path, entry)
    save_acceptance(path, entry)
    assert load_acceptances(path) == [entry, entry]


def test_missing_owner_names_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "acceptances:\n  - rule: public-database\n    justification: x\n"
        "    expires: 2026-01-01\n"
    )
    with pytest.raises(AcceptanceError, match=r"acceptances\[0\]: field owner"):
        load_acceptances(path)


def test_entry_without_target_rejected(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "acceptances:\n  - owner: a\n    justification: x\n    expires: 2026-01-01\n"
    )
    with pytest.raises(AcceptanceError, match="set fingerprint, or rule"):
        load_acceptances(path)


def test_recorded_file_applies_each_entry() -> None:
    path = (
        Path(__file__).resolve().parents[1] / "data" / "findings" / "acceptances.yaml"
    )
    entries = load_acceptances(path)
    findings = [
        _finding("arn:aws:s3:::static-site-www"),
        Finding(
            rule_id="admin-port-open-to-internet",
            severity="high",
            title="Remote administration port open to the internet",
            resource_id="arn:aws:ec2:us-east-1:111111111111:instance/i-bastion",
            fingerprint="fp-bastion",
        ),
        Finding(
            rule_id="public-object-storage",
            severity="high",
            title="Object storage is public",
            resource_id="arn:aws:s3:::vpc-only",
            fingerprint="5f0c1d2e3a4b5c6d7e8f9a0b",
        ),
    ]
    report = apply_acceptances(findings, entries, today=TODAY)
    assert [f.status for f in report] == ["accepted", "open", "suppressed"]
    assert "expired on 2026-03-31" in report[1].status_reason
