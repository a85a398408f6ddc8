"""The read-only guard for console and library queries.

Both stores also enforce read-only access themselves (LadybugDB opens the file
read-only; Neo4j runs reads in a read transaction), but the guard rejects a
write before it reaches either engine and names the clause.
"""

from __future__ import annotations

from toxicpath.graph.cypher_text import (
    PUNCT,
    WORD,
    CypherSyntaxError,
    Token,
    tokenize,
)
from toxicpath.graph.store import ReadOnlyQueryError

# Clauses and statements that change data, schema, files or settings in
# Neo4j 5 or LadybugDB 0.22.
WRITE_KEYWORDS = frozenset(
    {
        "CREATE",
        "MERGE",
        "DELETE",
        "DETACH",
        "SET",
        "REMOVE",
        "DROP",
        "ALTER",
        "COPY",
        "LOAD",
        "INSTALL",
        "UNINSTALL",
        "ATTACH",
        "IMPORT",
        "EXPORT",
        "CHECKPOINT",
        "FOREACH",
        "GRANT",
        "REVOKE",
        "DENY",
        "TERMINATE",
        "START",
        "STOP",
        "BEGIN",
        "COMMIT",
        "ROLLBACK",
        "USE",
        "FINISH",
    }
)

# Procedures that only read metadata, by lower-case name.
ALLOWED_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "dbms.components",
        "show_tables",
        "table_info",
        "show_connection",
        "db_version",
    }
)


def check_read_only(cypher: str) -> None:
    """Raise ReadOnlyQueryError when the query could write or call a procedure.

    Keywords inside strings, comments and backtick-quoted names, and property
    or map keys that happen to spell a keyword (`n.set`, `{delete: 1}`), are
    not clauses and pass.
    """
    try:
        tokens = tokenize(cypher)
    except CypherSyntaxError as error:
        raise ReadOnlyQueryError(f"cannot check the query: {error}") from error
    for position, token in enumerate(tokens):
        if token.kind == PUNCT and token.text == ";":
            if position != len(tokens) - 1:
                raise ReadOnlyQueryError(
                    "the query contains several statements; send one statement "
                    "at a time"
                )
            continue
        if token.kind != WORD:
            continue
        previous = tokens[position - 1] if position else None
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        if previous is not None and previous.kind == PUNCT and previous.text == ".":
            continue
        if following is not None and following.kind == PUNCT and following.text == ":":
            continue
        keyword = token.text.upper()
        if keyword in WRITE_KEYWORDS:
            raise ReadOnlyQueryError(
                f"{keyword} at offset {token.start} writes to the graph; the query "
                "console runs read-only Cypher (MATCH ... RETURN)"
            )
        if keyword == "CALL":
            _check_call(tokens, position)


def _check_call(tokens: list[Token], position: int) -> None:
    names: list[str] = []
    index = position + 1
    while index < len(tokens):
        token = tokens[index]
        if token.kind == WORD and (not names or tokens[index - 1].text == "."):
            names.append(token.text)
        elif not (token.kind == PUNCT and token.text == "." and names):
            break
        index += 1
    if not names:
        # A subquery, `CALL { ... }` or `CALL (x) { ... }`: its clauses are
        # checked like the rest of the text.
        return
    procedure = ".".join(names)
    if procedure.lower() not in ALLOWED_PROCEDURES:
        allowed = ", ".join(sorted(ALLOWED_PROCEDURES))
        raise ReadOnlyQueryError(
            f"procedure {procedure} is not on the read-only allow-list ({allowed})"
        )
