"""Scan history: metrics per scan, mean time to remediate and diffs."""

from __future__ import annotations

from pathlib import Path

import pytest
from findings_estates import VM, exposed_vm_to_admin

from toxicpath.findings.history import HistoryError, ScanHistory, diff_findings
from toxicpath.findings.model import Finding, FindingPath
from toxicpath.queries.loader import load_rules
from toxicpath.queries.runner import run_rules


def _finding(
    resource_id: str, *, severity: str = "high", rule_id: str = "r"
) -> Finding:
    return Finding(rule_id, severity, "t", resource_id, f"fp-{rule_id}-{resource_id}")


def test_metrics_count_open_by_severity(tmp_path: Path) -> None:
    history = ScanHistory(tmp_path / "h.sqlite")
    findings = [
        _finding("a", severity="critical"),
        _finding("b", severity="high"),
        Finding("r", "high", "t", "c", "fp-c", status="accepted"),
    ]
    record = history.record_scan(
        scan_id="s1", created_at="2026-01-01T00:00:00Z", findings=findings
    )
    assert record.metrics["open_by_severity"]["critical"] == 1
    assert record.metrics["open_by_severity"]["high"] == 1
    assert record.metrics["by_status"] == {"open": 2, "accepted": 1}


def test_paths_to_admin_metric(load_store, tmp_path: Path) -> None:
    store = load_store(exposed_vm_to_admin())
    findings = run_rules(store, load_rules()).findings
    history = ScanHistory(tmp_path / "h.sqlite")
    record = history.record_scan(
        scan_id="s1", created_at="2026-01-01T00:00:00Z", findings=findings
    )
    admin_rule_subjects = {
        f.resource_id
        for f in findings
        if f.rule_id == "exposed-compute-reaches-account-admin"
    }
    assert admin_rule_subjects == {VM}
    # The VM reaches admin, and so does its role on its own.
    assert record.metrics["paths_to_admin"] == 2


def test_mean_time_to_remediate(tmp_path: Path) -> None:
    history = ScanHistory(tmp_path / "h.sqlite")
    history.record_scan(
        scan_id="s1",
        created_at="2026-01-01T00:00:00Z",
        findings=[_finding("a"), _finding("b")],
    )
    history.record_scan(
        scan_id="s2", created_at="2026-01-05T00:00:00Z", findings=[_finding("b")]
    )
    third = history.record_scan(
        scan_id="s3", created_at="2026-01-11T00:00:00Z", findings=[]
    )
    second = history.get_scan("s2")
    assert second is not None
    assert second.metrics["mean_days_to_remediate"] == 4.0
    assert third.metrics["mean_days_to_remediate"] == 10.0


def test_diff_new_resolved_changed(tmp_path: Path) -> None:
    history = ScanHistory(tmp_path / "h.sqlite")
    old_path = FindingPath(("internet", "vm", "admin"), ("EXPOSED_TO", "CAN_ESCALATE"))
    new_path = FindingPath(
        ("internet", "vm", "hop", "admin"), ("EXPOSED_TO", "CAN_ASSUME", "CAN_ESCALATE")
    )
    history.record_scan(
        scan_id="s1",
        created_at="2026-01-01T00:00:00Z",
        findings=[
            _finding("gone"),
            _finding("kept"),
            Finding("p", "high", "t", "vm", "fp-old", path=old_path),
        ],
    )
    history.record_scan(
        scan_id="s2",
        created_at="2026-01-02T00:00:00Z",
        findings=[
            _finding("kept", severity="critical"),
            _finding("fresh"),
            Finding("p", "high", "t", "vm", "fp-new", path=new_path),
        ],
    )
    diff = history.diff("s1", "s2")
    assert [f.resource_id for f in diff.new] == ["fresh"]
    assert [f.resource_id for f in diff.resolved] == ["gone"]
    assert [f.status for f in diff.resolved] == ["resolved"]
    changes = {c.after.resource_id: c.changes for c in diff.changed}
    assert changes == {"kept": ("severity",), "vm": ("path",)}


def test_diff_identical_scans_empty() -> None:
    findings = [_finding("a"), _finding("b")]
    diff = diff_findings(findings, list(findings))
    assert diff.new == []
    assert diff.resolved == []
    assert diff.changed == []


def test_unknown_scan_lists_known(tmp_path: Path) -> None:
    history = ScanHistory(tmp_path / "h.sqlite")
    history.record_scan(scan_id="s1", created_at="2026-01-01T00:00:00Z", findings=[])
    with pytest.raises(HistoryError, match="recorded scans: s1"):
        history.findings("nope")


def test_duplicate_scan_rejected(tmp_path: Path) -> None:
    history = ScanHistory(tmp_path / "h.sqlite")
    history.record_scan(scan_id="s1", created_at="2026-01-01T00:00:00Z", findings=[])
    with pytest.raises(HistoryError, match="already in"):
        history.record_scan(
            scan_id="s1", created_at="2026-01-02T00:00:00Z", findings=[]
        )


def test_findings_round_trip(tmp_path: Path) -> None:
    history = ScanHistory(tmp_path / "h.sqlite")
    path = FindingPath(("a", "b"), ("CAN_ASSUME",))
    original = Finding(
        "r", "low", "t", "b", "fp", path=path, evidence={"x": [1, 2]}, risk_score=12.5
    )
    history.record_scan(
        scan_id="s1", created_at="2026-01-01T00:00:00Z", findings=[original]
    )
    assert history.findings("s1") == [original]
