"""Store schemas generated from the graph model.

One declaration in `toxicpath.graph.model` drives three outputs: LadybugDB's
DDL (node and relationship tables), Neo4j's constraints and indexes, and the
schema that Neo4j's Cypher linter checks library queries against.
"""

from __future__ import annotations

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

# Metadata label that records each scan in the store itself, so the scan
# marker is written in the same database as the scan's data.
SCAN_META_LABEL = "ScanMeta"

SCAN_META_PROPERTIES: tuple[Property, ...] = (
    Property("id", "STRING", "Scan id."),
    Property("created_at", "STRING", "ISO 8601 time the scan started."),
    Property("complete", "BOOLEAN", "True once every record of the scan is written."),
    Property("current", "BOOLEAN", "True for the scan that queries see."),
    Property("kind", "STRING", "How the scan was made: collect, import or demo."),
    Property("sources", "STRING[]", "Snapshot files or collectors behind the scan."),
    Property("counts", "STRING", "Node and edge counts per label as JSON text."),
)

# Node properties that Neo4j indexes besides the unique `id`: the ones rules
# filter on before walking paths.
NEO4J_INDEXED_PROPERTIES = ("type", "account_id", "cloud", "scan_id", "name")


@dataclass(frozen=True)
class LinterSchema:
    """The database schema that Neo4j's linter checks queries against."""

    labels: tuple[str, ...]
    relationship_types: tuple[str, ...]
    property_keys: tuple[str, ...]
    graph_schema: tuple[tuple[str, str, str], ...]

    def to_json(self) -> dict[str, Any]:
        """Render the `dbSchema` object that `lintCypherQuery` takes."""
        return {
            "labels": list(self.labels),
            "relationshipTypes": list(self.relationship_types),
            "propertyKeys": list(self.property_keys),
            "graphSchema": [
                {"from": source, "to": target, "relType": rel_type}
                for source, target, rel_type in self.graph_schema
            ],
        }


def _column(prop: Property) -> str:
    return f"{prop.name} {prop.type}"


def ladybug_node_table(label: NodeLabel) -> str:
    """Render `CREATE NODE TABLE` for one label, keyed on `id`."""
    columns = ", ".join(_column(p) for p in label.properties)
    return f"CREATE NODE TABLE {label.name}({columns}, PRIMARY KEY(id))"


def ladybug_rel_table(edge: EdgeType) -> str:
    """Render `CREATE REL TABLE` with every declared FROM/TO pair."""
    pairs = ", ".join(f"FROM {source} TO {target}" for source, target in edge.endpoints)
    columns = "".join(f", {_column(p)}" for p in edge.properties)
    return f"CREATE REL TABLE {edge.name}({pairs}{columns})"


def ladybug_ddl() -> list[str]:
    """Return the statements that create an empty LadybugDB graph."""
    statements = [ladybug_node_table(label) for label in NODE_LABELS]
    statements.append(
        ladybug_node_table(NodeLabel(SCAN_META_LABEL, "", SCAN_META_PROPERTIES))
    )
    statements.extend(ladybug_rel_table(edge) for edge in EDGE_TYPES)
    return statements


def neo4j_schema_statements() -> list[str]:
    """Return Neo4j 5 constraints and indexes; each is safe to run again."""
    statements: list[str] = []
    for label in (*NODE_LABELS, NodeLabel(SCAN_META_LABEL, "", SCAN_META_PROPERTIES)):
        lower = label.name.lower()
        statements.append(
            f"CREATE CONSTRAINT {lower}_id_unique IF NOT EXISTS "
            f"FOR (n:{label.name}) REQUIRE n.id IS UNIQUE"
        )
        if label.name == SCAN_META_LABEL:
            continue
        for name in NEO4J_INDEXED_PROPERTIES:
            if name in label.property_names:
                statements.append(
                    f"CREATE INDEX {lower}_{name} IF NOT EXISTS "
                    f"FOR (n:{label.name}) ON (n.{name})"
                )
    for edge in EDGE_TYPES:
        statements.append(
            f"CREATE INDEX {edge.name.lower()}_scan_id IF NOT EXISTS "
            f"FOR ()-[r:{edge.name}]-() ON (r.scan_id)"
        )
    return statements


def linter_schema() -> LinterSchema:
    """Return labels, types, property keys and endpoint pairs of the model."""
    keys: set[str] = {p.name for p in SCAN_META_PROPERTIES}
    for label in NODE_LABELS:
        keys.update(label.property_names)
    for edge in EDGE_TYPES:
        keys.update(edge.property_names)
    pairs = tuple(
        (source, target, edge.name)
        for edge in EDGE_TYPES
        for source, target in edge.endpoints
    )
    return LinterSchema(
        labels=(*(label.name for label in NODE_LABELS), SCAN_META_LABEL),
        relationship_types=tuple(edge.name for edge in EDGE_TYPES),
        property_keys=tuple(sorted(keys)),
        graph_schema=pairs,
    )


def list_properties(label_or_edge: NodeLabel | EdgeType) -> tuple[str, ...]:
    """Return the names of the properties typed as a list of strings."""
    return tuple(p.name for p in label_or_edge.properties if p.type == STRING_LIST)
