"""Scans: one recorded scan's findings, and what changed between two scans."""

from __future__ import annotations

import streamlit as st

from toxicpath.findings.history import ScanDiff
from toxicpath.ui.app import state
from toxicpath.ui.app.widgets import paged_table
from toxicpath.ui.views.explore import SEVERITY_ORDER
from toxicpath.ui.views.findings import finding_rows


def render() -> None:
    st.title("Scans")
    spec = state.store_spec()
    records = state.scan_records(spec)
    if not records:
        st.info(
            "The history holds no scans yet; `toxicpath scan` and `toxicpath "
            "findings` record each scan's findings."
        )
        return
    ids = [r.id for r in records]
    st.dataframe(
        [
            {
                "scan": r.id,
                "created": r.created_at,
                "open": r.metrics.get("open_total"),
                **{
                    s: (r.metrics.get("open_by_severity") or {}).get(s, 0)
                    for s in SEVERITY_ORDER
                },
                "paths to admin": r.metrics.get("paths_to_admin"),
            }
            for r in reversed(records)
        ],
        hide_index=True,
        width="stretch",
    )
    chosen = st.selectbox("Scan", list(reversed(ids)), key="scans_pick")
    if chosen:
        found = state.scan_findings(spec, chosen)
        st.subheader(f"Scan {chosen}: {len(found)} findings")
        paged_table(finding_rows(found), key="scans_findings")

    st.subheader("Compare two scans")
    if len(ids) < 2:
        st.info("Comparing needs two recorded scans.")
        return
    left, right = st.columns(2)
    before = left.selectbox("Before", ids, index=len(ids) - 2, key="scans_before")
    after = right.selectbox("After", ids, index=len(ids) - 1, key="scans_after")
    if before is None or after is None:
        return
    if before == after:
        st.info("Pick two different scans.")
        return
    _show_diff(state.scan_diff(spec, before, after))


def _show_diff(diff: ScanDiff) -> None:
    columns = st.columns(3)
    columns[0].metric("New", len(diff.new))
    columns[1].metric("Resolved", len(diff.resolved))
    columns[2].metric("Changed", len(diff.changed))
    st.markdown("**New**")
    paged_table(finding_rows(diff.new), key="scans_new")
    st.markdown("**Resolved**")
    paged_table(finding_rows(diff.resolved), key="scans_resolved")
    st.markdown("**Changed**")
    paged_table(
        [
            {
                "rule_id": change.after.rule_id,
                "resource": change.after.resource_name or change.after.resource_id,
                "changes": ", ".join(change.changes),
                "severity": f"{change.before.severity} → {change.after.severity}",
                "status": f"{change.before.status} → {change.after.status}",
                "risk": f"{change.before.risk_score} → {change.after.risk_score}",
            }
            for change in diff.changed
        ],
        key="scans_changed",
    )


if __name__ == "__main__":
    render()
