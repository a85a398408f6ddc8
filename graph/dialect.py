"""The constructs that Neo4j 5 and LadybugDB 0.22 spell differently.

Library queries are written in the subset both engines run the same way, plus
a few templates in double braces that this module renders per engine:

    {{shortest_path p = (a:Identity {id: $id})-[:CAN_ASSUME|CAN_ESCALATE*1..6]->(b)}}
    {{all_shortest_paths p = (a)-[:CAN_ASSUME*1..6]->(b)}}
    {{trail p = (a)-[:CAN_ASSUME|MEMBER_OF*1..6]->(b)}}
    {{label n}}          the node's one label
    {{type r}}           the relationship type
    {{to_string x}}  {{to_integer x}}  {{to_float x}}  {{split x, ','}}
    {{now}}              the current time as an ISO 8601 string

Neo4j never repeats a relationship inside one path, LadybugDB does unless the
pattern says `TRAIL`, so every variable-length pattern that must not revisit
an edge goes through `{{trail ...}}` (or a shortest-path template, which
cannot repeat an edge). A template's argument must not contain `}}`.

`check_portable` flags constructs that differ between the engines, so a
library query that passes it and renders for both means the same on both.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from toxicpath.graph.cypher_text import (
    PUNCT,
    WORD,
    CypherSyntaxError,
    blank_literals,
    tokenize,
)

NEO4J = "neo4j"
LADYBUG = "ladybug"
DIALECTS = (NEO4J, LADYBUG)


class TemplateError(ValueError):
    """A `{{...}}` template that is unknown or has an invalid argument."""


_TEMPLATE = re.compile(r"\{\{\s*(?P<name>\w+)(?P<argument>.*?)\}\}", re.DOTALL)

# The one variable-length relationship of a path template:
# `[r:A|B*1..6]` with an optional variable, optional types and a bounded range.
_VAR_LENGTH = re.compile(
    r"\[\s*(?P<variable>\w*)\s*(?P<types>:\s*[\w|`\s]+?)?\s*\*\s*"
    r"(?P<low>\d+)\s*\.\.\s*(?P<high>\d+)\s*\]"
)
_PATH_ASSIGNMENT = re.compile(r"^\s*(?P<path>\w+)\s*=\s*(?P<pattern>.+)$", re.DOTALL)


def render(cypher: str, dialect: str) -> str:
    """Render every `{{...}}` template in the query for one engine."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; expected one of {DIALECTS}")

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        renderer = _RENDERERS.get(name)
        if renderer is None:
            known = ", ".join(sorted(_RENDERERS))
            raise TemplateError(f"unknown template {{{{{name}}}}}; known: {known}")
        return renderer(match.group("argument").strip(), dialect)

    return _TEMPLATE.sub(replace, cypher)


def _split_path(argument: str, template: str) -> tuple[str, str, re.Match[str]]:
    assignment = _PATH_ASSIGNMENT.match(argument)
    if assignment is None:
        raise TemplateError(
            f"{{{{{template}}}}} needs `p = (a)-[:TYPE*1..N]->(b)`, got {argument!r}"
        )
    pattern = assignment.group("pattern").strip()
    ranges = list(_VAR_LENGTH.finditer(pattern))
    if len(ranges) != 1:
        raise TemplateError(
            f"{{{{{template}}}}} needs exactly one bounded variable-length "
            f"relationship such as [:CAN_ASSUME*1..6], got {pattern!r}"
        )
    return assignment.group("path"), pattern, ranges[0]


def _ladybug_range(match: re.Match[str], keyword: str, variable: str) -> str:
    types = (match.group("types") or "").replace(" ", "")
    low, high = match.group("low"), match.group("high")
    return f"[{variable}{types}* {keyword} {low}..{high}]"


def _shortest(argument: str, dialect: str, *, every: bool) -> str:
    template = "all_shortest_paths" if every else "shortest_path"
    path, pattern, var_length = _split_path(argument, template)
    if int(var_length.group("low")) > 1:
        raise TemplateError(
            f"{{{{{template}}}}}: Neo4j's shortest paths start at length 0 or 1, "
            f"got {var_length.group('low')}"
        )
    if dialect == NEO4J:
        function = "allShortestPaths" if every else "shortestPath"
        return f"{path} = {function}({pattern})"
    keyword = "ALL SHORTEST" if every else "SHORTEST"
    # LadybugDB 0.22 needs a variable on a SHORTEST relationship pattern.
    variable = var_length.group("variable") or f"_{path}_rels"
    rendered = _ladybug_range(var_length, keyword, variable)
    before, after = pattern[: var_length.start()], pattern[var_length.end() :]
    return f"{path} = {before}{rendered}{after}"


