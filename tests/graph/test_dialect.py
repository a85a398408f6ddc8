"""Template rendering per engine and the portability check."""

from __future__ import annotations

import pytest

from toxicpath.graph.dialect import (
    LADYBUG,
    NEO4J,
    TemplateError,
    check_portable,
    render,
)

PATH = "p = (a:Identity {id: $id})-[:CAN_ASSUME|CAN_ESCALATE*1..6]->(b:Identity)"


def test_shortest_path_for_neo4j() -> None:
    assert render(f"MATCH {{{{shortest_path {PATH}}}}}", NEO4J) == (
        "MATCH p = shortestPath((a:Identity {id: $id})"
        "-[:CAN_ASSUME|CAN_ESCALATE*1..6]->(b:Identity))"
    )


def test_shortest_path_for_ladybug() -> None:
    assert render(f"MATCH {{{{shortest_path {PATH}}}}}", LADYBUG) == (
        "MATCH p = (a:Identity {id: $id})"
        "-[_p_rels:CAN_ASSUME|CAN_ESCALATE* SHORTEST 1..6]->(b:Identity)"
    )


def test_all_shortest_paths_rendered() -> None:
    text = f"MATCH {{{{all_shortest_paths {PATH}}}}}"
    assert "allShortestPaths((a" in render(text, NEO4J)
    assert "* ALL SHORTEST 1..6]" in render(text, LADYBUG)


def test_trail_rendered() -> None:
    text = "MATCH {{trail p = (a)-[r:MEMBER_OF*1..3]->(b)}}"
    assert render(text, NEO4J) == "MATCH p = (a)-[r:MEMBER_OF*1..3]->(b)"
    assert render(text, LADYBUG) == "MATCH p = (a)-[r:MEMBER_OF* TRAIL 1..3]->(b)"


@pytest.mark.parametrize(
    ("template", "neo4j", "ladybug"),
    [
        ("{{label n}}", "labels(n)[0]", "label(n)"),
        ("{{type r}}", "type(r)", "label(r)"),
        ("{{to_string n.x}}", "toString(n.x)", "CAST(n.x AS STRING)"),
        ("{{to_integer n.x}}", "toInteger(n.x)", "CAST(n.x AS INT64)"),
        ("{{split n.x, ','}}", "split(n.x, ',')", "string_split(n.x, ',')"),
        ("{{now}}", "toString(datetime())", "CAST(current_timestamp() AS STRING)"),
    ],
)
def test_function_templates(template: str, neo4j: str, ladybug: str) -> None:
    assert render(template, NEO4J) == neo4j
    assert render(template, LADYBUG) == ladybug


def test_unknown_template_rejected() -> None:
    with pytest.raises(TemplateError, match="unknown template"):
        render("{{shortestpath p = (a)-[*1..2]->(b)}}", NEO4J)


def test_unbounded_template_rejected() -> None:
    with pytest.raises(TemplateError, match="bounded"):
        render("{{shortest_path p = (a)-[:CAN_ASSUME*]->(b)}}", LADYBUG)


def test_shortest_minimum_above_one_rejected() -> None:
    with pytest.raises(TemplateError, match="length 0 or 1"):
        render("{{shortest_path p = (a)-[:CAN_ASSUME*2..4]->(b)}}", NEO4J)


def test_unknown_dialect_rejected() -> None:
    with pytest.raises(ValueError, match="unknown dialect"):
        render("MATCH (n) RETURN n AS n", "memgraph")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("MATCH (n:Identity:Resource) RETURN n AS n", "multi-label"),
        ("MATCH (n) RETURN substring(n.id, 0, 2) AS s", "substring"),
        ("MATCH (n) CALL { WITH n RETURN n AS m } RETURN m AS m", "CALL"),
        ("MATCH (n) RETURN [x IN n.cidrs WHERE x = 'a'] AS c", "list comprehension"),
        ("MATCH (n) RETURN labels(n) AS l", "label functions"),
        ("MATCH (n) RETURN label(n) AS l", "label functions"),
        ("MATCH ()-[r]->() RETURN type(r) AS t", "type()"),
        ("MATCH (n) SET n += $props", "SET n += map"),
        ("MATCH (a)-[:CAN_ASSUME*]->(b) RETURN b AS b", "upper bound"),
        ("MATCH (a)-[:CAN_ASSUME*2..]->(b) RETURN b AS b", "upper bound"),
        ("MATCH p = shortestPath((a)-[*1..3]->(b)) RETURN p AS p", "shortest"),
        ("MATCH (a)-[:X* SHORTEST 1..3]->(b) RETURN b AS b", "LadybugDB"),
        ("RETURN datetime() AS now", "time functions"),
        ("RETURN current_timestamp() AS now", "time functions"),
        ("MATCH (n) RETURN toString(n.x) AS s", "conversions"),
        ("MATCH (n) RETURN count(*)", "no alias"),
        ("MATCH (n) RETURN n.id AS id, size(n.cidrs)", "no alias"),
        ("MATCH (n) WHERE n:Identity RETURN n AS n", "label predicate"),
        ("MATCH (n) WHERE EXISTS { (n)-->() } RETURN n AS n", "short form"),
    ],
)
def test_non_portable_construct_flagged(text: str, fragment: str) -> None:
    problems = check_portable(text)
    assert any(fragment in problem for problem in problems), problems


@pytest.mark.parametrize(
    "text",
    [
        "MATCH (n:Identity) RETURN n, n.id, n.name AS name",
        "MATCH (n:Identity|Resource) WHERE n.name = 'a:b:c' RETURN n AS n",
        "MATCH (n) WHERE n.name = 'substring(x)' RETURN n.id AS id",
        "MATCH {{trail p = (a)-[:CAN_ASSUME*1..4]->(b)}} RETURN p AS p",
        "MATCH (a) RETURN {{label a}} AS label, {{to_string a.x}} AS x",
        "MATCH (n) WHERE EXISTS { MATCH (n)-[:MEMBER_OF]->() } RETURN n AS n",
        "MATCH (n) RETURN count(*) AS total ORDER BY total LIMIT 5",
        "MATCH (n {id: $id}) RETURN DISTINCT n.id",
        "MATCH (a)-[:CAN_ASSUME*1..3]->(b) RETURN b AS b",
    ],
)
def test_portable_query_accepted(text: str) -> None:
    assert check_portable(text) == []
