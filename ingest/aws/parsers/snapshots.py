"""Parse EBS snapshots, RDS snapshots and AMIs, and whether they are shared.

A snapshot or image shared with the group `all` can be copied by any AWS
account, so it is public. Sharing with named accounts is kept in the
`shared_with` attribute.
"""

from __future__ import annotations

from toxicpath.ingest.aws.estate import AwsEstate, PolicyResource
from toxicpath.ingest.aws.parsers.common import (
    ResponseIndex,
    account_of,
    flag,
    items,
    mapping,
    required_text,
    responses_with_body,
    strings,
    tags_of,
    text,
)
from toxicpath.ingest.snapshot import RawResponse


def parse_snapshots(index: ResponseIndex, estate: AwsEstate) -> None:
    _parse_ebs_snapshots(index, estate)
    _parse_db_snapshots(index, estate)
    _parse_images(index, estate)


def _resource(
    estate: AwsEstate, response: RawResponse, *, arn: str, name: str, kind: str
) -> PolicyResource:
    resource = estate.resources.get(arn)
    if resource is None:
        resource = PolicyResource(
            arn=arn,
            name=name,
            kind=kind,
            account_id=account_of(arn, response.account),
            region=response.region,
        )
        estate.resources[arn] = resource
    return resource


def _share(resource: PolicyResource, *, public: bool, accounts: list[str]) -> None:
    resource.public = bool(resource.public) or public
    shared = resource.attributes.setdefault("shared_with", [])
    for account in accounts:
        if account not in shared:
            shared.append(account)


def _parse_ebs_snapshots(index: ResponseIndex, estate: AwsEstate) -> None:
    by_id: dict[tuple[str, str, str], PolicyResource] = {}
    for response, body in responses_with_body(index, "ec2", "describe-snapshots"):
        for entry in items(response, body, "Snapshots"):
            snapshot_id = required_text(response, entry, "SnapshotId")
            owner = text(response, entry, "OwnerId") or response.account
            if owner != response.account:
                # Public or shared snapshots of other accounts that
                # describe-snapshots lists without an owner filter.
                continue
            resource = _resource(
                estate,
                response,
                arn=f"arn:aws:ec2:{response.region}:{owner}:snapshot/{snapshot_id}",
                name=snapshot_id,
                kind="ebs_snapshot",
            )
            resource.encrypted = flag(response, entry, "Encrypted")
            resource.kms_key_arn = text(response, entry, "KmsKeyId") or None
            resource.tags = tags_of(response, entry, "Tags")
            by_id[(response.account, response.region, snapshot_id)] = resource
    for response, body in responses_with_body(
        index, "ec2", "describe-snapshot-attribute"
    ):
        snapshot_id = text(response, body, "SnapshotId") or response.params.get(
            "SnapshotId", ""
        )
        found = by_id.get((response.account, response.region, snapshot_id))
        if found is None:
            continue
        permissions = items(response, body, "CreateVolumePermissions")
        _share(
            found,
            public=any(entry.get("Group") == "all" for entry in permissions),
            accounts=[
                text(response, entry, "UserId")
                for entry in permissions
                if entry.get("UserId")
            ],
        )


def _parse_db_snapshots(index: ResponseIndex, estate: AwsEstate) -> None:
    by_id: dict[tuple[str, str, str], PolicyResource] = {}
    calls = (
        (
            "describe-db-snapshots",
            "DBSnapshots",
            "DBSnapshotArn",
            "DBSnapshotIdentifier",
        ),
        (
            "describe-db-cluster-snapshots",
            "DBClusterSnapshots",
            "DBClusterSnapshotArn",
            "DBClusterSnapshotIdentifier",
        ),
    )
    for operation, list_key, arn_key, id_key in calls:
        for response, body in responses_with_body(index, "rds", operation):
            for entry in items(response, body, list_key):
                identifier = text(response, entry, id_key)
                arn = required_text(response, entry, arn_key)
                if account_of(arn, response.account) != response.account:
                    # Public or shared snapshots of other accounts.
                    continue
                resource = _resource(
                    estate,
                    response,
                    arn=arn,
                    name=identifier,
                    kind="db_snapshot",
                )
                encrypted = flag(response, entry, "Encrypted")
                if encrypted is None:
                    encrypted = flag(response, entry, "StorageEncrypted")
                resource.encrypted = encrypted
                resource.kms_key_arn = text(response, entry, "KmsKeyId") or None
                by_id[(response.account, response.region, identifier)] = resource
    attribute_calls = (
        ("describe-db-snapshot-attributes", "DBSnapshotAttributesResult"),
        (
            "describe-db-cluster-snapshot-attributes",
            "DBClusterSnapshotAttributesResult",
        ),
    )
    for operation, result_key in attribute_calls:
        for response, body in responses_with_body(index, "rds", operation):
            result = mapping(response, body, result_key)
            identifier = text(response, result, "DBSnapshotIdentifier") or text(
                response, result, "DBClusterSnapshotIdentifier"
            )
            found = by_id.get((response.account, response.region, identifier))
            if found is None:
                continue
            attribute_list = "DBSnapshotAttributes"
            if result_key.startswith("DBCluster"):
                attribute_list = "DBClusterSnapshotAttributes"
            for attribute in items(response, result, attribute_list):
                if text(response, attribute, "AttributeName") != "restore":
                    continue
                values = strings(response, attribute, "AttributeValues")
                _share(
                    found,
                    public="all" in values,
                    accounts=[value for value in values if value != "all"],
                )


def _parse_images(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "ec2", "describe-images"):
        for entry in items(response, body, "Images"):
            image_id = required_text(response, entry, "ImageId")
            owner = text(response, entry, "OwnerId") or response.account
            if owner != response.account:
                # Images owned by others (public AMIs the account can launch)
                # are not part of this estate.
                continue
            resource = _resource(
                estate,
                response,
                arn=f"arn:aws:ec2:{response.region}::image/{image_id}",
                name=text(response, entry, "Name") or image_id,
                kind="ami",
            )
            resource.account_id = owner
            resource.public = bool(flag(response, entry, "Public"))
            resource.tags = tags_of(response, entry, "Tags")
