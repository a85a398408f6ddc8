"""RDS: instances, clusters, snapshots and who may restore each snapshot."""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder

_SNAPSHOT_GONE = ("DBSnapshotNotFound", "DBClusterSnapshotNotFoundFault")


def collect_rds(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read the region's databases and the restore attributes of manual snapshots.

    A snapshot whose `restore` attribute lists "all" is public.
    """
    recorder.paginate("describe_db_instances")
    recorder.paginate("describe_db_clusters")
    snapshots = recorder.paginate(
        "describe_db_snapshots", params={"SnapshotType": "manual"}
    )
    for snapshot in (snapshots or {}).get("DBSnapshots", []):
        recorder.call(
            "describe_db_snapshot_attributes",
            params={"DBSnapshotIdentifier": snapshot["DBSnapshotIdentifier"]},
            absent=_SNAPSHOT_GONE,
        )
    clusters = recorder.paginate(
        "describe_db_cluster_snapshots", params={"SnapshotType": "manual"}
    )
    for snapshot in (clusters or {}).get("DBClusterSnapshots", []):
        recorder.call(
            "describe_db_cluster_snapshot_attributes",
            params={
                "DBClusterSnapshotIdentifier": snapshot["DBClusterSnapshotIdentifier"]
            },
            absent=_SNAPSHOT_GONE,
        )
