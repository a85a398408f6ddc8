"""ServiceRecorder: page merging, absent settings and JSON-ready bodies."""

from __future__ import annotations

from labs.aws_lab import AwsLab

from toxicpath.ingest.aws.collect import AwsCollectOptions
from toxicpath.ingest.aws.collect.credentials import (
    caller_credentials,
    new_boto3_session,
    new_botocore_session,
)
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder
from toxicpath.ingest.aws.collect.runner import client_config


def _recorder(service: str, region: str = "us-east-1") -> ServiceRecorder:
    options = AwsCollectOptions(max_attempts=2)
    credentials = caller_credentials(new_botocore_session(options))
    return ServiceRecorder(
        session=new_boto3_session(options, credentials=credentials, region=region),
        account="123456789012",
        region=region,
        response_region="global",
        service=service,
        config=client_config(options),
    )


def test_pages_merged_into_one_body(aws_lab: AwsLab) -> None:
    recorder = _recorder("iam")
    everything = recorder.client().list_roles()["Roles"]
    assert len(everything) > 4
    merged = recorder.paginate(
        "list_roles", params={"PaginationConfig": {"PageSize": 2}}
    )
    assert merged is not None
    assert [role["RoleName"] for role in merged["Roles"]] == [
        role["RoleName"] for role in everything
    ]
    assert "Marker" not in merged
    assert "IsTruncated" not in merged
    # One unpaginated call, then one call per page of two.
    assert recorder.calls == 1 + (len(everything) + 1) // 2
    (response,) = recorder.responses
    assert response.operation == "list-roles"
    assert isinstance(response.body["Roles"][0]["CreateDate"], str)


def test_absent_setting_records_nothing(aws_lab: AwsLab) -> None:
    recorder = _recorder("s3")
    body = recorder.call(
        "get_bucket_policy",
        params={"Bucket": aws_lab.private_bucket},
        absent=("NoSuchBucketPolicy",),
    )
    assert body is None
    assert recorder.responses == []
    assert recorder.failures == []
    assert recorder.calls == 1


def test_params_limited_to_key_names(aws_lab: AwsLab) -> None:
    recorder = _recorder("sqs")
    recorder.call(
        "get_queue_attributes",
        params={"QueueUrl": aws_lab.stores.queue_url, "AttributeNames": ["All"]},
    )
    (response,) = recorder.responses
    assert response.params == {"QueueUrl": aws_lab.stores.queue_url}
    assert "Policy" in response.body["Attributes"]
