"""Redshift clusters and OpenSearch domains: data stores with network exposure."""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder


def collect_redshift(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read clusters (public accessibility, encryption) and their subnet groups."""
    recorder.paginate("describe_clusters")
    recorder.paginate("describe_cluster_subnet_groups")


def collect_opensearch(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read each domain's endpoint, VPC settings and access policy."""
    names = recorder.call("list_domain_names")
    for domain in (names or {}).get("DomainNames", []):
        recorder.call(
            "describe_domain",
            params={"DomainName": domain["DomainName"]},
            absent=("ResourceNotFoundException",),
        )
