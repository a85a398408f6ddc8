"""Graph records: the nodes and edges a transform produces and a store loads.

Records are plain data checked against the declared model, so a transform bug
(an undeclared property, an edge to a missing node) fails before any store
sees it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from toxicpath.graph.model import (
    EDGE_TYPES_BY_NAME,
    NODE_LABELS_BY_NAME,
)


class RecordError(ValueError):
    """A node or edge that does not fit the graph model."""


@dataclass
class Node:
    label: str
    id: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class Edge:
    type: str
    source: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity of the edge: two edges with the same key are merged."""
        return (
            self.type,
            self.source,
            self.target,
            str(self.props.get("technique", "")),
        )


def to_json_text(value: Any) -> str:
    """Serialise a dict or list for a JSON-text property, with stable key order."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


@dataclass
class GraphRecords:
    """Nodes by id and edges by key, deduplicated on insert."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str, str], Edge] = field(default_factory=dict)

    def add_node(self, label: str, node_id: str, **props: Any) -> Node:
        """Add a node, or merge non-null properties into the existing one."""
        if label not in NODE_LABELS_BY_NAME:
            raise RecordError(f"unknown node label {label!r} for node {node_id!r}")
        existing = self.nodes.get(node_id)
        if existing is not None:
            if existing.label != label:
                raise RecordError(
                    f"node {node_id!r} added as {label} but already exists "
                    f"as {existing.label}"
                )
            for key, value in props.items():
                if value is not None:
                    existing.props[key] = value
            return existing
        node = Node(label, node_id, dict(props))
        self.nodes[node_id] = node
        return node

    def add_edge(self, edge_type: str, source: str, target: str, **props: Any) -> Edge:
        """Add an edge; a second edge with the same key merges its evidence."""
        if edge_type not in EDGE_TYPES_BY_NAME:
            raise RecordError(
                f"unknown edge type {edge_type!r} from {source!r} to {target!r}"
            )
        edge = Edge(edge_type, source, target, dict(props))
        existing = self.edges.get(edge.key)
        if existing is None:
            self.edges[edge.key] = edge
            return edge
        _merge_edge(existing, edge)
        return existing

    def extend(self, other: GraphRecords) -> None:
        """Add `other`'s records, merging those that exist already.

        Records new to `self` are moved, not copied, so `other` must not be
        changed afterwards.
        """
        for node in other.nodes.values():
            if node.id in self.nodes:
                self.add_node(node.label, node.id, **node.props)
            else:
                self.nodes[node.id] = node
        for key, edge in other.edges.items():
            if key in self.edges:
                self.add_edge(edge.type, edge.source, edge.target, **edge.props)
            else:
                self.edges[key] = edge

    def nodes_with_label(self, label: str) -> Iterator[Node]:
        return (n for n in self.nodes.values() if n.label == label)

    def edges_of_type(self, edge_type: str) -> Iterator[Edge]:
        return (e for e in self.edges.values() if e.type == edge_type)

    def validate(self) -> None:
        """Check every record against the model.

        Raises RecordError on the first node or edge that does not fit.
        """
        for node in self.nodes.values():
            allowed = set(NODE_LABELS_BY_NAME[node.label].property_names)
            unknown = set(node.props) - allowed
            if unknown:
                raise RecordError(
                    f"node {node.id!r} ({node.label}) has undeclared properties "
                    f"{sorted(unknown)}"
                )
        for edge in self.edges.values():
            declared = EDGE_TYPES_BY_NAME[edge.type]
            described = f"{edge.type} edge {edge.source!r} -> {edge.target!r}"
            for end, node_id in (("source", edge.source), ("target", edge.target)):
                if node_id not in self.nodes:
                    raise RecordError(f"{described}: {end} node is missing")
            pair = (self.nodes[edge.source].label, self.nodes[edge.target].label)
            if pair not in declared.endpoints:
                raise RecordError(
                    f"{described} joins {pair[0]} to {pair[1]}, "
                    "which the model does not declare"
                )
            unknown = set(edge.props) - set(declared.property_names)
            if unknown:
                raise RecordError(
                    f"{described} has undeclared properties {sorted(unknown)}"
                )

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for node in self.nodes.values():
            counts[node.label] = counts.get(node.label, 0) + 1
        for edge in self.edges.values():
            counts[edge.type] = counts.get(edge.type, 0) + 1
        return counts


def _merge_edge(existing: Edge, new: Edge) -> None:
    """Merge `new` into `existing`, unioning evidence and actions.

    The merged edge stays conditional only if both were conditional, because one
    unconditional route is enough for the attack to work.
    """
    old_evidence = _load_list(existing.props.get("evidence"))
    for item in _load_list(new.props.get("evidence")):
        if item not in old_evidence:
            old_evidence.append(item)
    if old_evidence:
        existing.props["evidence"] = to_json_text(old_evidence)
    if "actions" in new.props or "actions" in existing.props:
        actions = set(existing.props.get("actions") or []) | set(
            new.props.get("actions") or []
        )
        existing.props["actions"] = sorted(actions)
    if "conditional" in new.props or "conditional" in existing.props:
        existing.props["conditional"] = bool(
            existing.props.get("conditional")
        ) and bool(new.props.get("conditional"))
    for key, value in new.props.items():
        if (
            key not in ("evidence", "actions", "conditional")
            and existing.props.get(key) is None
        ):
            existing.props[key] = value
    if new.type == "CAN_ACCESS":
        existing.props["level"] = _max_level(
            existing.props.get("level"), new.props.get("level")
        )


_LEVEL_ORDER = {"read": 1, "write": 2, "admin": 3}


def _max_level(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return a if _LEVEL_ORDER.get(str(a), 0) >= _LEVEL_ORDER.get(str(b), 0) else b


def _load_list(text: Any) -> list[Any]:
    if not text:
        return []
    if isinstance(text, list):
        return list(text)
    loaded = json.loads(text)
    return loaded if isinstance(loaded, list) else [loaded]


def records_from(nodes: Iterable[Node], edges: Iterable[Edge]) -> GraphRecords:
    records = GraphRecords()
    for node in nodes:
        records.add_node(node.label, node.id, **node.props)
    for edge in edges:
        records.add_edge(edge.type, edge.source, edge.target, **edge.props)
    return records
