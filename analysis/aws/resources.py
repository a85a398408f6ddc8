"""AWS resources and networks as graph nodes, with their fact edges.

`add_account_nodes` (from `accounts`) writes the Account nodes first.
`add_resource_nodes` writes Resource nodes for instances, load balancers,
buckets, Lambda functions, databases and every other parsed resource, the
Network nodes, and the fact edges `IN_ACCOUNT`, `IN_NETWORK`, `PROTECTED_BY`,
`ENCRYPTED_WITH` and `RUNS_AS`. Edges to identities are added only when the
identity node exists (identity nodes are added before resources), so a role
outside the snapshot is named in `attrs` instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from toxicpath.analysis.aws import ids
from toxicpath.analysis.aws.accounts import add_account_nodes
from toxicpath.analysis.aws.network.nodes import add_network_nodes
from toxicpath.analysis.aws.network.reachability import restricted_ingress
from toxicpath.analysis.aws.node_props import add_fact_edge, aws_node_props
from toxicpath.analysis.aws.sensitivity import classify_sensitivity, validate_overrides
from toxicpath.graph.model import RESOURCE_TYPES
from toxicpath.graph.records import GraphRecords
from toxicpath.ingest.aws.estate import (
    AwsEstate,
    Bucket,
    DbInstance,
    Instance,
    LambdaFunction,
    LoadBalancer,
    PolicyResource,
)
from toxicpath.ingest.transform import TransformContext

logger = logging.getLogger(__name__)

__all__ = ["add_account_nodes", "add_resource_nodes"]

# PolicyResource.kind -> (neutral type, CloudFormation type). Kinds that are
# already neutral types map to themselves; unknown kinds become `other`.
POLICY_RESOURCE_KINDS: dict[str, tuple[str, str]] = {
    "secret": ("secret", "AWS::SecretsManager::Secret"),
    "kms_key": ("kms_key", "AWS::KMS::Key"),
    "queue": ("queue", "AWS::SQS::Queue"),
    "topic": ("topic", "AWS::SNS::Topic"),
    "container_registry": ("container_registry", "AWS::ECR::Repository"),
    "ecr_repository": ("container_registry", "AWS::ECR::Repository"),
    "table": ("database", "AWS::DynamoDB::Table"),
    "dynamodb_table": ("database", "AWS::DynamoDB::Table"),
    "parameter": ("parameter", "AWS::SSM::Parameter"),
    "task_definition": ("container_service", "AWS::ECS::TaskDefinition"),
    "ecs_task_definition": ("container_service", "AWS::ECS::TaskDefinition"),
    "ecs_cluster": ("container_service", "AWS::ECS::Cluster"),
    "ecs_service": ("container_service", "AWS::ECS::Service"),
    "ecs_task": ("container_service", "AWS::ECS::Task"),
    "eks_cluster": ("kubernetes_cluster", "AWS::EKS::Cluster"),
    "kubernetes_cluster": ("kubernetes_cluster", "AWS::EKS::Cluster"),
    "db_snapshot": ("snapshot", "AWS::RDS::DBSnapshot"),
    "rds_snapshot": ("snapshot", "AWS::RDS::DBSnapshot"),
    "ebs_snapshot": ("snapshot", "AWS::EC2::Snapshot"),
    "snapshot": ("snapshot", "AWS::EC2::Snapshot"),
    "ami": ("other", "AWS::EC2::Image"),
    "image": ("other", "AWS::EC2::Image"),
    "search_domain": ("search_domain", "AWS::Elasticsearch::Domain"),
    "elasticsearch_domain": ("search_domain", "AWS::Elasticsearch::Domain"),
    "opensearch_domain": ("search_domain", "AWS::OpenSearchService::Domain"),
    "glacier_vault": ("object_storage", "AWS::Glacier::Vault"),
    "efs_file_system": ("object_storage", "AWS::EFS::FileSystem"),
    "codebuild_project": ("other", "AWS::CodeBuild::Project"),
    "glue_endpoint": ("other", "AWS::Glue::DevEndpoint"),
    "sagemaker_notebook": ("other", "AWS::SageMaker::NotebookInstance"),
    "cloudformation_stack": ("other", "AWS::CloudFormation::Stack"),
    "kafka_cluster": ("other", "AWS::MSK::Cluster"),
}

# Attribute names that could carry a secret value; the node never stores them.
_SECRET_ATTRIBUTE_NAMES = frozenset(
    {
        "secretstring",
        "secretbinary",
        "value",
        "password",
        "masteruserpassword",
        "environment",
        "variables",
        "privatekey",
        "accesskey",
        "secretaccesskey",
        "token",
    }
)


def add_resource_nodes(
    estate: AwsEstate, records: GraphRecords, context: TransformContext
) -> None:
    """Add Resource and Network nodes with their fact edges."""
    validate_overrides(context.sensitivity_overrides)
    builder = _ResourceBuilder(estate, records, context)
    add_network_nodes(estate, records, context.scan_id)
    for resource in estate.resources.values():
        builder.add_policy_resource(resource)
    for instance in estate.instances.values():
        builder.add_instance(instance)
    for balancer in estate.load_balancers.values():
        builder.add_load_balancer(balancer)
    for bucket in estate.buckets.values():
        builder.add_bucket(bucket)
    for function in estate.functions.values():
        builder.add_function(function)
    for database in estate.databases.values():
        builder.add_database(database)
    # Keys first, so the ENCRYPTED_WITH targets exist when the edges are added.
    builder.add_encryption_edges()
    logger.info(
        "added %d resources and %d network nodes",
        sum(1 for _ in records.nodes_with_label("Resource")),
        sum(1 for _ in records.nodes_with_label("Network")),
    )


def _safe_attributes(owner: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Drop attributes whose name suggests a secret value, and log their names."""
    kept = {}
    for key, value in attributes.items():
        if key.lower().replace("_", "") in _SECRET_ATTRIBUTE_NAMES:
            logger.warning(
                "not storing attribute %s of %s: it may hold a secret", key, owner
            )
            continue
        kept[key] = value
    return kept


