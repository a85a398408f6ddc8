"""Derive the AWS part of the graph from a parsed estate.

The steps run in a fixed order because later steps attach edges to nodes the
earlier ones created: accounts, identities and policies, resources and
networks, then the derived attack edges.
"""

from __future__ import annotations

from toxicpath.analysis.aws.exposure import derive_exposure_edges
from toxicpath.analysis.aws.identity import add_identity_nodes, derive_identity_edges
from toxicpath.analysis.aws.resources import add_account_nodes, add_resource_nodes
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.aws.estate import AwsEstate
from toxicpath.ingest.transform import TransformContext


def analyze_estate(estate: AwsEstate, context: TransformContext) -> GraphRecords:
    """Build nodes, fact edges and attack edges for every account in `estate`."""
    records = GraphRecords()
    add_account_nodes(estate, records, context)
    add_identity_nodes(estate, records, context)
    add_resource_nodes(estate, records, context)
    derive_identity_edges(estate, records, context)
    derive_exposure_edges(estate, records, context)
    return records
