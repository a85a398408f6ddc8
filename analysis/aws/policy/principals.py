"""Principal and NotPrincipal matching for resource and trust policies.

A Principal element names principals by type: `AWS` (ARNs, account ids,
`*`), `Service`, `Federated` and `CanonicalUser`, or is the string `*`.
IAM does not expand partial wildcards in a principal, so only a whole `*`
is a wildcard here.

A match has a kind, because AWS grants differently for each:

- `direct`: the statement names this principal (or a role session of this
  role names the role), so within one account it grants on its own;
- `session`: the statement names a role session ARN of this role. It also
  grants on its own, and AWS documents that a permissions boundary's
  implicit deny does not limit such a grant;
- `account`: the statement names the principal's account, which delegates
  the decision to the account, so the principal's identity policies must
  allow as well;
- `any`: the statement names everyone (`*`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DIRECT = "direct"
SESSION = "session"
ACCOUNT = "account"
ANY = "any"

AWS = "aws"
SERVICE = "service"
FEDERATED = "federated"
CANONICAL_USER = "canonical_user"
ANONYMOUS = "anonymous"

_ACCOUNT_ID = re.compile(r"^\d{12}$")
# Web identity providers are written as host names, like service principals.
_WEB_IDENTITY_PROVIDERS = frozenset(
    {
        "cognito-identity.amazonaws.com",
        "www.amazon.com",
        "graph.facebook.com",
        "accounts.google.com",
        "appleid.apple.com",
    }
)
_TYPE_NAMES = {
    "aws": AWS,
    "service": SERVICE,
    "federated": FEDERATED,
    "canonicaluser": CANONICAL_USER,
}


@dataclass(frozen=True)
class PrincipalRef:
    """A principal to test against a Principal element.

    `value` is an ARN for AWS principals, a service name such as
    `lambda.amazonaws.com`, a provider ARN or host name for federated
    principals, a canonical user id, or `*` for the anonymous principal.
    """

    kind: str
    value: str
    account: str | None = None

    @property
    def is_account_root(self) -> bool:
        return self.kind == AWS and self.value.endswith(":root")


def parse_principal(
    principal: str, *, principal_type: str | None = None
) -> PrincipalRef:
    """Classify a principal string as an ARN, account, service, provider or `*`.

    `principal_type` (`AWS`, `Service`, `Federated`, `CanonicalUser`) forces
    the kind when the string alone is ambiguous.
    """
    if principal in ("*", "anonymous"):
        return PrincipalRef(kind=ANONYMOUS, value="*")
    if principal_type is not None:
        kind = _TYPE_NAMES.get(principal_type.lower())
        if kind is None:
            raise ValueError(
                f"invalid principal_type {principal_type!r}: use AWS, Service,"
                " Federated or CanonicalUser"
            )
        if kind == AWS:
            return _aws_principal(principal)
        return PrincipalRef(kind=kind, value=principal)
    if _ACCOUNT_ID.match(principal):
        return _aws_principal(principal)
    if principal.startswith("arn:"):
        resource = principal.split(":", 5)[-1]
        if resource.startswith(("saml-provider/", "oidc-provider/")):
            return PrincipalRef(kind=FEDERATED, value=principal)
        return _aws_principal(principal)
    if principal.lower() in _WEB_IDENTITY_PROVIDERS:
        return PrincipalRef(kind=FEDERATED, value=principal)
    if principal.endswith((".amazonaws.com", ".amazon.com", ".amazonaws.com.cn")):
        return PrincipalRef(kind=SERVICE, value=principal)
    return PrincipalRef(kind=FEDERATED, value=principal)


def _aws_principal(value: str) -> PrincipalRef:
    if _ACCOUNT_ID.match(value):
        return PrincipalRef(kind=AWS, value=f"arn:aws:iam::{value}:root", account=value)
    parts = value.split(":", 5)
    account = parts[4] if len(parts) == 6 and parts[4] else None
    return PrincipalRef(kind=AWS, value=value, account=account)


@dataclass(frozen=True)
class CompiledPrincipal:
    """A statement's Principal or NotPrincipal element."""

    negated: bool
    everyone: bool  # "Principal": "*"
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()


