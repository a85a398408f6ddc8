"""Resolve condition keys and policy variables from a RequestContext.

Each key resolves to one of three states: known values, absent from the
request, or unknown to the snapshot (which keeps a condition undecided).
Keys outside the list below resolve to unknown unless `RequestContext.extra`
supplies them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from toxicpath.analysis.aws.policy.model import RequestContext
from toxicpath.analysis.aws.policy.patterns import LITERAL_QUESTION, LITERAL_STAR

KNOWN = "known"
ABSENT = "absent"
UNKNOWN = "unknown"


_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")


@dataclass(frozen=True)
class ResolvedKey:
    state: str
    values: tuple[str, ...] = ()


_ABSENT = ResolvedKey(ABSENT)
_UNKNOWN = ResolvedKey(UNKNOWN)


def _known(*values: str) -> ResolvedKey:
    return ResolvedKey(KNOWN, tuple(values))


def principal_type(principal_arn: str) -> str:
    """Return the aws:PrincipalType value for a principal ARN or name."""
    if principal_arn in ("*", "anonymous"):
        return "Anonymous"
    if not principal_arn.startswith("arn:"):
        return "Service"
    resource = principal_arn.split(":", 5)[-1]
    if resource == "root":
        return "Account"
    if resource.startswith("user/"):
        return "User"
    if resource.startswith(("role/", "assumed-role/")):
        return "AssumedRole"
    if resource.startswith("federated-user/"):
        return "FederatedUser"
    return "Unknown"


def arn_account(arn: str) -> str | None:
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[4]:
        return parts[4]
    return None


def arn_region(arn: str) -> str | None:
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[3]:
        return parts[3]
    return None


def _tag(tags: Mapping[str, str] | None, tag_key: str) -> ResolvedKey:
    if tags is None:
        return _UNKNOWN
    expected_key = tag_key.lower()
    for name, value in tags.items():
        if str(name).lower() == expected_key:
            return _known(str(value))
    return _ABSENT


def _time_value(moment: datetime | None) -> ResolvedKey:
    if moment is None:
        return _UNKNOWN
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _known(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


def _bool_value(flag: bool | None) -> ResolvedKey:
    if flag is None:
        return _UNKNOWN
    return _known("true" if flag else "false")


def resolve_key(
    key: str,
    context: RequestContext,
    *,
    resource: str = "*",
    resource_account: str | None = None,
) -> ResolvedKey:
    """Resolve a condition key (any case) for this request."""
    lowered = key.lower()
    for name, value in context.extra.items():
        if name.lower() == lowered:
            if isinstance(value, str):
                return _known(value)
            return _known(*value)

    kind = principal_type(context.principal_arn)
    is_service = kind == "Service"
    is_anonymous = kind == "Anonymous"

    if lowered.startswith("aws:principaltag/"):
        if is_service or is_anonymous:
            return _ABSENT
        # NOTE: session tags passed when assuming a role also set principal
        # tags. They are not in a snapshot, so only the role's own tags count.
        return _tag(context.principal_tags, key.split("/", 1)[1])
    if "/" in lowered and lowered.split("/", 1)[0].endswith(":resourcetag"):
        return _tag(context.resource_tags, key.split("/", 1)[1])

    if lowered == "aws:principalarn":
        if is_service or is_anonymous:
            return _ABSENT
        return _known(context.principal_arn)
    if lowered == "aws:principalaccount":
        if is_service or is_anonymous:
            return _ABSENT
        return _known(context.principal_account)
    if lowered == "aws:principalorgid":
        if is_service or is_anonymous:
            return _ABSENT
        return (
            _UNKNOWN
            if context.principal_org_id is None
            else _known(context.principal_org_id)
        )
    if lowered == "aws:principaltype":
        return _known(kind)
    if lowered == "aws:principalisawsservice":
        return _known("true" if is_service else "false")
    if lowered == "aws:principalservicename":
        return _known(context.principal_arn) if is_service else _ABSENT
    if lowered == "aws:username":
        if context.username is not None:
            return _known(context.username)
        if kind == "User":
            return _known(context.principal_arn.rsplit("/", 1)[-1])
        return _UNKNOWN if kind == "Unknown" else _ABSENT
    if lowered == "aws:userid":
        if context.user_id is not None:
            return _known(context.user_id)
        return _ABSENT if is_anonymous else _UNKNOWN
    if lowered == "aws:multifactorauthpresent":
        return _bool_value(context.mfa_present)
    if lowered == "aws:securetransport":
        return _bool_value(context.secure_transport)
    if lowered in ("aws:sourceaccount", "aws:sourcearn"):
        source = (
            context.source_account
            if lowered == "aws:sourceaccount"
            else context.source_arn
        )
        if source is not None:
            return _known(source)
        # Only a service acting for a resource sends these keys, so a call
        # made directly by a user, role or anonymous caller lacks them.
        return _UNKNOWN if is_service else _ABSENT
    if lowered == "aws:currenttime":
        return _time_value(context.evaluation_time)
    if lowered == "aws:epochtime":
        if context.evaluation_time is None:
            return _UNKNOWN
        moment = context.evaluation_time
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return _known(str(int(moment.timestamp())))
    if lowered == "aws:tokenissuetime":
        # Only temporary credentials carry an issue time. An attacker holding
        # a role can always start a fresh session, so the time is "now".
        if kind in ("AssumedRole", "FederatedUser"):
            return _time_value(context.evaluation_time)
        if kind in ("User", "Account"):
            return _UNKNOWN
        return _ABSENT
    if lowered == "aws:resourceaccount":
        account = resource_account or arn_account(resource)
        return _UNKNOWN if account is None else _known(account)
    if lowered == "aws:requestedregion":
        # A request on `*` goes to the region the caller picks, which
        # `evaluate` tries region by region. For an ARN without a region (an
        # S3 object, an IAM role) the region stays undecided.
        region = arn_region(resource)
        return _UNKNOWN if region is None else _known(region)
    return _UNKNOWN


@dataclass(frozen=True)
class Substitution:
    """A policy element after `${...}` variables were replaced.

    `text` is None when a variable is absent from the request and has no
    default, so the element cannot match. `unknown_keys` lists variables the
    snapshot cannot resolve, in which case `text` is None too.
    """

    text: str | None
    unknown_keys: tuple[str, ...] = ()


def variable_names(text: str) -> list[str]:
    """Return the condition keys that `${...}` variables in `text` read."""
    names: list[str] = []
    for match in _VARIABLE.finditer(text):
        body = match.group(1)
        if body in ("*", "?", "$"):
            continue
        with_default = _DEFAULT.match(body)
        names.append((with_default.group(1) if with_default else body).strip())
    return names


def _literal(text: str) -> str:
    return text.replace("*", LITERAL_STAR).replace("?", LITERAL_QUESTION)


def substitute_variables(
    text: str,
    context: RequestContext,
    *,
    resource: str = "*",
    resource_account: str | None = None,
) -> Substitution:
    """Replace policy variables such as `${aws:username}` in `text`."""
    if "${" not in text:
        return Substitution(text)
    unknown: list[str] = []
    absent = False

    def replace(match: re.Match[str]) -> str:
        nonlocal absent
        body = match.group(1)
        if body == "*":
            return LITERAL_STAR
        if body == "?":
            return LITERAL_QUESTION
        if body == "$":
            return "$"
        default: str | None = None
        with_default = _DEFAULT.match(body)
        if with_default:
            body, default = with_default.group(1), with_default.group(2)
        resolved = resolve_key(
            body.strip(), context, resource=resource, resource_account=resource_account
        )
        if resolved.state == KNOWN and resolved.values:
            return _literal(resolved.values[0])
        if resolved.state == UNKNOWN:
            unknown.append(body.strip())
            return ""
        if default is not None:
            return _literal(default)
        absent = True
        return ""

    replaced = _VARIABLE.sub(replace, text)
    if unknown:
        return Substitution(None, tuple(unknown))
    if absent:
        return Substitution(None)
    return Substitution(replaced)
