"""AWS analysis: from parsed configuration to the attack graph.

`transform_aws` is the AWS entry of the shared transform: parse the raw
responses into an AwsEstate, then derive nodes, fact edges and attack edges.
"""

from __future__ import annotations

from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.snapshot import Snapshot
from toxicpath.ingest.transform import TransformContext


def transform_aws(snapshot: Snapshot, context: TransformContext) -> GraphRecords:
    from toxicpath.analysis.aws.analyze import analyze_estate
    from toxicpath.ingest.aws.parse import parse_estate

    estate = parse_estate(snapshot)
    return analyze_estate(estate, context)
