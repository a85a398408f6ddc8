"""EC2: instances, network interfaces, VPC networking and launch templates."""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder

# Region-wide paginated reads, in the order they are made.
_REGION_OPERATIONS = (
    "describe_instances",
    "describe_security_groups",
    "describe_network_interfaces",
    "describe_subnets",
    "describe_vpcs",
    "describe_route_tables",
    "describe_internet_gateways",
    "describe_nat_gateways",
    "describe_vpc_peering_connections",
    "describe_network_acls",
    "describe_launch_templates",
)


def collect_ec2(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read the region's instances, networks, launch templates, snapshots and AMIs.

    Launch template versions are read for their instance profile; the user
    data in them is replaced by the redaction step.
    """
    results = {
        operation: recorder.paginate(operation) for operation in _REGION_OPERATIONS
    }
    templates = results["describe_launch_templates"] or {}
    for template in templates.get("LaunchTemplates", []):
        recorder.paginate(
            "describe_launch_template_versions",
            params={
                "LaunchTemplateId": template["LaunchTemplateId"],
                "Versions": ["$Default", "$Latest"],
            },
        )
    _collect_snapshots_and_images(recorder)


def _collect_snapshots_and_images(recorder: ServiceRecorder) -> None:
    """Read the account's own EBS snapshots and AMIs, and who may use each.

    A snapshot's createVolumePermission lists the accounts it is shared with,
    or the group "all" when it is public; an AMI carries its Public flag.
    """
    snapshots = recorder.paginate("describe_snapshots", params={"OwnerIds": ["self"]})
    for snapshot in (snapshots or {}).get("Snapshots", []):
        recorder.call(
            "describe_snapshot_attribute",
            params={
                "SnapshotId": snapshot["SnapshotId"],
                "Attribute": "createVolumePermission",
            },
            absent=("InvalidSnapshot.NotFound",),
        )
    recorder.call("describe_images", params={"Owners": ["self"]})
