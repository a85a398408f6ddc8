"""The team store: Neo4j 5 over Bolt with the official driver.

A load writes every node and edge with the scan's id in batched managed
transactions (the driver retries transient errors), then switches the
`(:ScanMeta {current: true})` marker to the new scan in one transaction and
prunes what older scans left behind. Until the switch, `current_scan()` names
the previous complete scan.

NOTE: nodes and edges are merged by id. While a load runs, and after one
fails, queries see the new scan's nodes and property values beside the
previous scan's. Nothing of the previous scan is deleted until a later scan
completes. The embedded store swaps whole files and has no such window.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from toxicpath.graph.neo4j_statements import (
    CLEAR_CURRENT,
    CURRENT_SCAN,
    ENDPOINT_LOOKUP,
    PRUNE_SCAN_META,
    RETAINED_SCANS,
    SERVER_COMPONENTS,
    SET_CURRENT,
    START_SCAN,
    prune_statements,
)
from toxicpath.graph.neo4j_writes import (
    DEFAULT_CHUNK_BYTES,
    DEFAULT_CHUNK_SIZE,
    write_batches,
)
from toxicpath.graph.readonly import check_read_only
from toxicpath.graph.records import GraphRecords
from toxicpath.graph.results import (
    adapt_neo4j_value,
    collect_neo4j_missing_endpoints,
)
from toxicpath.graph.schema import neo4j_schema_statements
from toxicpath.graph.store import ScanInfo, StoreError

logger = logging.getLogger(__name__)

ENV_URI = "TOXICPATH_NEO4J_URI"
# A refused or silent server fails after this long instead of the driver's
# default 30 s retry window (plus its 30 s connection timeout).
CONNECTION_TIMEOUT_SECONDS = 5.0
MAX_RETRY_SECONDS = 5.0
ENV_USER = "TOXICPATH_NEO4J_USER"
ENV_PASSWORD = "TOXICPATH_NEO4J_PASSWORD"
ENV_PASSWORD_FILE = "TOXICPATH_NEO4J_PASSWORD_FILE"
ENV_DATABASE = "TOXICPATH_NEO4J_DATABASE"

MINIMUM_MAJOR_VERSION = 5
DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"

# Nodes or edges deleted per transaction while pruning old scans.
PRUNE_BATCH = 10_000

T = TypeVar("T")


class Transaction(Protocol):
    def run(self, query: str, parameters: dict[str, Any] | None = None) -> Any: ...


class Session(Protocol):
    def execute_write(
        self, transaction_function: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T: ...

    def execute_read(
        self, transaction_function: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T: ...

    def close(self) -> None: ...


class Driver(Protocol):
    def session(
        self, *, database: str | None = ..., default_access_mode: str = ...
    ) -> Session: ...

    def verify_connectivity(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Neo4jSettings:
    """Connection settings; the password never appears in repr or messages."""

    uri: str
    user: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str | None = None

    @classmethod
    def from_environment(cls, uri: str | None = None) -> Neo4jSettings:
        """Read TOXICPATH_NEO4J_* variables; `uri` overrides TOXICPATH_NEO4J_URI."""
        resolved_uri = uri or os.environ.get(ENV_URI)
        if not resolved_uri:
            raise StoreError(
                f"no Neo4j URI: pass --store bolt://HOST:7687 or set {ENV_URI}"
            )
        password = os.environ.get(ENV_PASSWORD, "")
        password_file = os.environ.get(ENV_PASSWORD_FILE)
        if password_file:
            try:
                password = Path(password_file).read_text(encoding="utf-8").strip()
            except OSError as error:
                raise StoreError(
                    f"cannot read the Neo4j password from {ENV_PASSWORD_FILE}="
                    f"{password_file}: {error.strerror}; fix the path or set "
                    f"{ENV_PASSWORD}"
                ) from error
        return cls(
            uri=resolved_uri,
            user=os.environ.get(ENV_USER, "neo4j"),
            password=password,
            database=os.environ.get(ENV_DATABASE) or None,
        )


class Neo4jStore:
    """A `GraphStore` on a Neo4j 5 server."""

    dialect = "neo4j"

    def __init__(
        self,
        driver: Driver,
        *,
        uri: str,
        user: str = "neo4j",
        database: str | None = None,
        read_only: bool = False,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
        retention: int = 1,
        query_timeout_seconds: float | None = 300.0,
    ) -> None:
        if retention < 0:
            raise ValueError(f"retention must be 0 or more, got {retention}")
        self.driver = driver
        self.uri = uri
        self.user = user
        self.database = database
        self.read_only = read_only
        self.chunk_size = chunk_size
        self.chunk_bytes = chunk_bytes
        self.retention = retention
        self.query_timeout_seconds = query_timeout_seconds
        self._verified = False

    @classmethod
    def from_environment(
        cls, *, uri: str | None = None, read_only: bool = False, **options: Any
    ) -> Neo4jStore:
        """Create the driver from TOXICPATH_NEO4J_* settings; connect on first use."""
        import neo4j

        settings = Neo4jSettings.from_environment(uri)
        try:
            driver = neo4j.GraphDatabase.driver(
                settings.uri,
                auth=neo4j.basic_auth(settings.user, settings.password),
                connection_timeout=CONNECTION_TIMEOUT_SECONDS,
                max_transaction_retry_time=MAX_RETRY_SECONDS,
            )
        except (ValueError, neo4j.exceptions.ConfigurationError) as error:
            raise StoreError(
                f"invalid Neo4j URI {settings.uri!r}: {error}; use bolt://, "
                "bolt+s://, neo4j:// or neo4j+s:// followed by HOST:PORT"
            ) from error
        return cls(
            driver,
            uri=settings.uri,
            user=settings.user,
            database=settings.database,
            read_only=read_only,
            **options,
        )

    # --- sessions and errors -------------------------------------------------

    @contextmanager
    def _session(self, *, write: bool) -> Iterator[Session]:
        import neo4j

        access_mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        with self._translate_errors():
            session = self.driver.session(
                database=self.database, default_access_mode=access_mode
            )
            try:
                yield session
            finally:
                session.close()

    @contextmanager
    def _translate_errors(self) -> Iterator[None]:
        from neo4j import exceptions

        database = self.database or "the default database"
        try:
            yield
        except exceptions.AuthError as error:
            raise StoreError(
                f"Neo4j at {self.uri} rejected user {self.user!r}: {error.message}. "
                f"Check {ENV_USER} and {ENV_PASSWORD} or {ENV_PASSWORD_FILE}"
            ) from error
        except exceptions.ServiceUnavailable as error:
            raise StoreError(
                f"the Neo4j server at {self.uri} is unreachable ({error}); start it "
                f"(`docker compose up -d neo4j`) or fix --store / {ENV_URI}"
            ) from error
        except exceptions.ClientError as error:
            if error.code == DATABASE_NOT_FOUND:
                raise StoreError(
                    f"database {database} does not exist on {self.uri}. Unset "
                    f"{ENV_DATABASE} to use the server's default database, or "
                    "create it (CREATE DATABASE needs Neo4j Enterprise)"
                ) from error
            raise StoreError(
                f"Neo4j at {self.uri} rejected the request ({error.code}): "
                f"{error.message}"
            ) from error
        except exceptions.Neo4jError as error:
            raise StoreError(
                f"Neo4j at {self.uri} failed ({error.code}): {error.message}"
            ) from error

    def verify_server(self) -> str:
        """Check that the server is Neo4j 5 or later and return its version."""
        # One connection attempt without retries, so a server that is down
        # fails within the connection timeout.
        with self._translate_errors():
            self.driver.verify_connectivity()
        with self._session(write=False) as session:
            rows = session.execute_read(_read_rows, SERVER_COMPONENTS, {})
        version = ""
        for row in rows:
            if row.get("name") == "Neo4j Kernel" and row.get("versions"):
                version = str(row["versions"][0])
        major = _major_version(version)
        if major is None or major < MINIMUM_MAJOR_VERSION:
            raise StoreError(
                f"Neo4j at {self.uri} runs version {version or 'unknown'}; toxicpath "
                f"needs Neo4j {MINIMUM_MAJOR_VERSION} or later"
            )
        self._verified = True
        return version

    def _ensure_verified(self) -> None:
        if not self._verified:
            self.verify_server()

    # --- reading -----------------------------------------------------------

    def query(
        self, cypher: str, params: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run read-only Cypher in a read transaction and adapt the results."""
        check_read_only(cypher)
        self._ensure_verified()
        import neo4j

        # The server terminates the read transaction after the timeout.
        work = neo4j.unit_of_work(
            timeout=self.query_timeout_seconds,
            metadata={"app": "toxicpath", "purpose": "query"},
        )(_read_rows_with_endpoints)
        with self._session(write=False) as session:
            rows, node_ids = session.execute_read(work, cypher, params or {})
        return [
            {key: adapt_neo4j_value(value, node_ids) for key, value in row.items()}
            for row in rows
        ]

    def current_scan(self) -> ScanInfo | None:
        """Return the scan the marker names current, or None for an empty database."""
        self._ensure_verified()
        with self._session(write=False) as session:
            rows = session.execute_read(_read_rows, CURRENT_SCAN, {})
        if not rows:
            return None
        row = rows[0]
        return ScanInfo(
            id=row["id"],
            created_at=row["created_at"],
            complete=bool(row["complete"]),
            kind=row.get("kind") or "import",
            sources=tuple(row.get("sources") or ()),
            counts=json.loads(row.get("counts") or "{}"),
        )

    def close(self) -> None:
        self.driver.close()

    # --- loading -----------------------------------------------------------

    def load(self, records: GraphRecords, scan: ScanInfo) -> None:
        """Write the scan in chunks, then make it current and prune old scans."""
        if self.read_only:
            raise StoreError(
                f"the store at {self.uri} is open read-only; open it with "
                "read_only=False to load a scan"
            )
        records.validate()
        self._ensure_verified()
        counts = records.summary()
        with self._session(write=True) as session:
            for statement in neo4j_schema_statements():
                session.execute_write(_run_write, statement, {})
            session.execute_write(
                _run_write,
                START_SCAN,
                {
                    "id": scan.id,
                    "created_at": scan.created_at,
                    "kind": scan.kind,
                    "sources": list(scan.sources),
                    "counts": json.dumps(counts, sort_keys=True),
                },
            )
            written = 0
            for batch in write_batches(
                records, chunk_size=self.chunk_size, chunk_bytes=self.chunk_bytes
            ):
                try:
                    session.execute_write(
                        _run_write,
                        batch.cypher,
                        {"rows": batch.rows, "scan_id": scan.id},
                    )
                except Exception as error:
                    logger.error(
                        "writing %d %s rows of scan %s failed after %d rows; "
                        "scan %s stays incomplete: %s",
                        len(batch.rows),
                        batch.what,
                        scan.id,
                        written,
                        scan.id,
                        error,
                    )
                    raise
                written += len(batch.rows)
            session.execute_write(_switch_current, scan.id)
            retained = session.execute_write(_retained_scans, scan.id, self.retention)
            self._prune(session, retained)
        logger.info("loaded scan %s into %s: %d rows", scan.id, self.uri, written)

    def _prune(self, session: Session, retained: list[str]) -> None:
        deleted = 0
        for statement in prune_statements():
            while True:
                count = session.execute_write(
                    _count_write,
                    statement,
                    {"retained": retained, "batch": PRUNE_BATCH},
                )
                deleted += count
                if count < PRUNE_BATCH:
                    break
        session.execute_write(_run_write, PRUNE_SCAN_META, {"retained": retained})
        logger.info(
            "pruned %d nodes and edges of scans other than %s", deleted, retained
        )


