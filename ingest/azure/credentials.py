"""Build the azure-identity credential the collector signs requests with.

Methods:
- `default`: DefaultAzureCredential (environment, workload identity, managed
  identity, Azure CLI, ...), limited to `tenant` when given;
- `cli`: the account `az login` signed in;
- `service-principal`: a client id with a secret read from an environment
  variable (never from the command line) or a certificate file;
- `managed-identity`: the managed identity of the machine toxicpath runs on,
  optionally the user-assigned one with `client_id`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

CREDENTIAL_METHODS = ("default", "cli", "service-principal", "managed-identity")


class CredentialError(ValueError):
    """Credential options that do not fit together or miss a value."""


@dataclass(frozen=True)
class CredentialOptions:
    method: str = "default"
    tenant_id: str = ""
    client_id: str = ""
    # Name of the environment variable that contains the client secret.
    client_secret_env: str = "AZURE_CLIENT_SECRET"
    certificate_path: str = ""
    authority_host: str = ""


def build_credential(options: CredentialOptions) -> Any:
    """Return an azure-identity TokenCredential for `options`."""
    from azure import identity

    extra: dict[str, Any] = {}
    if options.authority_host:
        extra["authority"] = options.authority_host
    if options.method == "default":
        if not options.tenant_id:
            return identity.DefaultAzureCredential(**extra)
        default = identity.DefaultAzureCredential(
            additionally_allowed_tenants=[options.tenant_id], **extra
        )
        return TenantScopedCredential(default, options.tenant_id)
    if options.method == "cli":
        return identity.AzureCliCredential(tenant_id=options.tenant_id)
    if options.method == "managed-identity":
        return identity.ManagedIdentityCredential(client_id=options.client_id or None)
    if options.method == "service-principal":
        return _service_principal(options, extra)
    raise CredentialError(
        f"unknown credential method {options.method!r}; use one of "
        f"{', '.join(CREDENTIAL_METHODS)}"
    )


def _service_principal(options: CredentialOptions, extra: dict[str, Any]) -> Any:
    from azure import identity

    if not options.tenant_id or not options.client_id:
        raise CredentialError(
            "a service principal needs --tenant and --client-id; set both"
        )
    if options.certificate_path:
        return identity.CertificateCredential(
            options.tenant_id, options.client_id, options.certificate_path, **extra
        )
    secret = os.environ.get(options.client_secret_env, "")
    if not secret:
        raise CredentialError(
            f"environment variable {options.client_secret_env} is not set or empty, "
            "so there is no client secret; set it or pass --certificate"
        )
    return identity.ClientSecretCredential(
        options.tenant_id, options.client_id, secret, **extra
    )


class TenantScopedCredential:
    """Ask the wrapped credential for tokens of one tenant only."""

    def __init__(self, inner: Any, tenant_id: str) -> None:
        self.inner = inner
        self.tenant_id = tenant_id

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        kwargs["tenant_id"] = self.tenant_id
        return self.inner.get_token(*scopes, **kwargs)

    def close(self) -> None:
        self.inner.close()
