"""The alert state file (SQLite): findings awaiting a digest, undelivered payloads.

Table `pending` keeps alert items per channel and cadence until their
digest is due. Table `outbox` keeps built payloads until a delivery
succeeds. Table `digests` records when each channel's digest of each cadence
last went out.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from toxicpath.report.alerts.model import AlertItem

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS pending (
        channel TEXT NOT NULL,
        cadence TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        item TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        PRIMARY KEY (channel, cadence, fingerprint)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        cadence TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT ''
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS digests (
        channel TEXT NOT NULL,
        cadence TEXT NOT NULL,
        period_start TEXT NOT NULL,
        PRIMARY KEY (channel, cadence)
    )
    """,
)


@dataclass(frozen=True)
class OutboxEntry:
    """A built payload waiting for delivery."""

    id: int
    channel: str
    cadence: str
    payload: Any
    attempts: int
    last_error: str


def alert_state_path_for(store_spec: str | None) -> Path:
    """Return the alert state file beside a store's history file."""
    from toxicpath.findings.evaluate import history_for_store

    history = history_for_store(store_spec).path
    return history.with_name(
        history.name.replace(".history.sqlite", "") + ".alerts.sqlite"
    )


class AlertState:
    """Read and write the alert state file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            for statement in _SCHEMA:
                connection.execute(statement)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path)
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def queue(
        self, *, channel: str, cadence: str, item: AlertItem, now: datetime
    ) -> bool:
        """Add an item to a digest; return False when it is already waiting there."""
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT OR IGNORE INTO pending (channel, cadence, fingerprint, item, "
                "queued_at) VALUES (?, ?, ?, ?, ?)",
                (
                    channel,
                    cadence,
                    item.fingerprint,
                    json.dumps(item.to_dict(), sort_keys=True),
                    now.isoformat(),
                ),
            )
            connection.execute(
                "INSERT OR IGNORE INTO digests (channel, cadence, period_start) "
                "VALUES (?, ?, ?)",
                (channel, cadence, now.isoformat()),
            )
            return cursor.rowcount == 1

    def discard_pending(self, *, keep: set[str]) -> int:
        """Drop waiting items whose fingerprint is not in `keep`; return the count."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT DISTINCT fingerprint FROM pending"
            ).fetchall()
            gone = [(row[0],) for row in rows if row[0] not in keep]
            connection.executemany("DELETE FROM pending WHERE fingerprint = ?", gone)
        return len(gone)

    def pending(self, *, channel: str, cadence: str) -> list[AlertItem]:
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT item FROM pending WHERE channel = ? AND cadence = ? "
                "ORDER BY queued_at, fingerprint",
                (channel, cadence),
            ).fetchall()
        return [AlertItem.from_dict(json.loads(row[0])) for row in rows]

    def period_start(self, *, channel: str, cadence: str) -> datetime | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT period_start FROM digests WHERE channel = ? AND cadence = ?",
                (channel, cadence),
            ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def move_to_outbox(
        self, *, channel: str, cadence: str, payloads: list[Any], now: datetime
    ) -> None:
        """Replace a channel's pending items by built payloads, in one transaction."""
        with self._connect() as connection:
            connection.executemany(
                "INSERT INTO outbox (channel, cadence, payload, created_at) "
                "VALUES (?, ?, ?, ?)",
                [
                    (channel, cadence, json.dumps(p, default=str), now.isoformat())
                    for p in payloads
                ],
            )
            connection.execute(
                "DELETE FROM pending WHERE channel = ? AND cadence = ?",
                (channel, cadence),
            )
            connection.execute(
                "INSERT OR REPLACE INTO digests (channel, cadence, period_start) "
                "VALUES (?, ?, ?)",
                (channel, cadence, now.isoformat()),
            )

    def outbox(self, channel: str | None = None) -> list[OutboxEntry]:
        query = "SELECT id, channel, cadence, payload, attempts, last_error FROM outbox"
        parameters: tuple[str, ...] = ()
        if channel is not None:
            query += " WHERE channel = ?"
            parameters = (channel,)
        with self._connect() as connection:
            rows = connection.execute(query + " ORDER BY id", parameters).fetchall()
        return [
            OutboxEntry(
                id=r[0],
                channel=r[1],
                cadence=r[2],
                payload=json.loads(r[3]),
                attempts=r[4],
                last_error=r[5],
            )
            for r in rows
        ]

    def delivered(self, entry_id: int) -> None:
        with self._connect() as connection:
            connection.execute("DELETE FROM outbox WHERE id = ?", (entry_id,))

    def failed(self, entry_id: int, *, attempts: int, error: str) -> None:
        with self._connect() as connection:
            connection.execute(
                "UPDATE outbox SET attempts = attempts + ?, last_error = ? "
                "WHERE id = ?",
                (attempts, error, entry_id),
            )
