"""Build a `ReportData` from an evaluation, the scan's coverage and the history."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from toxicpath.findings.acceptance import Acceptance, load_acceptances
from toxicpath.findings.evaluate import Evaluation
from toxicpath.findings.history import ScanHistory
from toxicpath.findings.model import Finding
from toxicpath.ingest.snapshot import CoverageEntry
from toxicpath.report.model import (
    AcceptedRisk,
    ComplianceRow,
    CoverageRow,
    NodeInfo,
    ReportData,
    RuleInfo,
    TrendPoint,
)

logger = logging.getLogger(__name__)


def build_report(
    evaluation: Evaluation,
    *,
    coverage: Iterable[CoverageEntry] | None,
    history: ScanHistory | None = None,
    acceptance_file: Path | None = None,
    baseline: str | None = None,
    baseline_findings: list[Finding] | None = None,
) -> ReportData:
    """Collect what every report format shows about the evaluation's scan.

    `baseline_findings` are the findings of the scan compared against; the
    report marks findings absent from them as new. Without a baseline no
    finding is marked new.
    """
    from toxicpath import __version__

    scan = evaluation.scan
    coverage_rows = (
        [
            CoverageRow(
                cloud=c.cloud,
                account=c.account,
                region=c.region,
                service=c.service,
                status=c.status,
                reason=c.reason,
            )
            for c in coverage
        ]
        if coverage is not None
        else None
    )
    new: frozenset[str] = frozenset()
    if baseline_findings is not None:
        known = {f.fingerprint for f in baseline_findings}
        new = frozenset(
            f.fingerprint for f in evaluation.findings if f.fingerprint not in known
        )
    return ReportData(
        scan_id=scan.id if scan else "",
        scan_created_at=scan.created_at if scan else "",
        scan_kind=scan.kind if scan else "",
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tool_version=__version__,
        findings=list(evaluation.findings),
        rules=_rule_infos(evaluation),
        coverage=coverage_rows,
        rule_failures=[(f.rule_id, f.error) for f in evaluation.failures],
        accepted=accepted_risks(evaluation.findings, acceptance_file),
        compliance=compliance_rows(evaluation, coverage),
        trend=trend_points(history),
        baseline=baseline,
        new_fingerprints=new,
        nodes=_nodes(evaluation),
    )


def _rule_infos(evaluation: Evaluation) -> dict[str, RuleInfo]:
    infos: dict[str, RuleInfo] = {}
    for rule in evaluation.rules:
        meta = rule.metadata
        infos[rule.id] = RuleInfo(
            id=meta.id,
            title=meta.title,
            severity=meta.severity,
            description=meta.description.strip(),
            risk=meta.risk.strip(),
            remediation=meta.remediation.text.strip(),
            references=tuple(meta.references),
            compliance={k: tuple(v) for k, v in meta.compliance.items()},
        )
    return infos


def _nodes(evaluation: Evaluation) -> dict[str, NodeInfo]:
    if evaluation.attack is None:
        return {}
    return {
        str(node_id): NodeInfo(
            name=str(attributes.get("name") or ""),
            type=str(attributes.get("type") or ""),
            account_id=str(attributes.get("account_id") or ""),
        )
        for node_id, attributes in evaluation.attack.graph.nodes(data=True)
    }


def accepted_risks(
    findings: Iterable[Finding], acceptance_file: Path | None
) -> list[AcceptedRisk]:
    """Return accepted and suppressed findings with the entry that decided them."""
    entries: list[Acceptance] = (
        load_acceptances(acceptance_file) if acceptance_file is not None else []
    )
    risks: list[AcceptedRisk] = []
    for finding in findings:
        if finding.status not in ("accepted", "suppressed"):
            continue
        entry = next(
            (a for a in entries if a.matches(finding) and a.status == finding.status),
            None,
        )
        risks.append(
            AcceptedRisk(
                fingerprint=finding.fingerprint,
                rule_id=finding.rule_id,
                resource_id=finding.resource_id,
                status=finding.status,
                owner=entry.owner if entry else "",
                review_date=entry.expires.isoformat() if entry else "",
                justification=entry.justification if entry else finding.status_reason,
                compensating_control=entry.compensating_control if entry else "",
            )
        )
    return risks


def compliance_rows(
    evaluation: Evaluation, coverage: Iterable[CoverageEntry] | None
) -> list[ComplianceRow]:
    """Summarize every framework of the catalog for the evaluation's findings."""
    from toxicpath.findings.compliance.catalog import load_frameworks
    from toxicpath.findings.compliance.summary import summarize

    coverage_list = list(coverage) if coverage is not None else None
    rows: list[ComplianceRow] = []
    for key in load_frameworks():
        summary = summarize(
            key,
            evaluation.findings,
            coverage_list,
            rules=evaluation.rules,
            failed_rule_ids=[f.rule_id for f in evaluation.failures],
        )
        rows.append(
            ComplianceRow(
                framework=key,
                name=summary.framework.name,
                version=summary.framework.version,
                passed=summary.count("pass"),
                failed=summary.count("fail"),
                not_evaluated=summary.count("not_evaluated"),
            )
        )
    return rows


def trend_points(history: ScanHistory | None) -> list[TrendPoint]:
    """Return each recorded scan's open findings, oldest first."""
    if history is None:
        return []
    points: list[TrendPoint] = []
    for record in history.scans():
        metrics = record.metrics
        points.append(
            TrendPoint(
                scan_id=record.id,
                created_at=record.created_at,
                open_by_severity=dict(metrics.get("open_by_severity") or {}),
                open_total=int(metrics.get("open_total") or 0),
                paths_to_admin=int(metrics.get("paths_to_admin") or 0),
            )
        )
    return points
