"""Data stores, queues and containers of the AWS lab's management account.

Each resource is exposed one way. The RDS instance, its snapshot and an EBS
snapshot are public. An SQS queue and an SNS topic have policies that allow
any principal, and an ECR repository is shared with the member account. An
ECS task definition runs as a role that reads S3, an EKS cluster has a public
endpoint, and a DynamoDB table completes the set. A Redshift cluster is
publicly accessible and an OpenSearch domain outside any VPC has an access
policy that allows any principal. Secret values again
contain LAB_SECRET_MARKER.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3

LAB_SECRET_MARKER = "lab-secret-value-7f3a"


@dataclass
class LabStores:
    """Names and ids of the lab's data stores, for assertions."""

    database_id: str = "orders-db"
    db_snapshot_id: str = "orders-db-public-copy"
    ebs_snapshot_id: str = ""
    queue_url: str = ""
    topic_arn: str = ""
    repository_name: str = "web-images"
    table_name: str = "sessions"
    warehouse_id: str = "analytics-warehouse"
    search_domain: str = "order-search"
    task_family: str = "report-generator"
    task_role_arn: str = ""
    cluster_name: str = "platform"


def _allow_everyone(action: str, resource: str) -> str:
    statement = {
        "Sid": "Everyone",
        "Effect": "Allow",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _service_trust(service: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def build_lab_stores(
    session: boto3.Session, *, member_account_id: str, subnet_ids: list[str]
) -> LabStores:
    """Create the data stores in the account and region of `session`."""
    stores = LabStores()
    _build_databases(session, stores)
    _build_ebs_snapshot(session, stores)
    _build_queue_and_topic(session, stores)
    _build_containers(session, stores, member_account_id, subnet_ids)
    _build_analytics(session, stores)
    session.client("dynamodb").create_table(
        TableName=stores.table_name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return stores


def _build_databases(session: boto3.Session, stores: LabStores) -> None:
    rds = session.client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier=stores.database_id,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="orders",
        MasterUserPassword=f"Pw-{LAB_SECRET_MARKER}",
        AllocatedStorage=20,
        PubliclyAccessible=True,
        StorageEncrypted=False,
    )
    rds.create_db_snapshot(
        DBSnapshotIdentifier=stores.db_snapshot_id,
        DBInstanceIdentifier=stores.database_id,
    )
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier=stores.db_snapshot_id,
        AttributeName="restore",
        ValuesToAdd=["all"],
    )


def _build_analytics(session: boto3.Session, stores: LabStores) -> None:
    session.client("redshift").create_cluster(
        ClusterIdentifier=stores.warehouse_id,
        NodeType="ra3.xlplus",
        MasterUsername="analytics",
        MasterUserPassword=f"Pw1-{LAB_SECRET_MARKER}",
        PubliclyAccessible=True,
        Encrypted=False,
    )
    session.client("opensearch").create_domain(
        DomainName=stores.search_domain,
        AccessPolicies=_allow_everyone(
            "es:ESHttpGet",
            f"arn:aws:es:us-east-1:123456789012:domain/{stores.search_domain}/*",
        ),
    )


def _build_ebs_snapshot(session: boto3.Session, stores: LabStores) -> None:
    ec2 = session.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)
    snapshot = ec2.create_snapshot(
        VolumeId=volume["VolumeId"], Description="web-1 root volume backup"
    )
    stores.ebs_snapshot_id = snapshot["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=stores.ebs_snapshot_id,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )


def _build_queue_and_topic(session: boto3.Session, stores: LabStores) -> None:
    sqs = session.client("sqs")
    stores.queue_url = sqs.create_queue(QueueName="order-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(
        QueueUrl=stores.queue_url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(
        QueueUrl=stores.queue_url,
        Attributes={"Policy": _allow_everyone("sqs:SendMessage", queue_arn)},
    )
    sns = session.client("sns")
    stores.topic_arn = sns.create_topic(Name="order-alerts")["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=stores.topic_arn,
        AttributeName="Policy",
        AttributeValue=_allow_everyone("sns:Publish", stores.topic_arn),
    )


def _build_containers(
    session: boto3.Session,
    stores: LabStores,
    member_account_id: str,
    subnet_ids: list[str],
) -> None:
    iam = session.client("iam")
    task_role = iam.create_role(
        RoleName="report-task-role",
        AssumeRolePolicyDocument=_service_trust("ecs-tasks.amazonaws.com"),
    )["Role"]
    stores.task_role_arn = task_role["Arn"]
    iam.put_role_policy(
        RoleName="report-task-role",
        PolicyName="read-reports",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
                ],
            }
        ),
    )
    container: dict[str, Any] = {
        "name": "generator",
        "image": "public.ecr.aws/docker/library/python:3.12",
        "memory": 512,
        "environment": [{"name": "API_TOKEN", "value": f"ecs-{LAB_SECRET_MARKER}"}],
    }
    session.client("ecs").register_task_definition(
        family=stores.task_family,
        taskRoleArn=stores.task_role_arn,
        containerDefinitions=[container],
    )

    ecr = session.client("ecr")
    ecr.create_repository(repositoryName=stores.repository_name)
    share = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "MemberPull",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{member_account_id}:root"},
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ],
    }
    ecr.set_repository_policy(
        repositoryName=stores.repository_name, policyText=json.dumps(share)
    )

    cluster_role = iam.create_role(
        RoleName="eks-cluster-role",
        AssumeRolePolicyDocument=_service_trust("eks.amazonaws.com"),
    )["Role"]
    session.client("eks").create_cluster(
        name=stores.cluster_name,
        roleArn=cluster_role["Arn"],
        resourcesVpcConfig={
            "subnetIds": subnet_ids,
            "endpointPublicAccess": True,
            "endpointPrivateAccess": False,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
    )
