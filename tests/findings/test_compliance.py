"""Compliance catalog and per-control summaries."""

from __future__ import annotations

import pytest

from toxicpath.findings.compliance.catalog import CatalogError, load_frameworks
from toxicpath.findings.compliance.summary import summarize
from toxicpath.findings.model import Finding
from toxicpath.ingest.snapshot import CoverageEntry
from toxicpath.queries.loader import load_rules

REQUIRED_CONTROLS = {
    "soc2": {"CC6.1", "CC6.2", "CC7.1"},
    "iso27001_2013": {"A.12.6.1", "A.18.2.3"},
    "iso27001_2022": {"8.8", "5.36"},
    "hipaa": {"164.308(a)(1)", "164.312(a)(1)"},
}


def _coverage(status_by_service: dict[str, str]) -> list[CoverageEntry]:
    return [
        CoverageEntry(
            cloud="aws", account="111111111111", region="global", service=s, status=st
        )
        for s, st in status_by_service.items()
    ]


FULL = _coverage(
    {s: "ok" for s in ("iam", "ec2", "s3", "rds", "secretsmanager", "lambda")}
)


def test_every_control_maps_to_a_rule() -> None:
    rules = load_rules()
    for key, framework in load_frameworks().items():
        for control in framework.controls:
            mapped = [
                r.id for r in rules if control in r.metadata.compliance.get(key, ())
            ]
            assert mapped, f"{key} {control} has no rule"


def test_required_controls_present() -> None:
    frameworks = load_frameworks()
    for key, controls in REQUIRED_CONTROLS.items():
        assert controls <= set(frameworks[key].controls)


def test_framework_families_present() -> None:
    frameworks = load_frameworks()
    nist = set(frameworks["nist_csf_1_1"].controls) | set(
        frameworks["nist_csf_2_0"].controls
    )
    assert {c.split("-")[0] for c in nist} >= {"DE.CM", "PR.AC", "PR.AA", "PR.IP"}
    cmmc = {c.split("-")[0] for c in frameworks["cmmc_2"].controls}
    assert {"AC.L2", "SI.L2"} <= cmmc


def test_open_finding_fails_control() -> None:
    finding = Finding("public-object-storage", "high", "t", "b", "fp")
    summary = summarize("cis_aws_3", [finding], FULL)
    control = next(c for c in summary.controls if c.control_id == "2.1.4")
    assert control.status == "fail"
    assert control.open_findings == 1


def test_failing_control_lists_fingerprints() -> None:
    findings = [
        Finding("public-object-storage", "high", "t", "b2", "fp2"),
        Finding("public-object-storage", "high", "t", "b1", "fp1"),
        Finding("public-object-storage", "high", "t", "b3", "fp3", status="accepted"),
    ]
    summary = summarize("cis_aws_3", findings, FULL)
    control = next(c for c in summary.controls if c.control_id == "2.1.4")
    assert control.failing_fingerprints == ("fp1", "fp2")


def test_accepted_finding_does_not_fail() -> None:
    finding = Finding(
        "public-object-storage", "high", "t", "b", "fp", status="accepted"
    )
    summary = summarize("cis_aws_3", [finding], FULL)
    control = next(c for c in summary.controls if c.control_id == "2.1.4")
    assert control.status == "pass"
    assert control.excepted_findings == 1


def test_missing_service_not_evaluated() -> None:
    coverage = _coverage({"iam": "ok", "ec2": "ok", "s3": "denied", "rds": "ok"})
    summary = summarize("cis_aws_3", [], coverage)
    statuses = {c.control_id: c.status for c in summary.controls}
    assert statuses["2.1.4"] == "not_evaluated"
    assert statuses["2.3.3"] == "pass"
    reason = next(c.reason for c in summary.controls if c.control_id == "2.1.4")
    assert "denied" in reason


def test_failed_rule_not_evaluated() -> None:
    summary = summarize(
        "cis_aws_3", [], FULL, failed_rule_ids=["console-user-without-mfa"]
    )
    control = next(c for c in summary.controls if c.control_id == "1.10")
    assert control.status == "not_evaluated"


def test_summary_counts_add_up() -> None:
    summary = summarize("soc2", [], FULL)
    total = (
        summary.count("pass") + summary.count("fail") + summary.count("not_evaluated")
    )
    assert total == len(summary.framework.controls)


def test_unknown_framework_lists_allowed() -> None:
    with pytest.raises(CatalogError, match=r"allowed: .*soc2"):
        summarize("pci", [], FULL)


def test_azure_core_services_cover_controls() -> None:
    coverage = [
        CoverageEntry(cloud="azure", account="sub", region="", service=s, status="ok")
        for s in ("authorization", "compute", "network", "storage", "msi")
    ]
    summary = summarize("cis_aws_3", [], coverage)
    statuses = {c.control_id: c.status for c in summary.controls}
    assert statuses["2.1.4"] == "pass"
    assert statuses["2.3.3"] == "not_evaluated"
