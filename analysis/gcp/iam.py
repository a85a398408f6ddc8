"""Decide whether an IAM member has a permission on a GCP resource.

Evaluation follows Google's order for one request: deny policies first, then
allow policies. (Principal access boundaries are not collected; see
`docs/gcp.md`.)

- Allow: the union of the bindings on the resource and on each ancestor
  (project, folders, organization). A binding counts for the member only when
  it names that member exactly: groups have no membership data in Cloud Asset
  Inventory, so group grants stay on the group's node; `allUsers` and
  `allAuthenticatedUsers` are members of their own.
- Deny: a rule attached to the resource or an ancestor applies when a denied
  principal matches the member (`principalSet://goog/public:all` matches
  everyone) and no exception principal does, and the permission matches a
  denied permission but no exception permission.
- Conditions: a binding with a condition gives a conditional grant, and a
  deny rule with a `denialCondition` leaves the grant in place but marks it
  conditional, because the snapshot cannot decide either condition.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.gcp.roles import RoleCatalog
from toxicpath.ingest.gcp.estate import Binding, DenyRule, GcpEstate

PUBLIC_PRINCIPAL_SET = "principalSet://goog/public:all"


@dataclass(frozen=True)
class Grant:
    binding: Binding

    @property
    def conditional(self) -> bool:
        return self.binding.condition is not None

    def evidence(self, member: str, permission: str) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "kind": "iam_binding",
            "resource": self.binding.resource,
            "role": self.binding.role,
            "member": member,
            "permission": permission,
        }
        if self.binding.condition:
            entry["condition"] = self.binding.condition
        return entry


@dataclass
class Decision:
    permission: str = ""
    grants: list[Grant] = field(default_factory=list)
    conditional_denies: list[DenyRule] = field(default_factory=list)
    denied_by: DenyRule | None = None

    @property
    def allowed(self) -> bool:
        return bool(self.grants) and self.denied_by is None

    @property
    def conditional(self) -> bool:
        if not self.allowed:
            return False
        return bool(self.conditional_denies) or all(g.conditional for g in self.grants)

    def evidence(self, member: str) -> list[dict[str, Any]]:
        items = [grant.evidence(member, self.permission) for grant in self.grants]
        for rule in self.conditional_denies:
            items.append(
                {
                    "kind": "deny_rule",
                    "policy": rule.policy,
                    "attachment": rule.attachment,
                    "condition": rule.condition,
                    "note": "a conditional deny rule may block this permission",
                }
            )
        return items


def deny_principal_forms(member: str) -> set[str]:
    """Return the IAM v2 principal identifiers that denote `member`."""
    kind, _, value = member.partition(":")
    forms = {PUBLIC_PRINCIPAL_SET}
    if kind == "user":
        forms.add(f"principal://goog/subject/{value.lower()}")
    elif kind == "serviceAccount":
        forms.add(
            f"principal://iam.googleapis.com/projects/-/serviceAccounts/{value.lower()}"
        )
    elif kind == "group":
        forms.add(f"principalSet://goog/group/{value.lower()}")
    elif kind in ("principal", "principalSet"):
        forms.add(member)
    return forms


def deny_permission_pattern(permission: str) -> str:
    """Return `iam.serviceAccounts.getAccessToken` for `iam.googleapis.com/...`."""
    if "/" not in permission:
        return permission
    host, _, rest = permission.partition("/")
    service = host.split(".", 1)[0]
    return f"{service}.{rest}"


class IamEvaluator:
    """Effective permissions of IAM members on the estate's resources."""

    def __init__(self, estate: GcpEstate, roles: RoleCatalog) -> None:
        self.estate = estate
        self.roles = roles
        self._by_member: dict[str, list[Binding]] = {}
        for binding in estate.bindings:
            for member in binding.members:
                self._by_member.setdefault(member, []).append(binding)
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._scopes: dict[str, frozenset[str]] = {}
        self._members_at: dict[str, set[str]] = {}
        for binding in estate.bindings:
            self._members_at.setdefault(binding.resource, set()).update(binding.members)
        self._deny_by_attachment: dict[str, list[DenyRule]] = {}
        for rule in estate.deny_rules:
            self._deny_by_attachment.setdefault(rule.attachment, []).append(rule)

    def members(self) -> list[str]:
        """Return every member named in a binding, except deleted principals."""
        return sorted(m for m in self._by_member if not m.startswith("deleted:"))

    def bindings_of(self, member: str) -> list[Binding]:
        return self._by_member.get(member, [])

    def ancestors(self, resource: str) -> tuple[str, ...]:
        cached = self._ancestors.get(resource)
        if cached is None:
            cached = tuple(self.estate.ancestors(resource))
            self._ancestors[resource] = cached
        return cached

    def decide(self, member: str, permission: str, resource: str) -> Decision:
        """Decide one permission for one member on one resource."""
        scopes = self.scopes(resource)
        decision = Decision(permission=permission)
        for binding in self._by_member.get(member, ()):
            if binding.resource not in scopes:
                continue
            if permission in self.roles.permissions(binding.role):
                decision.grants.append(Grant(binding))
        if not decision.grants:
            return decision
        for rule in self._deny_rules(scopes):
            if not _deny_applies(rule, member, permission):
                continue
            if rule.condition:
                decision.conditional_denies.append(rule)
            else:
                decision.denied_by = rule
                break
        return decision

    def may_have(self, member: str, permissions: Iterable[str], resource: str) -> bool:
        """True when an allow binding could grant one of `permissions`.

        A cheap filter before `decide`: it ignores deny policies and
        conditions, so False is final and True still needs a decision.
        """
        scopes = self.scopes(resource)
        wanted = tuple(permissions)
        for binding in self._by_member.get(member, ()):
            if binding.resource in scopes:
                granted = self.roles.permissions(binding.role)
                if any(permission in granted for permission in wanted):
                    return True
        return False

    def members_on(self, resource: str) -> list[str]:
        """Return the members with a binding on `resource` or an ancestor."""
        scopes = self.scopes(resource)
        found: set[str] = set()
        for scope in scopes:
            found.update(self._members_at.get(scope, ()))
        return sorted(m for m in found if not m.startswith("deleted:"))

    def scopes(self, resource: str) -> frozenset[str]:
        """Return `resource` and its ancestors' full names as a set."""
        scopes = self._scopes.get(resource)
        if scopes is None:
            scopes = frozenset(self.ancestors(resource))
            self._scopes[resource] = scopes
        return scopes

    def decide_any(
        self, member: str, permissions: Iterable[str], resource: str
    ) -> Decision:
        """Return an allowed decision among `permissions`, unconditional first."""
        best = Decision()
        for permission in permissions:
            decision = self.decide(member, permission, resource)
            if decision.allowed and not decision.conditional:
                return decision
            if decision.allowed and not best.allowed:
                best = decision
        return best

    def denial(self, member: str, permission: str, resource: str) -> DenyRule | None:
        """Return the unconditional deny rule that blocks `permission`, if any."""
        return self.decide(member, permission, resource).denied_by

    def _deny_rules(self, scopes: frozenset[str]) -> list[DenyRule]:
        rules: list[DenyRule] = []
        for scope in scopes:
            rules.extend(self._deny_by_attachment.get(scope, []))
        return rules


def _deny_applies(rule: DenyRule, member: str, permission: str) -> bool:
    forms = {form.lower() for form in deny_principal_forms(member)}
    if not any(p.lower() in forms for p in rule.denied_principals):
        return False
    if any(p.lower() in forms for p in rule.exception_principals):
        return False
    if not any(_permission_matches(permission, p) for p in rule.denied_permissions):
        return False
    return not any(
        _permission_matches(permission, p) for p in rule.exception_permissions
    )


def _permission_matches(permission: str, pattern: str) -> bool:
    # A few permissions keep the host form (`iam.googleapis.com/...`) in v1 too.
    return fnmatch.fnmatchcase(permission, pattern) or fnmatch.fnmatchcase(
        permission, deny_permission_pattern(pattern)
    )
