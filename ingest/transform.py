"""Turn a snapshot into graph records: the one transform every input shares.

`transform` is pure: it reads only the snapshot and the options, never the
network or the clock (the scan time comes from the snapshot), so collected and
imported snapshots of one estate give the same graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from toxicpath.graph.model import INTERNET_ID
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.snapshot import Snapshot
from toxicpath.runtime import bulk_allocation


@dataclass(frozen=True)
class TransformContext:
    """Inputs of a transform besides the snapshot itself."""

    scan_id: str
    scanned_at: datetime
    # Sensitivity overrides: glob on a resource id or name -> sensitivity level.
    sensitivity_overrides: dict[str, str] = field(default_factory=dict)


CloudTransform = Callable[[Snapshot, TransformContext], GraphRecords]

# Each cloud registers the function that parses its raw responses and derives
# its part of the graph. Registration happens in `_load_cloud_transforms`, so a
# cloud whose optional SDK is missing still imports from files.
_CLOUD_TRANSFORMS: dict[str, CloudTransform] = {}


def register_cloud_transform(cloud: str, function: CloudTransform) -> None:
    _CLOUD_TRANSFORMS[cloud] = function


def _load_cloud_transforms() -> None:
    if _CLOUD_TRANSFORMS:
        return
    from toxicpath.analysis.aws import transform_aws

    register_cloud_transform("aws", transform_aws)
    try:
        from toxicpath.analysis.azure import transform_azure
    except ImportError:
        pass
    else:
        register_cloud_transform("azure", transform_azure)
    try:
        from toxicpath.analysis.gcp import transform_gcp
    except ImportError:
        pass
    else:
        register_cloud_transform("gcp", transform_gcp)


def transform(
    snapshot: Snapshot, context: TransformContext | None = None
) -> GraphRecords:
    """Parse every cloud's responses in `snapshot` and derive the attack graph."""
    _load_cloud_transforms()
    with bulk_allocation():
        return _transform(snapshot, context)


def _transform(snapshot: Snapshot, context: TransformContext | None) -> GraphRecords:
    if context is None:
        context = TransformContext(
            scan_id=snapshot.id, scanned_at=datetime.fromisoformat(snapshot.created_at)
        )
    records = GraphRecords()
    records.add_node(
        "Internet",
        INTERNET_ID,
        cloud="none",
        type="internet",
        name="Internet",
        native_type="",
        account_id="",
        region="",
        tags="{}",
        attrs="{}",
        scan_id=context.scan_id,
    )
    for cloud in snapshot.clouds():
        cloud_transform = _CLOUD_TRANSFORMS.get(cloud)
        if cloud_transform is None:
            raise ValueError(f"no transform registered for cloud {cloud!r}")
        records.extend(cloud_transform(snapshot, context))
    records.validate()
    return records
