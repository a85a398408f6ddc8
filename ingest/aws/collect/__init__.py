"""Live AWS collector: boto3 reads of one account or a whole organization.

`collect_aws(options)` returns a Snapshot of raw responses and coverage, the
same format the offline importers produce; `write_snapshot` stores it.
"""

from toxicpath.ingest.aws.collect.credentials import CollectError
from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.readonly import ReadOnlyViolationError
from toxicpath.ingest.aws.collect.runner import collect_aws
from toxicpath.ingest.snapshot import write_snapshot

collect = collect_aws

__all__ = [
    "AwsCollectOptions",
    "CollectError",
    "ReadOnlyViolationError",
    "collect",
    "collect_aws",
    "write_snapshot",
]
