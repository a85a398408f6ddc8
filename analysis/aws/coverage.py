"""Group the ARNs on which one policy set must decide alike.

The evaluator reads a request's resource in three ways only: it matches
Resource and NotResource patterns against the ARN, and it takes the
condition keys `aws:ResourceAccount` and `aws:RequestedRegion` from the
ARN's account and region. So for one principal, two resources of one kind,
account and region get the same decision for every action when each
Resource pattern of the principal's identity policies, boundary and SCPs
covers both or neither. (Resource policies are the caller's business: a
resource with its own policy needs its own key, see `access/targets.py`.)
One evaluation then serves the whole group, which turns "principals times
resources" loops into "policy sets times groups".

A pattern that covers every ARN of a (kind, account) group alike, or none
of them, cannot tell the group's ARNs apart, so only the other ("varying")
patterns enter the key. Most patterns are `*`, a whole service, or one
resource, so the varying ones cover few ARNs and are cheap to list: each
pattern selects the sorted run of ARNs that start with its literal prefix.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from toxicpath.analysis.aws.policy import PrincipalPolicySet
from toxicpath.analysis.aws.policy.patterns import has_wildcard, resource_matches

# Bits per ARN: the pattern covers the ARN (1), the ARN's objects (2).
_ARN = 1
_OBJECTS = 2
_NOWHERE: dict[str, dict[str, int]] = {}


@dataclass
class ArnSet:
    """The ARNs of one kind (a service's resources, the roles of an estate),
    sorted for prefix lookups.

    `objects` marks kinds whose actions are also evaluated on `<arn>/*`
    (S3 buckets): their patterns select ARNs by the part before the first
    `/`, and the key records whether a pattern covers the objects too.
    """

    kind: str
    objects: bool = False
    arns: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    group_sizes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(
        cls, kind: str, items: Iterable[tuple[str, str]], *, objects: bool = False
    ) -> ArnSet:
        """Build from (ARN, account) pairs."""
        ordered = sorted(set(items))
        arn_set = cls(kind, objects, [a for a, _ in ordered], [b for _, b in ordered])
        for account in arn_set.accounts:
            arn_set.group_sizes[account] = arn_set.group_sizes.get(account, 0) + 1
        return arn_set

    def prefixed(self, pattern: str) -> range:
        """Positions of the ARNs that start with `pattern`'s literal prefix:
        a superset of those it covers."""
        prefix = literal_prefix(pattern)
        if self.objects:
            # Object patterns (`bucket/key*`) select their bucket.
            prefix = prefix.split("/", 1)[0]
        start = bisect.bisect_left(self.arns, prefix)
        end = start
        while end < len(self.arns) and self.arns[end].startswith(prefix):
            end += 1
        return range(start, end)


# A group key: kind, account, region, and the bits of each varying pattern.
GroupKey = tuple[str, str, str, tuple[int, ...]]


class CoverageIndex:
    """Memoised groupings: which ARNs of a kind each pattern separates."""

    def __init__(self, sets: Iterable[ArnSet]) -> None:
        self._sets = {arn_set.kind: arn_set for arn_set in sets}
        self._by_pattern: dict[tuple[str, str], dict[str, dict[str, int]]] = {}
        self._patterns: dict[tuple[str, ...], tuple[str, ...] | None] = {}
        self._varying: dict[
            tuple[tuple[str, ...], str, str], tuple[dict[str, int], ...]
        ] = {}

    def group_key(
        self,
        set_key: tuple[str, ...],
        policies: PrincipalPolicySet,
        kind: str,
        account: str,
        arn: str,
        region: str = "",
    ) -> GroupKey | None:
        """Return a key shared by every ARN of `kind` on which the policy set
        (`set_key` names it) decides exactly as on `arn`, or None when a
        Resource pattern contains a policy variable (then nothing is grouped).

        `arn` must belong to the ArnSet of `kind`."""
        varying = self.varying(set_key, policies, kind, account)
        if varying is None:
            return None
        return (kind, account, region, tuple(bits.get(arn, 0) for bits in varying))

    def varying(
        self,
        set_key: tuple[str, ...],
        policies: PrincipalPolicySet,
        kind: str,
        account: str,
    ) -> tuple[dict[str, int], ...] | None:
        """Return, per varying pattern of the policy set, the bits of the
        ARNs of (kind, account) it covers; None when a Resource pattern
        contains a policy variable. An empty tuple means that the set decides
        alike on every ARN of the group."""
        slot = (set_key, kind, account)
        varying = self._varying.get(slot)
        if varying is None:
            patterns = self._policy_patterns(set_key, policies)
            if patterns is None:
                return None
            found = []
            for pattern in patterns:
                bits = self._pattern_groups(pattern, kind).get(account)
                if bits is not None:
                    found.append(bits)
            varying = tuple(found)
            self._varying[slot] = varying
        return varying

    def _policy_patterns(
        self, set_key: tuple[str, ...], policies: PrincipalPolicySet
    ) -> tuple[str, ...] | None:
        """Return every Resource and NotResource pattern of the identity
        policies, boundary and SCPs."""
        if set_key in self._patterns:
            return self._patterns[set_key]
        patterns: set[str] = set()
        for policy in policies.every_policy():
            for statement in policy.statements:
                if statement.resources is None:
                    continue
                if statement.substitute and statement.resources_have_variables:
                    self._patterns[set_key] = None
                    return None
                patterns.update(statement.resources)
        result = tuple(sorted(patterns))
        self._patterns[set_key] = result
        return result

    def _pattern_groups(self, pattern: str, kind: str) -> dict[str, dict[str, int]]:
        """Return, per account, the bits of the ARNs `pattern` separates.

        Accounts where the pattern covers all ARNs alike, or none, are left
        out."""
        memo_key = (pattern, kind)
        cached = self._by_pattern.get(memo_key)
        if cached is not None:
            return cached
        arn_set = self._sets[kind]
        objects = arn_set.objects
        prefix = literal_prefix(pattern)
        # `prefix*` covers exactly the ARNs (and their objects) that start
        # with `prefix`, so no pattern match is needed.
        starts_with = (
            pattern == f"{prefix}*"
            and not has_wildcard(prefix)
            and not (objects and "/" in prefix)
        )
        hits: dict[str, dict[str, int]] = defaultdict(dict)
        for position in arn_set.prefixed(pattern):
            arn = arn_set.arns[position]
            if starts_with:
                bits = _ARN | (_OBJECTS if objects else 0)
            else:
                bits = _ARN if resource_matches(pattern, arn) else 0
                if objects and resource_matches(pattern, f"{arn}/*"):
                    bits |= _OBJECTS
            if bits:
                hits[arn_set.accounts[position]][arn] = bits
        result: dict[str, dict[str, int]] = {}
        for account, found in hits.items():
            if (
                len(found) == arn_set.group_sizes.get(account, 0)
                and len(set(found.values())) == 1
            ):
                continue
            result[account] = found
        self._by_pattern[memo_key] = result or _NOWHERE
        return self._by_pattern[memo_key]


def literal_prefix(pattern: str) -> str:
    """Return the part of a pattern before its first wildcard or variable."""
    cut = len(pattern)
    for wildcard in ("*", "?", "$"):
        position = pattern.find(wildcard)
        if position != -1:
            cut = min(cut, position)
    return pattern[:cut]