def _major_version(version: str) -> int | None:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def _read_rows(
    tx: Transaction, cypher: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    # dict(record.items()) keeps Node, Relationship and Path objects, which
    # record.data() would flatten into plain dicts.
    return [dict(record.items()) for record in tx.run(cypher, params)]


def _read_rows_with_endpoints(
    tx: Transaction, cypher: str, params: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    rows = _read_rows(tx, cypher, params)
    missing = collect_neo4j_missing_endpoints(rows)
    if not missing:
        return rows, {}
    lookup = tx.run(ENDPOINT_LOOKUP, {"element_ids": sorted(missing)})
    return rows, {str(r["element_id"]): str(r["id"]) for r in lookup}


def _run_write(tx: Transaction, cypher: str, params: dict[str, Any]) -> None:
    tx.run(cypher, params).consume()


def _count_write(tx: Transaction, cypher: str, params: dict[str, Any]) -> int:
    record = tx.run(cypher, params).single()
    return 0 if record is None else int(record["deleted"])


def _switch_current(tx: Transaction, scan_id: str) -> None:
    tx.run(CLEAR_CURRENT, {"id": scan_id}).consume()
    tx.run(SET_CURRENT, {"id": scan_id}).consume()


def _retained_scans(tx: Transaction, scan_id: str, retention: int) -> list[str]:
    """Return the current scan and the `retention` newest complete ones before it."""
    result = tx.run(RETAINED_SCANS, {"id": scan_id, "retention": retention})
    return [scan_id, *(str(record["id"]) for record in result)]
