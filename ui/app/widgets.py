"""Building blocks the pages share: graph drawings, paged tables, path read-outs."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from toxicpath.ui.views.drawing import DrawEdge, DrawNode, draw
from toxicpath.ui.views.explore import NodeInfo
from toxicpath.ui.views.paths import Hop, PathView

PAGE_SIZE = 50
GRAPH_HEIGHT_PX = 460


def show_graph(
    nodes: Iterable[DrawNode], edges: Iterable[DrawEdge], *, hierarchical: bool = False
) -> None:
    """Draw a graph with neo4j-viz inside an iframe, with a note when it was capped."""
    drawing = draw(nodes, edges, height_px=GRAPH_HEIGHT_PX, hierarchical=hierarchical)
    if drawing.note:
        st.caption(drawing.note)
    st.iframe(drawing.html, height=GRAPH_HEIGHT_PX + 20)


def path_elements(
    views: Sequence[PathView], nodes: dict[str, NodeInfo]
) -> tuple[list[DrawNode], list[DrawEdge]]:
    """Return the nodes and edges of `views`, riskiest path first."""
    draw_nodes: list[DrawNode] = []
    draw_edges: dict[tuple[str, str], DrawEdge] = {}
    for view in views:
        for hop in view.hops:
            for node_id in (hop.source, hop.target):
                info = nodes.get(node_id)
                draw_nodes.append(
                    DrawNode(
                        id=node_id,
                        caption=info.name if info else node_id,
                        label=info.label if info else "",
                        type=info.type if info else "",
                        properties={"account": info.account_id} if info else {},
                    )
                )
            caption = hop.technique or hop.kind
            draw_edges.setdefault(
                (hop.source, hop.target),
                DrawEdge(
                    source=hop.source,
                    target=hop.target,
                    caption=caption,
                    properties={"reason": hop.reason},
                ),
            )
    return draw_nodes, list(draw_edges.values())


def paged_table(rows: list[dict[str, Any]], *, key: str) -> None:
    """Show rows as a table, PAGE_SIZE rows at a time."""
    if not rows:
        st.info("No rows match.")
        return
    pages = math.ceil(len(rows) / PAGE_SIZE)
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                f"Page (of {pages})",
                min_value=1,
                max_value=pages,
                value=1,
                key=f"{key}_page",
            )
        )
    start = (page - 1) * PAGE_SIZE
    page_rows = rows[start : start + PAGE_SIZE]
    st.caption(f"Rows {start + 1}-{start + len(page_rows)} of {len(rows)}")
    st.dataframe(pd.DataFrame(page_rows), hide_index=True, width="stretch")


def hop_evidence_text(hop: Hop) -> str:
    """Summarise a hop's evidence: the policies, statements and rules behind it."""
    parts: list[str] = []
    for item in hop.evidence:
        if not isinstance(item, dict):
            parts.append(str(item))
            continue
        grants = [*(item.get("allowed_by") or []), *(item.get("statements") or [])]
        for grant in grants:
            if isinstance(grant, dict):
                policy = grant.get("policy")
                text = (
                    "the resource's own policy"
                    if policy == "resource-policy"
                    else f"policy {policy}"
                )
                if grant.get("statement"):
                    text += f" statement {grant.get('statement')}"
                parts.append(text)
        if item.get("trust_policy"):
            parts.append(f"trust policy {item['trust_policy']}")
        if item.get("kind") == "security_group_rule":
            parts.append(
                f"security group {item.get('security_group')} rule "
                f"{item.get('rule')} from {item.get('cidr')}"
            )
        elif item.get("kind") == "route":
            parts.append(
                f"route {item.get('destination')} → {item.get('target')} in "
                f"{item.get('route_table')}"
            )
        elif item.get("kind") == "resource_policy_statement":
            parts.append(f"resource policy statement {item.get('sid') or '(no Sid)'}")
        elif item.get("kind"):
            detail = ", ".join(
                f"{key} {value}"
                for key, value in item.items()
                if key != "kind" and isinstance(value, str | int | float)
            )
            parts.append(f"{str(item['kind']).replace('_', ' ')}: {detail}")
    return "; ".join(dict.fromkeys(parts))


def show_path(view: PathView) -> None:
    """Read a path out as numbered sentences, each with its evidence."""
    st.markdown(
        f"**#{view.rank}** risk **{view.risk:.3f}** (likelihood "
        f"{view.likelihood:.2f}, impact {view.impact:.2f}): "
        f"{view.node_names[0]} → {view.target_name}"
    )
    for number, hop in enumerate(view.hops, start=1):
        tags = [hop.kind]
        if hop.technique:
            tags.append(f"technique {hop.technique}")
        if hop.conditional:
            tags.append("conditional")
        st.markdown(f"{number}. {hop.reason} `{' · '.join(tags)}`")
        summary = hop_evidence_text(hop)
        if summary:
            st.caption(f"Evidence: {summary}")
        if hop.evidence:
            with st.expander(f"Evidence for step {number}", expanded=False):
                st.code(json.dumps(hop.evidence, indent=2, default=str), "json")
