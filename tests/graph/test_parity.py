"""compare_stores on two real LadybugDB stores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.parity import ParityQuery, compare_stores, normalize
from toxicpath.graph.records import GraphRecords
from toxicpath.graph.store import GraphEdge, GraphNode, GraphPath, ScanInfo

QUERIES = [
    ParityQuery(
        "resources",
        "MATCH (r:Resource) RETURN r AS resource, r.name AS name",
    ),
    ParityQuery(
        "paths",
        "MATCH (i:Internet) MATCH (b:Resource {sensitivity: 'critical'}) "
        "MATCH {{trail p = (i)-[:EXPOSED_TO|RUNS_AS|CAN_ASSUME|CAN_ESCALATE|"
        "CAN_ACCESS*1..6]->(b)}} RETURN p AS path, length(p) AS hops",
    ),
]


def test_identical_stores_match(
    tmp_path: Path,
    make_estate: Callable[..., GraphRecords],
    make_scan: Callable[..., ScanInfo],
) -> None:
    left = LadybugStore(tmp_path / "left.lbdb")
    right = LadybugStore(tmp_path / "right.lbdb")
    left.load(make_estate(), make_scan("scan-1"))
    right.load(make_estate(), make_scan("scan-1"))
    assert compare_stores(left, right, QUERIES) == []


def test_different_stores_reported(
    tmp_path: Path,
    make_estate: Callable[..., GraphRecords],
    make_scan: Callable[..., ScanInfo],
) -> None:
    left = LadybugStore(tmp_path / "left.lbdb")
    right = LadybugStore(tmp_path / "right.lbdb")
    left.load(make_estate(), make_scan("scan-1"))
    right.load(make_estate(bucket_name="ledger"), make_scan("scan-1"))
    mismatches = compare_stores(left, right, QUERIES)
    assert [m.name for m in mismatches] == ["resources", "paths"]
    assert len(mismatches[0].left_only) == 1
    assert len(mismatches[0].right_only) == 1


def test_normalize_path_keeps_route() -> None:
    path = GraphPath(
        nodes=[GraphNode("Identity", "a", {"name": "a"}), GraphNode("Identity", "b")],
        edges=[GraphEdge("CAN_ASSUME", "a", "b", {"conditional": False})],
    )
    assert normalize(path) == ("path", ("a", "b"), (("CAN_ASSUME", "a", "b"),))
