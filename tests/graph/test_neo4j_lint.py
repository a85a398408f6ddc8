"""Library and store queries checked by Neo4j's own linter (Node.js, no server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from toxicpath.graph.model import EDGE_TYPES, NODE_LABELS
from toxicpath.graph.neo4j_lint import (
    Diagnostic,
    LintQuery,
    lint_queries,
    linter_available,
)
from toxicpath.graph.neo4j_statements import example_statements
from toxicpath.graph.neo4j_writes import edge_statement, node_statement
from toxicpath.graph.schema import neo4j_schema_statements

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "graph"

_UNAVAILABLE = linter_available()
pytestmark = pytest.mark.skipif(
    _UNAVAILABLE is not None,
    reason=f"Neo4j's Cypher linter cannot run: {_UNAVAILABLE}",
)


def _errors(diagnostics: list[Diagnostic]) -> list[str]:
    return [str(d) for d in diagnostics if d.is_error]


def _rule_parameters(cypher_path: Path) -> dict[str, Any]:
    metadata_path = cypher_path.with_suffix(".yaml")
    if not metadata_path.exists():
        return {}
    metadata = yaml.safe_load(metadata_path.read_text(encoding="utf-8")) or {}
    return dict(metadata.get("parameters") or {})


def test_library_queries_pass_linter() -> None:
    paths = sorted((REPO_ROOT / "queries").rglob("*.cypher"))
    queries = [
        LintQuery(
            name=str(path.relative_to(REPO_ROOT)),
            text=path.read_text(encoding="utf-8"),
            parameters=_rule_parameters(path),
        )
        for path in paths
    ]
    # Warnings count too: they flag misspelled labels, properties and
    # relationship directions the model does not declare.
    assert [str(d) for d in lint_queries(queries)] == []


def test_fixture_query_passes_linter() -> None:
    path = FIXTURES / "blast-radius.cypher"
    query = LintQuery(
        "blast-radius",
        path.read_text(encoding="utf-8"),
        {"identity_id": "arn:aws:iam::111111111111:user/alice", "limit": 50},
    )
    assert lint_queries([query]) == []


def test_store_write_statements_pass_linter() -> None:
    row_parameters = {"rows": [{"id": "x"}], "scan_id": "scan-1"}
    queries = [
        LintQuery(f"schema-{index}", statement)
        for index, statement in enumerate(neo4j_schema_statements())
    ]
    queries.extend(
        LintQuery(f"nodes-{label.name}", node_statement(label), row_parameters)
        for label in NODE_LABELS
    )
    queries.extend(
        LintQuery(
            f"edges-{edge.name}-{source}-{target}",
            edge_statement(edge, source, target),
            row_parameters,
        )
        for edge in EDGE_TYPES
        for source, target in edge.endpoints
    )
    diagnostics = lint_queries(queries)
    assert _errors(diagnostics) == []
    # `row.source` and `row.target` read keys of the parameter rows, which
    # the linter takes for graph property keys it does not know.
    unexpected = [
        str(d)
        for d in diagnostics
        if not d.message.startswith(("source is not present", "target is not present"))
    ]
    assert unexpected == []


def test_store_read_statements_pass_linter() -> None:
    queries = [
        LintQuery(name, statement, parameters)
        for name, statement, parameters in example_statements()
    ]
    assert [str(d) for d in lint_queries(queries)] == []


@pytest.mark.parametrize(
    "text",
    [
        "MATCH (n:Identity) RETURN label(n) AS label",
        "MATCH p = (a:Identity)-[:CAN_ASSUME* SHORTEST 1..3]->(b:Identity) "
        "RETURN p AS path",
        "MATCH (n:Identity) RETURN CAST(n.days_inactive AS STRING) AS days",
        "MATCH (n:Identity) RETURN list_transform([1, 2], x -> x + 1) AS values",
    ],
)
def test_ladybug_only_construct_fails(text: str) -> None:
    errors = _errors(lint_queries([LintQuery("ladybug-only", text)]))
    assert errors != []


def test_undeclared_parameter_fails() -> None:
    query = LintQuery("missing-parameter", "MATCH (n:Identity {id: $id}) RETURN n AS n")
    errors = _errors(lint_queries([query]))
    assert any("id" in message for message in errors)


def test_substring_fails_portability() -> None:
    query = LintQuery(
        "substring", "MATCH (n:Identity) RETURN substring(n.id, 0, 3) AS prefix"
    )
    diagnostics = lint_queries([query])
    sources = {d.source for d in diagnostics if d.is_error}
    assert sources == {"portability"}
