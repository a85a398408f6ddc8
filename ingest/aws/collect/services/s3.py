"""S3: buckets and their policies, ACLs, public access blocks and settings.

Buckets are account-wide, so responses carry the region "global" and the
bucket's own region is recorded through get-bucket-location. The account-level
Block Public Access setting comes from S3 Control, a service of its own.
"""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder

# Error codes that mean "this bucket has no such setting", or that the bucket
# was deleted between listing and reading it.
_NO_SETTING = (
    "NoSuchBucket",
    "NoSuchBucketPolicy",
    "NoSuchPublicAccessBlockConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchTagSet",
    "OwnershipControlsNotFoundError",
)

# Per-bucket reads, in the order they are made.
_BUCKET_OPERATIONS = (
    "get_bucket_location",
    "get_bucket_policy",
    "get_bucket_policy_status",
    "get_bucket_acl",
    "get_public_access_block",
    "get_bucket_encryption",
    "get_bucket_versioning",
    "get_bucket_logging",
    "get_bucket_ownership_controls",
    "get_bucket_tagging",
)


def collect_s3control(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read the account-level Block Public Access setting."""
    recorder.call(
        "get_public_access_block",
        params={"AccountId": recorder.account},
        absent=("NoSuchPublicAccessBlockConfiguration",),
    )


def collect_s3(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read every bucket's access settings."""
    listed = recorder.paginate("list_buckets")
    for bucket in (listed or {}).get("Buckets", []):
        for operation in _BUCKET_OPERATIONS:
            recorder.call(
                operation, params={"Bucket": bucket["Name"]}, absent=_NO_SETTING
            )
