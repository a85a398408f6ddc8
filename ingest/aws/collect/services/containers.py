"""ECS task definitions, EKS clusters and ECR repository policies."""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder


def collect_ecs(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read clusters and the latest active revision of each task definition family.

    Task definitions carry the task and execution roles; environment values
    in container definitions are replaced by the redaction step.
    """
    recorder.paginate("list_clusters")
    families = recorder.paginate(
        "list_task_definition_families", params={"status": "ACTIVE"}
    )
    for family in (families or {}).get("families", []):
        recorder.call(
            "describe_task_definition",
            params={"taskDefinition": family},
            absent=("ClientException",),
        )


def collect_eks(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read each cluster's endpoint access settings."""
    clusters = recorder.paginate("list_clusters")
    for name in (clusters or {}).get("clusters", []):
        recorder.call(
            "describe_cluster",
            params={"name": name},
            absent=("ResourceNotFoundException",),
        )


def collect_ecr(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read repositories and their repository policies."""
    repositories = recorder.paginate("describe_repositories")
    for repository in (repositories or {}).get("repositories", []):
        recorder.call(
            "get_repository_policy",
            params={"repositoryName": repository["repositoryName"]},
            absent=("RepositoryPolicyNotFoundException",),
        )
