"""Secrets Manager: secret metadata, rotation and resource policies.

Never GetSecretValue: the read-only guard rejects it, and nothing here needs it.
list-secrets carries the rotation settings and the KMS key of each secret.
"""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder


def collect_secretsmanager(
    recorder: ServiceRecorder, options: AwsCollectOptions
) -> None:
    """Read the region's secrets (metadata only) and their resource policies."""
    secrets = recorder.paginate("list_secrets")
    for secret in (secrets or {}).get("SecretList", []):
        recorder.call(
            "get_resource_policy",
            params={"SecretId": secret["ARN"]},
            absent=("ResourceNotFoundException",),
        )
