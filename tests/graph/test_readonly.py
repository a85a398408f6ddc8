"""The read-only guard: write clauses rejected, lookalikes accepted."""

from __future__ import annotations

import pytest

from toxicpath.graph.readonly import check_read_only
from toxicpath.graph.store import ReadOnlyQueryError


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n) DETACH DELETE n",
        "MATCH (n) DELETE n",
        "CREATE (n:Identity {id: 'x'})",
        "MERGE (n:Identity {id: 'x'})",
        "MATCH (n:Identity) SET n.is_admin = true",
        "MATCH (n:Identity) REMOVE n.name",
        "DROP TABLE Identity",
        "ALTER TABLE Identity ADD x STRING",
        "COPY Identity FROM 'identities.csv'",
        "LOAD FROM 'file.csv' RETURN *",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "INSTALL json",
        "ATTACH 'other.lbdb' AS other",
        "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})",
        "CALL dbms.security.createUser('x', 'y')",
        "match (n) detach delete n",
        "MATCH (n) FOREACH (x IN [1] | CREATE (:Identity))",
        "MATCH (n) RETURN n; MATCH (m) DELETE m",
        "MATCH (n) CALL { WITH n DELETE n }",
        "/* note */ MATCH (n) // comment\nDELETE n",
    ],
)
def test_write_clause_rejected(query: str) -> None:
    with pytest.raises(ReadOnlyQueryError):
        check_read_only(query)


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n:Identity) RETURN n AS node",
        "MATCH (n) WHERE n.name = 'DELETE everything' RETURN n.id AS id",
        'MATCH (n) WHERE n.name CONTAINS "CREATE" RETURN n.id AS id',
        "MATCH (n) RETURN n.set AS set_value, n.create AS created",
        "MATCH (n) RETURN {delete: 1, merge: 2} AS flags",
        "MATCH (n) // DETACH DELETE n\nRETURN n AS node",
        "MATCH (n) /* SET n.x = 1 */ RETURN n AS node",
        "MATCH (`DELETE`) RETURN `DELETE` AS node",
        "CALL db.labels()",
        "CALL show_tables() RETURN *",
        "MATCH (n) RETURN n AS node;",
    ],
)
def test_read_query_accepted(query: str) -> None:
    check_read_only(query)


def test_rejection_names_clause() -> None:
    with pytest.raises(ReadOnlyQueryError, match="DETACH at offset 10"):
        check_read_only("MATCH (n) DETACH DELETE n")


def test_unterminated_string_rejected() -> None:
    with pytest.raises(ReadOnlyQueryError, match="unterminated"):
        check_read_only("MATCH (n) WHERE n.name = 'x RETURN n")
