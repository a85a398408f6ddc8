"""KMS: keys, key policies, grants and aliases."""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder

_KEY_GONE = ("NotFoundException",)


def collect_kms(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read the region's keys with their default policy and grants."""
    recorder.paginate("list_aliases")
    keys = recorder.paginate("list_keys")
    for key in (keys or {}).get("Keys", []):
        key_id = key["KeyId"]
        recorder.call("describe_key", params={"KeyId": key_id}, absent=_KEY_GONE)
        recorder.call(
            "get_key_policy",
            params={"KeyId": key_id, "PolicyName": "default"},
            absent=_KEY_GONE,
        )
        recorder.paginate("list_grants", params={"KeyId": key_id}, absent=_KEY_GONE)
