"""DynamoDB tables, SQS queues and SNS topics with their resource policies."""

from __future__ import annotations

from toxicpath.ingest.aws.collect.options import AwsCollectOptions
from toxicpath.ingest.aws.collect.recorder import ServiceRecorder


def collect_dynamodb(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read each table's description (encryption, streams) and resource policy."""
    tables = recorder.paginate("list_tables")
    for name in (tables or {}).get("TableNames", []):
        described = recorder.call(
            "describe_table",
            params={"TableName": name},
            absent=("ResourceNotFoundException",),
        )
        if described is None:
            continue
        recorder.call(
            "get_resource_policy",
            params={"ResourceArn": described["Table"]["TableArn"]},
            absent=("PolicyNotFoundException", "ResourceNotFoundException"),
        )


def collect_sqs(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read every queue's attributes, policy included."""
    queues = recorder.paginate("list_queues")
    for url in (queues or {}).get("QueueUrls", []):
        recorder.call(
            "get_queue_attributes",
            params={"QueueUrl": url, "AttributeNames": ["All"]},
            absent=("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"),
        )


def collect_sns(recorder: ServiceRecorder, options: AwsCollectOptions) -> None:
    """Read every topic's attributes, policy included."""
    topics = recorder.paginate("list_topics")
    for topic in (topics or {}).get("Topics", []):
        recorder.call(
            "get_topic_attributes",
            params={"TopicArn": topic["TopicArn"]},
            absent=("NotFound", "NotFoundException"),
        )
