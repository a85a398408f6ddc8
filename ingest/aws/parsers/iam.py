"""Parse IAM: authorization details, roles, users, the credential report and
identity providers.

`get-account-authorization-details` is the main source. `get-role`,
`list-roles`, `get-user` and `list-users` add principals it lacks (and a
trust policy or tags it lacks) without replacing what it already read.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import logging
from typing import Any

from toxicpath.ingest.aws.estate import (
    AccessKey,
    AwsEstate,
    IdentityProvider,
    InstanceProfile,
    ManagedPolicy,
    Principal,
)
from toxicpath.ingest.aws.parsers.common import (
    ResponseIndex,
    account_of,
    describe,
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
from toxicpath.ingest.errors import InputError
from toxicpath.ingest.snapshot import RawResponse

logger = logging.getLogger(__name__)

_KINDS = (
    ("UserDetailList", "user", "UserName", "UserPolicyList"),
    ("GroupDetailList", "group", "GroupName", "GroupPolicyList"),
    ("RoleDetailList", "role", "RoleName", "RolePolicyList"),
)


def parse_iam(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(
        index, "iam", "get-account-authorization-details"
    ):
        _parse_authorization_page(response, body, estate)
    for response, body in responses_with_body(index, "iam", "get-role"):
        _merge_role(response, mapping(response, body, "Role"), estate)
    for response, body in responses_with_body(index, "iam", "list-roles"):
        for role in items(response, body, "Roles"):
            _merge_role(response, role, estate)
    for response, body in responses_with_body(index, "iam", "get-user"):
        _merge_user(response, mapping(response, body, "User"), estate)
    for response, body in responses_with_body(index, "iam", "list-users"):
        for user in items(response, body, "Users"):
            _merge_user(response, user, estate)
    _parse_instance_profile_list(index, estate)
    _parse_access_keys(index, estate)
    for response, body in responses_with_body(index, "iam", "get-credential-report"):
        _parse_credential_report(response, body, estate)
    _parse_mfa_devices(index, estate)
    _parse_login_profiles(index, estate)
    _parse_identity_providers(index, estate)
    for response, body in responses_with_body(
        index, "iam", "get-account-password-policy"
    ):
        account = estate.accounts[response.account]
        account.password_policy = mapping(response, body, "PasswordPolicy")
    for response, body in responses_with_body(index, "iam", "list-account-aliases"):
        aliases = strings(response, body, "AccountAliases")
        account = estate.accounts[response.account]
        if aliases and not account.name:
            account.name = aliases[0]
    _warn_missing_policies(estate)


def _parse_authorization_page(
    response: RawResponse, body: dict[str, Any], estate: AwsEstate
) -> None:
    for list_key, kind, name_key, inline_key in _KINDS:
        for detail in items(response, body, list_key):
            principal = _principal(response, detail, kind, name_key)
            principal.inline_policies = _inline_policies(response, detail, inline_key)
            principal.managed_policy_arns = [
                required_text(response, attached, "PolicyArn")
                for attached in items(response, detail, "AttachedManagedPolicies")
            ]
            if kind == "user":
                principal.group_names = strings(response, detail, "GroupList")
            if kind == "role":
                _read_role_fields(response, detail, principal)
                _read_instance_profiles(response, detail, principal, estate)
            estate.principals[principal.arn] = principal
    for detail in items(response, body, "Policies"):
        policy = _managed_policy(response, detail)
        estate.policies[policy.arn] = policy


def _principal(
    response: RawResponse, detail: dict[str, Any], kind: str, name_key: str
) -> Principal:
    arn = required_text(response, detail, "Arn")
    boundary = mapping(response, detail, "PermissionsBoundary")
    return Principal(
        arn=arn,
        name=text(response, detail, name_key) or arn.rsplit("/", 1)[-1],
        kind=kind,
        account_id=account_of(arn, response.account),
        id=text(response, detail, f"{kind.capitalize()}Id"),
        path=text(response, detail, "Path") or "/",
        created=text(response, detail, "CreateDate"),
        tags=tags_of(response, detail, "Tags"),
        permissions_boundary_arn=text(response, boundary, "PermissionsBoundaryArn")
        or None,
    )


def _inline_policies(
    response: RawResponse, detail: dict[str, Any], key: str
) -> dict[str, dict[str, Any]]:
    policies: dict[str, dict[str, Any]] = {}
    for entry in items(response, detail, key):
        name = required_text(response, entry, "PolicyName")
        document = policy_document(response, entry.get("PolicyDocument"), key)
        policies[name] = document if document is not None else {"Statement": []}
    return policies


def _read_role_fields(
    response: RawResponse, detail: dict[str, Any], principal: Principal
) -> None:
    principal.trust_policy = policy_document(
        response, detail.get("AssumeRolePolicyDocument"), "AssumeRolePolicyDocument"
    )
    last_used = mapping(response, detail, "RoleLastUsed")
    principal.last_used = text(response, last_used, "LastUsedDate")
    principal.max_session_duration = integer(response, detail, "MaxSessionDuration")


def _read_instance_profiles(
    response: RawResponse,
    detail: dict[str, Any],
    principal: Principal,
    estate: AwsEstate,
) -> None:
    for entry in items(response, detail, "InstanceProfileList"):
        arn = required_text(response, entry, "Arn")
        profile = estate.instance_profiles.get(arn)
        if profile is None:
            profile = InstanceProfile(
                arn=arn, name=text(response, entry, "InstanceProfileName")
            )
            estate.instance_profiles[arn] = profile
        for role in items(response, entry, "Roles"):
            role_arn = text(response, role, "Arn")
            if role_arn and role_arn not in profile.role_arns:
                profile.role_arns.append(role_arn)
        if principal.arn not in profile.role_arns:
            profile.role_arns.append(principal.arn)
        if arn not in principal.instance_profile_arns:
            principal.instance_profile_arns.append(arn)


def _managed_policy(response: RawResponse, detail: dict[str, Any]) -> ManagedPolicy:
    arn = required_text(response, detail, "Arn")
    versions: dict[str, dict[str, Any]] = {}
    default_version = text(response, detail, "DefaultVersionId")
    for version in items(response, detail, "PolicyVersionList"):
        version_id = required_text(response, version, "VersionId")
        document = policy_document(
            response, version.get("Document"), "PolicyVersionList[].Document"
        )
        versions[version_id] = document if document is not None else {"Statement": []}
        if not default_version and version.get("IsDefaultVersion") is True:
            default_version = version_id
    return ManagedPolicy(
        arn=arn,
        name=text(response, detail, "PolicyName") or arn.rsplit("/", 1)[-1],
        account_id="aws"
        if arn.startswith("arn:aws:iam::aws:")
        else account_of(arn, response.account),
        default_version_id=default_version,
        versions=versions,
        path=text(response, detail, "Path") or "/",
        attachment_count=integer(response, detail, "AttachmentCount"),
    )


def _merge_role(response: RawResponse, role: dict[str, Any], estate: AwsEstate) -> None:
    if not role:
        return
    arn = required_text(response, role, "Arn")
    existing = estate.principals.get(arn)
    if existing is None:
        principal = _principal(response, role, "role", "RoleName")
        _read_role_fields(response, role, principal)
        estate.principals[arn] = principal
        return
    if existing.trust_policy is None:
        existing.trust_policy = policy_document(
            response, role.get("AssumeRolePolicyDocument"), "AssumeRolePolicyDocument"
        )
    if not existing.tags:
        existing.tags = tags_of(response, role, "Tags")
    if existing.max_session_duration is None:
        existing.max_session_duration = integer(response, role, "MaxSessionDuration")
    if not existing.last_used:
        last_used = mapping(response, role, "RoleLastUsed")
        existing.last_used = text(response, last_used, "LastUsedDate")


def _merge_user(response: RawResponse, user: dict[str, Any], estate: AwsEstate) -> None:
    if not user:
        return
    arn = required_text(response, user, "Arn")
    existing = estate.principals.get(arn)
    if existing is None:
        estate.principals[arn] = _principal(response, user, "user", "UserName")
    elif not existing.tags:
        existing.tags = tags_of(response, user, "Tags")


def _parse_instance_profile_list(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "iam", "list-instance-profiles"):
        for entry in items(response, body, "InstanceProfiles"):
            arn = required_text(response, entry, "Arn")
            profile = estate.instance_profiles.setdefault(
                arn,
                InstanceProfile(
                    arn=arn, name=text(response, entry, "InstanceProfileName")
                ),
            )
            for role in items(response, entry, "Roles"):
                role_arn = required_text(response, role, "Arn")
                if role_arn not in profile.role_arns:
                    profile.role_arns.append(role_arn)
                principal = estate.principals.get(role_arn)
                if principal is not None and arn not in principal.instance_profile_arns:
                    principal.instance_profile_arns.append(arn)


def _parse_mfa_devices(index: ResponseIndex, estate: AwsEstate) -> None:
    """Set MFA from list-mfa-devices for users the credential report left unset."""
    users_by_name = {
        (principal.account_id, principal.name): principal
        for principal in estate.principals.values()
        if principal.kind == "user"
    }
    for response, body in responses_with_body(index, "iam", "list-mfa-devices"):
        user = users_by_name.get(
            (response.account, response.params.get("UserName", ""))
        )
        if user is not None and user.mfa_enabled is None:
            user.mfa_enabled = bool(items(response, body, "MFADevices"))


def _parse_login_profiles(index: ResponseIndex, estate: AwsEstate) -> None:
    """Set console access from get-login-profile where the report left it unset."""
    users_by_name = {
        (principal.account_id, principal.name): principal
        for principal in estate.principals.values()
        if principal.kind == "user"
    }
    for response, body in responses_with_body(index, "iam", "get-login-profile"):
        user = users_by_name.get(
            (response.account, response.params.get("UserName", ""))
        )
        if user is not None and user.console_access is None:
            user.console_access = bool(mapping(response, body, "LoginProfile"))


def _parse_access_keys(index: ResponseIndex, estate: AwsEstate) -> None:
    users_by_name = {
        (principal.account_id, principal.name): principal
        for principal in estate.principals.values()
        if principal.kind == "user"
    }
    last_used_by_key: dict[str, str] = {}
    for response, body in responses_with_body(index, "iam", "get-access-key-last-used"):
        key_id = response.params.get("AccessKeyId", "")
        details = mapping(response, body, "AccessKeyLastUsed")
        last_used_by_key[key_id] = text(response, details, "LastUsedDate")
    for response, body in responses_with_body(index, "iam", "list-access-keys"):
        for metadata in items(response, body, "AccessKeyMetadata"):
            name = text(response, metadata, "UserName") or response.params.get(
                "UserName", ""
            )
            user = users_by_name.get((response.account, name))
            if user is None:
                continue
            key_id = required_text(response, metadata, "AccessKeyId")
            user.access_keys = [key for key in user.access_keys if key.key_id != key_id]
            user.access_keys.append(
                AccessKey(
                    key_id=key_id,
                    status=text(response, metadata, "Status"),
                    created=text(response, metadata, "CreateDate"),
                    last_used=last_used_by_key.get(key_id, ""),
                )
            )


def _report_rows(response: RawResponse, body: dict[str, Any]) -> list[dict[str, str]]:
    content = body.get("Content")
    if not isinstance(content, str | bytes):
        raise InputError(
            describe(response),
            "field Content is missing or not text; save the output of"
            " `aws iam get-credential-report` unchanged",
        )
    raw = content.encode() if isinstance(content, str) else content
    # The API returns the CSV base64-encoded; some tools save it decoded.
    if raw.startswith(b"user,"):
        csv_text = raw.decode("utf-8")
    else:
        try:
            csv_text = base64.b64decode(raw, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InputError(
                describe(response),
                "field Content is neither the credential report CSV nor base64 of"
                " it; save the output of `aws iam get-credential-report` unchanged",
            ) from exc
    return list(csv.DictReader(io.StringIO(csv_text)))


def _is_true(value: str | None) -> bool:
    return (value or "").lower() == "true"


def _report_date(value: str | None) -> str:
    if not value or value in ("N/A", "no_information", "not_supported"):
        return ""
    return value


def _parse_credential_report(
    response: RawResponse, body: dict[str, Any], estate: AwsEstate
) -> None:
    for row in _report_rows(response, body):
        arn = row.get("arn") or ""
        if row.get("user") == "<root_account>":
            account = estate.accounts[account_of(arn, response.account)]
            account.root_mfa_enabled = _is_true(row.get("mfa_active"))
            account.root_access_keys_active = _is_true(
                row.get("access_key_1_active")
            ) or _is_true(row.get("access_key_2_active"))
            account.root_password_last_used = _report_date(
                row.get("password_last_used")
            )
            continue
        if not arn:
            continue
        user = estate.principals.get(arn)
        if user is None:
            user = Principal(
                arn=arn,
                name=row.get("user") or arn.rsplit("/", 1)[-1],
                kind="user",
                account_id=account_of(arn, response.account),
                created=_report_date(row.get("user_creation_time")),
            )
            estate.principals[arn] = user
        user.console_access = _is_true(row.get("password_enabled"))
        user.mfa_enabled = _is_true(row.get("mfa_active"))
        user.password_last_used = _report_date(row.get("password_last_used"))
        if not user.access_keys:
            user.access_keys = _report_access_keys(row)


def _report_access_keys(row: dict[str, str]) -> list[AccessKey]:
    """Return the report's access-key slots that hold a key.

    The report has no key ids, so each key is named by its slot
    (`access_key_1`, `access_key_2`); `list-access-keys` gives the real ids.
    """
    keys: list[AccessKey] = []
    for slot in ("access_key_1", "access_key_2"):
        rotated = _report_date(row.get(f"{slot}_last_rotated"))
        active = _is_true(row.get(f"{slot}_active"))
        if not rotated and not active:
            continue
        keys.append(
            AccessKey(
                key_id=slot,
                status="Active" if active else "Inactive",
                created=rotated,
                last_used=_report_date(row.get(f"{slot}_last_used_date")),
            )
        )
    return keys


def _parse_identity_providers(index: ResponseIndex, estate: AwsEstate) -> None:
    for response, body in responses_with_body(index, "iam", "list-saml-providers"):
        for entry in items(response, body, "SAMLProviderList"):
            arn = required_text(response, entry, "Arn")
            estate.identity_providers[arn] = IdentityProvider(arn=arn, kind="saml")
    for response, body in responses_with_body(
        index, "iam", "list-open-id-connect-providers"
    ):
        for entry in items(response, body, "OpenIDConnectProviderList"):
            arn = required_text(response, entry, "Arn")
            estate.identity_providers.setdefault(
                arn, IdentityProvider(arn=arn, kind="oidc")
            )
    for response, body in responses_with_body(
        index, "iam", "get-open-id-connect-provider"
    ):
        arn = response.params.get("OpenIDConnectProviderArn", "")
        if not arn:
            continue
        provider = estate.identity_providers.setdefault(
            arn, IdentityProvider(arn=arn, kind="oidc")
        )
        provider.url = text(response, body, "Url")
        provider.client_ids = strings(response, body, "ClientIDList")


def _warn_missing_policies(estate: AwsEstate) -> None:
    missing = {
        arn
        for principal in estate.principals.values()
        for arn in principal.managed_policy_arns
        if arn not in estate.policies
    }
    if missing:
        # NOTE: a policy attached but absent from the input has no document,
        # so the analysis cannot tell what it grants.
        logger.warning(
            "%s attached managed policies have no document in the input, for"
            " example %s",
            len(missing),
            sorted(missing)[0],
        )
