"""Classic and v2 load balancers, listeners, target groups and target health."""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder


def collect_elb(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read the region's classic load balancers (listeners and instances inline)."""
    recorder.paginate("describe_load_balancers")


def collect_elbv2(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read application, network and gateway load balancers and their targets."""
    balancers = recorder.paginate("describe_load_balancers")
    for balancer in (balancers or {}).get("LoadBalancers", []):
        recorder.paginate(
            "describe_listeners",
            params={"LoadBalancerArn": balancer["LoadBalancerArn"]},
        )
        recorder.paginate(
            "describe_target_groups",
            params={"LoadBalancerArn": balancer["LoadBalancerArn"]},
        )
    groups = recorder.paginate("describe_target_groups", record=False)
    for group in (groups or {}).get("TargetGroups", []):
        recorder.call(
            "describe_target_health",
            params={"TargetGroupArn": group["TargetGroupArn"]},
            absent=("TargetGroupNotFound",),
        )
