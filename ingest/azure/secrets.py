"""Remove secret values from Azure response bodies before they enter a snapshot.

ARM list calls do not return secrets, but exports made with other tools can
carry them. The values of these keys are replaced wherever they occur, and the
keys themselves stay so the analysis still sees that a setting exists:
passwords, VM `customData` and extension `protectedSettings`, app settings and
connection strings, storage and Cosmos DB account keys, and SAS tokens.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from toxicpath.ingest.redact import REDACTED, redact_response
from toxicpath.ingest.snapshot import RawResponse

_SECRET_KEYS = frozenset(
    key.lower()
    for key in (
        "adminPassword",
        "password",
        "customData",
        "userData",
        "protectedSettings",
        "protectedSettingsFromKeyVault",
        "appSettings",
        "connectionStrings",
        "primaryKey",
        "secondaryKey",
        "primaryMasterKey",
        "secondaryMasterKey",
        "primaryConnectionString",
        "secondaryConnectionString",
        "clientSecret",
        "secret",
        "sasToken",
        "accountKey",
        "sharedKey",
    )
)


def redact_azure_body(value: Any) -> Any:
    """Return `value` with the values of secret keys replaced, at any depth."""
    if isinstance(value, dict):
        return {
            key: (
                REDACTED
                if key.lower() in _SECRET_KEYS and item
                else redact_azure_body(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_azure_body(item) for item in value]
    return value


def redact_azure_response(response: RawResponse) -> RawResponse:
    """Redact an Azure response with the shared rules and the Azure keys above."""
    shared = redact_response(response)
    return dataclasses.replace(shared, body=redact_azure_body(shared.body))
