"""Remove secret values from GCP asset bodies before they enter a snapshot.

Cloud Asset Inventory returns each resource's REST object, and some of them
carry secrets in plain text. The keys stay, so the analysis can still tell
that a setting exists, and their values become REDACTED:

- Compute Engine instance and template metadata `items[].value`, except the
  switches the analysis reads (`enable-oslogin`, `block-project-ssh-keys`,
  `serial-port-enable`): startup scripts and `ssh-keys` often embed secrets;
- `env[].value` of Cloud Run and GKE containers, and `environmentVariables`
  maps of Cloud Functions (the shared redaction covers those);
- service-account key material (`privateKeyData`, `publicKeyData`) and the
  values of keys named like passwords or secrets.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from toxicpath.ingest.redact import REDACTED, redact_response
from toxicpath.ingest.snapshot import RawResponse

_KEPT_METADATA_KEYS = frozenset(
    {
        "enable-oslogin",
        "block-project-ssh-keys",
        "serial-port-enable",
        "enable-oslogin-2fa",
    }
)
_SECRET_KEYS = frozenset(
    key.lower()
    for key in (
        "privateKeyData",
        "publicKeyData",
        "password",
        "rootPassword",
        "secret",
        "clientSecret",
        "buildEnvironmentVariables",
        "secretData",
    )
)


def redact_gcp_body(value: Any) -> Any:
    """Return `value` with metadata, env and secret values replaced, at any depth."""
    if isinstance(value, dict):
        redacted: dict[str, Any] = {}
        for key, item in value.items():
            if key.lower() in _SECRET_KEYS and item:
                redacted[key] = REDACTED
            elif key == "metadata" and isinstance(item, dict) and "items" in item:
                redacted[key] = _redact_metadata(item)
            elif key == "env" and isinstance(item, list):
                redacted[key] = [_redact_env_entry(entry) for entry in item]
            else:
                redacted[key] = redact_gcp_body(item)
        return redacted
    if isinstance(value, list):
        return [redact_gcp_body(item) for item in value]
    return value


def _redact_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    items = []
    for entry in metadata.get("items") or []:
        if isinstance(entry, dict) and entry.get("key") not in _KEPT_METADATA_KEYS:
            entry = {**entry, "value": REDACTED} if "value" in entry else entry
        items.append(entry)
    return {**metadata, "items": items}


def _redact_env_entry(entry: Any) -> Any:
    if isinstance(entry, dict) and "value" in entry:
        return {**entry, "value": REDACTED}
    return redact_gcp_body(entry)


def redact_gcp_response(response: RawResponse) -> RawResponse:
    """Redact a GCP response with the shared rules and the GCP keys above."""
    shared = redact_response(response)
    return dataclasses.replace(shared, body=redact_gcp_body(shared.body))