def _trail(argument: str, dialect: str) -> str:
    path, pattern, var_length = _split_path(argument, "trail")
    if dialect == NEO4J:
        return f"{path} = {pattern}"
    variable = var_length.group("variable")
    rendered = _ladybug_range(var_length, "TRAIL", variable)
    before, after = pattern[: var_length.start()], pattern[var_length.end() :]
    return f"{path} = {before}{rendered}{after}"


def _simple(neo4j: str, ladybug: str) -> Callable[[str, str], str]:
    def renderer(argument: str, dialect: str) -> str:
        if not argument:
            raise TemplateError(f"template needs an argument: {neo4j}")
        return (neo4j if dialect == NEO4J else ladybug).format(argument)

    return renderer


def _now(argument: str, dialect: str) -> str:
    if argument:
        raise TemplateError("{{now}} takes no argument")
    if dialect == NEO4J:
        return "toString(datetime())"
    return "CAST(current_timestamp() AS STRING)"


_RENDERERS: dict[str, Callable[[str, str], str]] = {
    "shortest_path": lambda argument, dialect: _shortest(
        argument, dialect, every=False
    ),
    "all_shortest_paths": lambda argument, dialect: _shortest(
        argument, dialect, every=True
    ),
    "trail": _trail,
    "label": _simple("labels({0})[0]", "label({0})"),
    "type": _simple("type({0})", "label({0})"),
    "to_string": _simple("toString({0})", "CAST({0} AS STRING)"),
    "to_integer": _simple("toInteger({0})", "CAST({0} AS INT64)"),
    "to_float": _simple("toFloat({0})", "CAST({0} AS DOUBLE)"),
    "split": _simple("split({0})", "string_split({0})"),
    "now": _now,
}

# --- portability check -----------------------------------------------------

