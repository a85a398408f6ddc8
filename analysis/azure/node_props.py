"""Common properties of Azure nodes and the fact-edge helper the builders share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toxicpath.graph.node_props import add_fact_edge, node_props
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.azure.arm import subscription_id_node
from toxicpath.ingest.azure.estate import AzureResource

__all__ = ["add_fact_edge", "azure_node_props", "link_to_account"]


def azure_node_props(
    *,
    node_type: str,
    native_type: str,
    name: str,
    account_id: str,
    scan_id: str,
    region: str = "",
    tags: Mapping[str, str] | None = None,
    attrs: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the properties every Azure node carries, with tags and attrs as JSON."""
    return node_props(
        cloud="azure",
        node_type=node_type,
        native_type=native_type,
        name=name,
        account_id=account_id,
        scan_id=scan_id,
        region=region,
        tags=tags,
        attrs=attrs,
    )


def link_to_account(
    records: GraphRecords, resource: AzureResource, scan_id: str
) -> None:
    parent = resource.resource_group_id
    if not parent or parent not in records.nodes:
        parent = subscription_id_node(resource.subscription_id)
    if parent in records.nodes:
        add_fact_edge(
            records,
            "IN_ACCOUNT",
            resource.id,
            parent,
            scan_id=scan_id,
            reason=f"{resource.name} is in {parent}.",
        )
