"""LadybugStore against a real LadybugDB file."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import ladybug
import pytest

from toxicpath.graph.dialect import LADYBUG, render
from toxicpath.graph.ladybug_store import LadybugStore, wal_path
from toxicpath.graph.records import GraphRecords
from toxicpath.graph.store import (
    GraphEdge,
    GraphNode,
    GraphPath,
    ReadOnlyQueryError,
    ScanInfo,
    StoreError,
)

ALICE = "arn:aws:iam::111111111111:user/alice"
WEB_VM = "arn:aws:ec2:us-east-1:111111111111:instance/i-0abc"
BUCKET = "arn:aws:s3:::payroll"
ADMIN = "aws:account_admin:111111111111"


@pytest.fixture
def loaded(
    tmp_path: Path, estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> Iterator[LadybugStore]:
    store = LadybugStore(tmp_path / "graph.lbdb")
    store.load(estate, make_scan("scan-1"))
    yield store
    store.close()


def test_load_records_current_scan(loaded: LadybugStore) -> None:
    scan = loaded.current_scan()
    assert scan is not None
    assert scan.id == "scan-1"
    assert scan.complete
    assert scan.sources == ("scan-1.jsonl.gz",)
    assert scan.counts["Identity"] == 4
    assert scan.counts["CAN_ASSUME"] == 2


def test_query_returns_graph_nodes(loaded: LadybugStore) -> None:
    rows = loaded.query(
        "MATCH (i:Identity {id: $id}) RETURN i AS identity", {"id": ALICE}
    )
    assert len(rows) == 1
    node = rows[0]["identity"]
    assert isinstance(node, GraphNode)
    assert node.label == "Identity"
    assert node.id == ALICE
    assert node.props["days_inactive"] == 12
    assert node.props["scan_id"] == "scan-1"
    # Columns of other tables that LadybugDB pads with None are dropped.
    assert "sensitivity" not in node.props


def test_json_text_properties_stored(loaded: LadybugStore) -> None:
    rows = loaded.query(
        "MATCH (a:Account) RETURN a.tags AS tags, a.id AS id",
    )
    assert rows == [{"tags": '{"env":"prod"}', "id": "aws:account:111111111111"}]


def test_relationship_endpoints_resolved(loaded: LadybugStore) -> None:
    rows = loaded.query(
        "MATCH (:Internet)-[e:EXPOSED_TO]->(r:Resource) RETURN e AS exposure"
    )
    edge = rows[0]["exposure"]
    assert isinstance(edge, GraphEdge)
    assert edge.source == "internet"
    assert edge.target == WEB_VM
    assert edge.props["ports"] == ["443"]
    assert edge.props["cidrs"] == ["0.0.0.0/0"]


def test_variable_length_paths(loaded: LadybugStore) -> None:
    query = render(
        "MATCH (i:Internet) MATCH (b:Resource {id: $bucket}) "
        "MATCH {{trail p = (i)-[:EXPOSED_TO|RUNS_AS|CAN_ASSUME|CAN_ESCALATE|"
        "CAN_ACCESS*1..6]->(b)}} "
        "RETURN p AS path, length(p) AS hops ORDER BY hops",
        LADYBUG,
    )
    rows = loaded.query(query, {"bucket": BUCKET})
    hops = [row["hops"] for row in rows]
    assert hops == [4, 5]
    path = rows[0]["path"]
    assert isinstance(path, GraphPath)
    assert path.nodes[0].id == "internet"
    assert path.nodes[-1].id == BUCKET
    assert [edge.type for edge in path.edges] == [
        "EXPOSED_TO",
        "RUNS_AS",
        "CAN_ASSUME",
        "CAN_ACCESS",
    ]


def test_shortest_path_rendered_by_dialect(loaded: LadybugStore) -> None:
    query = render(
        "MATCH (a:Identity {id: $source}) MATCH (b:Resource {id: $target}) "
        "MATCH {{shortest_path p = "
        "(a)-[:CAN_ASSUME|CAN_ESCALATE|CAN_ACCESS*1..6]->(b)}} "
        "RETURN p AS path",
        LADYBUG,
    )
    rows = loaded.query(query, {"source": ALICE, "target": BUCKET})
    assert len(rows) == 1
    path = rows[0]["path"]
    assert [node.id for node in path.nodes] == [
        ALICE,
        "arn:aws:iam::111111111111:role/deploy",
        BUCKET,
    ]
    assert path.edges[0].source == ALICE
    assert path.edges[-1].target == BUCKET


def test_all_shortest_paths_rendered(loaded: LadybugStore) -> None:
    query = render(
        "MATCH (a:Identity {id: $source}) MATCH (b:Identity {id: $target}) "
        "MATCH {{all_shortest_paths p = (a)-[:CAN_ASSUME|CAN_ESCALATE*1..6]->(b)}} "
        "RETURN length(p) AS hops",
        LADYBUG,
    )
    rows = loaded.query(query, {"source": ALICE, "target": ADMIN})
    assert rows == [{"hops": 2}]


def test_write_query_rejected_deletes_nothing(loaded: LadybugStore) -> None:
    with pytest.raises(ReadOnlyQueryError):
        loaded.query("MATCH (n) DETACH DELETE n")
    rows = loaded.query("MATCH (n:Identity) RETURN count(n) AS identities")
    assert rows == [{"identities": 4}]


def test_failed_load_keeps_previous_scan(
    loaded: LadybugStore,
    make_scan: Callable[..., ScanInfo],
    make_estate: Callable[..., GraphRecords],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = make_estate(bucket_name="ledger")
    broken.add_edge("CAN_ASSUME", ALICE, "arn:aws:s3:::ledger")
    # The model check would reject an Identity -> Resource CAN_ASSUME; skip it
    # so the COPY of CAN_ASSUME fails after every node table is copied.
    monkeypatch.setattr(GraphRecords, "validate", lambda self: None)
    with pytest.raises(StoreError, match="CAN_ASSUME"):
        loaded.load(broken, make_scan("scan-2", day=2))
    scan = loaded.current_scan()
    assert scan is not None
    assert scan.id == "scan-1"
    rows = loaded.query("MATCH (r:Resource {type: 'object_storage'}) RETURN r.id AS id")
    assert rows == [{"id": BUCKET}]
    leftovers = sorted(p.name for p in loaded.path.parent.iterdir())
    assert leftovers == ["graph.lbdb", "graph.lbdb.lock"]


def test_second_load_replaces_scan(
    loaded: LadybugStore,
    make_scan: Callable[..., ScanInfo],
    make_estate: Callable[..., GraphRecords],
) -> None:
    loaded.query("MATCH (n:Identity) RETURN n.id AS id")
    loaded.load(make_estate(bucket_name="ledger"), make_scan("scan-2", day=2))
    scan = loaded.current_scan()
    assert scan is not None
    assert scan.id == "scan-2"
    rows = loaded.query("MATCH (r:Resource {type: 'object_storage'}) RETURN r.id AS id")
    assert rows == [{"id": "arn:aws:s3:::ledger"}]


def test_reader_sees_new_scan(
    loaded: LadybugStore,
    make_scan: Callable[..., ScanInfo],
    make_estate: Callable[..., GraphRecords],
) -> None:
    reader = LadybugStore(loaded.path, read_only=True)
    first = reader.current_scan()
    assert first is not None
    assert first.id == "scan-1"
    loaded.load(make_estate(bucket_name="ledger"), make_scan("scan-2", day=2))
    # The reader's open handle still points at the replaced file; the next
    # query notices the rename and reopens.
    second = reader.current_scan()
    assert second is not None
    assert second.id == "scan-2"
    rows = reader.query("MATCH (r:Resource {type: 'object_storage'}) RETURN r.id AS id")
    assert rows == [{"id": "arn:aws:s3:::ledger"}]
    reader.close()


def test_slow_query_times_out(loaded: LadybugStore) -> None:
    store = LadybugStore(loaded.path, read_only=True, query_timeout_seconds=0.05)
    with pytest.raises(StoreError, match="timed out"):
        # 25 million rows, streamed, so the engine checks the timeout.
        store.query(
            "UNWIND range(1, 5000) AS x UNWIND range(1, 5000) AS y "
            "RETURN sum(x * y % 7) AS total"
        )
    store.close()


def test_read_only_store_rejects_load(
    loaded: LadybugStore, estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    reader = LadybugStore(loaded.path, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        reader.load(estate, make_scan("scan-2", day=2))


def test_leftover_wal_removed_by_load(
    loaded: LadybugStore,
    tmp_path: Path,
    make_scan: Callable[..., ScanInfo],
    make_estate: Callable[..., GraphRecords],
) -> None:
    loaded.close()
    # A log left by a writer killed on another database file, as after a
    # crash between creating a file and renaming it into place.
    other = tmp_path / "other.lbdb"
    database = ladybug.Database(str(other))
    connection = ladybug.Connection(database)
    connection.execute("CREATE NODE TABLE X(id STRING, PRIMARY KEY(id))")
    connection.execute("CREATE (:X {id: 'x'})")
    shutil.copy(wal_path(other), wal_path(loaded.path))
    connection.close()
    database.close()

    with pytest.raises(StoreError, match=r"\.wal"):
        loaded.query("MATCH (n:Identity) RETURN n.id AS id")
    loaded.load(make_estate(bucket_name="ledger"), make_scan("scan-2", day=2))
    assert not wal_path(loaded.path).exists()
    scan = loaded.current_scan()
    assert scan is not None
    assert scan.id == "scan-2"


def test_empty_store_query_explains(tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "missing.lbdb")
    assert store.current_scan() is None
    with pytest.raises(StoreError, match="toxicpath scan"):
        store.query("MATCH (n:Identity) RETURN n.id AS id")


def test_concurrent_load_rejected(
    loaded: LadybugStore, estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    import fcntl

    lock_path = loaded.path.with_name(loaded.path.name + ".lock")
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="another process"):
            loaded.load(estate, make_scan("scan-2", day=2))
        fcntl.flock(handle, fcntl.LOCK_UN)


def test_invalid_buffer_pool_rejected(
    tmp_path: Path,
    estate: GraphRecords,
    make_scan: Callable[..., ScanInfo],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOXICPATH_LADYBUG_BUFFER_POOL_MB", "lots")
    store = LadybugStore(tmp_path / "graph.lbdb")
    with pytest.raises(StoreError, match="TOXICPATH_LADYBUG_BUFFER_POOL_MB='lots'"):
        store.load(estate, make_scan("scan-1"))
    assert not store.path.exists()


def test_interrupted_load_leftovers_removed(
    loaded: LadybugStore,
    make_scan: Callable[..., ScanInfo],
    make_estate: Callable[..., GraphRecords],
) -> None:
    leftover = loaded.path.with_name(f".{loaded.path.name}.loading-999999")
    leftover.write_bytes(b"partial database")
    wal_path(leftover).write_bytes(b"partial log")
    loaded.load(make_estate(bucket_name="ledger"), make_scan("scan-2", day=2))
    assert not leftover.exists()
    assert not wal_path(leftover).exists()
    scan = loaded.current_scan()
    assert scan is not None
    assert scan.id == "scan-2"


_KILLED_LOADER = """
import sys
from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.records import GraphRecords
from toxicpath.graph.store import ScanInfo

