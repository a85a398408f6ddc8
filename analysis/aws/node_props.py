"""Common properties of AWS nodes and the fact-edge helper the node builders share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toxicpath.graph.node_props import add_fact_edge, node_props

__all__ = ["add_fact_edge", "aws_node_props"]


def aws_node_props(
    *,
    node_type: str,
    native_type: str,
    name: str,
    account_id: str,
    scan_id: str,
    region: str,
    tags: Mapping[str, str] | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the properties every AWS node carries, with tags and attrs as JSON."""
    return node_props(
        cloud="aws",
        node_type=node_type,
        native_type=native_type,
        name=name,
        account_id=account_id,
        scan_id=scan_id,
        region=region,
        tags=tags,
        attrs=attrs,
    )
