"""The store the app reads, and its views cached per store and scan id.

`toxicpath ui` passes the store spec in the TOXICPATH_UI_STORE environment
variable; without it the app reads TOXICPATH_STORE, then the default store.
Every cached view takes the store spec and the current scan id as
arguments, so a new scan makes the cache miss instead of serving old data.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import streamlit as st

from toxicpath.findings.acceptance import AcceptanceError
from toxicpath.findings.history import ScanDiff, ScanRecord
from toxicpath.findings.model import Finding
from toxicpath.graph.store import ScanInfo, StoreError
from toxicpath.ingest.snapshot import CoverageEntry
from toxicpath.ui.views import explore
from toxicpath.ui.views import findings as findings_view

logger = logging.getLogger(__name__)

STORE_ENV = "TOXICPATH_UI_STORE"

# Seconds the app trusts its last look at the current scan id before asking
# the store again, so a scan loaded meanwhile shows within this time.
SCAN_ID_TTL_SECONDS = 10


def store_spec() -> str | None:
    """Return the store spec from the environment, or None for the default store."""
    return os.environ.get(STORE_ENV) or os.environ.get("TOXICPATH_STORE") or None


@st.cache_data(ttl=SCAN_ID_TTL_SECONDS, show_spinner=False)
def current_scan(spec: str | None) -> ScanInfo | None:
    return explore.current_scan(spec)


def require_scan() -> tuple[str | None, ScanInfo]:
    """Return the store spec and its current scan, or stop the page with a message."""
    spec = store_spec()
    try:
        scan = current_scan(spec)
    except (StoreError, OSError, ValueError, RuntimeError) as error:
        logger.error("cannot open store %s: %s", spec, error)
        st.error(f"Cannot open the store {spec or '(default)'}: {error}")
        st.stop()
    if scan is None:
        st.warning(
            f"The store {spec or '(default)'} holds no scan yet. Load one with "
            "`toxicpath scan` or `toxicpath demo`, then reload this page."
        )
        st.stop()
    return spec, scan


@st.cache_data(max_entries=8, show_spinner="Evaluating rules…")
def findings(spec: str | None, scan_id: str) -> list[Finding]:
    """Return the scan's findings before acceptances (they apply on every run)."""
    return findings_view.evaluate_findings(spec)


@st.cache_data(max_entries=16, show_spinner="Ranking attack paths…")
def paths(
    spec: str | None, scan_id: str, per_target: int, any_identity: bool
) -> explore.PathSet:
    return explore.load_paths(
        spec,
        per_target=per_target,
        any_identity=any_identity,
        findings=findings(spec, scan_id),
    )


@st.cache_data(max_entries=8, show_spinner=False)
def blast_sources(spec: str | None, scan_id: str) -> list[explore.NodeInfo]:
    return explore.blast_sources(spec)


@st.cache_data(max_entries=32, show_spinner="Computing the blast radius…")
def blast(
    spec: str | None, scan_id: str, node_text: str, max_hops: int | None
) -> explore.BlastView | None:
    return explore.load_blast(spec, node_text, max_hops=max_hops)


@st.cache_data(max_entries=16, show_spinner="Finding choke points…")
def choke_points(
    spec: str | None, scan_id: str, max_edges: int, any_identity: bool
) -> explore.ChokeView:
    return explore.load_choke_points(
        spec, max_edges=max_edges, any_identity=any_identity
    )


@st.cache_data(max_entries=8, show_spinner=False)
def posture(spec: str | None, scan_id: str) -> explore.Posture:
    return explore.load_posture(spec)


@st.cache_data(max_entries=8, show_spinner=False)
def coverage(spec: str | None, scan_id: str) -> list[CoverageEntry] | None:
    return findings_view.scan_coverage(spec)


def scan_records(spec: str | None) -> list[ScanRecord]:
    """Return the recorded scans; read on every run because it is one small query."""
    return findings_view.scan_records(spec)


@st.cache_data(max_entries=32, show_spinner=False)
def scan_findings(spec: str | None, scan_id: str) -> list[Finding]:
    return findings_view.scan_findings(spec, scan_id)


@st.cache_data(max_entries=32, show_spinner=False)
def scan_diff(spec: str | None, scan_a: str, scan_b: str) -> ScanDiff:
    return findings_view.scan_diff(spec, scan_a, scan_b)


def acceptance_file(spec: str | None) -> Path:
    """Return the acceptance file the CLI reads for this store.

    TOXICPATH_ACCEPTANCES overrides the file beside the store, as it does for
    the CLI's `--acceptances`.
    """
    configured = os.environ.get("TOXICPATH_ACCEPTANCES")
    if configured:
        return Path(configured).expanduser()
    return findings_view.acceptance_file(spec)


def with_acceptances(spec: str | None, found: list[Finding]) -> list[Finding]:
    """Apply the acceptance file; read on every run so a new entry shows at once."""
    path = acceptance_file(spec)
    try:
        return findings_view.with_acceptances(found, path)
    except AcceptanceError as error:
        logger.error("invalid acceptance file %s: %s", path, error)
        st.error(f"The acceptance file is invalid, so no acceptance applies: {error}")
        return found
