"""Every rule passes Neo4j's linter; LadybugDB-only text does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from toxicpath.graph.neo4j_lint import LintQuery, lint_queries, linter_available
from toxicpath.queries.custom import load_custom_policies
from toxicpath.queries.loader import load_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "queries"

_UNAVAILABLE = linter_available()
pytestmark = pytest.mark.skipif(
    _UNAVAILABLE is not None, reason=f"Neo4j's Cypher linter cannot run: {_UNAVAILABLE}"
)


def test_every_rule_passes_neo4j_lint() -> None:
    queries = [
        LintQuery(rule.id, rule.cypher, dict(rule.metadata.parameters))
        for rule in load_rules()
    ]
    assert [str(d) for d in lint_queries(queries)] == []


def test_custom_policies_pass_neo4j_lint() -> None:
    rules = load_custom_policies(DATA / "custom-policies.yaml")
    queries = [LintQuery(r.id, r.cypher, dict(r.metadata.parameters)) for r in rules]
    assert [str(d) for d in lint_queries(queries)] == []


@pytest.mark.parametrize(
    "text",
    [
        "MATCH p = (a:Identity)-[:CAN_ASSUME* TRAIL 1..4]->(b:Identity) "
        "RETURN a.id AS resource_id, p AS path",
        "MATCH (a:Identity) RETURN a.id AS resource_id, label(a) AS kind",
        "MATCH (a:Identity) RETURN a.id AS resource_id, "
        "list_transform([1], x -> x) AS l",
    ],
    ids=["trail", "label", "list-transform"],
)
def test_ladybug_only_rule_fails_lint(text: str) -> None:
    errors = [d for d in lint_queries([LintQuery("ladybug-only", text)]) if d.is_error]
    assert errors != []
