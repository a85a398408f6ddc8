"""`toxicpath scan` as a job: --fail-on thresholds, baselines and JSON logs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from toxicpath.findings.model import Finding
from toxicpath.ingest.demo import demo_estate_path
from toxicpath.job import threshold_findings
from toxicpath.ui.cli.main import app

runner = CliRunner()


def _scan(store: Path, inputs: Path, *options: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["scan", "--input", str(inputs), "--store", str(store), *options]
    )
    return result.exit_code, result.stdout, result.stderr


def _finding(fingerprint: str, severity: str, status: str = "open") -> Finding:
    return Finding(
        rule_id="rule",
        severity=severity,
        title="title",
        resource_id=f"id-{fingerprint}",
        fingerprint=fingerprint,
        status=status,  # type: ignore[arg-type]
    )


def test_fail_on_new_critical_tracks_baseline(
    tmp_path: Path, narrowed_demo: Path
) -> None:
    store = tmp_path / "graph.lbdb"
    baseline_report = tmp_path / "baseline.json"
    code, _, _ = _scan(
        store, narrowed_demo, "--quiet", "--report", f"json:{baseline_report}"
    )
    assert code == 0

    code, stdout, stderr = _scan(
        store,
        demo_estate_path(),
        "--fail-on",
        "new-critical",
        "--log-format",
        "json",
        "--output",
        "json",
    )
    assert code == 1
    document = json.loads(stdout)
    assert document["fail_on_met"]
    assert set(document["fail_on_met"]) <= set(document["findings"]["new"])
    assert document["findings"]["open_by_severity"]["critical"] >= 2
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    finished = [entry for entry in lines if entry["logger"] == "toxicpath.job"]
    assert finished
    assert all(entry["scan_id"] for entry in finished)
    assert {"time", "level", "logger", "message", "scan_id"} <= set(finished[-1])

    code, _, _ = _scan(
        store, demo_estate_path(), "--quiet", "--fail-on", "new-critical"
    )
    assert code == 0

    code, _, _ = _scan(
        store,
        demo_estate_path(),
        "--quiet",
        "--fail-on",
        "new-critical",
        "--baseline",
        str(baseline_report),
    )
    assert code == 1


def test_unknown_baseline_exits_2(tmp_path: Path) -> None:
    code, _, stderr = _scan(
        tmp_path / "graph.lbdb", demo_estate_path(), "--baseline", "no-such-scan"
    )
    assert code == 2
    assert "'no-such-scan' is neither a file nor a recorded scan" in stderr


def test_bad_fail_on_exits_2(tmp_path: Path) -> None:
    code, _, stderr = _scan(
        tmp_path / "graph.lbdb", demo_estate_path(), "--fail-on", "medium"
    )
    assert code == 2
    assert "new-critical" in stderr


def test_bad_report_spec_exits_2(tmp_path: Path) -> None:
    code, _, stderr = _scan(
        tmp_path / "graph.lbdb", demo_estate_path(), "--report", "pdf:x.pdf"
    )
    assert code == 2
    assert "unknown report format 'pdf'" in stderr


def test_threshold_high_counts_critical() -> None:
    findings = [_finding("a", "critical"), _finding("b", "medium")]
    met = threshold_findings(findings, fail_on="high", baseline_findings=None)
    assert [f.fingerprint for f in met] == ["a"]


def test_threshold_ignores_accepted_findings() -> None:
    findings = [_finding("a", "critical", status="accepted")]
    met = threshold_findings(findings, fail_on="critical", baseline_findings=None)
    assert met == []


def test_threshold_new_high_skips_known() -> None:
    findings = [_finding("a", "high"), _finding("b", "critical")]
    met = threshold_findings(
        findings, fail_on="new-high", baseline_findings=[_finding("a", "high")]
    )
    assert [f.fingerprint for f in met] == ["b"]


def test_threshold_new_critical_ignores_high() -> None:
    findings = [_finding("a", "high")]
    met = threshold_findings(findings, fail_on="new-critical", baseline_findings=[])
    assert met == []
