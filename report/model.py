"""The report data every format renders: one scan's findings and their context.

A `ReportData` is built once per scan (`toxicpath.report.build`) and handed
to each writer in the registry, so the formats never disagree on which
findings, coverage or acceptances a scan had.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from toxicpath.findings.model import Finding

SEVERITY_ORDER: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
REPORT_SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class RuleInfo:
    """The rule metadata a report prints beside each finding."""

    id: str
    title: str
    severity: str
    description: str
    risk: str
    remediation: str
    references: tuple[str, ...] = ()
    compliance: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class CoverageRow:
    """One account, region and service of the scan and whether it was read."""

    cloud: str
    account: str
    region: str
    service: str
    status: str
    reason: str = ""

    @property
    def evaluated(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class AcceptedRisk:
    """A finding that an owner accepted or suppressed, with its review date."""

    fingerprint: str
    rule_id: str
    resource_id: str
    status: str
    owner: str
    review_date: str
    justification: str
    compensating_control: str = ""


@dataclass(frozen=True)
class ComplianceRow:
    """Pass, fail and not evaluated counts of one framework."""

    framework: str
    name: str
    version: str
    passed: int
    failed: int
    not_evaluated: int


@dataclass(frozen=True)
class TrendPoint:
    """Open findings of one recorded scan, for the trend table."""

    scan_id: str
    created_at: str
    open_by_severity: dict[str, int]
    open_total: int
    paths_to_admin: int


@dataclass(frozen=True)
class NodeInfo:
    """Name, type and account of a node on a finding's path."""

    name: str = ""
    type: str = ""
    account_id: str = ""


@dataclass
class ReportData:
    """Everything a report of one scan shows."""

    scan_id: str
    scan_created_at: str
    scan_kind: str
    generated_at: str
    tool_version: str
    findings: list[Finding]
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    # None when the scan's snapshot was not kept, so coverage is unknown.
    coverage: list[CoverageRow] | None = None
    rule_failures: list[tuple[str, str]] = field(default_factory=list)
    accepted: list[AcceptedRisk] = field(default_factory=list)
    compliance: list[ComplianceRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    baseline: str | None = None
    new_fingerprints: frozenset[str] = frozenset()
    nodes: dict[str, NodeInfo] = field(default_factory=dict)

    @property
    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "open"]

    def open_counts(self) -> dict[str, int]:
        counts = {name: 0 for name in SEVERITY_ORDER}
        for finding in self.open_findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return counts

    def not_evaluated(self) -> list[CoverageRow]:
        return [row for row in self.coverage or [] if not row.evaluated]

    def is_new(self, finding: Finding) -> bool:
        return finding.fingerprint in self.new_fingerprints

    def node_label(self, node_id: str) -> str:
        """Return a node's name, or its id when the name is unknown."""
        node = self.nodes.get(node_id)
        return node.name if node and node.name else node_id

    def path_text(self, finding: Finding) -> str:
        """Return the path as `a -[EDGE]-> b`, empty for a posture finding."""
        path = finding.path
        if not path:
            return ""
        parts = [self.node_label(path.node_ids[0])]
        for edge, node in zip(path.edge_types, path.node_ids[1:], strict=True):
            parts.append(f"-[{edge}]-> {self.node_label(node)}")
        return " ".join(parts)

    def sorted_findings(self) -> list[Finding]:
        """Return findings by severity, then risk (highest first), then id."""
        return sorted(
            self.findings,
            key=lambda f: (
                SEVERITY_ORDER.index(f.severity)
                if f.severity in SEVERITY_ORDER
                else len(SEVERITY_ORDER),
                -f.risk_score,
                f.rule_id,
                f.fingerprint,
            ),
        )


def epoch_ms(timestamp: str) -> int:
    """Return an ISO 8601 time as milliseconds since the Unix epoch (0 if empty)."""
    if not timestamp:
        return 0
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return int(moment.timestamp() * 1000)


def cloud_of(resource_id: str) -> str:
    """Return the provider of a node id from its form (ARN, Azure id, GCP name)."""
    lowered = resource_id.lower()
    if lowered.startswith("arn:") or lowered.startswith("aws:"):
        return "aws"
    if lowered.startswith("/subscriptions/") or lowered.startswith("azure:"):
        return "azure"
    if lowered.startswith(("//", "projects/", "organizations/", "folders/", "gcp:")):
        return "gcp"
    return "unknown"


def finding_dict(data: ReportData, finding: Finding) -> dict[str, Any]:
    """Return the JSON report entry of one finding."""
    entry = finding.to_dict()
    entry["new"] = data.is_new(finding)
    entry["path_text"] = data.path_text(finding)
    rule = data.rules.get(finding.rule_id)
    entry["remediation"] = rule.remediation if rule else ""
    return entry
