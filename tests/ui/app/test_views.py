"""The app's UI-neutral helpers: drawing caps, result graphs, severities, evidence."""

from __future__ import annotations

import json

import pytest
from app_support import DemoStore

from toxicpath.graph.store import GraphEdge, GraphNode, GraphPath
from toxicpath.ui.app.widgets import hop_evidence_text
from toxicpath.ui.views import explore
from toxicpath.ui.views.drawing import DrawEdge, DrawNode, draw, elements_from_rows
from toxicpath.ui.views.explore import path_severity
from toxicpath.ui.views.paths import Hop


def graph_data(html: str) -> dict[str, object]:
    marker = '<script type="application/json" id="neo4j-viz-data">'
    start = html.index(marker) + len(marker)
    end = html.index("</script>", start)
    data = json.loads(html[start:end])
    assert isinstance(data, dict)
    return data


def test_draw_caps_nodes() -> None:
    nodes = [DrawNode(id=f"n{i}", caption=f"node {i}") for i in range(350)]
    edges = [
        DrawEdge(source="n0", target="n1", caption="CAN_ASSUME"),
        DrawEdge(source="n0", target="n340", caption="CAN_ACCESS"),
    ]
    drawing = draw(nodes, edges, max_nodes=300)
    assert drawing.drawn_nodes == 300
    assert drawing.total_nodes == 350
    assert drawing.drawn_edges == 1
    assert "300 of 350" in drawing.note
    data = graph_data(drawing.html)
    assert len(data["nodes"]) == 300  # type: ignore[arg-type]
    assert len(data["relationships"]) == 1  # type: ignore[arg-type]


def test_draw_small_graph_no_note() -> None:
    drawing = draw([DrawNode(id="a", caption="a")], [])
    assert drawing.note == ""


def test_draw_escapes_script_in_caption() -> None:
    drawing = draw([DrawNode(id="a", caption="</script><script>alert(1)")], [])
    assert "</script><script>alert(1)" not in drawing.html


def test_elements_from_rows_collects_paths() -> None:
    alice = GraphNode(label="Identity", id="u1", props={"name": "alice"})
    bucket = GraphNode(label="Resource", id="b1", props={"name": "data"})
    edge = GraphEdge(type="CAN_ACCESS", source="u1", target="b1")
    dangling = GraphEdge(type="CAN_ASSUME", source="u1", target="r9")
    rows = [
        {"p": GraphPath(nodes=[alice, bucket], edges=[edge]), "n": 3},
        {"r": edge, "others": [dangling]},
    ]
    nodes, edges = elements_from_rows(rows)
    by_id = {node.id: node for node in nodes}
    assert set(by_id) == {"u1", "b1", "r9"}
    assert by_id["u1"].caption == "alice"
    assert by_id["r9"].caption == "r9"
    assert len(edges) == 2


def test_path_severity_prefers_findings() -> None:
    assert path_severity(0.05, ["medium", "critical"]) == "critical"


def test_path_severity_risk_bands() -> None:
    assert path_severity(0.81, []) == "critical"
    assert path_severity(0.45, []) == "high"
    assert path_severity(0.2, []) == "medium"
    assert path_severity(0.01, []) == "low"


def test_evidence_text_names_policy_and_rule() -> None:
    hop = Hop(
        source="internet",
        target="i-1",
        kind="EXPOSED_TO",
        reason="Instance web-1 is reachable.",
        evidence=[
            {
                "kind": "security_group_rule",
                "security_group": "sg-1",
                "rule": "tcp 443",
                "cidr": "0.0.0.0/0",
            },
            {"allowed_by": [{"policy": "arn:policy/p", "statement": "S1"}]},
        ],
    )
    text = hop_evidence_text(hop)
    assert "security group sg-1 rule tcp 443 from 0.0.0.0/0" in text
    assert "policy arn:policy/p statement S1" in text


def test_load_paths_caps_descriptions(
    demo_store: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(explore, "MAX_DESCRIBED_PATHS", 3)
    path_set = explore.load_paths(demo_store.spec, per_target=3, any_identity=False)
    assert len(path_set.paths) == 3
    assert path_set.total > 3
    risks = [p.view.risk for p in path_set.paths]
    assert risks == sorted(risks, reverse=True)


def test_load_blast_caps_descriptions(
    demo_store: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(explore, "MAX_DESCRIBED_PATHS", 2)
    view = explore.load_blast(
        demo_store.spec, "arn:aws:iam::210987654321:role/web-server-role"
    )
    assert view is not None
    assert len(view.views) == 2
    assert len(view.reached) > 2
    assert view.views[0].target == view.reached[0].id


def test_draw_hierarchical_layout() -> None:
    nodes = [DrawNode(id="a", caption="a"), DrawNode(id="b", caption="b")]
    edges = [DrawEdge(source="a", target="b", caption="CAN_ASSUME")]
    flat = graph_data(draw(nodes, edges).html)
    layered = graph_data(draw(nodes, edges, hierarchical=True).html)
    assert "hierarchical" in json.dumps(layered["options"])
    assert "hierarchical" not in json.dumps(flat["options"])
