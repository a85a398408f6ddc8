"""Compliance summaries: pass, fail or not evaluated for each control.

A control fails when any of its rules has an open finding. It passes when
every rule mapped to it ran and found nothing open. Otherwise it is not
evaluated: a rule failed to run, or the scan did not read the services the
rule needs, and an empty result would be a false pass. Accepted and
suppressed findings do not fail a control; the summary counts them so
auditors see the exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from toxicpath.findings.compliance.catalog import Framework, get_framework
from toxicpath.findings.compliance.coverage import (
    CapabilityCoverage,
    capability_coverage,
)
from toxicpath.findings.model import Finding
from toxicpath.ingest.snapshot import CoverageEntry
from toxicpath.queries.loader import Rule, load_rules

ControlStatus = Literal["pass", "fail", "not_evaluated"]


@dataclass(frozen=True)
class ControlResult:
    """The outcome of one control."""

    control_id: str
    title: str
    status: ControlStatus
    rule_ids: tuple[str, ...]
    open_findings: int
    excepted_findings: int
    reason: str = ""
    # Fingerprints of the open findings that fail the control, sorted.
    failing_fingerprints: tuple[str, ...] = ()


@dataclass
class ComplianceSummary:
    """Every control of one framework with its outcome."""

    framework: Framework
    controls: list[ControlResult] = field(default_factory=list)

    def count(self, status: ControlStatus) -> int:
        return sum(1 for c in self.controls if c.status == status)


def summarize(
    framework: str,
    findings: Iterable[Finding],
    coverage: Iterable[CoverageEntry] | None,
    *,
    rules: list[Rule] | None = None,
    failed_rule_ids: Iterable[str] = (),
) -> ComplianceSummary:
    """Summarize findings per control of `framework`.

    `coverage` is the scan's coverage. None means the caller vouches that
    every service was read, and each passing control's reason records that.
    `failed_rule_ids` are rules that could not run in this scan.
    """
    catalog = get_framework(framework)
    rule_list = rules if rules is not None else load_rules()
    failed = set(failed_rule_ids)
    finding_list = list(findings)
    capabilities = capability_coverage(coverage) if coverage is not None else None
    summary = ComplianceSummary(framework=catalog)
    for control_id, title in catalog.controls.items():
        mapped = [
            r
            for r in rule_list
            if control_id in r.metadata.compliance.get(framework, ())
        ]
        rule_ids = tuple(r.id for r in mapped)
        related = [f for f in finding_list if f.rule_id in rule_ids]
        open_count = sum(1 for f in related if f.status == "open")
        excepted = sum(1 for f in related if f.status in ("accepted", "suppressed"))
        gaps = _gaps(mapped, failed, capabilities)
        if not mapped:
            status: ControlStatus = "not_evaluated"
            reason = "no rule maps to this control"
        elif open_count:
            status, reason = "fail", f"{open_count} open findings"
        elif gaps:
            status, reason = "not_evaluated", "; ".join(gaps)
        else:
            status = "pass"
            reason = "" if capabilities is not None else "coverage not given"
        summary.controls.append(
            ControlResult(
                control_id=control_id,
                title=title,
                status=status,
                rule_ids=rule_ids,
                open_findings=open_count,
                excepted_findings=excepted,
                reason=reason,
                failing_fingerprints=tuple(
                    sorted(f.fingerprint for f in related if f.status == "open")
                ),
            )
        )
    return summary


def _gaps(
    rules: list[Rule], failed: set[str], capabilities: CapabilityCoverage | None
) -> list[str]:
    gaps: list[str] = []
    for rule in rules:
        if rule.id in failed:
            gaps.append(f"rule {rule.id} could not run")
            continue
        if capabilities is None:
            continue
        for capability in rule.metadata.services:
            gap = capabilities.gap(capability)
            if gap:
                gaps.append(f"rule {rule.id}: {gap}")
    return gaps
