"""Console: read-only Cypher against the store, as a table and as a graph."""

from __future__ import annotations

import json
import logging
from typing import Any

import streamlit as st

from toxicpath.graph.open import open_store
from toxicpath.graph.readonly import check_read_only
from toxicpath.graph.store import GraphEdge, GraphNode, GraphPath, ReadOnlyQueryError
from toxicpath.ui.app import state
from toxicpath.ui.app.widgets import paged_table, show_graph
from toxicpath.ui.views.drawing import elements_from_rows

logger = logging.getLogger(__name__)

# Rows kept from one query: enough for any table a person reads, small
# enough that the page stays responsive.
MAX_ROWS = 5000

EXAMPLE_QUERY = (
    "MATCH (a:Identity)-[r:CAN_ACCESS]->(b:Resource)\n"
    "WHERE b.sensitivity IN ['high', 'critical']\n"
    "RETURN a, r, b LIMIT 50"
)


def render() -> None:
    st.title("Cypher console")
    spec, scan = state.require_scan()
    st.caption(
        "Read-only: queries that write (CREATE, MERGE, SET, DELETE, …) or call "
        "procedures outside the allow-list are rejected before they reach the store."
    )
    cypher = st.text_area(
        "Cypher", value=EXAMPLE_QUERY, height=120, key="console_query"
    )
    if not st.button("Run", key="console_run", type="primary"):
        return
    try:
        # Checked before the store opens, so a rejected query never touches it.
        check_read_only(cypher)
    except ReadOnlyQueryError as error:
        st.error(f"Query rejected: {error}")
        return
    try:
        rows = _run(spec, cypher)
    except ReadOnlyQueryError as error:
        st.error(f"Query rejected: {error}")
        return
    except (RuntimeError, ValueError) as error:
        logger.warning("console query failed on scan %s: %s", scan.id, error)
        st.error(f"Query failed: {error}")
        return
    if len(rows) > MAX_ROWS:
        st.warning(
            f"The query returned {len(rows)} rows; showing the first {MAX_ROWS}. "
            "Add LIMIT or a narrower MATCH to see the rest."
        )
        rows = rows[:MAX_ROWS]
    st.success(f"{len(rows)} rows")
    tab_table, tab_graph = st.tabs(["Table", "Graph"])
    with tab_table:
        paged_table([_flat(row) for row in rows], key="console_table")
    with tab_graph:
        nodes, edges = elements_from_rows(rows)
        if nodes:
            show_graph(nodes, edges)
        else:
            st.info("The result holds no nodes, relationships or paths to draw.")


def _run(spec: str | None, cypher: str) -> list[dict[str, Any]]:
    store = open_store(spec, read_only=True)
    try:
        return store.query(cypher)
    finally:
        store.close()


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """Return a row with nodes, edges and paths as short text for the table."""
    return {key: _cell(value) for key, value in row.items()}


def _cell(value: Any) -> Any:
    if isinstance(value, GraphNode):
        return f"({value.label} {value.props.get('name') or value.id})"
    if isinstance(value, GraphEdge):
        return f"[{value.type}] {value.source} → {value.target}"
    if isinstance(value, GraphPath):
        return " → ".join(str(n.props.get("name") or n.id) for n in value.nodes)
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    return value


if __name__ == "__main__":
    render()
