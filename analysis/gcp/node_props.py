"""Common properties of GCP nodes and the fact-edge helper the builders share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toxicpath.graph.records import GraphRecords, to_json_text


def gcp_node_props(
    *,
    node_type: str,
    native_type: str,
    name: str,
    account_id: str,
    scan_id: str,
    region: str = "",
    tags: Mapping[str, Any] | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the properties every GCP node carries, with tags and attrs as JSON."""
    return {
        "cloud": "gcp",
        "type": node_type,
        "native_type": native_type,
        "name": name,
        "account_id": account_id,
        "region": region,
        "tags": to_json_text(dict(tags or {})),
        "attrs": to_json_text(dict(attrs or {})),
        "scan_id": scan_id,
    }


def add_fact_edge(
    records: GraphRecords,
    edge_type: str,
    source: str,
    target: str,
    *,
    scan_id: str,
    reason: str,
    evidence: list[dict[str, Any]] | None = None,
) -> None:
    props: dict[str, Any] = {"scan_id": scan_id, "reason": reason}
    if evidence:
        props["evidence"] = to_json_text(evidence)
    records.add_edge(edge_type, source, target, **props)
