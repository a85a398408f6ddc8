"""Turn both engines' nodes, relationships and paths into one set of dataclasses.

LadybugDB returns nodes and relationships as dicts (`_LABEL`, `_ID`, `_SRC`,
`_DST`) whose columns are the union of all tables, padded with None. Its paths
are dicts with `_NODES` and `_RELS`. The Neo4j driver returns `Node`,
`Relationship` and `Path` objects. Both become `GraphNode`, `GraphEdge` and
`GraphPath` with only the properties the model declares and that have a value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from toxicpath.graph.model import EDGE_TYPES_BY_NAME, NODE_LABELS_BY_NAME
from toxicpath.graph.schema import SCAN_META_LABEL, SCAN_META_PROPERTIES
from toxicpath.graph.store import GraphEdge, GraphNode, GraphPath

# LadybugDB internal id: (table id, offset in the table).
InternalId = tuple[int, int]

_DECLARED_NODE_PROPERTIES: dict[str, frozenset[str]] = {
    name: frozenset(label.property_names) for name, label in NODE_LABELS_BY_NAME.items()
}
_DECLARED_NODE_PROPERTIES[SCAN_META_LABEL] = frozenset(
    p.name for p in SCAN_META_PROPERTIES
)
_DECLARED_EDGE_PROPERTIES: dict[str, frozenset[str]] = {
    name: frozenset(edge.property_names) for name, edge in EDGE_TYPES_BY_NAME.items()
}


def _node_props(label: str, values: Mapping[str, Any]) -> dict[str, Any]:
    declared = _DECLARED_NODE_PROPERTIES.get(label)
    return {
        key: value
        for key, value in values.items()
        if value is not None
        and key != "id"
        and not key.startswith("_")
        and (declared is None or key in declared)
    }


def _edge_props(edge_type: str, values: Mapping[str, Any]) -> dict[str, Any]:
    declared = _DECLARED_EDGE_PROPERTIES.get(edge_type)
    return {
        key: value
        for key, value in values.items()
        if value is not None
        and not key.startswith("_")
        and (declared is None or key in declared)
    }


# --- LadybugDB -------------------------------------------------------------


def _internal_id(value: Mapping[str, Any]) -> InternalId:
    return (int(value["table"]), int(value["offset"]))


def _is_ladybug_path(value: Any) -> bool:
    return isinstance(value, dict) and "_NODES" in value and "_RELS" in value


def _is_ladybug_rel(value: Any) -> bool:
    return isinstance(value, dict) and "_SRC" in value and "_DST" in value


def _is_ladybug_node(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "_LABEL" in value
        and "_ID" in value
        and "_SRC" not in value
    )


def collect_ladybug_ids(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[dict[InternalId, str], set[InternalId]]:
    """Return the node ids seen in the rows and the relationship endpoints not seen.

    A relationship carries only its endpoints' internal ids; the caller looks
    up the missing ones before `adapt_ladybug_value` turns them into node ids.
    """
    known: dict[InternalId, str] = {}
    endpoints: set[InternalId] = set()

    def visit(value: Any) -> None:
        if _is_ladybug_path(value):
            for item in (*value["_NODES"], *value["_RELS"]):
                visit(item)
        elif _is_ladybug_rel(value):
            endpoints.add(_internal_id(value["_SRC"]))
            endpoints.add(_internal_id(value["_DST"]))
        elif _is_ladybug_node(value):
            known[_internal_id(value["_ID"])] = str(value.get("id"))
        elif isinstance(value, list):
            for item in value:
                visit(item)

    for row in rows:
        for value in row.values():
            visit(value)
    return known, endpoints - set(known)


def adapt_ladybug_value(value: Any, node_ids: Mapping[InternalId, str]) -> Any:
    """Convert one LadybugDB result value; other values pass through unchanged."""
    if _is_ladybug_path(value):
        return GraphPath(
            nodes=[adapt_ladybug_value(node, node_ids) for node in value["_NODES"]],
            edges=[adapt_ladybug_value(rel, node_ids) for rel in value["_RELS"]],
        )
    if _is_ladybug_rel(value):
        edge_type = str(value["_LABEL"])
        return GraphEdge(
            type=edge_type,
            source=node_ids[_internal_id(value["_SRC"])],
            target=node_ids[_internal_id(value["_DST"])],
            props=_edge_props(edge_type, value),
        )
    if _is_ladybug_node(value):
        label = str(value["_LABEL"])
        return GraphNode(
            label=label, id=str(value.get("id")), props=_node_props(label, value)
        )
    if isinstance(value, list):
        return [adapt_ladybug_value(item, node_ids) for item in value]
    return value


# --- Neo4j -----------------------------------------------------------------


def collect_neo4j_missing_endpoints(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """Return element ids of relationship endpoints that arrived without properties.

    The driver builds a relationship's start and end nodes from their element
    ids alone unless the same record also returns those nodes, so their `id`
    property must be looked up.
    """
    from neo4j.graph import Path, Relationship

    missing: set[str] = set()

    def visit(value: Any) -> None:
        if isinstance(value, Relationship):
            for node in (value.start_node, value.end_node):
                if node is not None and node.get("id") is None:
                    missing.add(node.element_id)
        elif isinstance(value, Path):
            for rel in value.relationships:
                visit(rel)
        elif isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)

    for row in rows:
        for value in row.values():
            visit(value)
    return missing


def _endpoint_id(node: Any, node_ids: Mapping[str, str]) -> str:
    if node is None:
        return ""
    node_id = node.get("id")
    if node_id is not None:
        return str(node_id)
    return node_ids.get(node.element_id, "")


def adapt_neo4j_value(value: Any, node_ids: Mapping[str, str] | None = None) -> Any:
    """Convert one Neo4j driver result value; other values pass through unchanged.

    `node_ids` maps element ids to node ids for relationship endpoints that
    `collect_neo4j_missing_endpoints` found without properties.
    """
    # Imported here so the embedded store works without touching the driver.
    from neo4j.graph import Node, Path, Relationship

    ids = node_ids or {}
    if isinstance(value, Path):
        return GraphPath(
            nodes=[adapt_neo4j_value(node, ids) for node in value.nodes],
            edges=[adapt_neo4j_value(rel, ids) for rel in value.relationships],
        )
    if isinstance(value, Relationship):
        return GraphEdge(
            type=value.type,
            source=_endpoint_id(value.start_node, ids),
            target=_endpoint_id(value.end_node, ids),
            props=_edge_props(value.type, dict(value.items())),
        )
    if isinstance(value, Node):
        labels = sorted(value.labels)
        label = labels[0] if labels else ""
        props = dict(value.items())
        return GraphNode(
            label=label, id=str(props.get("id")), props=_node_props(label, props)
        )
    if isinstance(value, list):
        return [adapt_neo4j_value(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: adapt_neo4j_value(item, ids) for key, item in value.items()}
    if hasattr(value, "to_native"):
        # neo4j.time types become datetime, date and time objects.
        return value.to_native()
    return value
