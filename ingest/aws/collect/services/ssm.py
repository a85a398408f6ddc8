"""SSM: managed instances and parameter names (never parameter values)."""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder


def collect_ssm(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read the region's managed instances and parameter metadata.

    describe-parameters returns names, types and key ids, not values; the
    read-only guard rejects GetParameter and its relatives.
    """
    recorder.paginate("describe_instance_information")
    recorder.paginate("describe_parameters")
