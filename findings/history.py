"""Scan history in SQLite: findings per scan, trend metrics and diffs.

The history file lives beside the store (`<store>.history.sqlite` for the
embedded store). Each scan records every finding with its status, and a
row of trend metrics: open findings by severity, paths to account admin,
exposed identities and the mean time to remediate findings resolved in
that scan.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from toxicpath.findings.model import Finding
from toxicpath.queries.metadata import SEVERITIES

logger = logging.getLogger(__name__)

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS scans (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        metrics TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS findings (
        scan_id TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        rule_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        status TEXT NOT NULL,
        risk_score REAL NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (scan_id, fingerprint)
    )
    """,
    "CREATE INDEX IF NOT EXISTS findings_fingerprint ON findings(fingerprint)",
)


class HistoryError(ValueError):
    """A scan id that the history does not contain, or a duplicate scan id."""


@dataclass(frozen=True)
class ScanRecord:
    """A scan in the history and its trend metrics."""

    id: str
    created_at: str
    metrics: dict[str, Any]


@dataclass
class FindingChange:
    """A finding present in both scans whose path, severity, status or risk changed."""

    before: Finding
    after: Finding
    changes: tuple[str, ...]


@dataclass
class ScanDiff:
    """What changed between two scans."""

    scan_a: str
    scan_b: str
    new: list[Finding] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)
    changed: list[FindingChange] = field(default_factory=list)


def history_path_for(store_spec: str | Path) -> Path:
    """Return the history file that belongs beside an embedded store file."""
    path = Path(store_spec)
    return path.with_name(path.name + ".history.sqlite")


