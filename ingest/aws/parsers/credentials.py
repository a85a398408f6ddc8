"""Parse IAM user credentials: the credential report, access keys, MFA
devices and login profiles.

The credential report is the main source. `list-access-keys`,
`list-mfa-devices` and `get-login-profile` fill what it leaves unset.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
from typing import Any

from toxicpath.ingest.aws.estate import AccessKey, AwsEstate, Principal
from toxicpath.ingest.aws.parsers.common import (
    ResponseIndex,
    account_of,
    items,
    mapping,
    required_text,
    response_error,
    responses_with_body,
    text,
)
from toxicpath.ingest.snapshot import RawResponse


def parse_credentials(index: ResponseIndex, estate: AwsEstate) -> None:
    _parse_access_keys(index, estate)
    for response, body in responses_with_body(index, "iam", "get-credential-report"):
        _parse_credential_report(response, body, estate)
    _parse_mfa_devices(index, estate)
    _parse_login_profiles(index, estate)


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
        raise response_error(
            response,
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
            raise response_error(
                response,
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
