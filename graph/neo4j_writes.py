"""The Cypher and parameter rows that write a scan to Neo4j, in chunks.

Writes are batched `UNWIND $rows AS row MERGE ...` statements, one statement
per node label and per (relationship type, source label, target label), so
every MATCH uses a label and its unique `id` constraint. Rows are split by a
row count and by an estimate of their encoded size, so one transaction stays
far below the server's transaction memory limit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from toxicpath.graph.model import (
    EDGE_TYPES,
    NODE_LABELS,
    STRING_LIST,
    EdgeType,
    NodeLabel,
    Property,
)
from toxicpath.graph.records import Edge, GraphRecords, Node, to_json_text

# Rows per transaction. A node row holds at most 16 properties; most are
# short, and `attrs`, `tags`, `evidence` and `document` hold JSON text of a
# few KiB (IAM policy documents are capped at 10 KiB by AWS).
DEFAULT_CHUNK_SIZE = 2_000

# Encoded parameter bytes per transaction. NOTE: Neo4j's transaction state
# for a MERGE with SETs is estimated here at 4-8 times the parameter size;
# 64 MiB of rows is then at most about 512 MiB, a quarter of the 2 GiB
# `db.memory.transaction.total.max` that docker-compose.yml sets. The factor
# is an estimate, not a measurement on a server.
DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024

_JSON_TEXT_PROPERTIES = frozenset({"tags", "attrs", "evidence", "document"})


@dataclass(frozen=True)
class WriteBatch:
    """One transaction's worth of rows for one statement."""

    what: str
    cypher: str
    rows: list[dict[str, Any]]


def _property_value(prop: Property, value: Any) -> Any:
    if value is None:
        return None
    if prop.name in _JSON_TEXT_PROPERTIES and not isinstance(value, str):
        return to_json_text(value)
    if prop.type == STRING_LIST:
        return [str(item) for item in value]
    return value


def _settable(properties: tuple[Property, ...]) -> list[Property]:
    return [p for p in properties if p.name not in ("id", "scan_id")]


def node_statement(label: NodeLabel) -> str:
    """Return the UNWIND ... MERGE statement that writes nodes of one label."""
    sets = "".join(f", n.{p.name} = row.{p.name}" for p in _settable(label.properties))
    return (
        f"UNWIND $rows AS row MERGE (n:{label.name} {{id: row.id}}) "
        f"SET n.scan_id = $scan_id{sets}"
    )


def edge_statement(edge_type: EdgeType, source: str, target: str) -> str:
    """Return the UNWIND ... MERGE statement for one relationship type and pair.

    `CAN_ESCALATE` edges are keyed by technique as well, as in the records.
    """
    key = " {technique: row.technique}" if edge_type.name == "CAN_ESCALATE" else ""
    properties = [
        p
        for p in _settable(edge_type.properties)
        if not (key and p.name == "technique")
    ]
    sets = "".join(f", r.{p.name} = row.{p.name}" for p in properties)
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{source} {{id: row.source}}) "
        f"MATCH (b:{target} {{id: row.target}}) "
        f"MERGE (a)-[r:{edge_type.name}{key}]->(b) "
        f"SET r.scan_id = $scan_id{sets}"
    )


def node_row(label: NodeLabel, node: Node) -> dict[str, Any]:
    """Return a row with every settable property of the label, None when unset."""
    row: dict[str, Any] = {"id": node.id}
    for prop in _settable(label.properties):
        row[prop.name] = _property_value(prop, node.props.get(prop.name))
    return row


def edge_row(edge_type: EdgeType, edge: Edge) -> dict[str, Any]:
    """Return a row with the endpoints and every settable property of the type."""
    row: dict[str, Any] = {"source": edge.source, "target": edge.target}
    for prop in _settable(edge_type.properties):
        value = edge.props.get(prop.name)
        if prop.name == "technique" and value is None:
            value = ""
        row[prop.name] = _property_value(prop, value)
    return row


def estimate_row_bytes(row: dict[str, Any]) -> int:
    """Estimate a row's size on the wire as the length of its JSON text."""
    return len(json.dumps(row, default=str))


def chunk_rows(
    rows: list[dict[str, Any]], *, chunk_size: int, chunk_bytes: int
) -> Iterator[list[dict[str, Any]]]:
    """Split rows into chunks of at most `chunk_size` rows and about `chunk_bytes`.

    A single row larger than `chunk_bytes` still forms its own chunk.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    chunk: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        row_bytes = estimate_row_bytes(row)
        if chunk and (len(chunk) >= chunk_size or size + row_bytes > chunk_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append(row)
        size += row_bytes
    if chunk:
        yield chunk


def write_batches(
    records: GraphRecords, *, chunk_size: int, chunk_bytes: int
) -> Iterator[WriteBatch]:
    """Yield every node batch, then every edge batch, of the records."""
    for label in NODE_LABELS:
        rows = [node_row(label, node) for node in records.nodes_with_label(label.name)]
        statement = node_statement(label)
        for chunk in chunk_rows(rows, chunk_size=chunk_size, chunk_bytes=chunk_bytes):
            yield WriteBatch(label.name, statement, chunk)
    for edge_type in EDGE_TYPES:
        by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for edge in records.edges_of_type(edge_type.name):
            pair = (records.nodes[edge.source].label, records.nodes[edge.target].label)
            by_pair.setdefault(pair, []).append(edge_row(edge_type, edge))
        for (source, target), rows in sorted(by_pair.items()):
            statement = edge_statement(edge_type, source, target)
            for chunk in chunk_rows(
                rows, chunk_size=chunk_size, chunk_bytes=chunk_bytes
            ):
                yield WriteBatch(
                    f"{edge_type.name} ({source} -> {target})", statement, chunk
                )
