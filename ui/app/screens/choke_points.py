"""Choke points: the few fixes that remove the most attack-path risk."""

from __future__ import annotations

import streamlit as st

from toxicpath.ui.app import state


def render() -> None:
    st.title("Choke points")
    spec, scan = state.require_scan()
    left, right = st.columns(2)
    max_edges = int(
        left.number_input(
            "Maximum edges to cut", min_value=1, max_value=50, value=5, key="choke_max"
        )
    )
    any_identity = right.toggle(
        "Count paths from every identity",
        value=False,
        key="choke_any_identity",
        help="Treat every identity as a possible entry point, as if compromised.",
    )
    report = state.choke_points(spec, scan.id, max_edges, any_identity)
    if not report.fixes:
        st.success("No attack-path risk to remove.")
        return
    things = (
        "this 1 thing"
        if report.edge_count == 1
        else (f"these {report.edge_count} things")
    )
    st.subheader(f"Fix {things} to remove {report.percent_removed:.0f}% of path risk")
    st.caption(f"Total path risk before the fixes: {report.total_risk:.3f}")
    for number, fix in enumerate(report.fixes, start=1):
        st.markdown(
            f"**Fix {number}**: removes {fix.percent_of_total:.0f}% of path risk "
            f"({fix.risk_removed:.3f}) by cutting {len(fix.edges)} edge(s)"
        )
        for (source, target, kind), sentence in zip(
            fix.edges, fix.sentences, strict=True
        ):
            st.markdown(f"- {sentence} `{kind}`")
            st.caption(f"{source} → {target}")
        if fix.targets:
            names = ", ".join(f"{t.name} ({t.type})" for t in fix.targets)
            st.markdown(f"Protects: {names}")


if __name__ == "__main__":
    render()
