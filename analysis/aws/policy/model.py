"""Value types of the AWS policy evaluator: decisions, evidence and the request."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


class Decision(enum.Enum):
    """The outcome of AWS's policy evaluation for one request."""

    ALLOW = "allow"
    EXPLICIT_DENY = "explicit_deny"
    IMPLICIT_DENY = "implicit_deny"


@dataclass(frozen=True)
class StatementRef:
    """One statement of one policy, kept as evidence for a decision."""

    policy_id: str
    statement_index: int
    sid: str
    effect: str


@dataclass(frozen=True)
class UndecidedCondition:
    """A condition (or policy variable) the snapshot cannot decide.

    `operator` is the condition operator as written (for example
    `StringEquals` or `ForAnyValue:StringLike`), or `PolicyVariable` when an
    unknown `${...}` variable sits in a Resource or Principal element.
    """

    policy_id: str
    statement_index: int
    operator: str
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class EvaluationResult:
    """The decision for one action on one resource, with the evidence behind it.

    `conditional` is true when an ALLOW depends on a condition the snapshot
    cannot decide, or when a Deny with such a condition might still apply.
    `via_account` is true when the only resource-policy grants name the
    principal's account rather than the principal, so the principal's own
    identity policies must allow too (see `resource_policy_grants`).
    """

    decision: Decision
    conditional: bool = False
    allowed_by: tuple[StatementRef, ...] = ()
    denied_by: tuple[StatementRef, ...] = ()
    undecided: tuple[UndecidedCondition, ...] = ()
    via_account: bool = False
    # Request keys the caller picks, with the value that gives this result,
    # such as (("aws:RequestedRegion", "us-east-1"),).
    chosen_keys: tuple[tuple[str, str], ...] = ()

    @property
    def allowed(self) -> bool:
        """Return whether the decision is ALLOW, conditional or not."""
        return self.decision is Decision.ALLOW

    @property
    def certain(self) -> bool:
        """Return whether no undecided condition can change the decision."""
        return not self.conditional

    def explain(self) -> str:
        """Describe the decision and its evidence in one sentence."""
        if self.decision is Decision.EXPLICIT_DENY:
            return "denied by " + _join_refs(self.denied_by)
        if self.decision is Decision.IMPLICIT_DENY:
            return "not allowed by any applicable statement"
        text = "allowed by " + _join_refs(self.allowed_by)
        if self.via_account:
            text += " (naming the account, so identity policies must allow too)"
        for key, value in self.chosen_keys:
            text += f", with {key} set to {value}"
        if not self.conditional:
            return text
        deny_statements = {(r.policy_id, r.statement_index) for r in self.denied_by}
        required: list[str] = []
        excluded: list[str] = []
        for condition in self.undecided:
            phrase = f"{condition.operator} {condition.key} {list(condition.values)}"
            statement = (condition.policy_id, condition.statement_index)
            if statement in deny_statements:
                excluded.append(phrase)
            else:
                required.append(phrase)
        if required:
            text += ", only if " + "; ".join(required)
        if excluded:
            text += ", unless " + "; ".join(excluded)
        return text


def _describe_ref(ref: StatementRef) -> str:
    sid = f" ({ref.sid})" if ref.sid else ""
    return f"{ref.policy_id} statement {ref.statement_index}{sid}"


def _join_refs(refs: tuple[StatementRef, ...]) -> str:
    if not refs:
        return "no recorded statement"
    return ", ".join(_describe_ref(ref) for ref in refs)


@dataclass(frozen=True)
class RequestContext:
    """The facts a snapshot provides about the principal and the request.

    A field left as None is unknown, so conditions on it stay undecided
    (except `username`, which is derived from a user ARN and is absent for
    every other principal kind). `principal_tags` and `resource_tags` hold
    every tag the principal or resource has: a tag missing from the mapping
    is absent from the request, not unknown. `resource_tags=None` means the
    resource's tags were not read.

    `secure_transport` defaults to True because an attacker chooses how to
    send the request and every AWS SDK uses HTTPS. `evaluation_time` stands
    for both aws:CurrentTime and aws:TokenIssueTime (a fresh session).

    `extra` decides any other condition key (case-insensitive name), for
    example `{"aws:SourceVpc": "vpc-1"}` or `{"aws:PrincipalOrgPaths": [...]}`.
    """

    principal_arn: str
    principal_account: str
    principal_tags: Mapping[str, str] = field(default_factory=dict)
    username: str | None = None
    user_id: str | None = None
    principal_org_id: str | None = None
    mfa_present: bool | None = None
    source_account: str | None = None
    source_arn: str | None = None
    evaluation_time: datetime | None = None
    secure_transport: bool | None = True
    resource_tags: Mapping[str, str] | None = None
    extra: Mapping[str, str | list[str]] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.principal_arn, self.principal_account))
