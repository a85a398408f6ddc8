"""Load and validate the rule library.

`load_rules` reads every `<id>.cypher` with its sibling `<id>.yaml` from a
rules folder (the packaged `queries/rules/` by default), validates the
metadata, checks that ids are unique and match the file names, that every
compliance control exists in the compliance catalog, and that the query
keeps to the portable Cypher subset that a plain text check can police.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError
from toxicpath.queries.metadata import RuleMetadata

logger = logging.getLogger(__name__)

RULES_DIR = Path(__file__).resolve().parent / "rules"


class RuleLoadError(ValueError):
    """A rule file that cannot be loaded; the message names the file and field."""


@dataclass(frozen=True)
class Rule:
    """A rule: validated metadata, its Cypher text and the file it came from."""

    metadata: RuleMetadata
    cypher: str
    path: Path

    @property
    def id(self) -> str:
        return self.metadata.id

    @property
    def severity(self) -> str:
        return self.metadata.severity

    @property
    def title(self) -> str:
        return self.metadata.title


# Constructs that behave differently on LadybugDB and Neo4j but that both
# engines accept, so neither engine nor Neo4j's linter rejects them. A plain
# text check is the only guard.
_NON_PORTABLE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\(\s*\w*\s*:\s*\w+\s*:\s*\w+"),
        "`(:A:B)` means AND on Neo4j but OR on LadybugDB; use one label",
    ),
    (
        re.compile(r"\bsubstring\s*\(", re.IGNORECASE),
        "`substring` is 0-based on Neo4j and 1-based on LadybugDB",
    ),
    (
        re.compile(r"\bCALL\s*\{", re.IGNORECASE),
        "`CALL { }` subqueries do not run on LadybugDB",
    ),
    (
        re.compile(r"\[\s*\w+\s+IN\s+[^\]]*\|", re.IGNORECASE),
        "list comprehensions do not run on LadybugDB",
    ),
    (
        re.compile(r"\b(label|type|labels)\s*\(", re.IGNORECASE),
        "label and type functions differ per engine; match on the pattern instead",
    ),
)

_VARIABLE_LENGTH = re.compile(r"\[[^\]]*?\*(?P<range>[^\]]*)\]")
_BOUNDED_RANGE = re.compile(r"\s*\d+\s*(\.\.\s*\d+\s*)?")
_RETURN_CLAUSE = re.compile(
    r"\bRETURN\b(?P<body>.*?)(\bORDER\s+BY\b|\bLIMIT\b|\bSKIP\b|\bUNION\b|$)",
    re.IGNORECASE | re.DOTALL,
)


def portability_problems(cypher: str) -> list[str]:
    """Return why `cypher` falls outside the portable subset (empty when it fits)."""
    text = _strip_comments(cypher)
    problems = [
        message for pattern, message in _NON_PORTABLE_PATTERNS if pattern.search(text)
    ]
    for match in _VARIABLE_LENGTH.finditer(text):
        if not _BOUNDED_RANGE.fullmatch(match.group("range")):
            problems.append(
                f"variable-length relationship *{match.group('range').strip()} needs "
                "an explicit upper bound, as in *1..4"
            )
    for match in _RETURN_CLAUSE.finditer(text):
        for column in _split_top_level(match.group("body")):
            if column.strip() and not re.search(
                r"\bAS\s+\w+\s*$", column.strip(), re.IGNORECASE
            ):
                problems.append(f"returned column {column.strip()!r} has no alias")
    return problems


def _strip_comments(cypher: str) -> str:
    return "\n".join(line.split("//", 1)[0] for line in cypher.splitlines())


def _split_top_level(body: str) -> list[str]:
    """Split a RETURN body on commas that are outside brackets."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in body:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def load_rule(
    cypher_path: Path, *, known_controls: dict[str, set[str]] | None = None
) -> Rule:
    """Load one rule from its `.cypher` file and sibling `.yaml` metadata."""
    meta_path = cypher_path.with_suffix(".yaml")
    if not meta_path.is_file():
        raise RuleLoadError(f"{cypher_path}: metadata file {meta_path.name} is missing")
    try:
        raw = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleLoadError(f"{meta_path}: invalid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise RuleLoadError(f"{meta_path}: expected a mapping of metadata fields")
    try:
        metadata = RuleMetadata.model_validate(raw)
    except ValidationError as exc:
        raise RuleLoadError(f"{meta_path}: {_describe_validation(exc)}") from exc
    if metadata.id != cypher_path.stem:
        raise RuleLoadError(
            f"{meta_path}: field id is {metadata.id!r} but the file is named "
            f"{cypher_path.stem!r}; rename one so they match"
        )
    cypher = cypher_path.read_text(encoding="utf-8").strip()
    problems = portability_problems(cypher)
    if problems:
        raise RuleLoadError(
            f"{cypher_path}: not portable Cypher: {'; '.join(problems)}"
        )
    if "resource_id" not in cypher:
        raise RuleLoadError(
            f"{cypher_path}: the query must return a resource_id column"
        )
    if known_controls is not None:
        _check_controls(meta_path, metadata, known_controls)
    return Rule(metadata=metadata, cypher=cypher, path=cypher_path)


def _check_controls(
    meta_path: Path, metadata: RuleMetadata, known_controls: dict[str, set[str]]
) -> None:
    for framework, controls in metadata.compliance.items():
        if framework not in known_controls:
            allowed = ", ".join(sorted(known_controls))
            raise RuleLoadError(
                f"{meta_path}: field compliance has unknown framework {framework!r}; "
                f"allowed: {allowed}"
            )
        unknown = sorted(set(controls) - known_controls[framework])
        if unknown:
            raise RuleLoadError(
                f"{meta_path}: field compliance.{framework} has unknown controls "
                f"{unknown}; add them to the {framework} catalog or fix the ids"
            )


def _describe_validation(exc: ValidationError) -> str:
    messages = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(top level)"
        messages.append(f"field {field}: {error['msg']}")
    return "; ".join(messages)


def load_rules(
    rules_dir: Path | None = None,
    *,
    check_controls: bool = True,
    extra: Iterable[Rule] = (),
) -> list[Rule]:
    """Load every rule in `rules_dir`, sorted by id, plus `extra` (custom policies)."""
    folder = rules_dir or RULES_DIR
    known: dict[str, set[str]] | None = None
    if check_controls:
        from toxicpath.findings.compliance.catalog import known_controls

        known = known_controls()
    rules = [
        load_rule(path, known_controls=known)
        for path in sorted(folder.glob("*.cypher"))
    ]
    orphans = sorted(
        p.name for p in folder.glob("*.yaml") if not p.with_suffix(".cypher").is_file()
    )
    if orphans:
        raise RuleLoadError(f"{folder}: metadata without a query file: {orphans}")
    rules.extend(extra)
    seen: dict[str, Path] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleLoadError(
                f"{rule.path}: rule id {rule.id!r} is already used by {seen[rule.id]}"
            )
        seen[rule.id] = rule.path
    logger.debug("loaded %d rules from %s", len(rules), folder)
    return sorted(rules, key=lambda r: r.id)
