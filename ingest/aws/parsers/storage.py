"""Parse S3 buckets, account public access blocks and Lambda functions."""

from __future__ import annotations

from typing import Any

from toxicpath.ingest.aws.estate import (
    AclGrant,
    AwsEstate,
    Bucket,
    LambdaFunction,
    PublicAccessBlock,
)
from toxicpath.ingest.aws.parsers.common import (
    ResponseIndex,
    account_of,
    flag,
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

# get-bucket-location returns null for us-east-1 and "EU" for the oldest
# eu-west-1 buckets.
_LOCATION_REGIONS = {"": "us-east-1", "EU": "eu-west-1"}


def parse_storage(index: ResponseIndex, estate: AwsEstate) -> None:
    _parse_buckets(index, estate)
    for response, body in responses_with_body(
        index, "s3control", "get-public-access-block"
    ):
        account_id = response.params.get("AccountId") or response.account
        account = estate.accounts.get(account_id) or estate.accounts[response.account]
        account.account_public_access_block = _public_access_block(response, body)
    _parse_functions(index, estate)


def _public_access_block(
    response: RawResponse, body: dict[str, Any]
) -> PublicAccessBlock:
    settings = mapping(response, body, "PublicAccessBlockConfiguration")
    return PublicAccessBlock(
        block_public_acls=bool(flag(response, settings, "BlockPublicAcls")),
        ignore_public_acls=bool(flag(response, settings, "IgnorePublicAcls")),
        block_public_policy=bool(flag(response, settings, "BlockPublicPolicy")),
        restrict_public_buckets=bool(flag(response, settings, "RestrictPublicBuckets")),
    )


def _bucket_for(
    response: RawResponse, estate: AwsEstate, owners: dict[str, str]
) -> Bucket | None:
    name = response.params.get("Bucket")
    if not name:
        return None
    bucket = estate.buckets.get(name)
    if bucket is None:
        bucket = Bucket(
            name=name,
            account_id=response.account,
            region="",
            owner_id=owners.get(response.account, ""),
        )
        estate.buckets[name] = bucket
    return bucket


def _parse_buckets(index: ResponseIndex, estate: AwsEstate) -> None:
    owners: dict[str, str] = {}
    for response, body in responses_with_body(index, "s3", "list-buckets"):
        owner = text(response, mapping(response, body, "Owner"), "ID")
        owners[response.account] = owner
        for entry in items(response, body, "Buckets"):
            name = required_text(response, entry, "Name")
            # NOTE: the region stays empty unless BucketRegion (newer
            # list-buckets responses) or get-bucket-location gives it.
            estate.buckets[name] = Bucket(
                name=name,
                account_id=response.account,
                region=text(response, entry, "BucketRegion"),
                owner_id=owner,
            )
    readers = {
        "get-bucket-policy": _read_policy,
        "get-bucket-acl": _read_acl,
        "get-public-access-block": _read_public_access_block,
        "get-bucket-encryption": _read_encryption,
        "get-bucket-versioning": _read_versioning,
        "get-bucket-logging": _read_logging,
        "get-bucket-location": _read_location,
        "get-bucket-tagging": _read_tagging,
        "get-bucket-ownership-controls": _read_ownership,
    }
    for operation, reader in readers.items():
        for response, body in responses_with_body(index, "s3", operation):
            bucket = _bucket_for(response, estate, owners)
            if bucket is not None:
                reader(response, body, bucket)


def _read_policy(response: RawResponse, body: dict[str, Any], bucket: Bucket) -> None:
    bucket.policy = policy_document(response, body.get("Policy"), "Policy")


def _read_acl(response: RawResponse, body: dict[str, Any], bucket: Bucket) -> None:
    grants = []
    for grant in items(response, body, "Grants"):
        grantee = mapping(response, grant, "Grantee")
        grantee_type = text(response, grantee, "Type")
        grantee_value = (
            text(response, grantee, "ID")
            or text(response, grantee, "URI")
            or text(response, grantee, "EmailAddress")
        )
        grants.append(
            AclGrant(
                grantee_type=grantee_type,
                grantee=grantee_value,
                permission=text(response, grant, "Permission"),
            )
        )
    bucket.acl_grants = grants
    owner = text(response, mapping(response, body, "Owner"), "ID")
    if owner:
        bucket.owner_id = owner


def _read_public_access_block(
    response: RawResponse, body: dict[str, Any], bucket: Bucket
) -> None:
    bucket.public_access_block = _public_access_block(response, body)


def _read_encryption(
    response: RawResponse, body: dict[str, Any], bucket: Bucket
) -> None:
    configuration = mapping(response, body, "ServerSideEncryptionConfiguration")
    rules = items(response, configuration, "Rules")
    bucket.encrypted = bool(rules)
    for rule in rules:
        default = mapping(response, rule, "ApplyServerSideEncryptionByDefault")
        key = text(response, default, "KMSMasterKeyID")
        if key:
            bucket.kms_key_arn = key


def _read_versioning(
    response: RawResponse, body: dict[str, Any], bucket: Bucket
) -> None:
    bucket.versioning = text(response, body, "Status") or "Disabled"


def _read_logging(response: RawResponse, body: dict[str, Any], bucket: Bucket) -> None:
    bucket.logging_enabled = bool(mapping(response, body, "LoggingEnabled"))


def _read_location(response: RawResponse, body: dict[str, Any], bucket: Bucket) -> None:
    location = text(response, body, "LocationConstraint")
    bucket.region = _LOCATION_REGIONS.get(location, location)


def _read_ownership(
    response: RawResponse, body: dict[str, Any], bucket: Bucket
) -> None:
    controls = mapping(response, body, "OwnershipControls")
    rules = items(response, controls, "Rules")
    bucket.acls_disabled = any(
        text(response, rule, "ObjectOwnership") == "BucketOwnerEnforced"
        for rule in rules
    )


def _read_tagging(response: RawResponse, body: dict[str, Any], bucket: Bucket) -> None:
    bucket.tags = tags_of(response, body, "TagSet")


def _function(response: RawResponse, configuration: dict[str, Any]) -> LambdaFunction:
    arn = required_text(response, configuration, "FunctionArn")
    environment = mapping(response, configuration, "Environment")
    variables = mapping(response, environment, "Variables")
    vpc = mapping(response, configuration, "VpcConfig")
    return LambdaFunction(
        arn=arn,
        name=text(response, configuration, "FunctionName") or arn.rsplit(":", 1)[-1],
        account_id=account_of(arn, response.account),
        region=response.region,
        role_arn=text(response, configuration, "Role"),
        runtime=text(response, configuration, "Runtime"),
        # Names only: redaction has replaced the values, and they are not read here.
        environment_variable_names=sorted(variables),
        vpc_id=text(response, vpc, "VpcId"),
        subnet_ids=strings(response, vpc, "SubnetIds"),
        security_group_ids=strings(response, vpc, "SecurityGroupIds"),
    )


def _parse_functions(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "lambda", "list-functions"):
        for configuration in items(response, body, "Functions"):
            function = _function(response, configuration)
            estate.functions[function.arn] = function
    for response, body in responses_with_body(
        index, "lambda", "get-function-configuration"
    ):
        function = _function(response, body)
        existing = estate.functions.get(function.arn)
        if existing is None or not existing.role_arn:
            estate.functions[function.arn] = function
    for response, body in responses_with_body(index, "lambda", "get-function"):
        configuration = mapping(response, body, "Configuration")
        if configuration:
            function = _function(response, configuration)
            function.tags = tags_of(response, body, "Tags")
            estate.functions[function.arn] = function
    lookup: dict[tuple[str, str, str], LambdaFunction] = {}
    for function in estate.functions.values():
        lookup[(function.account_id, function.region, function.name)] = function
        lookup[(function.account_id, function.region, function.arn)] = function

    def function_of(response: RawResponse) -> LambdaFunction | None:
        name = response.params.get("FunctionName", "")
        return lookup.get((response.account, response.region, name))

    for response, body in responses_with_body(index, "lambda", "get-policy"):
        found = function_of(response)
        if found is not None:
            found.resource_policy = policy_document(
                response, body.get("Policy"), "Policy"
            )
    for response, body in responses_with_body(
        index, "lambda", "get-function-url-config"
    ):
        found = function_of(response)
        if found is not None:
            found.url_auth_type = text(response, body, "AuthType") or None
    for response, body in responses_with_body(
        index, "lambda", "list-function-url-configs"
    ):
        found = function_of(response)
        for config in items(response, body, "FunctionUrlConfigs"):
            if found is not None:
                found.url_auth_type = text(response, config, "AuthType") or None
    for response, body in responses_with_body(index, "lambda", "list-tags"):
        resource = response.params.get("Resource", "")
        found = lookup.get((response.account, response.region, resource))
        if found is not None:
            found.tags = tags_of(response, body, "Tags")
