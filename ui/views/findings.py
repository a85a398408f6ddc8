"""Findings, acceptances, history and coverage of a store, as tables for the app."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from toxicpath.findings.acceptance import apply_acceptances, load_acceptances
from toxicpath.findings.evaluate import (
    coverage_for_scan,
    default_acceptance_file,
    evaluate_store,
    history_for_store,
)
from toxicpath.findings.history import ScanDiff, ScanRecord
from toxicpath.findings.model import Finding
from toxicpath.graph.open import open_store
from toxicpath.ingest.snapshot import CoverageEntry

FINDING_COLUMNS = (
    "severity",
    "risk_score",
    "status",
    "rule_id",
    "title",
    "resource_name",
    "resource_id",
    "status_reason",
    "fingerprint",
)


def evaluate_findings(store_spec: str | None) -> list[Finding]:
    """Run the rule library on the current scan, scored, before any acceptance."""
    store = open_store(store_spec, read_only=True)
    try:
        return evaluate_store(store).findings
    finally:
        store.close()


def acceptance_file(store_spec: str | None) -> Path:
    """Return the acceptance file the CLI reads for this store."""
    return default_acceptance_file(store_spec)


def with_acceptances(
    findings: list[Finding], path: Path, *, today: date | None = None
) -> list[Finding]:
    """Apply the acceptance file's live entries to freshly evaluated findings."""
    return apply_acceptances(
        findings,
        load_acceptances(path),
        today=today or datetime.now(UTC).date(),
    )


def finding_rows(findings: list[Finding]) -> list[dict[str, Any]]:
    """Return one flat row per finding, with its path joined by arrows."""
    rows = []
    for finding in findings:
        row = {column: getattr(finding, column) for column in FINDING_COLUMNS}
        row["path"] = " → ".join(finding.path.node_ids)
        rows.append(row)
    return rows


def findings_csv(findings: list[Finding]) -> str:
    """Return the findings as CSV text, one row per finding."""
    rows = finding_rows(findings)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*FINDING_COLUMNS, "path"])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def findings_json(findings: list[Finding]) -> str:
    """Return the findings as a JSON array of `Finding.to_dict` objects."""
    return json.dumps([f.to_dict() for f in findings], indent=2, default=str)


def scan_records(store_spec: str | None) -> list[ScanRecord]:
    """Return the scans the history file records, oldest first."""
    return history_for_store(store_spec).scans()


def scan_findings(store_spec: str | None, scan_id: str) -> list[Finding]:
    """Return the findings the history recorded for one scan."""
    return history_for_store(store_spec).findings(scan_id)


def scan_diff(store_spec: str | None, scan_a: str, scan_b: str) -> ScanDiff:
    """Compare two recorded scans: new, resolved and changed findings."""
    return history_for_store(store_spec).diff(scan_a, scan_b)


def scan_coverage(store_spec: str | None) -> list[CoverageEntry] | None:
    """Return the current scan's coverage, or None when no snapshot was kept."""
    store = open_store(store_spec, read_only=True)
    try:
        scan = store.current_scan()
    finally:
        store.close()
    return coverage_for_scan(store_spec, scan)
