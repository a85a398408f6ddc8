"""The fixed Cypher statements the Neo4j store runs besides its write batches.

They are kept here, apart from the store's logic, so the linter test can check
every one of them against Neo4j's grammar with example parameters.
"""

from __future__ import annotations

from typing import Any

from toxicpath.graph.model import EDGE_TYPES, NODE_LABELS
from toxicpath.graph.schema import SCAN_META_LABEL

SERVER_COMPONENTS = (
    "CALL dbms.components() YIELD name, versions, edition "
    "RETURN name AS name, versions AS versions, edition AS edition"
)

CURRENT_SCAN = (
    f"MATCH (s:{SCAN_META_LABEL}) WHERE s.current = true "
    "RETURN s.id AS id, s.created_at AS created_at, s.complete AS complete, "
    "s.kind AS kind, s.sources AS sources, s.counts AS counts"
)

ENDPOINT_LOOKUP = (
    "MATCH (n) WHERE elementId(n) IN $element_ids "
    "RETURN elementId(n) AS element_id, n.id AS id"
)

START_SCAN = (
    f"MERGE (s:{SCAN_META_LABEL} {{id: $id}}) "
    "SET s.created_at = $created_at, s.complete = false, s.current = false, "
    "s.kind = $kind, s.sources = $sources, s.counts = $counts"
)

CLEAR_CURRENT = (
    f"MATCH (s:{SCAN_META_LABEL}) WHERE s.current = true AND s.id <> $id "
    "SET s.current = false"
)

SET_CURRENT = (
    f"MATCH (s:{SCAN_META_LABEL} {{id: $id}}) SET s.complete = true, s.current = true"
)

RETAINED_SCANS = (
    f"MATCH (s:{SCAN_META_LABEL}) WHERE s.complete = true AND s.id <> $id "
    "RETURN s.id AS id ORDER BY s.created_at DESC LIMIT $retention"
)

PRUNE_SCAN_META = f"MATCH (s:{SCAN_META_LABEL}) WHERE NOT s.id IN $retained DELETE s"


def prune_statements() -> list[str]:
    """Return one batched delete per label and relationship type.

    Each deletes at most `$batch` elements whose `scan_id` is not in
    `$retained` and returns how many it deleted, so the caller repeats it
    until a batch comes back short.
    """
    statements = [
        f"MATCH (n:{label.name}) WHERE NOT n.scan_id IN $retained "
        "WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted"
        for label in NODE_LABELS
    ]
    statements.extend(
        f"MATCH ()-[r:{edge.name}]->() WHERE NOT r.scan_id IN $retained "
        "WITH r LIMIT $batch DELETE r RETURN count(*) AS deleted"
        for edge in EDGE_TYPES
    )
    return statements


def example_statements() -> list[tuple[str, str, dict[str, Any]]]:
    """Return (name, statement, example parameters) for every statement here."""
    scan = {"id": "scan-1"}
    examples: list[tuple[str, str, dict[str, Any]]] = [
        ("server-components", SERVER_COMPONENTS, {}),
        ("current-scan", CURRENT_SCAN, {}),
        ("endpoint-lookup", ENDPOINT_LOOKUP, {"element_ids": ["4:x:1"]}),
        (
            "start-scan",
            START_SCAN,
            {
                **scan,
                "created_at": "2026-01-01T00:00:00Z",
                "kind": "import",
                "sources": ["scan.jsonl.gz"],
                "counts": "{}",
            },
        ),
        ("clear-current", CLEAR_CURRENT, scan),
        ("set-current", SET_CURRENT, scan),
        ("retained-scans", RETAINED_SCANS, {**scan, "retention": 1}),
        ("prune-scan-meta", PRUNE_SCAN_META, {"retained": ["scan-1"]}),
    ]
    examples.extend(
        (f"prune-{index}", statement, {"retained": ["scan-1"], "batch": 10_000})
        for index, statement in enumerate(prune_statements())
    )
    return examples