_BANNED_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\(\s*\w*\s*:\s*`?\w+`?\s*:\s*`?\w"),
        "multi-label pattern (:A:B) means AND on Neo4j and OR on LadybugDB; "
        "nodes have one label, so match one label or use (:A|B)",
    ),
    (
        re.compile(r"\bsubstring\s*\(", re.IGNORECASE),
        "substring() is 0-based on Neo4j and 1-based on LadybugDB; use "
        "STARTS WITH, CONTAINS or =~",
    ),
    (
        re.compile(r"\bCALL\s*[{(]", re.IGNORECASE),
        "CALL { ... } subqueries do not run on LadybugDB; use EXISTS { MATCH }, "
        "COUNT { MATCH } or a second query",
    ),
    (
        re.compile(r"\[\s*\w+\s+IN\b", re.IGNORECASE),
        "list comprehensions do not run on LadybugDB; use any/all/none or do "
        "the transformation in Python",
    ),
    (
        re.compile(r"\b(reduce|head|last|list_transform|list_filter)\s*\(", re.I),
        "list functions differ between engines; do the list work in Python",
    ),
    (
        re.compile(r"\blabels?\s*\(", re.IGNORECASE),
        "label functions differ between engines; use {{label n}}",
    ),
    (
        re.compile(r"\btype\s*\(", re.IGNORECASE),
        "type() does not run on LadybugDB; use {{type r}}",
    ),
    (
        re.compile(r"\+="),
        "SET n += map is a parse error on LadybugDB; set each property",
    ),
    (
        re.compile(r"\bSET\s+\w+\s*=\s*[$\{]", re.IGNORECASE),
        "SET n = map is a parse error on LadybugDB; set each property",
    ),
    (
        re.compile(r"\b(shortestPath|allShortestPaths)\s*\(", re.IGNORECASE),
        "shortest paths differ between engines; use {{shortest_path p = ...}}",
    ),
    (
        re.compile(r"\*\s*(ALL\s+)?(W?SHORTEST|TRAIL|ACYCLIC)\b", re.IGNORECASE),
        "LadybugDB path semantics keywords do not run on Neo4j; use "
        "{{shortest_path ...}} or {{trail ...}}",
    ),
    (
        re.compile(
            r"\b(datetime|date|localdatetime|timestamp|current_timestamp|"
            r"current_date)\s*\(",
            re.IGNORECASE,
        ),
        "time functions differ between engines; use {{now}} or pass the time "
        "as a parameter",
    ),
    (
        re.compile(
            r"\b(toString|toInteger|toFloat|toBoolean|split|string_split)\s*\(", re.I
        ),
        "conversions differ between engines; use {{to_string x}}, "
        "{{to_integer x}}, {{to_float x}} or {{split x, sep}}",
    ),
    (
        re.compile(r"\bCAST\s*\(", re.IGNORECASE),
        "CAST does not run on Neo4j; use {{to_string x}} or {{to_integer x}}",
    ),
    (
        re.compile(r"\bEXISTS\s*\{\s*\(", re.IGNORECASE),
        "the short form EXISTS { (pattern) } does not run on LadybugDB; write "
        "EXISTS { MATCH (pattern) }",
    ),
    (
        re.compile(r"\bWHERE\s+\w+\s*:\s*[A-Za-z_]", re.IGNORECASE),
        "a label predicate WHERE n:Label is a parse error on LadybugDB; put the "
        "label in the pattern or compare {{label n}}",
    ),
)

_VAR_LENGTH_STAR = re.compile(
    r"\*\s*(?P<low>\d*)\s*(?P<dots>\.\.)?\s*(?P<high>\d*)\s*\]"
)
_RETURN_STOP_WORDS = frozenset({"ORDER", "SKIP", "LIMIT", "UNION"})
_PLAIN_COLUMN = re.compile(r"^\s*(\*|[A-Za-z_]\w*(\s*\.\s*[A-Za-z_]\w*)?)\s*$")


def check_portable(cypher: str) -> list[str]:
    """Return one message per construct whose meaning differs between engines.

    The check reads the library text before rendering, so templates are the
    portable spelling and everything else must be in the shared subset. It
    ignores strings and comments. It is a text check: it catches the
    constructs listed above, not every difference between the engines.
    """
    try:
        text = blank_literals(cypher)
    except CypherSyntaxError as error:
        return [str(error)]
    outside_templates = _TEMPLATE.sub(lambda m: " " * len(m.group(0)), text)
    problems: list[str] = []
    for pattern, message in _BANNED_PATTERNS:
        for match in pattern.finditer(outside_templates):
            problems.append(f"offset {match.start()}: {message}")
    for match in _VAR_LENGTH_STAR.finditer(outside_templates):
        if _is_unbounded(match):
            problems.append(
                f"offset {match.start()}: variable-length relationship without an "
                "upper bound; LadybugDB caps it at 30 hops and Neo4j does not, so "
                "write *1..N"
            )
    problems.extend(_unaliased_columns(outside_templates))
    return problems


def _is_unbounded(match: re.Match[str]) -> bool:
    if match.group("dots"):
        return not match.group("high")
    return not match.group("low")


def _unaliased_columns(text: str) -> list[str]:
    """Flag RETURN items that are expressions without `AS`.

    The engines name such columns differently (`count(*)` on Neo4j,
    `COUNT_STAR()` on LadybugDB), so every expression needs an alias.
    """
    problems: list[str] = []
    tokens = tokenize(text)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == WORD and token.text.upper() == "RETURN":
            index += 1
            if index < len(tokens) and tokens[index].text.upper() == "DISTINCT":
                index += 1
            item_start = tokens[index].start if index < len(tokens) else len(text)
            depth = 0
            while index <= len(tokens):
                at_end = index == len(tokens)
                current = tokens[index] if not at_end else None
                stop = at_end or (
                    depth == 0
                    and current is not None
                    and current.kind == WORD
                    and current.text.upper() in _RETURN_STOP_WORDS
                )
                comma = (
                    current is not None
                    and depth == 0
                    and current.kind == PUNCT
                    and current.text == ","
                )
                if stop or comma:
                    end = len(text) if current is None else current.start
                    item = text[item_start:end]
                    if not re.search(r"\bAS\s+\w+\s*$", item, re.IGNORECASE) and not (
                        _PLAIN_COLUMN.match(item)
                    ):
                        problems.append(
                            f"offset {item_start}: RETURN item {item.strip()!r} has "
                            "no alias; the engines name such columns differently, "
                            "so add AS name"
                        )
                    if stop:
                        break
                    item_start = (
                        tokens[index + 1].start
                        if index + 1 < len(tokens)
                        else len(text)
                    )
                elif current is not None and current.kind == PUNCT:
                    if current.text in "([{":
                        depth += 1
                    elif current.text in ")]}":
                        depth -= 1
                index += 1
        index += 1
    return problems
