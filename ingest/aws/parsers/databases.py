"""Parse databases: RDS instances and clusters, Redshift clusters and
Elasticsearch/OpenSearch domains, all as DbInstance with a `kind`: rds,
redshift, elasticsearch or opensearch (the service the domain was read from)."""

from __future__ import annotations

from typing import Any

from toxicpath.ingest.aws.estate import AwsEstate, DbInstance
from toxicpath.ingest.aws.parsers.common import (
    ResponseIndex,
    account_of,
    flag,
    integer,
    items,
    mapping,
    policy_document,
    required_text,
    responses_with_body,
    strings,
    tags_of,
    text,
)
from toxicpath.ingest.snapshot import RawResponse


def parse_databases(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "rds", "describe-db-instances"):
        for detail in items(response, body, "DBInstances"):
            database = _rds_instance(response, detail)
            estate.databases[database.arn] = database
    for response, body in responses_with_body(index, "rds", "describe-db-clusters"):
        for detail in items(response, body, "DBClusters"):
            database = _rds_cluster(response, detail)
            estate.databases[database.arn] = database
    _parse_redshift(index, estate)
    _parse_search_domains(index, estate)


def _security_groups(response: RawResponse, detail: dict[str, Any]) -> list[str]:
    return [
        text(response, group, "VpcSecurityGroupId")
        for group in items(response, detail, "VpcSecurityGroups")
        if group.get("VpcSecurityGroupId")
    ]


def _rds_instance(response: RawResponse, detail: dict[str, Any]) -> DbInstance:
    arn = required_text(response, detail, "DBInstanceArn")
    endpoint = mapping(response, detail, "Endpoint")
    subnet_group = mapping(response, detail, "DBSubnetGroup")
    return DbInstance(
        arn=arn,
        id=text(response, detail, "DBInstanceIdentifier"),
        account_id=account_of(arn, response.account),
        region=response.region,
        engine=text(response, detail, "Engine"),
        publicly_accessible=bool(flag(response, detail, "PubliclyAccessible")),
        encrypted=flag(response, detail, "StorageEncrypted"),
        kms_key_arn=text(response, detail, "KmsKeyId") or None,
        endpoint=text(response, endpoint, "Address"),
        port=integer(response, endpoint, "Port"),
        vpc_id=text(response, subnet_group, "VpcId"),
        subnet_ids=[
            text(response, subnet, "SubnetIdentifier")
            for subnet in items(response, subnet_group, "Subnets")
            if subnet.get("SubnetIdentifier")
        ],
        security_group_ids=_security_groups(response, detail),
        tags=tags_of(response, detail, "TagList"),
        kind="rds",
        role_arns=[
            text(response, role, "RoleArn")
            for role in items(response, detail, "AssociatedRoles")
            if role.get("RoleArn")
        ],
    )


def _rds_cluster(response: RawResponse, detail: dict[str, Any]) -> DbInstance:
    arn = required_text(response, detail, "DBClusterArn")
    return DbInstance(
        arn=arn,
        id=text(response, detail, "DBClusterIdentifier"),
        account_id=account_of(arn, response.account),
        region=response.region,
        engine=text(response, detail, "Engine"),
        publicly_accessible=bool(flag(response, detail, "PubliclyAccessible")),
        encrypted=flag(response, detail, "StorageEncrypted"),
        kms_key_arn=text(response, detail, "KmsKeyId") or None,
        endpoint=text(response, detail, "Endpoint"),
        port=integer(response, detail, "Port"),
        security_group_ids=_security_groups(response, detail),
        tags=tags_of(response, detail, "TagList"),
        kind="rds",
        role_arns=[
            text(response, role, "RoleArn")
            for role in items(response, detail, "AssociatedRoles")
            if role.get("RoleArn")
        ],
    )


