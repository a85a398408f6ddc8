"""Draw attack paths and query results with Neo4j's graph component (neo4j-viz).

`draw` caps the number of nodes it hands to the component, because the
force layout in the browser slows down on thousands of nodes. The caller
shows the returned note when the cap left nodes out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from neo4j_viz import (
    Direction,
    HierarchicalLayoutOptions,
    Layout,
    Node,
    Relationship,
    VisualizationGraph,
)

from toxicpath.graph.store import GraphEdge, GraphNode, GraphPath

MAX_DRAWN_NODES = 300

# Node colours by label; an account admin is drawn in red as the usual target.
_LABEL_COLOURS = {
    "Internet": "#d62728",
    "Identity": "#1f77b4",
    "Resource": "#2ca02c",
    "Account": "#9467bd",
    "Network": "#8c564b",
    "Policy": "#7f7f7f",
}
_ADMIN_COLOUR = "#b22222"
_OTHER_COLOUR = "#bcbd22"


@dataclass(frozen=True)
class DrawNode:
    """A node to draw: its id, caption and label (for the colour)."""

    id: str
    caption: str
    label: str = ""
    type: str = ""
    properties: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class DrawEdge:
    """A directed edge to draw, captioned with its type."""

    source: str
    target: str
    caption: str
    properties: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Drawing:
    """The component's HTML and what the node cap left out."""

    html: str
    drawn_nodes: int
    total_nodes: int
    drawn_edges: int

    @property
    def note(self) -> str:
        if self.drawn_nodes >= self.total_nodes:
            return ""
        return (
            f"Showing {self.drawn_nodes} of {self.total_nodes} nodes; narrow the "
            "filters or the query to see the rest."
        )


def draw(
    nodes: Iterable[DrawNode],
    edges: Iterable[DrawEdge],
    *,
    height_px: int = 460,
    max_nodes: int = MAX_DRAWN_NODES,
    hierarchical: bool = False,
) -> Drawing:
    """Render nodes and edges as a self-contained HTML page of the graph component.

    Nodes past `max_nodes` (in the order given) are left out, and so are the
    edges that touch them. `hierarchical` lays edges out left to right, which
    reads well for attack paths.
    """
    unique: dict[str, DrawNode] = {}
    for node in nodes:
        unique.setdefault(node.id, node)
    drawn = dict(list(unique.items())[:max_nodes])
    edges_drawn = [e for e in edges if e.source in drawn and e.target in drawn]
    # model_validate rather than keyword arguments: the models declare their
    # optional fields through aliases, which mypy reads as required.
    graph = VisualizationGraph(
        nodes=[
            Node.model_validate(
                {
                    "id": node.id,
                    "caption": node.caption,
                    "color": _colour(node),
                    "size": 30 if node.label in ("Internet", "Identity") else 26,
                    "properties": {
                        "id": node.id,
                        "label": node.label,
                        "type": node.type,
                    }
                    | _scalars(node.properties),
                }
            )
            for node in drawn.values()
        ],
        relationships=[
            Relationship.model_validate(
                {
                    "source": edge.source,
                    "target": edge.target,
                    "caption": edge.caption,
                    "properties": _scalars(edge.properties),
                }
            )
            for edge in edges_drawn
        ],
    )
    if hierarchical:
        html = graph.render(
            height=f"{height_px}px",
            theme="light",
            layout=Layout.HIERARCHICAL,
            layout_options=HierarchicalLayoutOptions(direction=Direction.RIGHT),
        )
    else:
        html = graph.render(height=f"{height_px}px", theme="light")
    return Drawing(
        html=str(html.data),
        drawn_nodes=len(drawn),
        total_nodes=len(unique),
        drawn_edges=len(edges_drawn),
    )


def _colour(node: DrawNode) -> str:
    if node.type == "account_admin":
        return _ADMIN_COLOUR
    return _LABEL_COLOURS.get(node.label, _OTHER_COLOUR)


def _scalars(properties: dict[str, Any]) -> dict[str, Any]:
    """Keep the properties the component can show in its inspector."""
    return {
        key: value
        for key, value in properties.items()
        if isinstance(value, str | int | float | bool) and key != "evidence"
    }


def elements_from_rows(
    rows: list[dict[str, Any]],
) -> tuple[list[DrawNode], list[DrawEdge]]:
    """Collect the nodes, edges and paths found anywhere in query result rows.

    An edge whose end nodes the rows do not return gets placeholder nodes
    named by id, so the edge can still be drawn.
    """
    nodes: dict[str, DrawNode] = {}
    edges: dict[tuple[str, str, str], DrawEdge] = {}

    def visit(value: Any) -> None:
        if isinstance(value, GraphNode):
            nodes.setdefault(
                value.id,
                DrawNode(
                    id=value.id,
                    caption=str(value.props.get("name") or value.id),
                    label=value.label,
                    type=str(value.props.get("type") or ""),
                    properties=value.props,
                ),
            )
        elif isinstance(value, GraphEdge):
            edges.setdefault(
                (value.source, value.target, value.type),
                DrawEdge(
                    source=value.source,
                    target=value.target,
                    caption=value.type,
                    properties=value.props,
                ),
            )
        elif isinstance(value, GraphPath):
            for item in [*value.nodes, *value.edges]:
                visit(item)
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)

    for row in rows:
        for value in row.values():
            visit(value)
    for edge in edges.values():
        for end in (edge.source, edge.target):
            nodes.setdefault(end, DrawNode(id=end, caption=end))
    return list(nodes.values()), list(edges.values())