class ScanHistory:
    """Read and write the SQLite history file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as connection:
                for statement in _SCHEMA:
                    connection.execute(statement)
        except (OSError, sqlite3.Error) as error:
            from toxicpath.graph.store import StoreError

            raise StoreError(
                f"cannot open the scan history {path}: {error}; make its folder "
                "writable or pass --store with a path in a writable folder"
            ) from error

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path)
        connection.execute("PRAGMA foreign_keys = ON")
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def record_scan(
        self,
        *,
        scan_id: str,
        created_at: str,
        findings: Iterable[Finding],
        exposed_identities: int | None = None,
    ) -> ScanRecord:
        """Store a scan's findings and compute its trend metrics."""
        finding_list = list(findings)
        if self.get_scan(scan_id) is not None:
            raise HistoryError(f"scan {scan_id!r} is already in {self.path}")
        metrics = trend_metrics(finding_list, exposed_identities=exposed_identities)
        metrics["mean_days_to_remediate"] = self._mean_days_to_remediate(
            finding_list, created_at
        )
        with self._connect() as connection:
            connection.execute(
                "INSERT INTO scans (id, created_at, metrics) VALUES (?, ?, ?)",
                (scan_id, created_at, json.dumps(metrics, sort_keys=True)),
            )
            connection.executemany(
                "INSERT OR REPLACE INTO findings (scan_id, fingerprint, rule_id, "
                "severity, resource_id, status, risk_score, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        scan_id,
                        f.fingerprint,
                        f.rule_id,
                        f.severity,
                        f.resource_id,
                        f.status,
                        f.risk_score,
                        json.dumps(f.to_dict(), sort_keys=True, default=str),
                    )
                    for f in finding_list
                ],
            )
        logger.info(
            "recorded scan %s with %d findings in %s",
            scan_id,
            len(finding_list),
            self.path,
        )
        return ScanRecord(id=scan_id, created_at=created_at, metrics=metrics)

    def _mean_days_to_remediate(
        self, findings: list[Finding], created_at: str
    ) -> float | None:
        """Average days from first sighting of the findings this scan resolves."""
        previous = self.latest_scan()
        if previous is None:
            return None
        present = {f.fingerprint for f in findings}
        gone = [
            f.fingerprint
            for f in self.findings(previous.id)
            if f.status != "resolved" and f.fingerprint not in present
        ]
        if not gone:
            return None
        now = _parse_time(created_at)
        days = []
        with self._connect() as connection:
            for fingerprint in gone:
                row = connection.execute(
                    "SELECT MIN(s.created_at) FROM findings f JOIN scans s "
                    "ON s.id = f.scan_id WHERE f.fingerprint = ?",
                    (fingerprint,),
                ).fetchone()
                days.append((now - _parse_time(row[0])).total_seconds() / 86400)
        return round(sum(days) / len(days), 2)

    def scans(self) -> list[ScanRecord]:
        """Return every scan, oldest first."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT id, created_at, metrics FROM scans ORDER BY created_at, id"
            ).fetchall()
        return [
            ScanRecord(id=r[0], created_at=r[1], metrics=json.loads(r[2])) for r in rows
        ]

    def get_scan(self, scan_id: str) -> ScanRecord | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT id, created_at, metrics FROM scans WHERE id = ?", (scan_id,)
            ).fetchone()
        if row is None:
            return None
        return ScanRecord(id=row[0], created_at=row[1], metrics=json.loads(row[2]))

    def latest_scan(self) -> ScanRecord | None:
        scans = self.scans()
        return scans[-1] if scans else None

    def findings(self, scan_id: str) -> list[Finding]:
        """Return the findings recorded for a scan; raise HistoryError if unknown."""
        if self.get_scan(scan_id) is None:
            known = ", ".join(s.id for s in self.scans()) or "none"
            raise HistoryError(
                f"scan {scan_id!r} is not in {self.path}; recorded scans: {known}"
            )
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT data FROM findings WHERE scan_id = ? ORDER BY fingerprint",
                (scan_id,),
            ).fetchall()
        return [Finding.from_dict(json.loads(r[0])) for r in rows]

    def diff(self, scan_a: str, scan_b: str) -> ScanDiff:
        """Compare two recorded scans."""
        return diff_findings(
            self.findings(scan_a), self.findings(scan_b), scan_a=scan_a, scan_b=scan_b
        )


def diff_findings(
    before: list[Finding], after: list[Finding], *, scan_a: str = "a", scan_b: str = "b"
) -> ScanDiff:
    """Return new, resolved and changed findings from `before` to `after`.

    Resolved findings come back with status `resolved`.

    A finding whose rule and subject stay but whose path changes gets a new
    fingerprint; it is reported as changed (with `path` in its changes), not
    as one new and one resolved finding.
    """
    result = ScanDiff(scan_a=scan_a, scan_b=scan_b)
    old = {f.fingerprint: f for f in before}
    new = {f.fingerprint: f for f in after}
    old_by_subject: dict[tuple[str, str, str], list[Finding]] = {}
    for f in before:
        if f.fingerprint not in new:
            old_by_subject.setdefault(_subject(f), []).append(f)
    matched_old: set[str] = set()
    for fingerprint, finding in sorted(new.items()):
        previous = old.get(fingerprint)
        if previous is not None:
            changes = _field_changes(previous, finding)
            if changes:
                result.changed.append(FindingChange(previous, finding, changes))
            continue
        candidates = old_by_subject.get(_subject(finding), [])
        if candidates:
            previous = candidates.pop(0)
            matched_old.add(previous.fingerprint)
            changes = ("path", *_field_changes(previous, finding))
            result.changed.append(FindingChange(previous, finding, changes))
        else:
            result.new.append(finding)
    for fingerprint, finding in sorted(old.items()):
        if fingerprint not in new and fingerprint not in matched_old:
            result.resolved.append(replace(finding, status="resolved"))
    return result


def _subject(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule_id, finding.resource_id, finding.path.entry_id)


def _field_changes(before: Finding, after: Finding) -> tuple[str, ...]:
    changes = []
    for name in ("severity", "status"):
        if getattr(before, name) != getattr(after, name):
            changes.append(name)
    if abs(before.risk_score - after.risk_score) > 1e-9:
        changes.append("risk_score")
    return tuple(changes)


def trend_metrics(
    findings: list[Finding], *, exposed_identities: int | None = None
) -> dict[str, Any]:
    """Return counts for trend charts: open by severity, by status, paths to admin."""
    from toxicpath.queries.loader import PATH_TO_ADMIN_TAG, rule_tags

    tags = rule_tags()
    by_severity = {name: 0 for name in SEVERITIES}
    by_status: dict[str, int] = {}
    paths_to_admin = 0
    for finding in findings:
        by_status[finding.status] = by_status.get(finding.status, 0) + 1
        if finding.status != "open":
            continue
        by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
        if PATH_TO_ADMIN_TAG in tags.get(finding.rule_id, ()):
            paths_to_admin += 1
    return {
        "open_by_severity": by_severity,
        "by_status": by_status,
        "open_total": sum(by_severity.values()),
        "paths_to_admin": paths_to_admin,
        "exposed_identities": exposed_identities,
    }


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