def _parse_redshift(index: ResponseIndex, estate: AwsEstate) -> None:
    subnets_by_group: dict[tuple[str, str, str], list[str]] = {}
    for response, body in responses_with_body(
        index, "redshift", "describe-cluster-subnet-groups"
    ):
        for group in items(response, body, "ClusterSubnetGroups"):
            key = (
                response.account,
                response.region,
                text(response, group, "ClusterSubnetGroupName"),
            )
            subnets_by_group[key] = [
                text(response, subnet, "SubnetIdentifier")
                for subnet in items(response, group, "Subnets")
                if subnet.get("SubnetIdentifier")
            ]
    for response, body in responses_with_body(index, "redshift", "describe-clusters"):
        for detail in items(response, body, "Clusters"):
            identifier = required_text(response, detail, "ClusterIdentifier")
            arn = (
                f"arn:aws:redshift:{response.region}:{response.account}"
                f":cluster:{identifier}"
            )
            endpoint = mapping(response, detail, "Endpoint")
            group_name = text(response, detail, "ClusterSubnetGroupName")
            estate.databases[arn] = DbInstance(
                arn=arn,
                id=identifier,
                account_id=response.account,
                region=response.region,
                engine="redshift",
                publicly_accessible=bool(flag(response, detail, "PubliclyAccessible")),
                encrypted=flag(response, detail, "Encrypted"),
                kms_key_arn=text(response, detail, "KmsKeyId") or None,
                endpoint=text(response, endpoint, "Address"),
                port=integer(response, endpoint, "Port"),
                vpc_id=text(response, detail, "VpcId"),
                subnet_ids=subnets_by_group.get(
                    (response.account, response.region, group_name), []
                ),
                security_group_ids=_security_groups(response, detail),
                tags=tags_of(response, detail, "Tags"),
                kind="redshift",
                role_arns=[
                    text(response, role, "IamRoleArn")
                    for role in items(response, detail, "IamRoles")
                    if role.get("IamRoleArn")
                ],
            )


# (service, operation, key of one domain, key of a domain list)
_DOMAIN_CALLS = (
    ("es", "describe-elasticsearch-domain", "DomainStatus", None),
    ("es", "describe-elasticsearch-domains", None, "DomainStatusList"),
    ("opensearch", "describe-domain", "DomainStatus", None),
    ("opensearch", "describe-domains", None, "DomainStatusList"),
)


def _parse_search_domains(index: ResponseIndex, estate: AwsEstate) -> None:
    for service, operation, single_key, list_key in _DOMAIN_CALLS:
        for response, body in responses_with_body(index, service, operation):
            if single_key is not None:
                statuses = [mapping(response, body, single_key)]
            else:
                statuses = items(response, body, list_key or "")
            for status in statuses:
                if status:
                    kind = "opensearch" if service == "opensearch" else "elasticsearch"
                    database = _search_domain(response, status, kind)
                    estate.databases[database.arn] = database


def _search_domain(
    response: RawResponse, status: dict[str, Any], kind: str
) -> DbInstance:
    arn = required_text(response, status, "ARN")
    vpc = mapping(response, status, "VPCOptions")
    encryption = mapping(response, status, "EncryptionAtRestOptions")
    endpoints = mapping(response, status, "Endpoints")
    engine = (
        text(response, status, "EngineVersion")
        or f"Elasticsearch_{text(response, status, 'ElasticsearchVersion')}"
    )
    return DbInstance(
        arn=arn,
        id=text(response, status, "DomainName"),
        account_id=account_of(arn, response.account),
        region=response.region,
        engine=engine,
        # A domain outside a VPC has an endpoint on the internet; its access
        # policy decides who may use it.
        publicly_accessible=not vpc,
        encrypted=flag(response, encryption, "Enabled"),
        kms_key_arn=text(response, encryption, "KmsKeyId") or None,
        endpoint=text(response, status, "Endpoint") or text(response, endpoints, "vpc"),
        port=443,
        vpc_id=text(response, vpc, "VPCId"),
        subnet_ids=strings(response, vpc, "SubnetIds"),
        security_group_ids=strings(response, vpc, "SecurityGroupIds"),
        kind=kind,
        policy=policy_document(
            response, status.get("AccessPolicies"), "AccessPolicies"
        ),
    )
