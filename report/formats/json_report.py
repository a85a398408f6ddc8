"""The JSON report: every finding with its context (see `docs/report-schema.md`).

`report/schemas/report.schema.json` is the JSON Schema of this output. A
JSON report also serves as a `--baseline` for a later scan.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from toxicpath.findings.model import Finding
from toxicpath.report.model import REPORT_SCHEMA_VERSION, ReportData, finding_dict

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "report.schema.json"


class BaselineFileError(ValueError):
    """A `--baseline` file that is not a toxicpath JSON report."""


def report_document(data: ReportData) -> dict[str, Any]:
    """Return the JSON report as plain data."""
    findings = data.sorted_findings()
    statuses: dict[str, int] = {}
    for finding in findings:
        statuses[finding.status] = statuses.get(finding.status, 0) + 1
    coverage = data.coverage
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": {"name": "toxicpath", "version": data.tool_version},
        "generated_at": data.generated_at,
        "scan": {
            "id": data.scan_id,
            "created_at": data.scan_created_at,
            "kind": data.scan_kind,
        },
        "baseline": data.baseline,
        "summary": {
            "total": len(findings),
            "open_total": len(data.open_findings),
            "open_by_severity": data.open_counts(),
            "by_status": statuses,
            "new": sum(1 for f in findings if data.is_new(f)),
        },
        "findings": [finding_dict(data, f) for f in findings],
        "coverage": {
            "known": coverage is not None,
            "entries": [asdict(row) for row in coverage or []],
            "not_evaluated": [asdict(row) for row in data.not_evaluated()],
        },
        "rules_not_evaluated": [
            {"rule_id": rule_id, "error": error}
            for rule_id, error in data.rule_failures
        ],
        "accepted_risks": [asdict(risk) for risk in data.accepted],
        "compliance": [asdict(row) for row in data.compliance],
        "trend": [asdict(point) for point in data.trend],
    }


def render_json(data: ReportData) -> str:
    return (
        json.dumps(report_document(data), indent=2, sort_keys=False, default=str) + "\n"
    )


def read_baseline_file(path: Path) -> tuple[str, list[Finding]]:
    """Return the scan id and findings of a JSON report written earlier."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BaselineFileError(
            f"baseline {path}: cannot read a JSON report: {error}; pass a file "
            "written by `--report json:FILE` or a scan id from the history"
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise BaselineFileError(
            f"baseline {path}: no `findings` list; pass a file written by "
            "`--report json:FILE` or a scan id from the history"
        )
    try:
        findings = [Finding.from_dict(entry) for entry in document["findings"]]
    except (KeyError, TypeError, ValueError) as error:
        raise BaselineFileError(
            f"baseline {path}: a finding lacks field {error}; regenerate the "
            "report with `toxicpath report --format json`"
        ) from error
    scan = document.get("scan") or {}
    return str(scan.get("id") or path.name), findings
