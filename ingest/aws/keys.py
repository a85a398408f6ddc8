"""Keys of raw AWS responses: service, operation and parameter names.

Every AWS response in a snapshot is keyed by the AWS CLI names of its service
and operation (`s3`, `get-bucket-policy`) and by the real API names of the
parameters it was called with (`{"Bucket": "logs"}`). The offline importers and
the live collector both use this module, so one call gets the same key
whichever way it was read. `docs/input-formats.md` lists the same table.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import botocore.session
from botocore import xform_name

logger = logging.getLogger(__name__)

# Parameter names of each parameterised call, in the order of the nested
# folders of a raw-response folder: `s3-get-bucket-policy/<Bucket>`,
# `ecs-describe-tasks/<cluster>/<tasks>`. A call missing from this table gets
# `arg0`, `arg1`, ... so no value is lost, but the parsers read parameters
# only by the names below.
PARAMETER_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    # IAM
    ("iam", "get-role"): ("RoleName",),
    ("iam", "get-user"): ("UserName",),
    ("iam", "get-group"): ("GroupName",),
    ("iam", "get-policy"): ("PolicyArn",),
    ("iam", "get-policy-version"): ("PolicyArn", "VersionId"),
    ("iam", "list-policy-versions"): ("PolicyArn",),
    ("iam", "list-entities-for-policy"): ("PolicyArn",),
    ("iam", "get-role-policy"): ("RoleName", "PolicyName"),
    ("iam", "get-user-policy"): ("UserName", "PolicyName"),
    ("iam", "get-group-policy"): ("GroupName", "PolicyName"),
    ("iam", "list-role-policies"): ("RoleName",),
    ("iam", "list-user-policies"): ("UserName",),
    ("iam", "list-group-policies"): ("GroupName",),
    ("iam", "list-attached-role-policies"): ("RoleName",),
    ("iam", "list-attached-user-policies"): ("UserName",),
    ("iam", "list-attached-group-policies"): ("GroupName",),
    ("iam", "list-groups-for-user"): ("UserName",),
    ("iam", "list-access-keys"): ("UserName",),
    ("iam", "get-access-key-last-used"): ("AccessKeyId",),
    ("iam", "list-mfa-devices"): ("UserName",),
    ("iam", "get-login-profile"): ("UserName",),
    ("iam", "get-instance-profile"): ("InstanceProfileName",),
    ("iam", "list-instance-profiles-for-role"): ("RoleName",),
    ("iam", "get-saml-provider"): ("SAMLProviderArn",),
    ("iam", "get-open-id-connect-provider"): ("OpenIDConnectProviderArn",),
    ("iam", "generate-service-last-accessed-details"): ("Arn",),
    ("iam", "get-service-last-accessed-details"): ("JobId",),
    # S3
    ("s3", "get-bucket-policy"): ("Bucket",),
    ("s3", "get-bucket-policy-status"): ("Bucket",),
    ("s3", "get-bucket-acl"): ("Bucket",),
    ("s3", "get-bucket-location"): ("Bucket",),
    ("s3", "get-public-access-block"): ("Bucket",),
    ("s3", "get-bucket-encryption"): ("Bucket",),
    ("s3", "get-bucket-versioning"): ("Bucket",),
    ("s3", "get-bucket-logging"): ("Bucket",),
    ("s3", "get-bucket-tagging"): ("Bucket",),
    ("s3", "get-bucket-website"): ("Bucket",),
    ("s3", "get-bucket-ownership-controls"): ("Bucket",),
    ("s3", "get-bucket-replication"): ("Bucket",),
    ("s3control", "get-public-access-block"): ("AccountId",),
    # EC2 and load balancers
    ("ec2", "describe-instance-attribute"): ("InstanceId", "Attribute"),
    ("ec2", "describe-snapshot-attribute"): ("SnapshotId", "Attribute"),
    ("ec2", "describe-image-attribute"): ("ImageId", "Attribute"),
    ("ec2", "describe-launch-template-versions"): ("LaunchTemplateId",),
    ("elb", "describe-load-balancer-attributes"): ("LoadBalancerName",),
    ("elb", "describe-load-balancer-policies"): ("LoadBalancerName",),
    ("elb", "describe-tags"): ("LoadBalancerNames",),
    ("elbv2", "describe-load-balancer-attributes"): ("LoadBalancerArn",),
    ("elbv2", "describe-listeners"): ("LoadBalancerArn",),
    ("elbv2", "describe-target-groups"): ("LoadBalancerArn",),
    ("elbv2", "describe-target-health"): ("TargetGroupArn",),
    ("elbv2", "describe-rules"): ("ListenerArn",),
    ("elbv2", "describe-tags"): ("ResourceArns",),
    ("route53", "list-hosted-zones-by-vpc"): ("VPCRegion", "VPCId"),
    ("route53", "list-resource-record-sets"): ("HostedZoneId",),
    # Compute and containers
    ("lambda", "get-policy"): ("FunctionName",),
    ("lambda", "get-function"): ("FunctionName",),
    ("lambda", "get-function-configuration"): ("FunctionName",),
    ("lambda", "get-function-url-config"): ("FunctionName",),
    ("lambda", "list-function-url-configs"): ("FunctionName",),
    ("lambda", "list-tags"): ("Resource",),
    ("lambda", "get-layer-version-policy"): ("LayerName", "VersionNumber"),
    ("ecs", "list-tasks"): ("cluster",),
    ("ecs", "list-services"): ("cluster",),
    ("ecs", "describe-tasks"): ("cluster", "tasks"),
    ("ecs", "describe-services"): ("cluster", "services"),
    ("ecs", "describe-clusters"): ("clusters",),
    ("ecs", "describe-task-definition"): ("taskDefinition",),
    ("ecr", "get-repository-policy"): ("repositoryName",),
    ("ecr", "describe-images"): ("repositoryName",),
    ("ecr", "get-lifecycle-policy"): ("repositoryName",),
    ("eks", "describe-cluster"): ("name",),
    ("eks", "list-nodegroups"): ("clusterName",),
    ("eks", "describe-nodegroup"): ("clusterName", "nodegroupName"),
    # Data stores, queues and keys
    ("es", "describe-elasticsearch-domain"): ("DomainName",),
    ("es", "describe-elasticsearch-domain-config"): ("DomainName",),
    ("opensearch", "describe-domain"): ("DomainName",),
    ("opensearch", "describe-domain-config"): ("DomainName",),
    ("rds", "describe-db-snapshot-attributes"): ("DBSnapshotIdentifier",),
    ("rds", "describe-db-cluster-snapshot-attributes"): (
        "DBClusterSnapshotIdentifier",
    ),
    ("redshift", "describe-cluster-parameters"): ("ParameterGroupName",),
    ("dynamodb", "describe-table"): ("TableName",),
    ("dynamodb", "get-resource-policy"): ("ResourceArn",),
    ("dynamodb", "describe-continuous-backups"): ("TableName",),
    ("sqs", "get-queue-attributes"): ("QueueUrl",),
    ("sqs", "list-queue-tags"): ("QueueUrl",),
    ("sns", "get-topic-attributes"): ("TopicArn",),
    ("sns", "list-subscriptions-by-topic"): ("TopicArn",),
    ("secretsmanager", "get-resource-policy"): ("SecretId",),
    ("secretsmanager", "describe-secret"): ("SecretId",),
    ("kms", "describe-key"): ("KeyId",),
    ("kms", "get-key-policy"): ("KeyId", "PolicyName"),
    ("kms", "list-key-policies"): ("KeyId",),
    ("kms", "get-key-rotation-status"): ("KeyId",),
    ("kms", "list-grants"): ("KeyId",),
    ("kms", "list-resource-tags"): ("KeyId",),
    ("ssm", "get-parameter"): ("Name",),
    ("ssm", "describe-document-permission"): ("Name", "PermissionType"),
    ("efs", "describe-file-system-policy"): ("FileSystemId",),
    ("glacier", "get-vault-access-policy"): ("accountId", "vaultName"),
    ("apigateway", "get-rest-api"): ("restApiId",),
    ("apigateway", "get-resources"): ("restApiId",),
    ("apigateway", "get-stages"): ("restApiId",),
    ("cloudtrail", "get-event-selectors"): ("TrailName",),
    ("cloudtrail", "get-trail-status"): ("Name",),
    ("acm", "describe-certificate"): ("CertificateArn",),
    # Organizations
    ("organizations", "list-accounts-for-parent"): ("ParentId",),
    ("organizations", "list-organizational-units-for-parent"): ("ParentId",),
    ("organizations", "list-children"): ("ParentId", "ChildType"),
    ("organizations", "list-parents"): ("ChildId",),
    ("organizations", "list-policies"): ("Filter",),
    ("organizations", "describe-policy"): ("PolicyId",),
    ("organizations", "list-targets-for-policy"): ("PolicyId",),
    ("organizations", "list-policies-for-target"): ("TargetId", "Filter"),
}

# Service names some tools write instead of the botocore name.
SERVICE_ALIASES = {
    "s3api": "s3",
    "accessanalzyer": "accessanalyzer",  # a misspelling CloudMapper writes
    "elasticloadbalancing": "elb",
    "elasticloadbalancingv2": "elbv2",
    "elasticsearch": "es",
}

# Whole file names some tools write without a service prefix.
FILE_NAME_ALIASES = {"describe-regions": ("ec2", "describe-regions")}


def parameter_names(service: str, operation: str, count: int) -> list[str]:
    """Return the API names of the first `count` parameters of a call."""
    known = PARAMETER_NAMES.get((service, operation), ())
    names = list(known[:count])
    names.extend(f"arg{index}" for index in range(len(names), count))
    return names


@dataclass(frozen=True)
class CallName:
    """A file name split into its AWS service and operation."""

    service: str
    operation: str
    known_operation: bool


@functools.cache
def _service_names() -> frozenset[str]:
    session = botocore.session.get_session()
    return frozenset(session.get_available_services())


@functools.cache
def service_operations(service: str) -> frozenset[str]:
    """Return the CLI names of every operation in botocore's model of `service`."""
    session = botocore.session.get_session()
    model = session.get_service_model(service)
    return frozenset(xform_name(name, "-") for name in model.operation_names)


def split_call_name(stem: str) -> CallName | None:
    """Split `<service>-<operation>` into its parts, or return None.

    Service names may contain hyphens (`ec2-instance-connect`), so the longest
    known service whose operation list contains the rest wins. When no
    candidate has that operation, the longest known service prefix is kept and
    the call is marked unknown. A name with no known service prefix gives None.
    """
    if stem in FILE_NAME_ALIASES:
        service, operation = FILE_NAME_ALIASES[stem]
        return CallName(service, operation, known_operation=True)
    known = _service_names()
    candidates: list[tuple[str, str]] = []
    parts = stem.split("-")
    for index in range(1, len(parts)):
        prefix = "-".join(parts[:index])
        operation = "-".join(parts[index:])
        service = SERVICE_ALIASES.get(prefix, prefix)
        if service in known and operation:
            candidates.append((service, operation))
    if not candidates:
        return None
    candidates.sort(key=lambda pair: len(pair[0]), reverse=True)
    for service, operation in candidates:
        if operation in service_operations(service):
            return CallName(service, operation, known_operation=True)
    service, operation = candidates[0]
    return CallName(service, operation, known_operation=False)
