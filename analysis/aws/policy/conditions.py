"""Condition operators, evaluated in three-valued logic (true, false, unknown).

Semantics follow the IAM User Guide pages on condition operators and on
multi-valued keys:

- operators, keys within an operator, are combined with AND; the values of
  one key with OR, and with NOR for a negated operator (`StringNotEquals`);
- a key absent from the request makes a positive operator false and a
  negated operator true, except that `...IfExists` is true and `Null`
  tests presence;
- `ForAllValues:` is true when every request value matches (and when the
  key is absent); `ForAnyValue:` when at least one does.

A key the snapshot cannot resolve makes the condition unknown, and the
statement keeps it as an UndecidedCondition.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from toxicpath.analysis.aws.policy.context_keys import (
    ABSENT,
    KNOWN,
    UNKNOWN,
    ResolvedKey,
    resolve_key,
    substitute_variables,
)
from toxicpath.analysis.aws.policy.model import RequestContext, UndecidedCondition
from toxicpath.analysis.aws.policy.patterns import (
    arn_like,
    glob_match,
    unescape_literals,
)

logger = logging.getLogger(__name__)

Matcher = Callable[[str, str], bool]


def _string_equals(expected: str, actual: str) -> bool:
    return unescape_literals(expected) == actual


def _string_equals_ignore_case(expected: str, actual: str) -> bool:
    return unescape_literals(expected).lower() == actual.lower()


def _string_like(expected: str, actual: str) -> bool:
    return glob_match(expected, actual)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric(compare: Callable[[float, float], bool]) -> Matcher:
    def match(expected: str, actual: str) -> bool:
        left, right = _number(actual), _number(expected)
        if left is None or right is None:
            return False
        return compare(left, right)

    return match


def parse_date(text: str) -> datetime | None:
    """Parse an ISO 8601 date or an epoch-seconds number, as IAM accepts."""
    number = _number(text)
    if number is not None:
        return datetime.fromtimestamp(number, tz=UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _date(compare: Callable[[datetime, datetime], bool]) -> Matcher:
    def match(expected: str, actual: str) -> bool:
        left, right = parse_date(actual), parse_date(expected)
        if left is None or right is None:
            return False
        return compare(left, right)

    return match


def _bool(expected: str, actual: str) -> bool:
    return expected.lower() == actual.lower()


def _ip_address(expected: str, actual: str) -> bool:
    try:
        network = ipaddress.ip_network(expected, strict=False)
        address = ipaddress.ip_address(actual)
    except ValueError:
        return False
    return address in network


def _arn(expected: str, actual: str) -> bool:
    return arn_like(expected, actual)


# Base operator name (lower case) -> (matcher, negated, accepts variables).
_OPERATORS: dict[str, tuple[Matcher, bool, bool]] = {
    "stringequals": (_string_equals, False, True),
    "stringnotequals": (_string_equals, True, True),
    "stringequalsignorecase": (_string_equals_ignore_case, False, True),
    "stringnotequalsignorecase": (_string_equals_ignore_case, True, True),
    "stringlike": (_string_like, False, True),
    "stringnotlike": (_string_like, True, True),
    "numericequals": (_numeric(lambda a, b: a == b), False, False),
    "numericnotequals": (_numeric(lambda a, b: a == b), True, False),
    "numericlessthan": (_numeric(lambda a, b: a < b), False, False),
    "numericlessthanequals": (_numeric(lambda a, b: a <= b), False, False),
    "numericgreaterthan": (_numeric(lambda a, b: a > b), False, False),
    "numericgreaterthanequals": (_numeric(lambda a, b: a >= b), False, False),
    "dateequals": (_date(lambda a, b: a == b), False, False),
    "datenotequals": (_date(lambda a, b: a == b), True, False),
    "datelessthan": (_date(lambda a, b: a < b), False, False),
    "datelessthanequals": (_date(lambda a, b: a <= b), False, False),
    "dategreaterthan": (_date(lambda a, b: a > b), False, False),
    "dategreaterthanequals": (_date(lambda a, b: a >= b), False, False),
    "bool": (_bool, False, True),
    "binaryequals": (_string_equals, False, False),
    "ipaddress": (_ip_address, False, False),
    "notipaddress": (_ip_address, True, False),
    "arnequals": (_arn, False, True),
    "arnlike": (_arn, False, True),
    "arnnotequals": (_arn, True, True),
    "arnnotlike": (_arn, True, True),
}


@dataclass(frozen=True)
class CompiledCondition:
    """One (operator, key) pair of a Condition block with its policy values."""

    operator: str
    base: str
    set_operator: str  # "", "forallvalues" or "foranyvalue"
    if_exists: bool
    key: str
    values: tuple[str, ...]

    @property
    def supported(self) -> bool:
        return self.base == "null" or self.base in _OPERATORS


def _as_strings(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, list):
        return tuple(_scalar(item) for item in raw)
    return (_scalar(raw),)


def _scalar(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def compile_conditions(
    block: Mapping[str, Any] | None, *, where: str
) -> tuple[CompiledCondition, ...]:
    """Compile a statement's Condition element.

    Raises ValueError naming `where` when the element is not an object of
    objects, which AWS would have rejected too.
    """
    if not block:
        return ()
    if not isinstance(block, Mapping):
        raise ValueError(
            f"{where}: Condition must be an object of operators, got {block!r}"
        )
    compiled: list[CompiledCondition] = []
    for operator, pairs in block.items():
        if not isinstance(pairs, Mapping):
            raise ValueError(
                f"{where}: Condition operator {operator!r} must map keys to values,"
                f" got {pairs!r}"
            )
        name = str(operator)
        set_operator = ""
        base = name
        if ":" in name:
            prefix, _, base = name.partition(":")
            set_operator = prefix.lower()
        base_lower = base.lower()
        if_exists = base_lower.endswith("ifexists")
        if if_exists:
            base_lower = base_lower[: -len("ifexists")]
        for key, raw_values in pairs.items():
            condition = CompiledCondition(
                operator=name,
                base=base_lower,
                set_operator=set_operator,
                if_exists=if_exists,
                key=str(key),
                values=_as_strings(raw_values),
            )
            if not condition.supported or set_operator not in (
                "",
                "forallvalues",
                "foranyvalue",
            ):
                logger.warning(
                    "%s: condition operator %s is not supported, so it stays undecided",
                    where,
                    name,
                )
            compiled.append(condition)
    return tuple(compiled)


def _evaluate_null(condition: CompiledCondition, resolved: ResolvedKey) -> bool | None:
    if resolved.state == UNKNOWN:
        return None
    wants_absent = any(value.lower() == "true" for value in condition.values)
    is_absent = resolved.state == ABSENT or not resolved.values
    return wants_absent == is_absent


def _policy_values(
    condition: CompiledCondition,
    context: RequestContext,
    resource: str,
    resource_account: str | None,
    accepts_variables: bool,
) -> tuple[list[str], bool]:
    """Return the substituted policy values and whether any stayed unknown."""
    if not accepts_variables:
        return list(condition.values), False
    values: list[str] = []
    unknown = False
    for raw in condition.values:
        substituted = substitute_variables(
            raw, context, resource=resource, resource_account=resource_account
        )
        if substituted.text is not None:
            values.append(substituted.text)
        elif substituted.unknown_keys:
            unknown = True
    return values, unknown


def evaluate_condition(
    condition: CompiledCondition,
    context: RequestContext,
    *,
    resource: str,
    resource_account: str | None,
) -> bool | None:
    """Evaluate one condition: True, False, or None when undecidable."""
    if not condition.supported:
        return None
    resolved = resolve_key(
        condition.key, context, resource=resource, resource_account=resource_account
    )
    if condition.base == "null":
        return _evaluate_null(condition, resolved)
    if resolved.state == UNKNOWN:
        return None
    matcher, negated, accepts_variables = _OPERATORS[condition.base]

    if resolved.state == ABSENT:
        if condition.if_exists:
            return True
        if condition.set_operator == "forallvalues":
            return True
        if condition.set_operator == "foranyvalue":
            return False
        return negated

    assert resolved.state == KNOWN
    policy_values, some_unknown = _policy_values(
        condition, context, resource, resource_account, accepts_variables
    )

    def value_matches(actual: str) -> bool | None:
        if any(matcher(expected, actual) for expected in policy_values):
            return not negated
        if some_unknown:
            return None
        return negated

    outcomes = [value_matches(actual) for actual in resolved.values]
    if condition.set_operator == "forallvalues":
        return _all(outcomes)
    if condition.set_operator == "foranyvalue":
        return _any(outcomes)
    if negated:
        # NOR over the policy values, for every request value.
        return _all(outcomes)
    return _any(outcomes)


def _all(outcomes: list[bool | None]) -> bool | None:
    if any(outcome is False for outcome in outcomes):
        return False
    if any(outcome is None for outcome in outcomes):
        return None
    return True


def _any(outcomes: list[bool | None]) -> bool | None:
    if any(outcome is True for outcome in outcomes):
        return True
    if any(outcome is None for outcome in outcomes):
        return None
    return False


def evaluate_conditions(
    conditions: tuple[CompiledCondition, ...],
    context: RequestContext,
    *,
    policy_id: str,
    statement_index: int,
    resource: str,
    resource_account: str | None,
) -> tuple[bool, tuple[UndecidedCondition, ...]]:
    """Evaluate a Condition element.

    Returns (False, ()) when some condition is false, because then the
    statement does not apply. Otherwise returns (True, undecided), where
    `undecided` lists the conditions the statement still depends on.
    """
    undecided: list[UndecidedCondition] = []
    for condition in conditions:
        outcome = evaluate_condition(
            condition, context, resource=resource, resource_account=resource_account
        )
        if outcome is False:
            return False, ()
        if outcome is None:
            undecided.append(
                UndecidedCondition(
                    policy_id=policy_id,
                    statement_index=statement_index,
                    operator=condition.operator,
                    key=condition.key,
                    values=condition.values,
                )
            )
    return True, tuple(undecided)