def _strings(raw: Any, *, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return tuple(raw)
    raise ValueError(f"{where}: expected a string or a list of strings, got {raw!r}")


def compile_principal(raw: Any, *, negated: bool, where: str) -> CompiledPrincipal:
    if raw == "*":
        return CompiledPrincipal(negated=negated, everyone=True)
    if not isinstance(raw, Mapping):
        raise ValueError(
            f'{where}: Principal must be "*" or an object such as'
            f' {{"AWS": "arn:aws:iam::123456789012:root"}}, got {raw!r}'
        )
    by_kind: dict[str, tuple[str, ...]] = {}
    for name, values in raw.items():
        kind = _TYPE_NAMES.get(str(name).lower())
        if kind is None:
            raise ValueError(
                f"{where}: unknown principal type {name!r}: use AWS, Service,"
                " Federated or CanonicalUser"
            )
        by_kind[kind] = _strings(values, where=f"{where}.{name}")
    return CompiledPrincipal(
        negated=negated,
        everyone=False,
        aws=by_kind.get(AWS, ()),
        service=by_kind.get(SERVICE, ()),
        federated=by_kind.get(FEDERATED, ()),
        canonical_user=by_kind.get(CANONICAL_USER, ()),
    )


def _role_name_and_account(arn: str) -> tuple[str, str, str] | None:
    """Return (account, role name, session or "") for a role or session ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return None
    account, resource = parts[4], parts[5]
    if resource.startswith("role/"):
        return account, resource.rsplit("/", 1)[-1], ""
    if resource.startswith("assumed-role/"):
        pieces = resource.split("/")
        if len(pieces) >= 3:
            return account, pieces[1], pieces[2]
    return None


def _match_aws_entry(entry: str, principal: PrincipalRef) -> str | None:
    if entry == "*":
        return ANY
    if _ACCOUNT_ID.match(entry):
        entry = f"arn:aws:iam::{entry}:root"
    if entry == principal.value:
        return DIRECT
    if entry.endswith(":root") and principal.account is not None:
        if _role_name_and_account(entry) is None and entry.split(":")[4:5] == [
            principal.account
        ]:
            return ACCOUNT
        return None
    listed_role = _role_name_and_account(entry)
    own_role = _role_name_and_account(principal.value)
    if listed_role is None or own_role is None:
        return None
    if listed_role[:2] != own_role[:2]:
        return None
    if listed_role[2] and not own_role[2]:
        # The statement names one session of this role, and whoever assumes
        # the role chooses the session name.
        return SESSION
    if not listed_role[2]:
        # A role ARN covers every session of that role.
        return DIRECT
    return None


def match_principal(compiled: CompiledPrincipal, principal: PrincipalRef) -> str | None:
    """Return the match kind of `principal` against a Principal element.

    For NotPrincipal this returns ANY when the principal is not excluded and
    None when it is.
    """
    found = _match_listed(compiled, principal)
    if not compiled.negated:
        return found
    if found is None:
        return ANY
    if found == ANY:
        return None
    if found == ACCOUNT:
        # Listing an account in NotPrincipal excludes the account root only.
        return ANY
    if principal.kind == AWS and not principal.is_account_root:
        # AWS documents that excluding a user or role with NotPrincipal also
        # needs its account listed, or the deny still reaches it through the
        # account.
        account_listed = any(
            _match_aws_entry(entry, principal) == ACCOUNT for entry in compiled.aws
        )
        if not account_listed:
            return ANY
    return None


def _match_listed(compiled: CompiledPrincipal, principal: PrincipalRef) -> str | None:
    if compiled.everyone:
        return ANY
    if principal.kind in (AWS, ANONYMOUS):
        best: str | None = None
        for entry in compiled.aws:
            if principal.kind == ANONYMOUS:
                if entry == "*":
                    return ANY
                continue
            kind = _match_aws_entry(entry, principal)
            best = _stronger(best, kind)
        return best
    if principal.kind == SERVICE:
        service_name = principal.value.lower()
        if any(
            entry.lower() == service_name or entry == "*" for entry in compiled.service
        ):
            return DIRECT
        return None
    if principal.kind == FEDERATED:
        if any(entry in (principal.value, "*") for entry in compiled.federated):
            return DIRECT
        return None
    if principal.kind == CANONICAL_USER:
        if any(entry in (principal.value, "*") for entry in compiled.canonical_user):
            return DIRECT
        return None
    return None


_STRENGTH = {None: 0, ACCOUNT: 1, ANY: 2, DIRECT: 3, SESSION: 4}


def _stronger(left: str | None, right: str | None) -> str | None:
    return left if _STRENGTH[left] >= _STRENGTH[right] else right
