"""The CSV report: one row per finding, for spreadsheets and ticket imports."""

from __future__ import annotations

import csv
import io

from toxicpath.report.model import ReportData

COLUMNS: tuple[str, ...] = (
    "severity",
    "status",
    "new",
    "rule_id",
    "title",
    "resource_id",
    "resource_name",
    "risk_score",
    "path",
    "fingerprint",
    "status_reason",
    "remediation",
)
# A cell starting with one of these is a formula in spreadsheet programs; a
# leading apostrophe keeps it text (OWASP's CSV injection advice).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def render_csv(data: ReportData) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for finding in data.sorted_findings():
        rule = data.rules.get(finding.rule_id)
        row = (
            finding.severity,
            finding.status,
            "yes" if data.is_new(finding) else "no",
            finding.rule_id,
            finding.title,
            finding.resource_id,
            finding.resource_name,
            f"{finding.risk_score:.2f}",
            data.path_text(finding),
            finding.fingerprint,
            finding.status_reason,
            rule.remediation if rule else "",
        )
        writer.writerow([_safe_cell(value) for value in row])
    return buffer.getvalue()


def _safe_cell(value: str) -> str:
    if value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
