"""Import `aws iam get-account-authorization-details` output.

Accepted shapes:
- one response document with `UserDetailList`, `GroupDetailList`,
  `RoleDetailList` and `Policies` (any of them may be missing);
- a JSON array of such documents, one per page of the paginated call;
- a Cloudsplaining results list: a JSON array of entries with `Type` (Role,
  User, Group or Policy), `Arn`, `PolicyDocument` and, for roles,
  `AssumeRolePolicyDocument`. It is converted to the document shape above.

The account id comes from the ARNs of the users, groups, roles and customer
managed policies, because the document does not state it.
"""

from __future__ import annotations

import logging
from typing import Any

from toxicpath.ingest.aws.accounts import most_common_account
from toxicpath.ingest.aws.coverage import GLOBAL_REGION, aws_coverage
from toxicpath.ingest.errors import InputError
from toxicpath.ingest.importers import InputProbe, source_file
from toxicpath.ingest.redact import redact_response
from toxicpath.ingest.snapshot import RawResponse, Snapshot

logger = logging.getLogger(__name__)

AUTHORIZATION_DETAILS_FORMAT = "aws-authorization-details"
CLOUDSPLAINING_FORMAT = "cloudsplaining-results"

DETAIL_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
# Key added to a converted document, naming the format it came from.
CONVERTED_FROM_KEY = "toxicpath:converted_from"

_CLOUDSPLAINING_TYPES = {
    "Role": ("RoleDetailList", "RoleName", "RolePolicyList"),
    "User": ("UserDetailList", "UserName", "UserPolicyList"),
    "Group": ("GroupDetailList", "GroupName", "GroupPolicyList"),
}


def is_authorization_details(document: Any) -> bool:
    return isinstance(document, dict) and any(key in document for key in DETAIL_LISTS)


def detect_authorization_details(probe: InputProbe) -> bool:
    if probe.is_dir:
        return False
    content = probe.json_or_none()
    if is_authorization_details(content):
        return True
    return (
        isinstance(content, list)
        and bool(content)
        and all(is_authorization_details(page) for page in content)
    )


def load_authorization_details(probe: InputProbe) -> Snapshot:
    content = probe.json()
    pages = content if isinstance(content, list) else [content]
    for number, page in enumerate(pages, start=1):
        check_authorization_page(page, where=f"page {number}", path=str(probe.path))
    return _snapshot_of_pages(probe, pages, AUTHORIZATION_DETAILS_FORMAT)


def check_authorization_page(page: dict[str, Any], *, where: str, path: str) -> None:
    """Raise InputError when a detail list of `page` is not a list of objects."""
    for key in DETAIL_LISTS:
        value = page.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            raise InputError(
                path,
                f"{where}: field {key} is a {type(value).__name__}, expected a list;"
                " export the file again with `aws iam"
                " get-account-authorization-details --output json`",
            )
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise InputError(
                    path,
                    f"{where}: {key}[{index}] is a {type(item).__name__},"
                    " expected an object",
                )


def detect_cloudsplaining(probe: InputProbe) -> bool:
    if probe.is_dir:
        return False
    content = probe.json_or_none()
    return (
        isinstance(content, list)
        and bool(content)
        and all(
            isinstance(entry, dict)
            and "Type" in entry
            and "Arn" in entry
            and "PolicyDocument" in entry
            for entry in content
        )
    )


def load_cloudsplaining(probe: InputProbe) -> Snapshot:
    document = convert_cloudsplaining(probe.json(), path=str(probe.path))
    return _snapshot_of_pages(probe, [document], CLOUDSPLAINING_FORMAT)


def convert_cloudsplaining(
    entries: list[dict[str, Any]], *, path: str
) -> dict[str, Any]:
    """Build an authorization-details document from Cloudsplaining results.

    The results name each principal's inline policies and each managed
    policy's default document, but not which managed policies are attached
    to whom, nor group membership, so the document has no attachments.
    """
    document: dict[str, Any] = {key: [] for key in DETAIL_LISTS}
    document[CONVERTED_FROM_KEY] = CLOUDSPLAINING_FORMAT
    principals: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(entries):
        kind = entry.get("Type")
        arn = entry.get("Arn")
        if not isinstance(arn, str):
            raise InputError(path, f"entry {index}: field Arn is missing or not text")
        policy_document = entry.get("PolicyDocument")
        if not isinstance(policy_document, dict):
            raise InputError(
                path, f"entry {index} ({arn}): field PolicyDocument is not an object"
            )
        if kind == "Policy":
            document["Policies"].append(_policy_from_entry(entry, arn, policy_document))
            continue
        if kind not in _CLOUDSPLAINING_TYPES:
            raise InputError(
                path,
                f"entry {index} ({arn}): Type {kind!r} is not Role, User, Group"
                " or Policy",
            )
        list_key, name_key, policies_key = _CLOUDSPLAINING_TYPES[kind]
        principal = principals.get(arn)
        if principal is None:
            principal = {
                name_key: entry.get("Name") or arn.rsplit("/", 1)[-1],
                "Arn": arn,
                policies_key: [],
                "AttachedManagedPolicies": [],
            }
            if kind == "Role":
                principal["AssumeRolePolicyDocument"] = entry.get(
                    "AssumeRolePolicyDocument"
                )
            principals[arn] = principal
            document[list_key].append(principal)
        principal[policies_key].append(
            {
                "PolicyName": entry.get("PolicyName", ""),
                "PolicyDocument": policy_document,
            }
        )
    return document


def _policy_from_entry(
    entry: dict[str, Any], arn: str, policy_document: dict[str, Any]
) -> dict[str, Any]:
    # The results hold only the default version, so it gets the id v1.
    return {
        "PolicyName": entry.get("PolicyName") or entry.get("Name", ""),
        "Arn": arn,
        "Path": "/",
        "DefaultVersionId": "v1",
        "PolicyVersionList": [
            {"Document": policy_document, "VersionId": "v1", "IsDefaultVersion": True}
        ],
    }


def _snapshot_of_pages(
    probe: InputProbe, pages: list[dict[str, Any]], format_name: str
) -> Snapshot:
    account = _account_of_pages(pages)
    if account is None:
        raise InputError(
            probe.path,
            "no user, group, role or customer managed policy ARN names an account;"
            " the document is empty or not from an AWS account",
        )
    snapshot = Snapshot(kind="import")
    for page in pages:
        response = RawResponse(
            cloud="aws",
            account=account,
            region=GLOBAL_REGION,
            service="iam",
            operation="get-account-authorization-details",
            params={},
            body=page,
            source=str(probe.path),
        )
        snapshot.add_response(redact_response(response))
    snapshot.sources.append(source_file(probe.path, format_name))
    snapshot.coverage.extend(aws_coverage(snapshot.responses))
    logger.info(
        "read %s pages of authorization details for account %s from %s",
        len(pages),
        account,
        probe.path,
    )
    return snapshot


def _account_of_pages(pages: list[dict[str, Any]]) -> str | None:
    arns: list[str] = []
    for page in pages:
        for key in DETAIL_LISTS:
            for item in page.get(key) or []:
                arn = item.get("Arn")
                if isinstance(arn, str):
                    arns.append(arn)
    return most_common_account(arns)
