"""Run the same queries on two stores and report where the results differ.

Used by the Neo4j integration suite to show that a library query means the
same on LadybugDB and on Neo4j. Results are compared after normalising nodes,
edges and paths to plain tuples; rows are compared as multisets unless the
query's order matters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from toxicpath.graph.dialect import render
from toxicpath.graph.store import GraphEdge, GraphNode, GraphPath, GraphStore


@dataclass(frozen=True)
class ParityQuery:
    """A library query (templates allowed) and its parameters."""

    name: str
    text: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    ordered: bool = False


@dataclass(frozen=True)
class ParityMismatch:
    """A query whose normalised rows differ between the two stores."""

    name: str
    left_only: list[Any]
    right_only: list[Any]

    def __str__(self) -> str:
        return (
            f"{self.name}: {len(self.left_only)} rows only on the left store "
            f"{self.left_only[:3]}, {len(self.right_only)} only on the right "
            f"{self.right_only[:3]}"
        )


def normalize(value: Any) -> Any:
    """Turn a result value into a hashable, engine-neutral form."""
    if isinstance(value, GraphNode):
        return ("node", value.label, value.id, normalize(value.props))
    if isinstance(value, GraphEdge):
        return ("edge", value.type, value.source, value.target, normalize(value.props))
    if isinstance(value, GraphPath):
        return (
            "path",
            tuple(node.id for node in value.nodes),
            tuple((edge.type, edge.source, edge.target) for edge in value.edges),
        )
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), normalize(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(normalize(item) for item in value)
    if isinstance(value, float) and math.isfinite(value):
        return round(value, 9)
    return value


def _normalized_rows(
    store: GraphStore, query: ParityQuery
) -> list[tuple[tuple[str, Any], ...]]:
    rows = store.query(render(query.text, store.dialect), dict(query.parameters))
    return [normalize(row) for row in rows]


def compare_stores(
    left: GraphStore, right: GraphStore, queries: Iterable[ParityQuery]
) -> list[ParityMismatch]:
    """Return one mismatch per query whose results differ."""
    mismatches: list[ParityMismatch] = []
    for query in queries:
        left_rows = _normalized_rows(left, query)
        right_rows = _normalized_rows(right, query)
        if query.ordered:
            if left_rows != right_rows:
                mismatches.append(ParityMismatch(query.name, left_rows, right_rows))
            continue
        left_only = list(left_rows)
        right_only: list[Any] = []
        for row in right_rows:
            if row in left_only:
                left_only.remove(row)
            else:
                right_only.append(row)
        if left_only or right_only:
            mismatches.append(ParityMismatch(query.name, left_only, right_only))
    return mismatches
