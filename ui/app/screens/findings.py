"""Findings: filter, export, and accept or suppress with owner and expiry."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import streamlit as st
from pydantic import ValidationError

from toxicpath.findings.acceptance import Acceptance, AcceptanceError, save_acceptance
from toxicpath.findings.model import STATUSES, Finding
from toxicpath.ui.app import state
from toxicpath.ui.app.widgets import paged_table
from toxicpath.ui.views.explore import SEVERITY_ORDER
from toxicpath.ui.views.findings import finding_rows, findings_csv, findings_json

logger = logging.getLogger(__name__)

# Default length of an acceptance entered in the app.
DEFAULT_ACCEPTANCE_DAYS = 90
FINGERPRINT_SCOPE = "this finding"
RULE_SCOPE = "this rule on matching resources"


def render() -> None:
    st.title("Findings")
    spec, scan = state.require_scan()
    decided = state.with_acceptances(spec, state.findings(spec, scan.id))
    listed = _filtered(decided)
    st.subheader(f"{len(listed)} of {len(decided)} findings")
    paged_table(finding_rows(listed), key="findings_table")
    left, right = st.columns(2)
    left.download_button(
        "Download CSV",
        data=findings_csv(listed),
        file_name=f"findings-{scan.id}.csv",
        mime="text/csv",
        key="findings_csv",
    )
    right.download_button(
        "Download JSON",
        data=findings_json(listed),
        file_name=f"findings-{scan.id}.json",
        mime="application/json",
        key="findings_json",
    )
    _accept_form(spec, listed)


def _filtered(found: list[Finding]) -> list[Finding]:
    columns = st.columns(4)
    severities = columns[0].multiselect(
        "Severity", list(SEVERITY_ORDER), key="findings_severity"
    )
    statuses = columns[1].multiselect(
        "Status", list(STATUSES), default=["open"], key="findings_status"
    )
    rules = columns[2].multiselect(
        "Rule", sorted({f.rule_id for f in found}), key="findings_rule"
    )
    text = columns[3].text_input("Resource contains", key="findings_text")
    result = []
    for finding in found:
        if severities and finding.severity not in severities:
            continue
        if statuses and finding.status not in statuses:
            continue
        if rules and finding.rule_id not in rules:
            continue
        needle = text.strip().lower()
        haystack = f"{finding.resource_id} {finding.resource_name}".lower()
        if needle and needle not in haystack:
            continue
        result.append(finding)
    return result


@dataclass(frozen=True)
class Decision:
    """A decision submitted through the acceptance form for one finding."""

    finding: Finding
    status: str
    by_rule: bool
    resource_glob: str
    owner: str
    justification: str
    expires: date
    control: str


def _accept_form(spec: str | None, listed: list[Finding]) -> None:
    path = state.acceptance_file(spec)
    st.subheader("Accept or suppress a finding")
    st.caption(f"Entries are appended to {path}, the file `toxicpath accept` writes.")
    message = st.session_state.pop("accept_message", None)
    if message:
        st.success(message)
    if not listed:
        st.info("No finding is listed to accept.")
        return
    decision = _form(listed)
    if decision is not None:
        _record(path, decision)


def _form(listed: list[Finding]) -> Decision | None:
    choices = {
        f"{f.severity} · {f.rule_id} · {f.resource_name or f.resource_id} "
        f"[{f.fingerprint}]": f
        for f in listed
    }
    today = datetime.now(UTC).date()
    with st.form("accept_form"):
        label = st.selectbox("Finding", list(choices), key="accept_finding")
        status = st.radio(
            "Decision",
            ["accepted", "suppressed"],
            horizontal=True,
            key="accept_status",
            help="accepted: a known risk the owner takes on; suppressed: a false "
            "positive.",
        )
        scope = st.radio(
            "Applies to",
            [FINGERPRINT_SCOPE, RULE_SCOPE],
            horizontal=True,
            key="accept_scope",
        )
        resource_glob = st.text_input(
            "Resource glob",
            key="accept_glob",
            help="For the rule scope: fnmatch pattern over resource ids, such as "
            "arn:aws:s3:::static-*. Empty means the finding's own resource.",
        )
        owner = st.text_input("Owner", key="accept_owner")
        justification = st.text_area("Justification", key="accept_justification")
        expires = st.date_input(
            "Expires",
            value=today + timedelta(days=DEFAULT_ACCEPTANCE_DAYS),
            min_value=today,
            key="accept_expires",
        )
        control = st.text_input("Compensating control", key="accept_control")
        submitted = st.form_submit_button("Record decision")
    if not submitted or label is None:
        return None
    return Decision(
        finding=choices[label],
        status=str(status),
        by_rule=scope == RULE_SCOPE,
        resource_glob=resource_glob.strip(),
        owner=owner.strip(),
        justification=justification.strip(),
        expires=expires,
        control=control.strip(),
    )


def _record(path: Path, decision: Decision) -> None:
    finding = decision.finding
    try:
        entry = Acceptance(
            fingerprint=None if decision.by_rule else finding.fingerprint,
            rule=finding.rule_id if decision.by_rule else None,
            resource=(decision.resource_glob or finding.resource_id)
            if decision.by_rule
            else "*",
            status=decision.status,  # type: ignore[arg-type]
            owner=decision.owner,
            justification=decision.justification,
            expires=decision.expires,
            compensating_control=decision.control,
        )
    except ValidationError as error:
        fields = ", ".join(str(e["loc"][0]) for e in error.errors() if e["loc"])
        st.error(f"The decision is incomplete: fill in {fields}.")
        return
    try:
        save_acceptance(path, entry)
    except (AcceptanceError, OSError) as error:
        logger.error("cannot write acceptance file %s: %s", path, error)
        st.error(f"Could not write {path}: {error}")
        return
    subject = (
        f"rule {entry.rule} on {entry.resource}"
        if decision.by_rule
        else finding.fingerprint
    )
    # Rerun so the table above shows the new status; the message survives it.
    st.session_state["accept_message"] = f"Recorded: {subject} {entry.describe()}"
    st.rerun()


if __name__ == "__main__":
    render()