records = GraphRecords()
for index in range(200_000):
    records.add_node("Identity", f"identity-{index}", type="role", name="x" * 40)
print("loading", flush=True)
scan = ScanInfo(id="scan-killed", created_at="2026-03-09T00:00:00Z", complete=True)
LadybugStore(sys.argv[1]).load(records, scan)
"""


def test_killed_load_keeps_previous_scan(
    loaded: LadybugStore,
    make_scan: Callable[..., ScanInfo],
    make_estate: Callable[..., GraphRecords],
) -> None:
    loader = subprocess.Popen(
        [sys.executable, "-c", _KILLED_LOADER, str(loaded.path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert loader.stdout is not None
    assert loader.stdout.readline().strip() == "loading"
    staging = loaded.path.with_name(f".{loaded.path.name}.loading-{loader.pid}")
    deadline = time.monotonic() + 60
    while not staging.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert staging.exists()
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)

    scan = loaded.current_scan()
    assert scan is not None
    assert scan.id == "scan-1"
    rows = loaded.query("MATCH (n:Identity) RETURN count(n) AS identities")
    assert rows == [{"identities": 4}]

    loaded.load(make_estate(bucket_name="ledger"), make_scan("scan-2", day=2))
    assert not staging.exists()
    scan = loaded.current_scan()
    assert scan is not None
    assert scan.id == "scan-2"


@pytest.mark.parametrize(
    "parameters",
    [
        {"ids": [ALICE, 7]},
        {"rows": [{"id": ALICE}, {"id": BUCKET, "extra": 1}]},
    ],
)
def test_invalid_parameters_explained(
    loaded: LadybugStore, parameters: dict[str, object]
) -> None:
    with pytest.raises(StoreError, match=r"parameters|incompatible"):
        loaded.query("MATCH (n:Identity) RETURN n.id AS id", parameters)


def test_missing_technique_stored_empty(
    tmp_path: Path, make_scan: Callable[..., ScanInfo]
) -> None:
    records = GraphRecords()
    records.add_node("Identity", "role/a", type="role")
    records.add_node("Identity", "role/b", type="role")
    records.add_edge("CAN_ESCALATE", "role/a", "role/b", conditional=False)
    store = LadybugStore(tmp_path / "graph.lbdb")
    store.load(records, make_scan("scan-1"))
    rows = store.query("MATCH ()-[e:CAN_ESCALATE]->() RETURN e.technique AS technique")
    assert rows == [{"technique": ""}]
    store.close()


def test_many_edge_endpoints_resolved(
    tmp_path: Path, make_scan: Callable[..., ScanInfo]
) -> None:
    records = GraphRecords()
    for index in range(150):
        records.add_node("Identity", f"role/{index}", type="role")
    for index in range(149):
        records.add_edge(
            "CAN_ASSUME", f"role/{index}", f"role/{index + 1}", conditional=False
        )
    store = LadybugStore(tmp_path / "graph.lbdb")
    store.load(records, make_scan("scan-1"))
    # More endpoints than the IN-list lookup handles, so the id column is read.
    rows = store.query("MATCH ()-[e:CAN_ASSUME]->() RETURN e AS edge")
    pairs = sorted((row["edge"].source, row["edge"].target) for row in rows)
    expected = sorted((f"role/{i}", f"role/{i + 1}") for i in range(149))
    assert pairs == expected
    store.close()


def test_string_for_list_property_named(
    tmp_path: Path, make_scan: Callable[..., ScanInfo]
) -> None:
    records = GraphRecords()
    records.add_node("Network", "sg-1", type="security_group", cidrs="0.0.0.0/0")
    store = LadybugStore(tmp_path / "graph.lbdb")
    with pytest.raises(StoreError, match=r"node 'sg-1' \(Network\): property cidrs"):
        store.load(records, make_scan("scan-1"))
    assert store.current_scan() is None