def _short_key_reference(reference: str) -> str:
    """Return the key id or `alias/<name>` of a KMS key ARN or alias ARN."""
    if ":alias/" in reference:
        return "alias/" + reference.split(":alias/", 1)[1]
    return reference.rsplit("/", 1)[-1]


class _ResourceBuilder:
    """Adds resource nodes and remembers keys for the encryption edges."""

    def __init__(
        self, estate: AwsEstate, records: GraphRecords, context: TransformContext
    ) -> None:
        self.estate = estate
        self.records = records
        self.context = context
        self.scan_id = context.scan_id
        # (resource node id, key reference) pairs, resolved once every key exists.
        self.encryption: list[tuple[str, str]] = []

    # --- shared steps -----------------------------------------------------

    def _add(
        self,
        node_id: str,
        *,
        node_type: str,
        native_type: str,
        name: str,
        account_id: str,
        region: str,
        tags: Mapping[str, str],
        attrs: Mapping[str, Any],
        **resource_props: Any,
    ) -> None:
        sensitivity = classify_sensitivity(
            resource_id=node_id,
            name=name,
            resource_type=node_type,
            tags=tags,
            overrides=self.context.sensitivity_overrides,
        )
        self.records.add_node(
            "Resource",
            node_id,
            sensitivity=sensitivity.level,
            **aws_node_props(
                node_type=node_type,
                native_type=native_type,
                name=name,
                account_id=account_id,
                region=region,
                scan_id=self.scan_id,
                tags=tags,
                attrs={**attrs, "sensitivity_reason": sensitivity.reason},
            ),
            **resource_props,
        )
        add_fact_edge(
            self.records,
            "IN_ACCOUNT",
            node_id,
            ids.account_id_node(account_id),
            scan_id=self.scan_id,
            reason=f"{name} belongs to account {account_id}.",
        )

    def _runs_as(self, node_id: str, name: str, role_arn: str, how: str) -> None:
        if not role_arn:
            return
        if role_arn not in self.records.nodes:
            logger.info(
                "%s runs as %s, which the snapshot does not contain", node_id, role_arn
            )
            return
        role_name = role_arn.rsplit("/", 1)[-1]
        add_fact_edge(
            self.records,
            "RUNS_AS",
            node_id,
            role_arn,
            scan_id=self.scan_id,
            reason=f"Code on {name} acts as role {role_name} ({how}).",
            evidence=[{"kind": "runs_as", "via": how, "role": role_arn}],
        )

    def _protected_by(
        self,
        node_id: str,
        name: str,
        *,
        region: str,
        account_id: str,
        groups: list[str],
    ) -> None:
        for group_id in groups:
            group_node = ids.security_group_node(region, account_id, group_id)
            if group_node not in self.records.nodes:
                logger.debug(
                    "%s uses security group %s, which the snapshot does not contain",
                    node_id,
                    group_id,
                )
                continue
            add_fact_edge(
                self.records,
                "PROTECTED_BY",
                node_id,
                group_node,
                scan_id=self.scan_id,
                reason=f"{name} is guarded by security group {group_id}.",
            )

    def _in_network(
        self,
        node_id: str,
        name: str,
        *,
        region: str,
        account_id: str,
        subnet_ids: list[str],
        vpc_id: str,
    ) -> None:
        targets = [
            (ids.subnet_node(region, account_id, s), f"subnet {s}") for s in subnet_ids
        ]
        targets = [(t, what) for t, what in targets if t in self.records.nodes]
        vpc_target = ids.vpc_node(region, account_id, vpc_id)
        if not targets and vpc_id and vpc_target in self.records.nodes:
            targets = [(vpc_target, f"VPC {vpc_id}")]
        for target, what in targets:
            add_fact_edge(
                self.records,
                "IN_NETWORK",
                node_id,
                target,
                scan_id=self.scan_id,
                reason=f"{name} sits in {what}.",
            )

    def _group_ingress(self, group_ids: list[str]) -> list[dict[str, Any]]:
        groups = [
            self.estate.security_groups[g]
            for g in group_ids
            if g in self.estate.security_groups
        ]
        return restricted_ingress(groups)

    # --- one method per kind --------------------------------------------

    def add_instance(self, instance: Instance) -> None:
        node_id = instance.arn or ids.instance_node(
            instance.region, instance.account_id, instance.id
        )
        name = instance.name or instance.tags.get("Name", "") or instance.id
        profile = (
            self.estate.instance_profiles.get(instance.instance_profile_arn)
            if instance.instance_profile_arn
            else None
        )
        attrs: dict[str, Any] = {
            "instance_id": instance.id,
            "state": instance.state,
            "private_ip": instance.private_ip,
            "public_ipv6": list(instance.public_ipv6),
            "subnet_id": instance.subnet_id,
            "vpc_id": instance.vpc_id,
            "security_group_ids": list(instance.security_group_ids),
            "instance_profile": instance.instance_profile_arn or "",
            "metadata_http_tokens": instance.metadata_http_tokens,
            "imdsv1_enabled": instance.metadata_http_tokens != "required",
            "ssm_managed": instance.ssm_managed,
            "restricted_ingress": self._group_ingress(instance.security_group_ids),
        }
        self._add(
            node_id,
            node_type="virtual_machine",
            native_type="AWS::EC2::Instance",
            name=name,
            account_id=instance.account_id,
            region=instance.region,
            tags=instance.tags,
            attrs=attrs,
            public_ip=instance.public_ip
            or (instance.public_ipv6[0] if instance.public_ipv6 else ""),
        )
        self._in_network(
            node_id,
            name,
            region=instance.region,
            account_id=instance.account_id,
            subnet_ids=[instance.subnet_id] if instance.subnet_id else [],
            vpc_id=instance.vpc_id,
        )
        self._protected_by(
            node_id,
            name,
            region=instance.region,
            account_id=instance.account_id,
            groups=instance.security_group_ids,
        )
        if profile is not None:
            for role_arn in profile.role_arns:
                self._runs_as(
                    node_id, name, role_arn, f"instance profile {profile.name}"
                )
        elif instance.instance_profile_arn:
            logger.info(
                "instance %s uses instance profile %s, absent from the snapshot",
                instance.id,
                instance.instance_profile_arn,
            )

    def add_load_balancer(self, balancer: LoadBalancer) -> None:
        native = (
            "AWS::ElasticLoadBalancing::LoadBalancer"
            if balancer.kind == "classic"
            else "AWS::ElasticLoadBalancingV2::LoadBalancer"
        )
        attrs = {
            "kind": balancer.kind,
            "scheme": balancer.scheme,
            "dns_name": balancer.dns_name,
            "vpc_id": balancer.vpc_id,
            "subnet_ids": list(balancer.subnet_ids),
            "security_group_ids": list(balancer.security_group_ids),
            "listeners": [
                {
                    "port": listener.port,
                    "protocol": listener.protocol,
                    "instance_port": listener.instance_port,
                }
                for listener in balancer.listeners
            ],
            "target_instance_ids": list(balancer.target_instance_ids),
            "restricted_ingress": self._group_ingress(balancer.security_group_ids),
        }
        self._add(
            balancer.arn,
            node_type="load_balancer",
            native_type=native,
            name=balancer.name,
            account_id=balancer.account_id,
            region=balancer.region,
            tags={},
            attrs=attrs,
            public_ip="",
        )
        self._in_network(
            balancer.arn,
            balancer.name,
            region=balancer.region,
            account_id=balancer.account_id,
            subnet_ids=balancer.subnet_ids,
            vpc_id=balancer.vpc_id,
        )
        self._protected_by(
            balancer.arn,
            balancer.name,
            region=balancer.region,
            account_id=balancer.account_id,
            groups=balancer.security_group_ids,
        )

    def add_bucket(self, bucket: Bucket) -> None:
        block = bucket.public_access_block
        attrs: dict[str, Any] = {
            "versioning": bucket.versioning,
            "logging_enabled": bucket.logging_enabled,
            "has_policy": bucket.policy is not None,
            "acls_disabled": bucket.acls_disabled,
            "acl_grants": [
                {
                    "grantee_type": g.grantee_type,
                    "grantee": g.grantee,
                    "permission": g.permission,
                }
                for g in bucket.acl_grants
                if g.grantee_type == "Group"
            ],
            "public_access_block": None
            if block is None
            else {
                "block_public_acls": block.block_public_acls,
                "ignore_public_acls": block.ignore_public_acls,
                "block_public_policy": block.block_public_policy,
                "restrict_public_buckets": block.restrict_public_buckets,
            },
        }
        self._add(
            bucket.arn,
            node_type="object_storage",
            native_type="AWS::S3::Bucket",
            name=bucket.name,
            account_id=bucket.account_id,
            region=bucket.region,
            tags=bucket.tags,
            attrs=attrs,
            encrypted=bucket.encrypted,
        )
        if bucket.kms_key_arn:
            self.encryption.append((bucket.arn, bucket.kms_key_arn))

    def add_function(self, function: LambdaFunction) -> None:
        attrs: dict[str, Any] = {
            "runtime": function.runtime,
            "role_arn": function.role_arn,
            "function_url_auth_type": function.url_auth_type,
            # Names only: environment variable values may be secrets.
            "environment_variable_names": sorted(function.environment_variable_names),
            "vpc_id": function.vpc_id,
            "has_resource_policy": function.resource_policy is not None,
            "restricted_ingress": self._group_ingress(function.security_group_ids),
        }
        self._add(
            function.arn,
            node_type="function",
            native_type="AWS::Lambda::Function",
            name=function.name,
            account_id=function.account_id,
            region=function.region,
            tags=function.tags,
            attrs=attrs,
        )
        self._in_network(
            function.arn,
            function.name,
            region=function.region,
            account_id=function.account_id,
            subnet_ids=function.subnet_ids,
            vpc_id=function.vpc_id,
        )
        self._protected_by(
            function.arn,
            function.name,
            region=function.region,
            account_id=function.account_id,
            groups=function.security_group_ids,
        )
        self._runs_as(function.arn, function.name, function.role_arn, "execution role")

    def add_database(self, database: DbInstance) -> None:
        node_type, native = {
            "redshift": ("data_warehouse", "AWS::Redshift::Cluster"),
            "elasticsearch": ("search_domain", "AWS::Elasticsearch::Domain"),
            "opensearch": ("search_domain", "AWS::OpenSearchService::Domain"),
        }.get(database.kind, ("database", "AWS::RDS::DBInstance"))
        attrs = {
            "kind": database.kind,
            "engine": database.engine,
            "endpoint": database.endpoint,
            "port": database.port,
            "publicly_accessible": database.publicly_accessible,
            "vpc_id": database.vpc_id,
            "security_group_ids": list(database.security_group_ids),
            "restricted_ingress": self._group_ingress(database.security_group_ids),
        }
        self._add(
            database.arn,
            node_type=node_type,
            native_type=native,
            name=database.id,
            account_id=database.account_id,
            region=database.region,
            tags=database.tags,
            attrs=attrs,
            encrypted=database.encrypted,
        )
        self._in_network(
            database.arn,
            database.id,
            region=database.region,
            account_id=database.account_id,
            subnet_ids=database.subnet_ids,
            vpc_id=database.vpc_id,
        )
        self._protected_by(
            database.arn,
            database.id,
            region=database.region,
            account_id=database.account_id,
            groups=database.security_group_ids,
        )
        if database.kms_key_arn:
            self.encryption.append((database.arn, database.kms_key_arn))
        for role_arn in database.role_arns:
            self._runs_as(database.arn, database.id, role_arn, "associated IAM role")

    def add_policy_resource(self, resource: PolicyResource) -> None:
        if resource.kind in POLICY_RESOURCE_KINDS:
            node_type, native = POLICY_RESOURCE_KINDS[resource.kind]
        elif resource.kind in RESOURCE_TYPES:
            node_type, native = resource.kind, ""
        else:
            node_type, native = "other", ""
        attrs = {
            "kind": resource.kind,
            "has_policy": resource.policy is not None,
            **_safe_attributes(resource.arn, resource.attributes),
        }
        if resource.role_arn:
            attrs["role_arn"] = resource.role_arn
        self._add(
            resource.arn,
            node_type=node_type,
            native_type=native,
            name=resource.name,
            account_id=resource.account_id,
            region=resource.region,
            tags=resource.tags,
            attrs=attrs,
            encrypted=resource.encrypted,
            public=resource.public,
        )
        if resource.kms_key_arn:
            self.encryption.append((resource.arn, resource.kms_key_arn))
        if resource.role_arn:
            how = "task role" if node_type == "container_service" else "its role"
            self._runs_as(resource.arn, resource.name, resource.role_arn, how)

    def add_encryption_edges(self) -> None:
        """Add ENCRYPTED_WITH to each key that the snapshot contains."""
        keys = self._key_index()
        for node_id, reference in self.encryption:
            key_node = keys.get(reference) or keys.get(_short_key_reference(reference))
            if key_node is None:
                logger.debug(
                    "%s is encrypted with %s, which the snapshot does not contain",
                    node_id,
                    reference,
                )
                continue
            add_fact_edge(
                self.records,
                "ENCRYPTED_WITH",
                node_id,
                key_node,
                scan_id=self.scan_id,
                reason=f"{node_id.rsplit(':', 1)[-1]} is encrypted with KMS key "
                f"{key_node.rsplit('/', 1)[-1]}.",
                evidence=[{"kind": "encryption", "key": reference}],
            )

    def _key_index(self) -> dict[str, str]:
        """Index KMS key nodes by ARN, key id and alias."""
        index: dict[str, str] = {}
        for resource in self.estate.resources.values():
            if POLICY_RESOURCE_KINDS.get(resource.kind, ("",))[0] != "kms_key":
                continue
            index[resource.arn] = resource.arn
            index[resource.arn.rsplit("/", 1)[-1]] = resource.arn
            for alias in resource.attributes.get("aliases", []) or []:
                index[str(alias)] = resource.arn
        return index
