"""`toxicpath query`, `paths` and `blast-radius`: read the current scan's graph."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from toxicpath.ui.cli.common import OutputOption, StoreOption, handle_errors
from toxicpath.ui.cli.output import OutputFormat, emit_json, emit_table


def query(
    cypher: Annotated[
        str, typer.Argument(help="Read-only Cypher; write clauses are rejected.")
    ],
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Run read-only Cypher against the store and print the rows."""
    _query(cypher, store, output)


@handle_errors
def _query(cypher: str, store: str | None, output: OutputFormat) -> None:
    from toxicpath.graph.open import open_store
    from toxicpath.graph.readonly import check_read_only

    # Checked before the store opens, so a rejected query never touches it.
    check_read_only(cypher)
    graph = open_store(store, read_only=True)
    try:
        rows = graph.query(cypher)
    finally:
        graph.close()
    plain = [{key: _plain(value) for key, value in row.items()} for row in rows]
    if output is OutputFormat.json:
        emit_json(plain)
        return
    columns = [(key, key) for key in (plain[0].keys() if plain else [])]
    emit_table(plain, columns=columns, title=f"{len(plain)} rows")


def _plain(value: Any) -> Any:
    """Turn store nodes, edges and paths into JSON-friendly values."""
    from toxicpath.graph.store import GraphEdge, GraphNode, GraphPath

    if isinstance(value, GraphNode):
        return {"label": value.label, "id": value.id, **value.props}
    if isinstance(value, GraphEdge):
        return {
            "type": value.type,
            "source": value.source,
            "target": value.target,
            **value.props,
        }
    if isinstance(value, GraphPath):
        return {
            "nodes": [_plain(node) for node in value.nodes],
            "edges": [_plain(edge) for edge in value.edges],
        }
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
