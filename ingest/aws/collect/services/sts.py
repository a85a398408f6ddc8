"""STS: the identity the collector runs as."""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder


def collect_sts(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Record get-caller-identity for the account's credentials."""
    recorder.call("get_caller_identity")
