"""Keep the collector read-only by construction.

`install_read_only_guard` registers a `provide-client-params` handler on a
botocore session. The event fires for every operation of every client that the
session creates, before parameters are validated or serialised, so a rejected
operation never produces a request.

An operation passes when its name starts with one of READ_PREFIXES or is in
NAMED_READS, and is not in SECRET_READS. SECRET_READS contains the reads that
return a secret value, downloadable code or data, or fresh credentials, which
toxicpath never needs.
"""

from __future__ import annotations

from typing import Any

import botocore.session

READ_PREFIXES = ("Describe", "Get", "List", "Head")

# Operations outside the prefixes that read, or only prepare a read.
NAMED_READS = frozenset(
    {
        # Starts building the IAM credential report, which GetCredentialReport reads.
        "GenerateCredentialReport",
        # Returns temporary credentials for the role to collect from; changes nothing.
        "AssumeRole",
    }
)

# Reads that return secret values, function code, object data or credentials.
SECRET_READS = frozenset(
    {
        "GetSecretValue",
        "BatchGetSecretValue",
        "GetRandomPassword",
        "GetParameter",
        "GetParameters",
        "GetParametersByPath",
        "GetParameterHistory",
        "GetFunction",  # Code.Location is a presigned URL to the code
        "GetLayerVersion",
        "GetLayerVersionByArn",
        "GetPasswordData",
        "GetLaunchTemplateData",
        "GetConsoleOutput",
        "GetConsoleScreenshot",
        "GetObject",
        "GetObjectTorrent",
        "GetAuthorizationToken",
        "GetDownloadUrlForLayer",
        "GetSessionToken",
        "GetFederationToken",
        "GetAccessKeyInfo",
        "GetParametersForImport",
    }
)

_REGISTRATION_ID = "toxicpath-read-only-guard"


class ReadOnlyViolationError(RuntimeError):
    """The collector attempted an operation that is not a plain read."""


def is_allowed_operation(name: str) -> bool:
    """Return True when the API operation `name` (e.g. "ListUsers") is allowed."""
    if name in SECRET_READS:
        return False
    return name in NAMED_READS or name.startswith(READ_PREFIXES)


def _reject_writes(model: Any, **_: Any) -> None:
    name = model.name
    if not is_allowed_operation(name):
        service = model.service_model.service_name
        raise ReadOnlyViolationError(
            f"{service}:{name} is not a read-only operation; the collector only "
            "calls Describe*, Get*, List* and a few named reads, and never reads "
            "secret values"
        )


def install_read_only_guard(session: botocore.session.Session) -> None:
    """Register the guard on `session`; clients created afterwards inherit it."""
    session.register(
        "provide-client-params", _reject_writes, unique_id=_REGISTRATION_ID
    )
