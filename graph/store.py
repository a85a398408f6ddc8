"""The store interface shared by the embedded store (LadybugDB) and Neo4j.

A store contains the graph of the current complete scan. `load` writes a new
scan and makes it current only after every record is written; a failure
leaves the previous scan current. `query` runs read-only Cypher in the
portable subset (see `toxicpath.graph.dialect`) and returns rows of plain
Python values: nodes become `GraphNode`, relationships `GraphEdge`, paths
`GraphPath`, whatever the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from toxicpath.graph.records import GraphRecords


@dataclass(frozen=True)
class ScanInfo:
    """A scan as the store records it."""

    id: str
    created_at: str
    complete: bool
    kind: str = "import"
    sources: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class GraphNode:
    label: str
    id: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class GraphEdge:
    type: str
    source: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class GraphPath:
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class StoreError(RuntimeError):
    """The store cannot be opened, read or written; the message gives the fix."""


class ReadOnlyQueryError(ValueError):
    """A query sent through the read-only console contains a write clause."""


class GraphStore(Protocol):
    """The operations every store offers to the rest of toxicpath."""

    dialect: str  # "ladybug" or "neo4j"

    def load(self, records: GraphRecords, scan: ScanInfo) -> None:
        """Write a scan's records and make it current only once all are written."""
        ...

    def query(
        self, cypher: str, params: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run read-only Cypher; raise ReadOnlyQueryError for a write clause."""
        ...

    def current_scan(self) -> ScanInfo | None:
        """Return the scan the graph now shows, or None for an empty store."""
        ...

    def close(self) -> None: ...
