"""Run rules against a store and turn their rows into findings.

Each rule is rendered for the store's dialect and run with its default
parameters (overridable per rule). Every row must carry `resource_id`; a
`path` column (a `GraphPath`) or the pair `path_node_ids`/`path_edge_types`
becomes the finding's path, and the other columns become its evidence.

Variable-length patterns can match one subject through many paths. The
runner keeps one finding per rule, subject and entry node: the shortest
path, ties broken by the node ids, so the choice is the same on every scan.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from toxicpath.findings.model import Finding, FindingPath, fingerprint
from toxicpath.graph.dialect import render
from toxicpath.graph.store import (
    GraphEdge,
    GraphNode,
    GraphPath,
    GraphStore,
    StoreError,
)
from toxicpath.queries.loader import Rule

logger = logging.getLogger(__name__)

_PATH_COLUMNS = ("path", "path_node_ids", "path_edge_types")


class RuleRowError(ValueError):
    """A rule returned a row the runner cannot turn into a finding."""


@dataclass(frozen=True)
class RuleFailure:
    """A rule that could not be evaluated, which reports list as not evaluated."""

    rule_id: str
    error: str


@dataclass
class RunResult:
    """Findings of one run, the rules that failed and the time each rule took."""

    findings: list[Finding] = field(default_factory=list)
    failures: list[RuleFailure] = field(default_factory=list)
    seconds_by_rule: dict[str, float] = field(default_factory=dict)

    @property
    def evaluated_rule_ids(self) -> set[str]:
        failed = {f.rule_id for f in self.failures}
        return set(self.seconds_by_rule) - failed


def run_rules(
    store: GraphStore,
    rules: Iterable[Rule],
    *,
    parameters: Mapping[str, Mapping[str, Any]] | None = None,
) -> RunResult:
    """Run each rule on `store`; a failing rule is recorded, never skipped silently.

    `parameters` maps rule ids to parameter overrides merged over the rule's
    defaults.
    """
    result = RunResult()
    overrides = parameters or {}
    for rule in rules:
        params = {**rule.metadata.parameters, **overrides.get(rule.id, {})}
        started = time.perf_counter()
        try:
            rows = store.query(render(rule.cypher, store.dialect), params)
            findings = findings_from_rows(rule, rows)
        except (StoreError, RuleRowError) as error:
            logger.error("rule %s could not be evaluated: %s", rule.id, error)
            result.failures.append(RuleFailure(rule_id=rule.id, error=str(error)))
            findings = []
        elapsed = time.perf_counter() - started
        result.seconds_by_rule[rule.id] = elapsed
        logger.debug("rule %s: %d findings in %.3f s", rule.id, len(findings), elapsed)
        result.findings.extend(findings)
    return result


def findings_from_rows(rule: Rule, rows: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Turn a rule's rows into findings, one per subject and entry node."""
    best: dict[tuple[str, str], Finding] = {}
    for row in rows:
        finding = _finding_from_row(rule, row)
        key = (finding.resource_id, finding.path.entry_id)
        current = best.get(key)
        if current is None or _path_order(finding) < _path_order(current):
            best[key] = finding
    return sorted(best.values(), key=lambda f: (f.resource_id, f.path.node_ids))


def _path_order(finding: Finding) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    path = finding.path
    return (len(path.node_ids), path.node_ids, path.edge_types)


def _finding_from_row(rule: Rule, row: Mapping[str, Any]) -> Finding:
    resource_id = row.get("resource_id")
    if not resource_id:
        raise RuleRowError(
            f"rule {rule.id} returned a row without resource_id: {sorted(row)}"
        )
    path = _path_from_row(rule, row)
    evidence = {
        key: _plain(value)
        for key, value in row.items()
        if key not in _PATH_COLUMNS and key not in ("resource_id", "resource_name")
    }
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        title=rule.title,
        resource_id=str(resource_id),
        resource_name=str(row.get("resource_name") or ""),
        path=path,
        evidence=evidence,
        fingerprint=fingerprint(
            rule_id=rule.id, resource_id=str(resource_id), path=path
        ),
    )


def _path_from_row(rule: Rule, row: Mapping[str, Any]) -> FindingPath:
    value = row.get("path")
    if isinstance(value, GraphPath):
        node_ids = [node.id for node in value.nodes]
        if len(node_ids) != len(value.edges) + 1:
            # LadybugDB repeats the node at a zero-length segment (`*0..N`
            # matched with no hop), so one node appears twice in a row.
            node_ids = [
                n for i, n in enumerate(node_ids) if i == 0 or n != node_ids[i - 1]
            ]
        try:
            return FindingPath(
                node_ids=tuple(node_ids),
                edge_types=tuple(edge.type for edge in value.edges),
            )
        except ValueError as error:
            raise RuleRowError(f"rule {rule.id}: {error}") from error
    if value is not None:
        raise RuleRowError(
            f"rule {rule.id} returned a path column of type {type(value).__name__}; "
            "expected a path (RETURN p AS path)"
        )
    listed_nodes = row.get("path_node_ids")
    listed_types = row.get("path_edge_types")
    if listed_nodes is None and listed_types is None:
        return FindingPath()
    try:
        return FindingPath(
            node_ids=tuple(str(n) for n in listed_nodes or ()),
            edge_types=tuple(str(e) for e in listed_types or ()),
        )
    except ValueError as error:
        raise RuleRowError(f"rule {rule.id}: {error}") from error


def _plain(value: Any) -> Any:
    """Turn store values into JSON-ready evidence."""
    if isinstance(value, GraphNode):
        return value.id
    if isinstance(value, GraphEdge):
        return {"type": value.type, "source": value.source, "target": value.target}
    if isinstance(value, GraphPath):
        return [node.id for node in value.nodes]
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value
