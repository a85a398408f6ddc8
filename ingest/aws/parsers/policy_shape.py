"""Check that a policy document has the structure IAM's policy grammar requires.

The parser rejects a malformed document with an InputError, so a bad
Principal, Action or Condition element stops the scan with the file and field
named. Skipping it later would drop its grants and denies without a word.
The rules are the structural ones of the IAM JSON policy grammar: a Statement
object or list of objects, Effect Allow or Deny, exactly one of Action and
NotAction, at most one of Resource and NotResource and of Principal and
NotPrincipal, string-or-list values, and a Condition object of objects.
Element values (ARN syntax, action names) are not checked here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_PRINCIPAL_TYPES = frozenset({"aws", "service", "federated", "canonicaluser"})


@dataclass(frozen=True)
class PolicyShapeProblem:
    """The first malformed element of a policy document."""

    field: str  # path inside the document, such as Statement[0].Principal
    problem: str


def policy_shape_problem(document: Mapping[str, Any]) -> PolicyShapeProblem | None:
    """Return the first element of `document` that breaks the policy grammar."""
    statements = document.get("Statement")
    if statements is None:
        return PolicyShapeProblem("Statement", "is missing")
    if isinstance(statements, Mapping):
        return _statement_problem(statements, "Statement")
    if not isinstance(statements, list):
        return PolicyShapeProblem(
            "Statement",
            f"is a {type(statements).__name__}, expected an object or a list of"
            " objects",
        )
    for index, statement in enumerate(statements):
        problem = _statement_problem(statement, f"Statement[{index}]")
        if problem is not None:
            return problem
    return None


def _statement_problem(statement: Any, where: str) -> PolicyShapeProblem | None:
    if not isinstance(statement, Mapping):
        return PolicyShapeProblem(
            where, f"is a {type(statement).__name__}, expected an object"
        )
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        return PolicyShapeProblem(
            f"{where}.Effect", f'is {effect!r}, expected "Allow" or "Deny"'
        )
    if ("Action" in statement) == ("NotAction" in statement):
        return PolicyShapeProblem(
            where, "needs exactly one of the Action and NotAction elements"
        )
    for first, second in (("Resource", "NotResource"), ("Principal", "NotPrincipal")):
        if first in statement and second in statement:
            return PolicyShapeProblem(
                where, f"has both {first} and {second}, but only one is allowed"
            )
    for name in ("Action", "NotAction", "Resource", "NotResource"):
        if name in statement and not _is_strings(statement[name]):
            return _not_strings(f"{where}.{name}", statement[name])
    for name in ("Principal", "NotPrincipal"):
        if name in statement:
            problem = _principal_problem(statement[name], f"{where}.{name}")
            if problem is not None:
                return problem
    return _condition_problem(statement.get("Condition"), f"{where}.Condition")


def _principal_problem(principal: Any, where: str) -> PolicyShapeProblem | None:
    if principal == "*":
        return None
    if not isinstance(principal, Mapping):
        return PolicyShapeProblem(
            where,
            f'is {principal!r}, expected "*" or an object such as'
            ' {"AWS": "arn:aws:iam::123456789012:root"}',
        )
    for name, values in principal.items():
        if str(name).lower() not in _PRINCIPAL_TYPES:
            return PolicyShapeProblem(
                f"{where}.{name}",
                "is not a principal type, expected AWS, Service, Federated or"
                " CanonicalUser",
            )
        if not _is_strings(values):
            return _not_strings(f"{where}.{name}", values)
    return None


def _condition_problem(condition: Any, where: str) -> PolicyShapeProblem | None:
    if not condition:
        return None
    if not isinstance(condition, Mapping):
        return PolicyShapeProblem(
            where, f"is a {type(condition).__name__}, expected an object of operators"
        )
    for operator, pairs in condition.items():
        if not isinstance(pairs, Mapping):
            return PolicyShapeProblem(
                f"{where}.{operator}",
                f"is a {type(pairs).__name__}, expected an object of condition keys",
            )
    return None


def _is_strings(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _not_strings(where: str, value: Any) -> PolicyShapeProblem:
    return PolicyShapeProblem(
        where, f"is {value!r}, expected a string or a list of strings"
    )
