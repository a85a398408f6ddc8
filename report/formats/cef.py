"""CEF (ArcSight Common Event Format) lines, one per finding, for SIEM syslog feeds.

Header fields escape `\\` and `|`; extension values escape `\\`, `=` and line
breaks, as the CEF specification (Micro Focus "Implementing ArcSight CEF",
revision 25) requires.
"""

from __future__ import annotations

from toxicpath.findings.model import Finding
from toxicpath.report.model import ReportData, epoch_ms

CEF_VERSION = 0
VENDOR = "toxicpath"
PRODUCT = "toxicpath"
# CEF severity is 0-10; 10 is the most severe.
CEF_SEVERITY = {"critical": 10, "high": 8, "medium": 5, "low": 3, "info": 1}


def escape_header(value: str) -> str:
    """Escape a CEF header field: backslash and pipe."""
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def escape_extension(value: str) -> str:
    """Escape a CEF extension value: backslash, equals sign and line breaks."""
    return (
        value.replace("\\", "\\\\")
        .replace("=", "\\=")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def cef_line(data: ReportData, finding: Finding) -> str:
    """Return the CEF line of one finding."""
    header = [
        f"CEF:{CEF_VERSION}",
        escape_header(VENDOR),
        escape_header(PRODUCT),
        escape_header(data.tool_version),
        escape_header(finding.rule_id),
        escape_header(finding.title),
        str(CEF_SEVERITY.get(finding.severity, 5)),
    ]
    extension = {
        "rt": str(epoch_ms(data.scan_created_at)),
        "externalId": finding.fingerprint,
        "cat": finding.severity,
        "act": finding.status,
        "msg": finding.title,
        "duid": finding.resource_id,
        "duser": finding.resource_name,
        "cn1Label": "riskScore",
        "cn1": f"{finding.risk_score:.2f}",
        "cs1Label": "scanId",
        "cs1": data.scan_id,
        "cs2Label": "attackPath",
        "cs2": data.path_text(finding),
        "cs3Label": "new",
        "cs3": "true" if data.is_new(finding) else "false",
        "cs4Label": "statusReason",
        "cs4": finding.status_reason,
    }
    present = {key: value for key, value in extension.items() if value}
    # A custom field's label goes out only with its value.
    present = {
        key: value
        for key, value in present.items()
        if not key.endswith("Label") or key.removesuffix("Label") in present
    }
    pairs = " ".join(
        f"{key}={escape_extension(value)}" for key, value in present.items()
    )
    return "|".join(header) + "|" + pairs


def render_cef(data: ReportData) -> str:
    return "".join(cef_line(data, f) + "\n" for f in data.sorted_findings())
