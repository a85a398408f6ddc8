"""Wildcard matching for actions, resource ARNs and condition values.

IAM's matching rules, as the IAM User Guide documents them:

- Actions are `service:Name`, matched case-insensitively, with `*` (any run
  of characters) and `?` (one character).
- Resource ARNs are matched case-sensitively. A wildcard stays within one of
  the colon-separated segments, and `*` inside a segment also covers `/`.
  A `*` that ends a segment may run on past the colon, so `arn:aws:s3:*`
  covers every S3 ARN. The sixth segment (the resource part) may itself
  contain colons, which are then ordinary characters.
- `StringLike` values use `*` and `?` anywhere, case-sensitively.
- `ArnLike`/`ArnEquals` compare the six segments one by one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

_ARN_SEGMENTS = 6

# Placeholders for a literal `*` and `?`, which `${*}` and `${?}` and
# substituted variable values produce, so matching does not read them as
# wildcards.
LITERAL_STAR = "\ue000"
LITERAL_QUESTION = "\ue001"


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def unescape_literals(text: str) -> str:
    return text.replace(LITERAL_STAR, "*").replace(LITERAL_QUESTION, "?")


def _glob_to_regex(pattern: str, *, any_char: str) -> str:
    parts: list[str] = []
    for char in pattern:
        if char == "*":
            parts.append(f"{any_char}*")
        elif char == "?":
            parts.append(any_char)
        else:
            parts.append(re.escape(unescape_literals(char)))
    return "".join(parts)


@lru_cache(maxsize=65536)
def compile_glob(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """Compile a `*`/`?` pattern whose wildcards match any character."""
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(_glob_to_regex(pattern, any_char="."), flags)


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    if not has_wildcard(pattern):
        if ignore_case:
            return unescape_literals(pattern).lower() == value.lower()
        return unescape_literals(pattern) == value
    return compile_glob(pattern, ignore_case=ignore_case).fullmatch(value) is not None


@lru_cache(maxsize=65536)
def compile_resource_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a Resource element entry into a regex over whole ARNs."""
    if pattern == "*":
        return re.compile(r".*", re.DOTALL)
    segments = pattern.split(":", _ARN_SEGMENTS - 1)
    pieces: list[str] = []
    for position, segment in enumerate(segments):
        is_resource_part = position == _ARN_SEGMENTS - 1
        if is_resource_part:
            pieces.append(_glob_to_regex(segment, any_char="."))
            continue
        body = segment
        trailing_star = body.endswith("*")
        if trailing_star:
            body = body[:-1]
        regex = _glob_to_regex(body, any_char="[^:]")
        if trailing_star:
            # A `*` that ends a segment may cover the colons after it.
            regex += ".*"
        pieces.append(regex)
    return re.compile(":".join(pieces), re.DOTALL)


def resource_matches(pattern: str, resource: str) -> bool:
    if not has_wildcard(pattern):
        return unescape_literals(pattern) == resource
    return compile_resource_pattern(pattern).fullmatch(resource) is not None


def arn_like(pattern: str, value: str) -> bool:
    """Match an ARN condition value the way ArnLike and ArnEquals do."""
    pattern_segments = pattern.split(":", _ARN_SEGMENTS - 1)
    value_segments = value.split(":", _ARN_SEGMENTS - 1)
    if len(pattern_segments) != len(value_segments):
        return False
    return all(
        glob_match(expected, actual)
        for expected, actual in zip(pattern_segments, value_segments, strict=True)
    )


def split_action(action: str) -> tuple[str, str]:
    """Split a lower-case action into (service prefix, name)."""
    service, _, name = action.partition(":")
    return service, name


@dataclass
class ActionUniverse:
    """An interned set of candidate actions with per-pattern match caches.

    `allowed_actions` evaluates many principals against the same candidate
    actions, so each action pattern is matched against the candidates once
    and the matching subset is reused for every later statement with that
    pattern.
    """

    actions: tuple[str, ...]
    serial: int = 0
    lowered: tuple[str, ...] = ()
    all_lowered: frozenset[str] = frozenset()
    by_service: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cache: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lowered = tuple(action.lower() for action in self.actions)
        self.all_lowered = frozenset(self.lowered)
        grouped: dict[str, list[str]] = {}
        for action in self.lowered:
            grouped.setdefault(split_action(action)[0], []).append(action)
        self.by_service = {service: tuple(names) for service, names in grouped.items()}


