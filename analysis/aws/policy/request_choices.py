"""Request keys the caller chooses, decided for the attacker's best choice.

A request on `*` (creating or listing things) goes to whichever region the
caller picks, so `aws:RequestedRegion` is the attacker's choice there. An
attack path exists when some region allows the request, so the evaluator
tries each region the policies name, plus one region they do not name, and
keeps the most permissive result. Requests on a resource ARN are fixed to
that resource's region and get no choice.
"""

from __future__ import annotations

from collections.abc import Iterable

from toxicpath.analysis.aws.policy.compiled import CompiledPolicy
from toxicpath.analysis.aws.policy.model import Decision, EvaluationResult
from toxicpath.analysis.aws.policy.patterns import glob_match, has_wildcard

REQUESTED_REGION = "aws:requestedregion"

# Commercial regions, used to find a region matching a wildcard such as
# `eu-*` and a region no policy lists.
KNOWN_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
)


def region_choices(policies: Iterable[CompiledPolicy]) -> tuple[str, ...]:
    """Return the regions worth trying, or () when no policy tests the region."""
    named: list[str] = []
    for policy in policies:
        if REQUESTED_REGION not in policy.context_keys:
            continue
        for statement in policy.statements:
            for condition in statement.conditions:
                if condition.key.lower() == REQUESTED_REGION:
                    named.extend(condition.values)
    if not named:
        return ()
    choices = dict.fromkeys(
        value for value in named if not has_wildcard(value) and "${" not in value
    )
    for pattern in (value for value in named if has_wildcard(value)):
        for region in KNOWN_REGIONS:
            if glob_match(pattern, region):
                choices.setdefault(region)
                break
    for region in KNOWN_REGIONS:
        if region not in choices:
            # One region outside every list stands for all the others.
            choices.setdefault(region)
            break
    return tuple(choices)


def _rank(result: EvaluationResult) -> int:
    if result.decision is Decision.ALLOW:
        return 2 if result.conditional else 3
    if result.decision is Decision.IMPLICIT_DENY:
        return 1
    return 0


def most_permissive(
    current: EvaluationResult | None, candidate: EvaluationResult
) -> EvaluationResult:
    """Return the result an attacker would rather have, keeping `current` on ties."""
    if current is None or _rank(candidate) > _rank(current):
        return candidate
    return current
