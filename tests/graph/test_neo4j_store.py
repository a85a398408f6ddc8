"""Neo4jStore's writes and reads through a recording driver.

The recording driver implements the driver's public session interface
(`session()`, `execute_write`, `execute_read`, `tx.run`). It keeps every
statement with its parameters per transaction, and no server is involved. Server
failures are built with the driver's own error hydration, as the driver does
when a server reports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import pytest
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.model import EDGE_TYPES_BY_NAME, NODE_LABELS_BY_NAME
from toxicpath.graph.neo4j_store import Neo4jSettings, Neo4jStore
from toxicpath.graph.neo4j_writes import chunk_rows
from toxicpath.graph.open import open_store
from toxicpath.graph.records import GraphRecords
from toxicpath.graph.store import (
    GraphEdge,
    GraphPath,
    ReadOnlyQueryError,
    ScanInfo,
    StoreError,
)


@dataclass
class RecordedTransaction:
    access: str
    statements: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    committed: bool = False
    timeout: float | None = None


class RecordingResult:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def __iter__(self) -> Any:
        return iter(self.rows)

    def consume(self) -> None:
        return None

    def single(self) -> dict[str, Any] | None:
        return self.rows[0] if self.rows else None


class RecordingTransactionHandle:
    def __init__(self, driver: RecordingDriver, record: RecordedTransaction) -> None:
        self.driver = driver
        self.record = record

    def run(self, query: str, parameters: dict[str, Any] | None = None) -> Any:
        params = dict(parameters or {})
        self.record.statements.append((query, params))
        if query.startswith("UNWIND $rows"):
            self.driver.batch_count += 1
            if self.driver.batch_count == self.driver.fail_at_batch:
                raise ServiceUnavailable("connection to 127.0.0.1:7687 lost")
        if self.driver.server_error is not None:
            raise self.driver.server_error
        return RecordingResult(self.driver.respond(query))


class RecordingSession:
    def __init__(self, driver: RecordingDriver, config: dict[str, Any]) -> None:
        self.driver = driver
        self.config = config

    def _execute(self, access: str, function: Callable[..., Any], *args: Any) -> Any:
        record = RecordedTransaction(access, timeout=getattr(function, "timeout", None))
        self.driver.transactions.append(record)
        result = function(RecordingTransactionHandle(self.driver, record), *args)
        record.committed = True
        return result

    def execute_write(self, function: Callable[..., Any], *args: Any) -> Any:
        return self._execute("WRITE", function, *args)

    def execute_read(self, function: Callable[..., Any], *args: Any) -> Any:
        return self._execute("READ", function, *args)

    def close(self) -> None:
        self.driver.closed_sessions += 1


class RecordingDriver:
    def __init__(self, *, server_version: str = "5.26.0") -> None:
        self.server_version = server_version
        self.transactions: list[RecordedTransaction] = []
        self.session_configs: list[dict[str, Any]] = []
        self.batch_count = 0
        self.fail_at_batch = -1
        self.server_error: Exception | None = None
        self.closed_sessions = 0
        self.canned: dict[str, list[dict[str, Any]]] = {}

    def session(self, **config: Any) -> RecordingSession:
        self.session_configs.append(config)
        return RecordingSession(self, config)

    def verify_connectivity(self) -> None:
        return None

    def close(self) -> None:
        return None

    def respond(self, query: str) -> list[dict[str, Any]]:
        for fragment, rows in self.canned.items():
            if fragment in query:
                return rows
        if "dbms.components" in query:
            return [
                {
                    "name": "Neo4j Kernel",
                    "versions": [self.server_version],
                    "edition": "community",
                }
            ]
        if "RETURN count(*) AS deleted" in query:
            return [{"deleted": 0}]
        if "ORDER BY s.created_at DESC" in query:
            return [{"id": "scan-0"}]
        return []

    def statements(self) -> list[tuple[str, dict[str, Any]]]:
        return [s for t in self.transactions for s in t.statements]


def data_transactions(driver: RecordingDriver) -> list[RecordedTransaction]:
    return [
        t
        for t in driver.transactions
        if t.statements and t.statements[0][0].startswith("UNWIND $rows")
    ]


def make_store(driver: RecordingDriver, **options: Any) -> Neo4jStore:
    return Neo4jStore(driver, uri="bolt://127.0.0.1:7687", **options)


def test_chunks_never_exceed_chunk_size(
    estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    driver = RecordingDriver()
    make_store(driver, chunk_size=3).load(estate, make_scan("scan-1"))
    transactions = data_transactions(driver)
    sizes = [len(t.statements[0][1]["rows"]) for t in transactions]
    assert max(sizes) == 3
    assert sum(sizes) == len(estate.nodes) + len(estate.edges)


def test_each_transaction_runs_one_batch(
    estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    driver = RecordingDriver()
    make_store(driver, chunk_size=2).load(estate, make_scan("scan-1"))
    for transaction in data_transactions(driver):
        assert len(transaction.statements) == 1
        assert transaction.access == "WRITE"


def test_node_rows_have_declared_keys(
    estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    driver = RecordingDriver()
    make_store(driver).load(estate, make_scan("scan-1"))
    identity = NODE_LABELS_BY_NAME["Identity"]
    expected = set(identity.property_names) - {"scan_id"}
    batches = [
        params
        for query, params in driver.statements()
        if query.startswith("UNWIND $rows AS row MERGE (n:Identity")
    ]
    assert len(batches) == 1
    assert set(batches[0]) == {"rows", "scan_id"}
    assert batches[0]["scan_id"] == "scan-1"
    for row in batches[0]["rows"]:
        assert set(row) == expected


def test_edge_rows_have_declared_keys(
    estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    driver = RecordingDriver()
    make_store(driver).load(estate, make_scan("scan-1"))
    can_access = EDGE_TYPES_BY_NAME["CAN_ACCESS"]
    expected = {"source", "target", *can_access.property_names} - {"scan_id"}
    rows = [
        row
        for query, params in driver.statements()
        if "MERGE (a)-[r:CAN_ACCESS]->(b)" in query
        for row in params["rows"]
    ]
    assert len(rows) == 2
    for row in rows:
        assert set(row) == expected
    assert sorted(row["level"] for row in rows) == ["admin", "read"]


def test_json_properties_sent_as_text(
    estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    driver = RecordingDriver()
    make_store(driver).load(estate, make_scan("scan-1"))
    rows = [
        row
        for query, params in driver.statements()
        if "MERGE (n:Account" in query
        for row in params["rows"]
    ]
    assert rows[0]["tags"] == '{"env":"prod"}'


def test_marker_switched_after_last_chunk(
    estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    driver = RecordingDriver()
    make_store(driver, chunk_size=4).load(estate, make_scan("scan-1"))
    queries = [query for query, _ in driver.statements()]
    switch = next(
        i
        for i, q in enumerate(queries)
        if "s.current = true" in q and "SET s.complete = true" in q
    )
    last_batch = max(i for i, q in enumerate(queries) if q.startswith("UNWIND $rows"))
    assert switch > last_batch


def test_failing_chunk_keeps_previous_scan(
    estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    driver = RecordingDriver()
    store = make_store(driver, chunk_size=2)
    store.load(estate, make_scan("scan-1"))
    first_load = len(driver.statements())
    driver.fail_at_batch = driver.batch_count + 3
    with pytest.raises(StoreError, match="is unreachable"):
        store.load(estate, make_scan("scan-2", day=2))
    second_load = driver.statements()[first_load:]
    batches = [q for q, _ in second_load if q.startswith("UNWIND $rows")]
    assert len(batches) == 3
    assert driver.transactions[-1].committed is False
    switched = [params for q, params in second_load if "SET s.complete = true" in q]
    assert switched == []
    pruned = [q for q, _ in second_load if "DELETE" in q]
    assert pruned == []


def test_prune_keeps_retained_scans(
    estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    driver = RecordingDriver()
    make_store(driver, retention=1).load(estate, make_scan("scan-1"))
    prunes = [
        params for q, params in driver.statements() if "scan_id IN $retained" in q
    ]
    assert prunes
    for params in prunes:
        assert params["retained"] == ["scan-1", "scan-0"]


def test_query_uses_read_sessions() -> None:
    driver = RecordingDriver()
    store = make_store(driver)
    store.query("MATCH (n:Identity) RETURN n.id AS id")
    for config in driver.session_configs:
        assert config["default_access_mode"] == neo4j.READ_ACCESS
    assert {t.access for t in driver.transactions} == {"READ"}


def test_write_query_rejected_before_session() -> None:
    driver = RecordingDriver()
    with pytest.raises(ReadOnlyQueryError):
        make_store(driver).query("MATCH (n) DETACH DELETE n")
    assert driver.session_configs == []


def test_old_server_version_rejected() -> None:
    driver = RecordingDriver(server_version="4.4.30")
    with pytest.raises(StoreError, match=r"4\.4\.30.*Neo4j 5 or later"):
        make_store(driver).current_scan()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("Neo.ClientError.Security.Unauthorized", "rejected user 'neo4j'"),
        ("Neo.ClientError.Database.DatabaseNotFound", "does not exist"),
        ("Neo.ClientError.Statement.SyntaxError", "rejected the request"),
    ],
)
def test_server_errors_explained(code: str, expected: str) -> None:
    driver = RecordingDriver()
    driver.server_error = Neo4jError._hydrate_neo4j(code=code, message="failure")
    with pytest.raises(StoreError, match=expected):
        make_store(driver, database="graphs").query("MATCH (n) RETURN n AS n")


def test_chunk_rows_respects_byte_budget() -> None:
    rows = [{"id": str(i), "attrs": "x" * 100} for i in range(10)]
    chunks = list(chunk_rows(rows, chunk_size=100, chunk_bytes=300))
    assert [len(c) for c in chunks] == [2, 2, 2, 2, 2]
    oversized = list(chunk_rows(rows[:2], chunk_size=100, chunk_bytes=10))
    assert [len(c) for c in oversized] == [1, 1]


def test_settings_read_password_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "password"
    secret.write_text("s3cret-value\n")
    monkeypatch.setenv("TOXICPATH_NEO4J_URI", "neo4j+s://127.0.0.1:7687")
    monkeypatch.setenv("TOXICPATH_NEO4J_USER", "toxicpath")
    monkeypatch.setenv("TOXICPATH_NEO4J_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("TOXICPATH_NEO4J_DATABASE", "graphs")
    settings = Neo4jSettings.from_environment()
    assert settings.uri == "neo4j+s://127.0.0.1:7687"
    assert settings.user == "toxicpath"
    assert settings.password == "s3cret-value"
    assert settings.database == "graphs"
    assert "s3cret" not in repr(settings)


def test_settings_missing_password_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOXICPATH_NEO4J_PASSWORD_FILE", str(tmp_path / "absent"))
    with pytest.raises(StoreError, match="TOXICPATH_NEO4J_PASSWORD_FILE"):
        Neo4jSettings.from_environment("bolt://127.0.0.1:7687")


def test_open_store_picks_engine(tmp_path: Path) -> None:
    embedded = open_store(str(tmp_path / "g.lbdb"), read_only=True)
    assert isinstance(embedded, LadybugStore)
    server = open_store("bolt://127.0.0.1:7687", read_only=True)
    assert isinstance(server, Neo4jStore)
    assert server.read_only
    server.close()
    with pytest.raises(StoreError, match="unsupported store"):
        open_store("http://127.0.0.1:7474", read_only=True)


def _hydrator() -> Any:
    # The driver's own Bolt graph hydrator builds Node, Relationship and Path
    # objects exactly as it does for a server's records.
    from neo4j._codec.hydration.bolt.v1.hydration_handler import _GraphHydrator

    return _GraphHydrator()


def test_relationship_endpoints_looked_up() -> None:
    hydrator = _hydrator()
    edge = hydrator.hydrate_relationship(
        7, 1, 2, "CAN_ASSUME", {"scan_id": "scan-1"}, "5:r:7", "4:n:1", "4:n:2"
    )
    driver = RecordingDriver()
    driver.canned = {
        "RETURN r AS edge": [{"edge": edge}],
        "elementId(n) IN $element_ids": [
            {"element_id": "4:n:1", "id": "role/a"},
            {"element_id": "4:n:2", "id": "role/b"},
        ],
    }
    rows = make_store(driver).query(
        "MATCH (:Identity)-[r:CAN_ASSUME]->(:Identity) RETURN r AS edge"
    )
    assert rows == [
        {
            "edge": GraphEdge(
                type="CAN_ASSUME",
                source="role/a",
                target="role/b",
                props={"scan_id": "scan-1"},
            )
        }
    ]
    lookups = [p for q, p in driver.statements() if "elementId(n)" in q]
    assert lookups == [{"element_ids": ["4:n:1", "4:n:2"]}]


def test_path_adapted_without_lookup() -> None:
    hydrator = _hydrator()
    start = hydrator.hydrate_node(1, ["Identity"], {"id": "user/a"}, "4:n:1")
    end = hydrator.hydrate_node(2, ["Resource"], {"id": "bucket"}, "4:n:2")
    rel = hydrator.hydrate_unbound_relationship(
        9, "CAN_ACCESS", {"level": "read", "actions": ["s3:GetObject"]}, "5:r:9"
    )
    path = hydrator.hydrate_path([start, end], [rel], [1, 1])
    driver = RecordingDriver()
    driver.canned = {"RETURN p AS path": [{"path": path}]}
    rows = make_store(driver).query(
        "MATCH p = (:Identity)-[:CAN_ACCESS]->(:Resource) RETURN p AS path"
    )
    adapted = rows[0]["path"]
    assert isinstance(adapted, GraphPath)
    assert [n.id for n in adapted.nodes] == ["user/a", "bucket"]
    assert adapted.nodes[1].label == "Resource"
    assert adapted.edges == [
        GraphEdge(
            type="CAN_ACCESS",
            source="user/a",
            target="bucket",
            props={"level": "read", "actions": ["s3:GetObject"]},
        )
    ]
    assert not any("elementId(n)" in q for q, _ in driver.statements())


def test_query_sets_transaction_timeout() -> None:
    driver = RecordingDriver()
    store = make_store(driver, query_timeout_seconds=12.5)
    store.query("MATCH (n:Identity) RETURN n.id AS id")
    assert driver.transactions[-1].timeout == 12.5
