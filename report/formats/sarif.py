"""SARIF 2.1.0: findings as results, attack paths as code flows over logical locations.

Cloud resources have no source file, so each result points at a logical
location (the resource id) and its attack path becomes a thread flow whose
steps are the path's nodes. Accepted and suppressed findings carry a SARIF
suppression, so viewers hide them by default but keep the audit trail.
"""

from __future__ import annotations

import json
from typing import Any

from toxicpath.findings.model import Finding
from toxicpath.report.model import ReportData

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "toxicpath/v1"

_LEVELS = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
    "info": "note",
}
# GitHub code scanning reads `security-severity` (0.0-10.0) to rank alerts.
_SECURITY_SEVERITY = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "3.0",
    "info": "1.0",
}


def sarif_document(data: ReportData) -> dict[str, Any]:
    """Return the SARIF log of the report as plain data."""
    rule_ids = sorted({f.rule_id for f in data.findings} | set(data.rules))
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "toxicpath",
                "version": data.tool_version,
                "rules": [_rule(data, rule_id) for rule_id in rule_ids],
            }
        },
        "automationDetails": {"id": f"toxicpath/{data.scan_id}"},
        "invocations": [
            {
                "executionSuccessful": not data.rule_failures,
                "toolExecutionNotifications": [
                    {
                        "level": "error",
                        "message": {"text": f"rule {rule_id} not evaluated: {error}"},
                        "descriptor": {"id": rule_id},
                    }
                    for rule_id, error in data.rule_failures
                ],
            }
        ],
        "results": [
            _result(data, finding, index[finding.rule_id])
            for finding in data.sorted_findings()
        ],
        "properties": {
            "scanId": data.scan_id,
            "scanCreatedAt": data.scan_created_at,
            "notEvaluated": [
                {
                    "cloud": row.cloud,
                    "account": row.account,
                    "region": row.region,
                    "service": row.service,
                    "status": row.status,
                    "reason": row.reason,
                }
                for row in data.not_evaluated()
            ],
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule(data: ReportData, rule_id: str) -> dict[str, Any]:
    info = data.rules.get(rule_id)
    if info is None:
        return {"id": rule_id, "shortDescription": {"text": rule_id}}
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": _pascal(rule_id),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.description},
        "help": {"text": f"{info.risk}\n\nRemediation: {info.remediation}"},
        "defaultConfiguration": {"level": _LEVELS.get(info.severity, "warning")},
        "properties": {
            "tags": ["security", *sorted(info.compliance)],
            "security-severity": _SECURITY_SEVERITY.get(info.severity, "5.0"),
            "severity": info.severity,
        },
    }
    if info.references:
        descriptor["helpUri"] = info.references[0]
    return descriptor


def _result(data: ReportData, finding: Finding, rule_index: int) -> dict[str, Any]:
    resource = finding.resource_name or finding.resource_id
    message = f"{finding.title}: {resource}"
    path_text = data.path_text(finding)
    if path_text:
        message += f" via {path_text}"
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVELS.get(finding.severity, "warning"),
        "message": {"text": message},
        "locations": [{"logicalLocations": [_logical(data, finding.resource_id)]}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "severity": finding.severity,
            "riskScore": finding.risk_score,
            "status": finding.status,
            "evidence": finding.evidence,
        },
    }
    if finding.path:
        result["codeFlows"] = [
            {
                "message": {"text": path_text},
                "threadFlows": [
                    {
                        "locations": [
                            _flow_step(data, finding, position)
                            for position in range(len(finding.path.node_ids))
                        ]
                    }
                ],
            }
        ]
    if data.baseline is not None:
        result["baselineState"] = "new" if data.is_new(finding) else "unchanged"
    if finding.status in ("accepted", "suppressed"):
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": finding.status_reason or finding.status,
            }
        ]
    return result


def _flow_step(data: ReportData, finding: Finding, position: int) -> dict[str, Any]:
    node_id = finding.path.node_ids[position]
    step: dict[str, Any] = {
        "location": {"logicalLocations": [_logical(data, node_id)]},
        "executionOrder": position,
    }
    if position > 0:
        edge = finding.path.edge_types[position - 1]
        step["location"]["message"] = {"text": f"{edge} {data.node_label(node_id)}"}
    return step


def _logical(data: ReportData, node_id: str) -> dict[str, Any]:
    node = data.nodes.get(node_id)
    location: dict[str, Any] = {"fullyQualifiedName": node_id, "kind": "resource"}
    if node and node.name:
        location["name"] = node.name
    return location


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def render_sarif(data: ReportData) -> str:
    return json.dumps(sarif_document(data), indent=2, default=str) + "\n"
