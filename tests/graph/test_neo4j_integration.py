"""Neo4jStore on a real Neo4j 5 server, compared with LadybugDB.

Runs only when TOXICPATH_NEO4J_URI is set, for example:

    cp .env.example .env   # set TOXICPATH_NEO4J_PASSWORD
    docker compose up -d neo4j
    set -a; . ./.env; set +a
    TOXICPATH_NEO4J_URI=bolt://127.0.0.1:7687 pytest -m neo4j tests/graph

The suite deletes every node with a toxicpath label (the model's labels and
ScanMeta) in the target database: point it at a server kept for testing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from toxicpath.graph.dialect import NEO4J, render
from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.model import NODE_LABELS
from toxicpath.graph.neo4j_store import Neo4jStore
from toxicpath.graph.parity import ParityQuery, compare_stores
from toxicpath.graph.records import GraphRecords
from toxicpath.graph.schema import SCAN_META_LABEL
from toxicpath.graph.store import (
    GraphPath,
    ReadOnlyQueryError,
    ScanInfo,
    StoreError,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
RULE = REPO_ROOT / "queries" / "rules" / "exposed-compute-reaches-sensitive-data.cypher"

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        not os.environ.get("TOXICPATH_NEO4J_URI"),
        reason=(
            "needs a Neo4j server: run `docker compose up -d neo4j`, then "
            "TOXICPATH_NEO4J_URI=bolt://127.0.0.1:7687 TOXICPATH_NEO4J_PASSWORD=... "
            "pytest -m neo4j tests/graph"
        ),
    ),
]


def _wipe(store: Neo4jStore) -> None:
    labels = [label.name for label in NODE_LABELS] + [SCAN_META_LABEL]
    with store.driver.session(database=store.database) as session:
        for label in labels:
            session.run(f"MATCH (n:{label}) DETACH DELETE n").consume()


@pytest.fixture
def neo4j_store() -> Iterator[Neo4jStore]:
    store = Neo4jStore.from_environment(chunk_size=3, retention=0)
    _wipe(store)
    yield store
    _wipe(store)
    store.close()


@pytest.fixture
def both_loaded(
    neo4j_store: Neo4jStore,
    tmp_path: Path,
    estate: GraphRecords,
    make_scan: Callable[..., ScanInfo],
) -> tuple[Neo4jStore, LadybugStore]:
    embedded = LadybugStore(tmp_path / "graph.lbdb")
    embedded.load(estate, make_scan("scan-1"))
    neo4j_store.load(estate, make_scan("scan-1"))
    return neo4j_store, embedded


def test_server_version_supported(neo4j_store: Neo4jStore) -> None:
    version = neo4j_store.verify_server()
    assert int(version.split(".")[0]) >= 5


def test_load_sets_current_scan(
    both_loaded: tuple[Neo4jStore, LadybugStore],
) -> None:
    server, _ = both_loaded
    scan = server.current_scan()
    assert scan is not None
    assert scan.id == "scan-1"
    assert scan.complete


def test_rule_and_paths_match_ladybug(
    both_loaded: tuple[Neo4jStore, LadybugStore],
) -> None:
    server, embedded = both_loaded
    metadata = yaml.safe_load(RULE.with_suffix(".yaml").read_text(encoding="utf-8"))
    queries = [
        ParityQuery(
            "rule", RULE.read_text(encoding="utf-8"), metadata.get("parameters") or {}
        ),
        ParityQuery(
            "shortest",
            "MATCH (a:Identity {id: $source}) MATCH (b:Resource) "
            "MATCH {{shortest_path p = "
            "(a)-[:CAN_ASSUME|CAN_ESCALATE|CAN_ACCESS*1..6]->(b)}} "
            "RETURN b.id AS target, length(p) AS hops",
            {"source": "arn:aws:iam::111111111111:user/alice"},
        ),
        ParityQuery(
            "counts",
            "MATCH (n:Identity) RETURN n.type AS type, count(n) AS identities",
        ),
        ParityQuery("nodes", "MATCH (n:Resource) RETURN n AS node"),
        ParityQuery(
            "edges", "MATCH (:Identity)-[r:CAN_ASSUME]->(:Identity) RETURN r AS edge"
        ),
    ]
    assert [str(m) for m in compare_stores(server, embedded, queries)] == []


def test_path_query_returns_graph_path(
    both_loaded: tuple[Neo4jStore, LadybugStore],
) -> None:
    server, _ = both_loaded
    rows = server.query(
        render(
            "MATCH (i:Internet) MATCH (b:Resource {id: $bucket}) "
            "MATCH {{shortest_path p = (i)-[:EXPOSED_TO|RUNS_AS|CAN_ASSUME|"
            "CAN_ESCALATE|CAN_ACCESS*1..6]->(b)}} RETURN p AS path",
            NEO4J,
        ),
        {"bucket": "arn:aws:s3:::payroll"},
    )
    path = rows[0]["path"]
    assert isinstance(path, GraphPath)
    assert path.nodes[0].id == "internet"
    assert len(path.edges) == 4


def test_write_query_rejected(both_loaded: tuple[Neo4jStore, LadybugStore]) -> None:
    server, _ = both_loaded
    with pytest.raises(ReadOnlyQueryError):
        server.query("MATCH (n) DETACH DELETE n")
    rows = server.query("MATCH (n:Identity) RETURN count(n) AS identities")
    assert rows == [{"identities": 4}]


def test_failed_load_keeps_marker(
    both_loaded: tuple[Neo4jStore, LadybugStore],
    make_estate: Callable[..., GraphRecords],
    make_scan: Callable[..., ScanInfo],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, _ = both_loaded
    broken = make_estate(bucket_name="ledger")
    # Neo4j cannot store a map as a property value, so the server rejects
    # the batch that carries this node.
    broken.nodes["arn:aws:s3:::ledger"].props["encrypted"] = {"not": "storable"}
    monkeypatch.setattr(GraphRecords, "validate", lambda self: None)
    with pytest.raises(StoreError):
        server.load(broken, make_scan("scan-2", day=2))
    scan = server.current_scan()
    assert scan is not None
    assert scan.id == "scan-1"


def test_new_scan_prunes_old_nodes(
    both_loaded: tuple[Neo4jStore, LadybugStore],
    make_estate: Callable[..., GraphRecords],
    make_scan: Callable[..., ScanInfo],
) -> None:
    server, _ = both_loaded
    server.load(make_estate(bucket_name="ledger"), make_scan("scan-2", day=2))
    rows = server.query("MATCH (r:Resource {type: 'object_storage'}) RETURN r.id AS id")
    assert rows == [{"id": "arn:aws:s3:::ledger"}]
    scans = server.query(f"MATCH (s:{SCAN_META_LABEL}) RETURN s.id AS id")
    assert scans == [{"id": "scan-2"}]
