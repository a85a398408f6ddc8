"""Parse IAM: authorization details, roles, users, instance profiles and
identity providers. User credentials are parsed in `credentials`.

`get-account-authorization-details` is the main source. `get-role`,
`list-roles`, `get-user` and `list-users` add principals it lacks (and a
trust policy or tags it lacks) without replacing what it already read.
"""

from __future__ import annotations

import logging
from typing import Any

from toxicpath.ingest.aws.estate import (
    AwsEstate,
    IdentityProvider,
    InstanceProfile,
    ManagedPolicy,
    Principal,
)
from toxicpath.ingest.aws.parsers.common import (
    ResponseIndex,
    account_of,
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
from toxicpath.ingest.aws.parsers.credentials import parse_credentials
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
    parse_credentials(index, estate)
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
        document = policy_document(
            response, entry.get("PolicyDocument"), "PolicyDocument", container=entry
        )
        policies[name] = document if document is not None else {"Statement": []}
    return policies


def _read_role_fields(
    response: RawResponse, detail: dict[str, Any], principal: Principal
) -> None:
    principal.trust_policy = policy_document(
        response,
        detail.get("AssumeRolePolicyDocument"),
        "AssumeRolePolicyDocument",
        container=detail,
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
            response, version.get("Document"), "Document", container=version
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
            response,
            role.get("AssumeRolePolicyDocument"),
            "AssumeRolePolicyDocument",
            container=role,
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