_UNIVERSES: dict[tuple[str, ...], ActionUniverse] = {}
_SERIALS = itertools.count(1)
_MAX_UNIVERSES = 4096


def action_universe(actions: Iterable[str]) -> ActionUniverse:
    """Return the interned universe for these candidate actions."""
    key = tuple(dict.fromkeys(actions))
    universe = _UNIVERSES.get(key)
    if universe is None:
        if len(_UNIVERSES) >= _MAX_UNIVERSES:
            _UNIVERSES.clear()
        universe = ActionUniverse(actions=key, serial=next(_SERIALS))
        _UNIVERSES[key] = universe
    return universe


@lru_cache(maxsize=65536)
def _name_regex(name_globs: tuple[str, ...]) -> re.Pattern[str]:
    """Compile the action-name globs of one service into one regex."""
    body = "|".join(f"(?:{_glob_to_regex(glob, any_char='.')})" for glob in name_globs)
    return re.compile(body, re.DOTALL)


@dataclass(frozen=True)
class ActionMatcher:
    """The compiled Action (or NotAction) list of one statement.

    Exact names go into a set. Patterns with a plain service prefix are
    grouped by service, and their regex is only built when a request or a
    candidate set contains that service, because broad managed policies name
    hundreds of services that most requests never touch.
    """

    exact: frozenset[str]
    match_all: bool
    by_service: dict[str, tuple[str, ...]] = field(hash=False, compare=True)
    cross_service: tuple[str, ...] = ()
    # Universe serial -> matching subset, filled by `matching`.
    found_in: dict[int, frozenset[str]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @classmethod
    def compile(cls, patterns: Iterable[str]) -> ActionMatcher:
        exact: set[str] = set()
        match_all = False
        grouped: dict[str, list[str]] = {}
        cross_service: list[str] = []
        for raw in patterns:
            pattern = raw.lower()
            if pattern == "*":
                match_all = True
                continue
            if not has_wildcard(pattern):
                exact.add(pattern)
                continue
            service, name = split_action(pattern)
            if has_wildcard(service) or ":" not in pattern:
                cross_service.append(pattern)
            else:
                grouped.setdefault(service, []).append(name)
        return cls(
            exact=frozenset(exact),
            match_all=match_all,
            by_service={service: tuple(names) for service, names in grouped.items()},
            cross_service=tuple(cross_service),
        )

    def matches(self, action: str) -> bool:
        """Return whether this list names `action` (lower-case)."""
        if self.match_all or action in self.exact:
            return True
        service, name = split_action(action)
        globs = self.by_service.get(service)
        if globs is not None and _name_regex(globs).fullmatch(name):
            return True
        return any(
            compile_glob(pattern).fullmatch(action) for pattern in self.cross_service
        )

    def matching(self, universe: ActionUniverse) -> frozenset[str]:
        """Return the lower-case candidate actions this list names."""
        if self.match_all:
            return universe.all_lowered
        found = self.found_in.get(universe.serial)
        if found is None:
            if len(self.found_in) >= _MAX_UNIVERSES:
                self.found_in.clear()
            found = self.found_in[universe.serial] = self._match_universe(universe)
        return found

    def _match_universe(self, universe: ActionUniverse) -> frozenset[str]:
        found: set[str] = set(self.exact & universe.all_lowered)
        for service, candidates in universe.by_service.items():
            globs = self.by_service.get(service)
            if globs is None:
                continue
            key = ("s:" + service, "\n".join(globs))
            subset = universe.cache.get(key)
            if subset is None:
                regex = _name_regex(globs)
                subset = frozenset(
                    action
                    for action in candidates
                    if regex.fullmatch(split_action(action)[1])
                )
                universe.cache[key] = subset
            found |= subset
        for pattern in self.cross_service:
            key = ("x", pattern)
            subset = universe.cache.get(key)
            if subset is None:
                regex = compile_glob(pattern)
                subset = frozenset(a for a in universe.lowered if regex.fullmatch(a))
                universe.cache[key] = subset
            found |= subset
        return frozenset(found)
