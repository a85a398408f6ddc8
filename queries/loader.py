"""Load and validate the rule library.

`load_rules` reads every `<id>.cypher` with its sibling `<id>.yaml` from a
rules folder (the packaged `queries/rules/` by default) and validates the
metadata. It checks that ids are unique and match the file names, and that
every compliance control exists in the compliance catalog. Each query must
pass `toxicpath.graph.dialect.check_portable` and render for both engines.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from toxicpath.graph.dialect import DIALECTS, TemplateError, check_portable, render
from toxicpath.queries.metadata import RuleMetadata

logger = logging.getLogger(__name__)

RULES_DIR = Path(__file__).resolve().parent / "rules"

_PATH_COLUMN = re.compile(r"\bAS\s+path\b")

# Tag of the rules whose findings are paths to an account's admin.
PATH_TO_ADMIN_TAG = "path-to-admin"


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
    problems = check_portable(cypher)
    if not problems:
        problems = _render_problems(cypher)
    if problems:
        raise RuleLoadError(
            f"{cypher_path}: not portable Cypher: {'; '.join(problems)}"
        )
    if "resource_id" not in cypher:
        raise RuleLoadError(
            f"{cypher_path}: the query must return a resource_id column"
        )
    if metadata.kind == "path" and not _PATH_COLUMN.search(cypher):
        raise RuleLoadError(
            f"{meta_path}: field kind is path but {cypher_path.name} returns no "
            "path; return the matched path as `p AS path`, or set kind: posture"
        )
    if known_controls is not None:
        _check_controls(meta_path, metadata, known_controls)
    return Rule(metadata=metadata, cypher=cypher, path=cypher_path)


def _render_problems(cypher: str) -> list[str]:
    problems = []
    for dialect in DIALECTS:
        try:
            render(cypher, dialect)
        except TemplateError as error:
            problems.append(f"{dialect}: {error}")
    return problems


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
    for rule in extra:
        if known is not None:
            _check_controls(rule.path, rule.metadata, known)
        rules.append(rule)
    seen: dict[str, Path] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleLoadError(
                f"{rule.path}: rule id {rule.id!r} is already used by {seen[rule.id]}"
            )
        seen[rule.id] = rule.path
    logger.debug("loaded %d rules from %s", len(rules), folder)
    return sorted(rules, key=lambda r: r.id)


@lru_cache(maxsize=1)
def rule_tags() -> dict[str, tuple[str, ...]]:
    """Return the tags of every packaged rule, by rule id."""
    return {rule.id: rule.metadata.tags for rule in load_rules(check_controls=False)}
