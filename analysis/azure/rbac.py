"""Azure RBAC evaluation: may a principal perform an action on a scope?

The rules, as Azure applies them:

- An assignment at a scope is inherited by everything below it: the tenant
  root `/`, then management groups, subscription, resource group, resource
  (and child resources such as blob containers).
- A role permits a control-plane action when one of its permission entries
  matches it in `actions` and not in `notActions`. Data actions use
  `dataActions` minus `notDataActions`. `notActions` is no deny: another
  assignment can grant the action back. Matching is case-insensitive and `*`
  is a wildcard anywhere.
- Group assignments apply to the group's members, transitively, where the
  snapshot knows the membership (AzureHound imports carry it).
- Deny assignments are checked first and win over every grant.
- A principal who may write role assignments at a scope can grant itself any
  role there, so every action at that scope counts as allowed, flagged as
  self-granted.
- An assignment or permission with an ABAC condition gives a conditional
  grant: the edge is kept and marked conditional, with the condition in the
  evidence, because the snapshot cannot decide it.

NOTE: Privileged Identity Management eligible assignments, classic
co-administrators and Entra ID directory roles are not part of this evaluation;
directory roles come in through `entra.py` from AzureHound data.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from toxicpath.ingest.azure.arm import (
    ROOT_SCOPE,
    is_management_group,
    normalize_id,
    subscription_of,
)
from toxicpath.ingest.azure.estate import (
    AzureEstate,
    DenyAssignment,
    Permission,
    RoleAssignment,
    RoleDefinition,
)

logger = logging.getLogger(__name__)

ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write"
# Object id that deny assignments use for "every principal".
EVERYONE_PRINCIPAL = "00000000-0000-0000-0000-000000000000"


@functools.lru_cache(maxsize=4096)
def _pattern(expression: str) -> re.Pattern[str]:
    escaped = re.escape(expression.lower()).replace(r"\*", ".*")
    return re.compile(f"^{escaped}$")


def action_matches(pattern: str, action: str) -> bool:
    """True when an RBAC action pattern (with `*` wildcards) covers `action`."""
    return _pattern(pattern).match(action.lower()) is not None


def _any_match(patterns: Iterable[str], action: str) -> bool:
    return any(action_matches(pattern, action) for pattern in patterns)


def permission_allows(permission: Permission, action: str, *, data: bool) -> bool:
    """True when one permission entry grants `action` (actions minus notActions)."""
    if data:
        return _any_match(permission.data_actions, action) and not _any_match(
            permission.not_data_actions, action
        )
    return _any_match(permission.actions, action) and not _any_match(
        permission.not_actions, action
    )


def role_permission_for(
    role: RoleDefinition, action: str, *, data: bool
) -> Permission | None:
    """Return the first permission entry of `role` that grants `action`."""
    for permission in role.permissions:
        if permission_allows(permission, action, data=data):
            return permission
    return None


@dataclass(frozen=True)
class Grant:
    """One assignment that permits an action, and how it reaches the principal."""

    assignment: RoleAssignment
    role: RoleDefinition
    via_group: str = ""
    condition: str = ""
    self_granted: bool = False

    @property
    def conditional(self) -> bool:
        return bool(self.condition)

    def evidence(self, action: str) -> dict[str, Any]:
        item: dict[str, Any] = {
            "kind": "role_assignment",
            "assignment": self.assignment.id,
            "role": self.role.role_name,
            "role_id": self.role.guid,
            "scope": self.assignment.scope,
            "action": action,
        }
        if self.via_group:
            item["via_group"] = self.via_group
        if self.condition:
            item["condition"] = self.condition
        if self.self_granted:
            item["self_granted"] = (
                "the principal can write role assignments at this scope and "
                "grant itself any role"
            )
        return item


@dataclass(frozen=True)
class Decision:
    grants: tuple[Grant, ...] = ()
    denied_by: DenyAssignment | None = None

    @property
    def allowed(self) -> bool:
        return bool(self.grants) and self.denied_by is None

    @property
    def conditional(self) -> bool:
        """True when every grant depends on a condition the snapshot cannot decide."""
        return all(grant.conditional for grant in self.grants)

    def evidence(self, action: str) -> list[dict[str, Any]]:
        return [grant.evidence(action) for grant in self.grants]


class RbacEvaluator:
    """Answers allow/deny questions over one estate's assignments."""

    def __init__(self, estate: AzureEstate, roles: dict[str, RoleDefinition]) -> None:
        self.estate = estate
        self.roles = roles
        self._assignments_by_principal: dict[str, list[RoleAssignment]] = {}
        self._unknown_roles: set[str] = set()
        for assignment in estate.role_assignments.values():
            self._assignments_by_principal.setdefault(
                assignment.principal_id, []
            ).append(assignment)
        self._groups_of = _transitive_groups(estate.group_members)
        self._ancestor_cache: dict[str, frozenset[str]] = {}
        self._assignment_cache: dict[str, list[tuple[RoleAssignment, str]]] = {}
        self._relevant_cache: dict[str, frozenset[str]] = {}
        self._decision_cache: dict[tuple[Any, ...], Decision] = {}

    def principals(self) -> set[str]:
        """Return every principal with an assignment, directly or through a group."""
        found = set(self._assignments_by_principal)
        for member, groups in self._groups_of.items():
            if groups & found:
                found.add(member)
        return found

    def groups_of(self, principal_id: str) -> set[str]:
        return set(self._groups_of.get(principal_id, set()))

    def assignments_of(self, principal_id: str) -> list[tuple[RoleAssignment, str]]:
        """Return (assignment, group id or "") for the principal and its groups."""
        cached = self._assignment_cache.get(principal_id)
        if cached is not None:
            return cached
        found = [(a, "") for a in self._assignments_by_principal.get(principal_id, [])]
        for group in sorted(self._groups_of.get(principal_id, set())):
            found.extend(
                (a, group) for a in self._assignments_by_principal.get(group, [])
            )
        self._assignment_cache[principal_id] = found
        return found

    def role(self, guid: str) -> RoleDefinition | None:
        role = self.roles.get(guid)
        if role is None and guid not in self._unknown_roles:
            self._unknown_roles.add(guid)
            logger.warning(
                "role definition %s is neither in the snapshot nor in the built-in "
                "catalog; its assignments are not evaluated",
                guid,
            )
        return role

    def ancestors(self, target: str) -> frozenset[str]:
        """Return every scope whose assignments `target` inherits."""
        cached = self._ancestor_cache.get(target)
        if cached is None:
            cached = _ancestors(self.estate, normalize_id(target))
            self._ancestor_cache[target] = cached
        return cached

    def covers(self, scope: str, target: str) -> bool:
        return normalize_id(scope) in self.ancestors(target)

    def decide(
        self,
        principal_id: str,
        action: str,
        target: str,
        *,
        data: bool = False,
        allow_self_grant: bool = True,
    ) -> Decision:
        """Decide whether `principal_id` may perform `action` on `target`."""
        scopes = self.ancestors(target)
        key = (
            principal_id,
            action.lower(),
            data,
            allow_self_grant,
            self.target_key(principal_id, target),
        )
        cached = self._decision_cache.get(key)
        if cached is None:
            cached = self._decide(
                principal_id, action, target, scopes, data, allow_self_grant
            )
            self._decision_cache[key] = cached
        return cached

    def target_key(self, principal_id: str, target: str) -> tuple[Any, ...]:
        """Return what a decision for `principal_id` on `target` depends on.

        Only the principal's assignment scopes and the deny scopes that cover
        the target matter (and whether a deny sits on the target itself), so
        targets with the same key get the same decisions.
        """
        relevant = self._relevant_scopes(principal_id)
        normalized = normalize_id(target)
        return (
            self.ancestors(target) & relevant,
            normalized if normalized in relevant else "",
        )

    def _relevant_scopes(self, principal_id: str) -> frozenset[str]:
        cached = self._relevant_cache.get(principal_id)
        if cached is None:
            cached = frozenset(
                {a.scope for a, _ in self.assignments_of(principal_id)}
                | {d.scope for d in self.estate.deny_assignments.values()}
            )
            self._relevant_cache[principal_id] = cached
        return cached

    def _decide(
        self,
        principal_id: str,
        action: str,
        target: str,
        scopes: frozenset[str],
        data: bool,
        allow_self_grant: bool,
    ) -> Decision:
        grants = self._grants(principal_id, action, scopes, data=data)
        if not grants and allow_self_grant:
            grants = self._self_grants(principal_id, target)
        if not grants:
            return Decision()
        deny = self._deny_for(principal_id, action, target, scopes, data=data)
        return Decision(grants=tuple(grants), denied_by=deny)

    def _grants(
        self, principal_id: str, action: str, scopes: frozenset[str], *, data: bool
    ) -> list[Grant]:
        grants = []
        for assignment, group in self.assignments_of(principal_id):
            if assignment.scope not in scopes:
                continue
            role = self.role(assignment.role_guid)
            if role is None:
                continue
            permission = role_permission_for(role, action, data=data)
            if permission is None:
                continue
            condition = assignment.condition or permission.condition
            grants.append(
                Grant(
                    assignment=assignment,
                    role=role,
                    via_group=group,
                    condition=condition,
                )
            )
        return grants

    def _self_grants(self, principal_id: str, target: str) -> list[Grant]:
        writers = self.decide(
            principal_id, ROLE_ASSIGNMENT_WRITE, target, allow_self_grant=False
        )
        if not writers.allowed:
            return []
        return [
            Grant(
                assignment=grant.assignment,
                role=grant.role,
                via_group=grant.via_group,
                condition=grant.condition,
                self_granted=True,
            )
            for grant in writers.grants
        ]

    def _deny_for(
        self,
        principal_id: str,
        action: str,
        target: str,
        scopes: frozenset[str],
        *,
        data: bool,
    ) -> DenyAssignment | None:
        identities = {principal_id, *self._groups_of.get(principal_id, set())}
        target = normalize_id(target)
        for deny in self.estate.deny_assignments.values():
            if deny.scope not in scopes:
                continue
            if deny.do_not_apply_to_child_scopes and deny.scope != target:
                continue
            applies = EVERYONE_PRINCIPAL in deny.principals or bool(
                identities & set(deny.principals)
            )
            if not applies or identities & set(deny.exclude_principals):
                continue
            if any(permission_allows(p, action, data=data) for p in deny.permissions):
                return deny
        return None


def _transitive_groups(group_members: dict[str, set[str]]) -> dict[str, set[str]]:
    """Map each member to every group it belongs to, directly or nested."""
    direct: dict[str, set[str]] = {}
    for group, members in group_members.items():
        for member in members:
            direct.setdefault(member, set()).add(group)
    result: dict[str, set[str]] = {}
    for member in direct:
        seen: set[str] = set()
        stack = list(direct[member])
        while stack:
            group = stack.pop()
            if group in seen:
                continue
            seen.add(group)
            stack.extend(direct.get(group, set()))
        result[member] = seen
    return result


def _ancestors(estate: AzureEstate, target: str) -> frozenset[str]:
    scopes = {ROOT_SCOPE}
    if is_management_group(target):
        current = target
        while current and current not in scopes:
            scopes.add(current)
            group = estate.management_groups.get(current)
            current = group.parent_id if group else ""
        return frozenset(scopes)
    parts = target.split("/")
    for end in range(2, len(parts) + 1):
        scopes.add("/".join(parts[:end]))
    subscription_id = subscription_of(target)
    if subscription_id:
        scopes.update(estate.management_group_chain(subscription_id))
    return frozenset(scopes)
