"""Constants and the demo store record shared by the app tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toxicpath.findings.model import Finding

APP_SCRIPT = Path(__file__).resolve().parents[3] / "ui" / "app" / "main.py"

# An earlier scan recorded in the history: one finding of the current scan
# is missing from it and another had a lower severity, so the comparison
# shows one new and one changed finding.
EARLIER_SCAN_ID = "20260101T000000Z-earlier"


@dataclass(frozen=True)
class DemoStore:
    """The demo store's spec, its current scan id and its evaluated findings."""

    spec: str
    scan_id: str
    findings: list[Finding]
    dropped: Finding
    downgraded: Finding
