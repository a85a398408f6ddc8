"""Compile policy documents once so that evaluating them is cheap."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from toxicpath.analysis.aws.policy.conditions import (
    CompiledCondition,
    compile_conditions,
    evaluate_conditions,
)
from toxicpath.analysis.aws.policy.context_keys import (
    substitute_variables,
    variable_names,
)
from toxicpath.analysis.aws.policy.model import (
    RequestContext,
    StatementRef,
    UndecidedCondition,
)
from toxicpath.analysis.aws.policy.patterns import ActionMatcher, resource_matches
from toxicpath.analysis.aws.policy.principals import (
    CompiledPrincipal,
    compile_principal,
)

logger = logging.getLogger(__name__)

# Policy variables are substituted only in documents of this version; older
# documents treat `${...}` as literal text.
VARIABLES_VERSION = "2012-10-17"


@dataclass(frozen=True)
class CompiledStatement:
    """One statement, with its Action, Resource and Condition compiled."""

    ref: StatementRef
    actions: ActionMatcher
    not_action: bool
    resources: tuple[str, ...] | None  # None when the element is missing
    not_resource: bool
    principal: CompiledPrincipal | None
    conditions: tuple[CompiledCondition, ...]
    substitute: bool
    resources_have_variables: bool

    @property
    def is_allow(self) -> bool:
        return self.ref.effect == "Allow"

    @property
    def condition_values(self) -> tuple[str, ...]:
        return tuple(value for c in self.conditions for value in c.values)

    def matches_action(self, action: str) -> bool:
        """Return whether the statement covers `action` (lower-case)."""
        return self.actions.matches(action) != self.not_action

    def applies_to(
        self,
        *,
        resource: str,
        context: RequestContext,
        resource_account: str | None,
    ) -> tuple[bool, tuple[UndecidedCondition, ...]]:
        """Test Resource and Condition for one request.

        Returns (False, ()) when the statement cannot apply, else (True,
        undecided conditions it still depends on).
        """
        undecided: list[UndecidedCondition] = []
        if self.resources is not None:
            matched, unknown = self._match_resources(
                resource, context, resource_account
            )
            if self.not_resource:
                if matched:
                    return False, ()
            elif not matched and not unknown:
                return False, ()
            if unknown and not (matched and not self.not_resource):
                undecided.extend(unknown)
        if self.conditions:
            conditions_hold, from_conditions = evaluate_conditions(
                self.conditions,
                context,
                policy_id=self.ref.policy_id,
                statement_index=self.ref.statement_index,
                resource=resource,
                resource_account=resource_account,
            )
            if not conditions_hold:
                return False, ()
            undecided.extend(from_conditions)
        return True, tuple(undecided)

    def _match_resources(
        self, resource: str, context: RequestContext, resource_account: str | None
    ) -> tuple[bool, list[UndecidedCondition]]:
        assert self.resources is not None
        unknown: list[UndecidedCondition] = []
        for pattern in self.resources:
            text: str | None = pattern
            if self.substitute and "${" in pattern:
                substituted = substitute_variables(
                    pattern,
                    context,
                    resource=resource,
                    resource_account=resource_account,
                )
                text = substituted.text
                if substituted.unknown_keys:
                    unknown.extend(
                        UndecidedCondition(
                            policy_id=self.ref.policy_id,
                            statement_index=self.ref.statement_index,
                            operator="PolicyVariable",
                            key=key,
                            values=(pattern,),
                        )
                        for key in substituted.unknown_keys
                    )
            if text is not None and resource_matches(text, resource):
                return True, []
        return False, unknown


@dataclass(frozen=True)
class CompiledPolicy:
    """A policy document compiled for evaluation, built with `compile`."""

    policy_id: str
    statements: tuple[CompiledStatement, ...]

    @classmethod
    def compile(cls, document: Mapping[str, Any], *, policy_id: str) -> CompiledPolicy:
        """Compile `document`, reusing an earlier result for an equal document.

        Raises ValueError naming the policy, the statement and the field when
        the document is not a valid IAM policy.
        """
        if not isinstance(document, Mapping):
            raise ValueError(
                f"policy {policy_id}: document must be a JSON object with a"
                f" Statement element, got {type(document).__name__}"
            )
        try:
            canonical = json.dumps(document, sort_keys=True, default=str)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"policy {policy_id}: document is not JSON-serialisable ({error})"
            ) from error
        return _compile_cached(canonical, policy_id)

    def __len__(self) -> int:
        return len(self.statements)

    @cached_property
    def context_keys(self) -> frozenset[str]:
        """Lower-case condition keys and policy variables the policy reads."""
        keys: set[str] = set()
        for statement in self.statements:
            keys.update(condition.key.lower() for condition in statement.conditions)
            texts = [*(statement.resources or ()), *statement.condition_values]
            for text in texts:
                keys.update(name.lower() for name in variable_names(text))
        return frozenset(keys)

    @property
    def depends_on_principal(self) -> bool:
        """Return whether two principals with this same policy may get different
        decisions: the policy names principals or reads a key about the caller.

        Caches keyed on a principal's set of policies must include the
        principal's ARN when any policy in the set, SCPs and resource
        policies included, depends on the principal.
        """
        if any(statement.principal is not None for statement in self.statements):
            return True
        return self.reads_principal_keys

    @cached_property
    def reads_principal_keys(self) -> bool:
        """Return whether a condition or policy variable reads a key whose
        value differs between principals (`aws:PrincipalTag/...`,
        `aws:username` and the like)."""
        return any(is_principal_key(key) for key in self.context_keys)


# Condition keys whose value differs between two principals that have the
# same policies.
_PRINCIPAL_KEY_PREFIXES = (
    "aws:principal",
    "aws:username",
    "aws:userid",
    "aws:tokenissuetime",
    "aws:multifactorauth",
    "aws:sourceidentity",
    "aws:federatedprovider",
)


def is_principal_key(key: str) -> bool:
    """Return whether a lower-case condition key reads the calling principal."""
    return key.startswith(_PRINCIPAL_KEY_PREFIXES)


@lru_cache(maxsize=131072)
def _compile_cached(canonical: str, policy_id: str) -> CompiledPolicy:
    document = json.loads(canonical)
    return CompiledPolicy(
        policy_id=policy_id,
        statements=tuple(_compile_statements(document, policy_id)),
    )


def _as_list(raw: Any, *, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return tuple(raw)
    raise ValueError(f"{where}: expected a string or a list of strings, got {raw!r}")


def _compile_statements(
    document: Mapping[str, Any], policy_id: str
) -> list[CompiledStatement]:
    raw_statements = document.get("Statement")
    if raw_statements is None:
        raise ValueError(
            f"policy {policy_id}: missing Statement element; add"
            ' "Statement": [...] to the document'
        )
    if isinstance(raw_statements, Mapping):
        raw_statements = [raw_statements]
    if not isinstance(raw_statements, list):
        raise ValueError(
            f"policy {policy_id}: Statement must be an object or a list of objects,"
            f" got {type(raw_statements).__name__}"
        )
    substitute = str(document.get("Version", "")) == VARIABLES_VERSION
    return [
        _compile_statement(raw, index, policy_id, substitute=substitute)
        for index, raw in enumerate(raw_statements)
    ]


@lru_cache(maxsize=65536)
def _action_matcher(patterns: tuple[str, ...]) -> ActionMatcher:
    return ActionMatcher.compile(patterns)


def _compile_statement(
    raw: Any, index: int, policy_id: str, *, substitute: bool
) -> CompiledStatement:
    where = f"policy {policy_id} statement {index}"
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: statement must be an object, got {raw!r}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise ValueError(f'{where}: Effect must be "Allow" or "Deny", got {effect!r}')

    if ("Action" in raw) == ("NotAction" in raw):
        raise ValueError(f"{where}: needs exactly one of Action or NotAction")
    not_action = "NotAction" in raw
    action_field = "NotAction" if not_action else "Action"
    actions = _as_list(raw[action_field], where=f"{where}.{action_field}")

    resources: tuple[str, ...] | None = None
    not_resource = "NotResource" in raw
    if "Resource" in raw and not_resource:
        raise ValueError(f"{where}: has both Resource and NotResource; keep one")
    if "Resource" in raw or not_resource:
        field_name = "NotResource" if not_resource else "Resource"
        resources = _as_list(raw[field_name], where=f"{where}.{field_name}")

    principal: CompiledPrincipal | None = None
    if "Principal" in raw and "NotPrincipal" in raw:
        raise ValueError(f"{where}: has both Principal and NotPrincipal; keep one")
    if "Principal" in raw:
        principal = compile_principal(
            raw["Principal"], negated=False, where=f"{where}.Principal"
        )
    elif "NotPrincipal" in raw:
        principal = compile_principal(
            raw["NotPrincipal"], negated=True, where=f"{where}.NotPrincipal"
        )

    sid = raw.get("Sid", "")
    return CompiledStatement(
        ref=StatementRef(
            policy_id=policy_id,
            statement_index=index,
            sid=sid if isinstance(sid, str) else str(sid),
            effect=effect,
        ),
        actions=_action_matcher(actions),
        not_action=not_action,
        resources=resources,
        not_resource=not_resource,
        principal=principal,
        conditions=compile_conditions(raw.get("Condition"), where=where),
        substitute=substitute,
        resources_have_variables=any("${" in r for r in resources or ()),
    )
