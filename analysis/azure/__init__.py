"""Azure analysis: parse the snapshot's Azure responses and derive the graph.

`transform_azure` is the cloud transform `toxicpath.ingest.transform`
registers for `cloud="azure"`. The steps run in a fixed order because later
steps attach edges to nodes the earlier ones made.
"""

from __future__ import annotations

import logging

from toxicpath.analysis.azure.access import (
    derive_anonymous_storage,
    derive_key_vault_policies,
)
from toxicpath.analysis.azure.entra import (
    derive_entra_edges,
    derive_graph_app_role_edges,
)
from toxicpath.analysis.azure.escalation import derive_rbac_edges
from toxicpath.analysis.azure.exposure import derive_exposure_edges
from toxicpath.analysis.azure.federation import derive_federated_trusts
from toxicpath.analysis.azure.nodes import add_account_nodes, add_identity_nodes
from toxicpath.analysis.azure.policy_nodes import add_role_nodes
from toxicpath.analysis.azure.rbac import RbacEvaluator
from toxicpath.analysis.azure.resource_nodes import add_resource_nodes
from toxicpath.analysis.azure.roles import role_catalog
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.azure.estate import AzureEstate, parse_estate
from toxicpath.ingest.snapshot import Snapshot
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)


def analyze_estate(estate: AzureEstate, context: TransformContext) -> GraphRecords:
    """Build nodes, fact edges and attack edges for a parsed Azure estate."""
    records = GraphRecords()
    roles = role_catalog(estate)
    add_account_nodes(estate, records, context)
    index = add_identity_nodes(estate, records, context)
    add_resource_nodes(estate, records, context, index)
    add_role_nodes(estate, records, context, roles, index)
    evaluator = RbacEvaluator(estate, roles)
    derive_rbac_edges(estate, records, context, evaluator, index)
    derive_key_vault_policies(estate, records, context, index)
    derive_anonymous_storage(estate, records, context)
    derive_exposure_edges(estate, records, context)
    derive_entra_edges(estate, records, context, index)
    derive_graph_app_role_edges(estate, records, context, index)
    derive_federated_trusts(estate, records, context, index)
    logger.info(
        "azure: %s subscriptions, %s resources, %s role assignments analysed",
        len(estate.subscriptions),
        len(estate.resources),
        len(estate.role_assignments),
    )
    return records


def transform_azure(snapshot: Snapshot, context: TransformContext) -> GraphRecords:
    """Parse the Azure part of `snapshot` and derive its graph records."""
    return analyze_estate(parse_estate(snapshot), context)
