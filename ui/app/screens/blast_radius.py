"""Blast radius: what one compromised identity, key, instance or function reaches."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from toxicpath.ui.app import state
from toxicpath.ui.app.widgets import paged_table, path_elements, show_graph, show_path
from toxicpath.ui.views.explore import BlastView


def render() -> None:
    st.title("Blast radius")
    spec, scan = state.require_scan()
    sources = state.blast_sources(spec, scan.id)
    options = {
        f"{s.name} ({s.type}, {s.account_id or 'no account'})": s.id for s in sources
    }
    picked = st.selectbox(
        "Identity, instance or function",
        list(options),
        index=None,
        placeholder="Choose a node",
        key="blast_pick",
    )
    typed = st.text_input(
        "…or a node id, access key id or unique name",
        value=st.query_params.get("node", ""),
        key="blast_text",
        help="An ARN or resource id, an access key id such as AKIA…, or a name.",
    )
    limit_hops = st.number_input(
        "Maximum hops (0 for no limit)",
        min_value=0,
        max_value=20,
        value=0,
        key="blast_hops",
    )
    text = typed.strip() or (options[picked] if picked else "")
    if not text:
        st.info("Choose a node or type its id to see what it reaches.")
        return
    view = state.blast(spec, scan.id, text, int(limit_hops) or None)
    if view is None:
        st.error(
            f"{text!r} matches no node with attack edges in the current scan; pass "
            "an ARN or resource id, an access key id, or a unique name."
        )
        return
    _show(view)


def _show(view: BlastView) -> None:
    source = view.source
    st.subheader(f"{source.name} reaches {len(view.reached)} nodes")
    st.caption(source.id)
    if view.reaches_admin:
        st.error(f"Becomes admin of account(s) {', '.join(view.reaches_admin)}")
    by_kind: dict[tuple[str, str], int] = {}
    for node in view.reached:
        key = (f"{node.label}:{node.type}", node.account_id)
        by_kind[key] = by_kind.get(key, 0) + 1
    st.markdown("**By resource kind and account**")
    frame = pd.DataFrame(
        [{"kind": k, "account": a, "count": c} for (k, a), c in sorted(by_kind.items())]
    )
    if not frame.empty:
        st.dataframe(
            frame.pivot_table(
                index="kind", columns="account", values="count", fill_value=0
            ),
            width="stretch",
        )
    rows = [
        {
            "kind": f"{node.label}:{node.type}",
            "name": node.name,
            "account": node.account_id,
            "hops": len(path.hops),
            "likelihood": round(path.likelihood, 3),
            "path": " → ".join(path.node_names),
            "id": node.id,
        }
        for node, path in zip(view.reached, view.views, strict=False)
    ]
    if len(view.views) < len(view.reached):
        st.caption(
            f"Listing the {len(view.views)} riskiest of {len(view.reached)} "
            "reachable nodes."
        )
    paged_table(rows, key="blast_table")
    if not view.views:
        return
    show_graph(*path_elements(view.views, view.nodes), hierarchical=True)
    labels = {
        f"{node.name} ({node.label}:{node.type})": path
        for node, path in zip(view.reached, view.views, strict=False)
    }
    choice = st.selectbox("How it gets there", list(labels), key="blast_path")
    if choice:
        show_path(labels[choice])


if __name__ == "__main__":
    render()
