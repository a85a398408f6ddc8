"""The alert item: a new or re-opened finding, in the form channels send."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from toxicpath.findings.model import Finding

Change = Literal["new", "reopened"]


@dataclass(frozen=True)
class AlertItem:
    """A finding to alert on, with the text every channel prints."""

    fingerprint: str
    rule_id: str
    severity: str
    title: str
    resource_id: str
    resource_name: str
    risk_score: float
    path_text: str
    remediation: str
    change: Change
    scan_id: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertItem:
        return cls(**data)


def alertable_changes(
    current: list[Finding], previous: list[Finding] | None
) -> dict[str, Change]:
    """Return fingerprints of open findings that are new or re-opened.

    A finding is new when the previous scan did not have it, and re-opened
    when the previous scan had it accepted, suppressed or resolved. With no
    previous scan every open finding is new.
    """
    before = {f.fingerprint: f for f in previous or []}
    changes: dict[str, Change] = {}
    for finding in current:
        if finding.status != "open":
            continue
        earlier = before.get(finding.fingerprint)
        if earlier is None:
            changes[finding.fingerprint] = "new"
        elif earlier.status != "open":
            changes[finding.fingerprint] = "reopened"
    return changes
