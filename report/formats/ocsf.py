"""OCSF Detection Finding events (class 2004), one JSON object per line, for SIEMs.

Events are built with `py-ocsf-models`, so each one passes its pydantic
validation before it is written. The attack path and evidence, which OCSF
has no field for, go under `unmapped`.
"""

from __future__ import annotations

import json
from typing import Any

from py_ocsf_models.events.findings.activity_id import ActivityID
from py_ocsf_models.events.findings.detection_finding import DetectionFinding
from py_ocsf_models.events.findings.detection_finding_type_id import (
    DetectionFindingTypeID,
)
from py_ocsf_models.events.findings.severity_id import SeverityID
from py_ocsf_models.events.findings.status_id import StatusID
from py_ocsf_models.objects.finding_info import FindingInformation
from py_ocsf_models.objects.metadata import Metadata
from py_ocsf_models.objects.product import Product
from py_ocsf_models.objects.remediation import Remediation
from py_ocsf_models.objects.resource_details import ResourceDetails

from toxicpath.findings.model import Finding
from toxicpath.report.model import ReportData, cloud_of, epoch_ms

_SEVERITY = {
    "critical": SeverityID.Critical,
    "high": SeverityID.High,
    "medium": SeverityID.Medium,
    "low": SeverityID.Low,
    "info": SeverityID.Informational,
}
_STATUS = {
    "open": StatusID.New,
    "accepted": StatusID.Other,
    "suppressed": StatusID.Suppressed,
    "resolved": StatusID.Resolved,
}


def detection_finding(data: ReportData, finding: Finding) -> DetectionFinding:
    """Return the OCSF Detection Finding of one finding."""
    created_ms = epoch_ms(data.scan_created_at)
    new = data.is_new(finding) or data.baseline is None
    activity = ActivityID.Create if new else ActivityID.Update
    type_uid = DetectionFindingTypeID.Create if new else DetectionFindingTypeID.Update
    rule = data.rules.get(finding.rule_id)
    node = data.nodes.get(finding.resource_id)
    return DetectionFinding(
        activity_id=activity,
        activity_name=activity.name,
        type_uid=type_uid,
        type_name=f"Detection Finding: {activity.name}",
        time=created_ms,
        severity_id=_SEVERITY.get(finding.severity, SeverityID.Unknown),
        severity=finding.severity.capitalize(),
        status_id=_STATUS.get(finding.status, StatusID.Other),
        status=finding.status.capitalize(),
        status_detail=finding.status_reason or None,
        message=f"{finding.title}: {finding.resource_name or finding.resource_id}",
        risk_score=round(finding.risk_score),
        metadata=Metadata(
            product=Product(
                name="toxicpath", vendor_name="toxicpath", version=data.tool_version
            ),
            uid=f"{data.scan_id}:{finding.fingerprint}",
            correlation_uid=finding.fingerprint,
            event_code=finding.rule_id,
        ),
        finding_info=FindingInformation(
            uid=finding.fingerprint,
            title=finding.title,
            desc=rule.description if rule else None,
            types=[finding.rule_id],
            created_time=created_ms,
        ),
        resources=[
            ResourceDetails(
                uid=finding.resource_id,
                name=finding.resource_name or None,
                type=node.type if node and node.type else None,
                cloud_partition=cloud_of(finding.resource_id),
            )
        ],
        remediation=Remediation(desc=rule.remediation) if rule else None,
        unmapped={
            "scan_id": data.scan_id,
            "attack_path": {
                "node_ids": list(finding.path.node_ids),
                "edge_types": list(finding.path.edge_types),
                "text": data.path_text(finding),
            },
            "evidence": finding.evidence,
        },
    )


def ocsf_events(data: ReportData) -> list[dict[str, Any]]:
    """Return every finding as a validated OCSF event, as plain data."""
    return [
        detection_finding(data, f).model_dump(mode="json", exclude_none=True)
        for f in data.sorted_findings()
    ]


def render_ocsf(data: ReportData) -> str:
    return "".join(
        json.dumps(event, sort_keys=True, default=str) + "\n"
        for event in ocsf_events(data)
    )
