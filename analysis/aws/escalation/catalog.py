"""The technique registry: what each escalation checker finds and needs.

A checker is a pure function of the estate view and one principal's view;
it yields an `Escalation` per identity whose rights the principal can gain.
Targets follow one rule: self-escalation points at the account's
`account_admin`; techniques that run code as a role (passed or already
attached to a resource) point at that role; techniques that take over
another principal point at that principal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.aws.escalation.context import EstateView, PrincipalView

PATHFINDING = "https://pathfinding.cloud/paths/"
RHINO = "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"
IAM_VULNERABLE = "https://github.com/BishopFox/iam-vulnerable"

# Target kinds.
ACCOUNT_ADMIN = "account_admin"
PASSED_ROLE = "passed_role"
VICTIM_USER = "user"
VICTIM_ROLE = "role"
VICTIM_GROUP = "group"
RESOURCE_ROLE = "resource_role"


@dataclass(frozen=True)
class Escalation:
    """One finding: the principal can gain `target`'s rights.

    `reason` is the sentence without its subject ("can pass role ..."), so
    one finding can serve every principal with the same policies.
    """

    target: str
    steps: tuple[dict[str, Any], ...]
    conditional: bool
    reason: str
    victim: str = ""
    notes: tuple[str, ...] = ()


Checker = Callable[[EstateView, PrincipalView], Iterable[Escalation]]


@dataclass(frozen=True)
class Technique:
    """A registered escalation technique."""

    id: str
    title: str
    required_actions: tuple[str, ...]
    target_kind: str
    needs_victim: bool
    references: tuple[str, ...]
    checker: Checker
    # Ids of the same technique in public catalogs (pathfinding.cloud paths,
    # Rhino Security Labs method numbers, IAM Vulnerable path names).
    aliases: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Finding:
    """One escalation of one principal, before it becomes an edge."""

    principal: PrincipalView
    technique: Technique
    escalation: Escalation


TECHNIQUES: dict[str, Technique] = {}


def register(technique: Technique) -> Technique:
    if technique.id in TECHNIQUES:
        raise ValueError(f"escalation technique {technique.id!r} registered twice")
    TECHNIQUES[technique.id] = technique
    return technique


def pathfinding(path_id: str) -> str:
    return f"{PATHFINDING}{path_id}"


def all_techniques() -> list[Technique]:
    """Every registered technique, loading the checker modules first."""
    # The modules register on import.
    from toxicpath.analysis.aws.escalation import (  # noqa: F401
        existing,
        iam_policy,
        iam_principal,
        passrole,
    )

    return list(TECHNIQUES.values())
