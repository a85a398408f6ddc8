"""GCP analysis: parse the snapshot's GCP responses and derive the graph.

`transform_gcp` is the cloud transform `toxicpath.ingest.transform`
registers for `cloud="gcp"`. The steps run in a fixed order because later
steps attach edges to nodes the earlier ones made.
"""

from __future__ import annotations

import logging

from toxicpath.analysis.gcp.access import derive_access_edges
from toxicpath.analysis.gcp.escalation import derive_escalation_edges
from toxicpath.analysis.gcp.exposure import derive_exposure_edges
from toxicpath.analysis.gcp.iam import IamEvaluator
from toxicpath.analysis.gcp.nodes import add_account_nodes, add_identity_nodes
from toxicpath.analysis.gcp.resource_nodes import add_policy_nodes, add_resource_nodes
from toxicpath.analysis.gcp.roles import RoleCatalog
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.gcp.estate import GcpEstate, parse_estate
from toxicpath.ingest.snapshot import Snapshot
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

BASIC_ROLES = ("roles/owner", "roles/editor", "roles/viewer")


def analyze_estate(estate: GcpEstate, context: TransformContext) -> GraphRecords:
    """Build nodes, fact edges and attack edges for a parsed GCP estate."""
    records = GraphRecords()
    roles = RoleCatalog(estate)
    evaluator = IamEvaluator(estate, roles)
    members = evaluator.members()
    basic: dict[str, set[str]] = {}
    for binding in estate.bindings:
        if binding.role in BASIC_ROLES:
            for member in binding.members:
                basic.setdefault(member, set()).add(binding.role)
    add_account_nodes(estate, records, context)
    index = add_identity_nodes(estate, records, context, members, basic)
    add_resource_nodes(estate, records, context, index)
    add_policy_nodes(estate, records, context, roles, index)
    admins = derive_escalation_edges(estate, records, context, evaluator, index)
    derive_access_edges(estate, records, context, evaluator, index, admins)
    derive_exposure_edges(estate, records, context, index)
    logger.info(
        "gcp: %s projects, %s assets, %s bindings analysed; %s roles unresolved",
        len(estate.projects()),
        len(estate.assets),
        len(estate.bindings),
        len(roles.unresolved),
    )
    return records


def transform_gcp(snapshot: Snapshot, context: TransformContext) -> GraphRecords:
    """Parse the GCP part of `snapshot` and derive its graph records."""
    return analyze_estate(parse_estate(snapshot), context)
