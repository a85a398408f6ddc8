"""Attack paths: ranked by risk, filtered, drawn as a graph and read out hop by hop."""

from __future__ import annotations

import streamlit as st

from toxicpath.ui.app import state
from toxicpath.ui.app.widgets import paged_table, path_elements, show_graph, show_path
from toxicpath.ui.views.explore import SEVERITY_ORDER, NodeInfo, RankedPath


def render() -> None:
    st.title("Attack paths")
    spec, scan = state.require_scan()
    left, right = st.columns(2)
    any_identity = left.toggle(
        "Start at every identity",
        value=False,
        key="paths_any_identity",
        help="Also rank paths from each identity, as if it were compromised.",
    )
    per_target = int(
        right.number_input(
            "Paths kept per target",
            min_value=1,
            max_value=10,
            value=3,
            key="paths_per_target",
        )
    )
    path_set = state.paths(spec, scan.id, per_target, any_identity)
    paths = _filtered(path_set.paths, path_set.nodes)
    st.subheader(f"{len(paths)} of {len(path_set.paths)} paths")
    if path_set.total > len(path_set.paths):
        st.caption(
            f"Listing the {len(path_set.paths)} riskiest of {path_set.total} "
            "ranked paths."
        )
    paged_table(
        [
            {
                "rank": p.view.rank,
                "risk": round(p.view.risk, 3),
                "severity": p.severity,
                "entry": p.view.node_names[0],
                "target": p.view.target_name,
                "hops": len(p.view.hops),
                "techniques": ", ".join(p.techniques),
                "accounts": ", ".join(p.accounts),
            }
            for p in paths
        ],
        key="paths_table",
    )
    if not paths:
        return
    labels = {
        f"#{p.view.rank} {p.view.node_names[0]} → {p.view.target_name}": p
        for p in paths
    }
    choice = st.selectbox("Path to show", list(labels), key="paths_choice")
    draw_all = st.toggle("Draw all listed paths together", key="paths_draw_all")
    chosen = labels[choice] if choice else paths[0]
    drawn = [p.view for p in paths] if draw_all else [chosen.view]
    show_graph(*path_elements(drawn, path_set.nodes), hierarchical=True)
    show_path(chosen.view)


def _filtered(paths: list[RankedPath], nodes: dict[str, NodeInfo]) -> list[RankedPath]:
    def names(ids: set[str]) -> dict[str, str]:
        return {f"{nodes[i].name} ({i})" if i in nodes else i: i for i in sorted(ids)}

    clouds = sorted({c for p in paths for c in p.clouds})
    accounts = sorted({a for p in paths for a in p.accounts})
    entries = names({p.view.entry for p in paths})
    targets = names({p.view.target for p in paths})
    techniques = sorted({t for p in paths for t in p.techniques})
    columns = st.columns(3)
    chosen_clouds = columns[0].multiselect("Cloud", clouds, key="paths_cloud")
    chosen_accounts = columns[1].multiselect("Account", accounts, key="paths_account")
    chosen_severities = columns[2].multiselect(
        "Severity", list(SEVERITY_ORDER), key="paths_severity"
    )
    columns = st.columns(3)
    chosen_entries = columns[0].multiselect(
        "Entry point", list(entries), key="paths_entry"
    )
    chosen_targets = columns[1].multiselect("Target", list(targets), key="paths_target")
    chosen_techniques = columns[2].multiselect(
        "Technique", techniques, key="paths_technique"
    )
    entry_ids = {entries[e] for e in chosen_entries}
    target_ids = {targets[t] for t in chosen_targets}
    result = []
    for path in paths:
        if chosen_clouds and not set(chosen_clouds) & set(path.clouds):
            continue
        if chosen_accounts and not set(chosen_accounts) & set(path.accounts):
            continue
        if chosen_severities and path.severity not in chosen_severities:
            continue
        if entry_ids and path.view.entry not in entry_ids:
            continue
        if target_ids and path.view.target not in target_ids:
            continue
        if chosen_techniques and not set(chosen_techniques) & set(path.techniques):
            continue
        result.append(path)
    return result


if __name__ == "__main__":
    render()
