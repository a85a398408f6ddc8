"""Overview: posture at a glance and the trend of open findings across scans."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from toxicpath.ui.app import state
from toxicpath.ui.app.widgets import paged_table
from toxicpath.ui.views.explore import SEVERITY_ORDER

SEVERITY_COLOURS = {
    "critical": "#8b0000",
    "high": "#e4572e",
    "medium": "#f3a712",
    "low": "#4c9be8",
    "info": "#a0a0a0",
}


def render() -> None:
    st.title("Overview")
    spec, scan = state.require_scan()
    st.caption(f"Current scan {scan.id}, created {scan.created_at}")
    findings = state.findings(spec, scan.id)
    decided = state.with_acceptances(spec, findings)
    open_findings = [f for f in decided if f.status == "open"]
    posture = state.posture(spec, scan.id)

    st.subheader("Open findings by severity")
    columns = st.columns(len(SEVERITY_ORDER))
    for column, severity in zip(columns, SEVERITY_ORDER, strict=True):
        count = sum(1 for f in open_findings if f.severity == severity)
        column.metric(severity.capitalize(), count)

    coverage = state.coverage(spec, scan.id)
    not_evaluated = [c for c in coverage or [] if c.status != "ok"]
    left, middle, right, last = st.columns(4)
    left.metric("Identities with a path to admin", len(posture.identities_to_admin))
    middle.metric("Internet-exposed resources", len(posture.exposed_resources))
    accounts = {(c.cloud, c.account) for c in coverage or []}
    right.metric("Accounts covered", len(accounts) if coverage is not None else "?")
    last.metric(
        "Services not evaluated",
        len(not_evaluated) if coverage is not None else "?",
    )

    _trend(spec)

    st.subheader("Identities with a path to an account admin")
    paged_table(
        [
            {"name": i.name, "type": i.type, "account": i.account_id, "id": i.id}
            for i in posture.identities_to_admin
        ],
        key="overview_admin",
    )
    st.subheader("Internet-exposed resources")
    paged_table(
        [
            {"name": r.name, "type": r.type, "account": r.account_id, "id": r.id}
            for r in posture.exposed_resources
        ],
        key="overview_exposed",
    )
    st.subheader("Coverage")
    if coverage is None:
        st.warning(
            "No snapshot was kept for this scan, so which services were read is "
            "unknown."
        )
    else:
        if not_evaluated:
            st.error(
                f"{len(not_evaluated)} service reads were not evaluated; their "
                "resources and permissions are missing from the paths."
            )
        paged_table(
            [
                {
                    "cloud": c.cloud,
                    "account": c.account,
                    "region": c.region,
                    "service": c.service,
                    "status": c.status,
                    "reason": c.reason,
                }
                for c in sorted(
                    coverage, key=lambda c: (c.status == "ok", c.account, c.service)
                )
            ],
            key="overview_coverage",
        )


def _trend(spec: str | None) -> None:
    st.subheader("Trend across scans")
    records = state.scan_records(spec)
    if not records:
        st.info(
            "The history holds no scans yet; `toxicpath scan` and `toxicpath "
            "findings` record each scan's findings."
        )
        return
    rows = []
    for record in records:
        by_severity = record.metrics.get("open_by_severity") or {}
        rows.append(
            {
                "scan": record.created_at[:19].replace("T", " "),
                **{s: int(by_severity.get(s, 0)) for s in SEVERITY_ORDER},
                "paths to admin": int(record.metrics.get("paths_to_admin") or 0),
            }
        )
    frame = pd.DataFrame(rows).set_index("scan")
    # Stacked bars rather than lines, so a history of one scan still shows.
    st.bar_chart(
        frame[list(SEVERITY_ORDER)],
        y=list(SEVERITY_ORDER),
        color=[SEVERITY_COLOURS[s] for s in SEVERITY_ORDER],
        x_label="scan (UTC)",
        y_label="open findings",
        stack=True,
    )
    st.caption(
        f"Scans recorded: {len(records)}. The latest has "
        f"{rows[-1]['paths to admin']} open findings with a path to admin."
    )


if __name__ == "__main__":
    render()
