"""Store schemas generated from the graph model."""

from __future__ import annotations

import ladybug

from toxicpath.graph.model import EDGE_TYPES, NODE_LABELS
from toxicpath.graph.schema import (
    SCAN_META_LABEL,
    ladybug_ddl,
    linter_schema,
    neo4j_schema_statements,
)


def test_ladybug_ddl_creates_tables() -> None:
    database = ladybug.Database(":memory:")
    connection = ladybug.Connection(database)
    for statement in ladybug_ddl():
        connection.execute(statement)
    result = connection.execute("CALL show_tables() RETURN name AS name, type AS type")
    tables = {row[0]: row[1] for row in result.get_all()}
    for label in NODE_LABELS:
        assert tables[label.name] == "NODE"
    assert tables[SCAN_META_LABEL] == "NODE"
    for edge in EDGE_TYPES:
        assert tables[edge.name] == "REL"
    connection.close()
    database.close()


def test_rel_table_lists_every_pair() -> None:
    statement = next(s for s in ladybug_ddl() if "REL TABLE IN_ACCOUNT(" in s)
    for source in ("Identity", "Resource", "Network", "Policy", "Account"):
        assert f"FROM {source} TO Account" in statement


def test_neo4j_constraint_per_label() -> None:
    statements = neo4j_schema_statements()
    names = [label.name for label in NODE_LABELS] + [SCAN_META_LABEL]
    for name in names:
        assert (
            f"CREATE CONSTRAINT {name.lower()}_id_unique IF NOT EXISTS "
            f"FOR (n:{name}) REQUIRE n.id IS UNIQUE"
        ) in statements
    assert (
        "CREATE INDEX identity_account_id IF NOT EXISTS "
        "FOR (n:Identity) ON (n.account_id)"
    ) in statements


def test_neo4j_schema_names_unique() -> None:
    names = [s.split()[2] for s in neo4j_schema_statements()]
    assert len(names) == len(set(names))


def test_linter_schema_lists_pairs() -> None:
    schema = linter_schema().to_json()
    assert "Identity" in schema["labels"]
    assert "CAN_ESCALATE" in schema["relationshipTypes"]
    assert "technique" in schema["propertyKeys"]
    assert {"from": "Internet", "to": "Resource", "relType": "EXPOSED_TO"} in schema[
        "graphSchema"
    ]
