"""The properties every node carries, and the fact-edge helper, for all clouds.

Each cloud's analysis wraps `node_props` with its cloud name fixed, so the
common columns of the model are filled the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toxicpath.graph.records import GraphRecords, to_json_text


def node_props(
    *,
    cloud: str,
    node_type: str,
    native_type: str,
    name: str,
    account_id: str,
    scan_id: str,
    region: str = "",
    tags: Mapping[str, Any] | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the common node properties, with tags and attrs as JSON text."""
    return {
        "cloud": cloud,
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
    """Add a fact edge with its reason and optional evidence."""
    props: dict[str, Any] = {"scan_id": scan_id, "reason": reason}
    if evidence:
        props["evidence"] = to_json_text(evidence)
    records.add_edge(edge_type, source, target, **props)
