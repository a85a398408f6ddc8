"""One call from a store to scored findings with their lifecycle applied.

`evaluate_store` runs the rule library (plus custom policies) on a store,
scores each finding on the attack graph, and applies the acceptance file.
The CLI and the app call this, then `record_evaluation` to keep history.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import networkx as nx

from toxicpath.analysis.scoring.config import ScoringConfig
from toxicpath.analysis.scoring.findings_risk import score_findings
from toxicpath.analysis.scoring.graph import AttackGraph, load_attack_graph
from toxicpath.findings.acceptance import apply_acceptances, load_acceptances
from toxicpath.findings.history import ScanHistory, ScanRecord, history_path_for
from toxicpath.findings.model import Finding
from toxicpath.graph.store import GraphStore, ScanInfo
from toxicpath.ingest.snapshot import CoverageEntry
from toxicpath.queries.custom import load_custom_policies
from toxicpath.queries.loader import Rule, load_rules
from toxicpath.queries.runner import RuleFailure, run_rules

logger = logging.getLogger(__name__)

ACCEPTANCE_FILE_NAME = "acceptances.yaml"


@dataclass
class Evaluation:
    """Findings of the store's current scan, scored and with lifecycle applied."""

    scan: ScanInfo | None
    findings: list[Finding]
    failures: list[RuleFailure] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    attack: AttackGraph | None = None
    exposed_identities: int = 0

    @property
    def open(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "open"]


def evaluate_store(
    store: GraphStore,
    *,
    rules: list[Rule] | None = None,
    policies: Path | None = None,
    acceptances: Path | None = None,
    scoring: dict[str, Any] | None = None,
    parameters: dict[str, dict[str, Any]] | None = None,
    today: date | None = None,
) -> Evaluation:
    """Run rules and custom policies, score the findings and apply acceptances."""
    extra = load_custom_policies(policies) if policies is not None else []
    rule_list = load_rules(extra=extra) if rules is None else [*rules, *extra]
    result = run_rules(store, rule_list, parameters=parameters)
    attack = load_attack_graph(store, ScoringConfig.from_mapping(scoring))
    scored = score_findings(result.findings, attack)
    entries = load_acceptances(acceptances) if acceptances is not None else []
    decided = apply_acceptances(
        scored, entries, today=today or datetime.now(UTC).date()
    )
    decided.sort(key=finding_rank)
    return Evaluation(
        scan=store.current_scan(),
        findings=decided,
        failures=result.failures,
        rules=rule_list,
        attack=attack,
        exposed_identities=count_exposed_identities(attack),
    )


SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


def finding_rank(finding: Finding) -> tuple[int, float, str, str]:
    """Sort key for riskiest first: severity, then risk score, then ids."""
    return (
        SEVERITY_RANK.get(finding.severity, len(SEVERITY_RANK)),
        -finding.risk_score,
        finding.rule_id,
        finding.resource_id,
    )


def count_exposed_identities(attack: AttackGraph) -> int:
    """Count identities an outside attacker can act as, by any path from an entry."""
    reached: set[str] = set()
    for entry in attack.entry_points():
        reached |= nx.descendants(attack.graph, entry) | {entry}
    return sum(
        1
        for node_id in reached
        if attack.graph.nodes[node_id].get("label") == "Identity"
        and attack.graph.nodes[node_id].get("type") != "account_admin"
    )


def data_folder_for(store_spec: str | None) -> Path:
    """Return the folder holding a store's history and acceptance file."""
    from toxicpath.pipeline import default_data_dir

    if store_spec and "://" not in store_spec:
        return Path(store_spec).expanduser().resolve().parent
    return default_data_dir()


def history_for_store(store_spec: str | None) -> ScanHistory:
    """Open the history file beside an embedded store, or in the user data folder."""
    from toxicpath.graph.open import default_store_path

    if store_spec and "://" in store_spec:
        return ScanHistory(data_folder_for(store_spec) / "neo4j.history.sqlite")
    path = Path(store_spec).expanduser() if store_spec else default_store_path()
    return ScanHistory(history_path_for(path))


def default_acceptance_file(store_spec: str | None) -> Path:
    return data_folder_for(store_spec) / ACCEPTANCE_FILE_NAME


def record_evaluation(
    history: ScanHistory, evaluation: Evaluation
) -> ScanRecord | None:
    """Record the evaluation's scan once; return None when it is already recorded."""
    scan = evaluation.scan
    if scan is None:
        return None
    if history.get_scan(scan.id) is not None:
        logger.info("scan %s is already in %s", scan.id, history.path)
        return None
    return history.record_scan(
        scan_id=scan.id,
        created_at=scan.created_at,
        findings=evaluation.findings,
        exposed_identities=evaluation.exposed_identities,
    )


def coverage_for_scan(
    store_spec: str | None, scan: ScanInfo | None
) -> list[CoverageEntry] | None:
    """Read the coverage of a scan from its kept snapshot; None when there is none."""
    from toxicpath.ingest.snapshot import read_snapshot
    from toxicpath.pipeline import snapshot_dir_for

    if scan is None:
        return None
    path = snapshot_dir_for(store_spec) / f"{scan.id}.jsonl.gz"
    if not path.exists():
        logger.warning(
            "no snapshot kept for scan %s at %s; coverage unknown", scan.id, path
        )
        return None
    return list(read_snapshot(path).coverage)
