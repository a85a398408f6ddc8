"""Give each finding a risk score from 0 to 100.

A path finding scores 100 x entry exposure x path likelihood x impact. The
impact is the larger of the target's impact in the attack graph and the
rule's severity weight, because a public-write path to a low-sensitivity
bucket is still serious. A posture finding, or a path the attack graph cannot
follow, scores 100 x the severity weight.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import replace

from toxicpath.analysis.scoring.graph import AttackGraph
from toxicpath.analysis.scoring.paths import path_likelihood
from toxicpath.findings.model import Finding

SEVERITY_WEIGHT: dict[str, float] = {
    "critical": 1.0,
    "high": 0.7,
    "medium": 0.4,
    "low": 0.1,
    "info": 0.0,
}


def finding_risk(
    finding: Finding,
    attack: AttackGraph | None,
    *,
    entries: Mapping[str, float] | None = None,
) -> float:
    """Return the 0-100 risk of one finding; `entries` caches the entry exposures."""
    severity_weight = SEVERITY_WEIGHT.get(finding.severity, 0.0)
    nodes = finding.path.node_ids
    if attack is None or len(nodes) < 2 or not _followable(attack, nodes):
        return round(100.0 * severity_weight, 2)
    if entries is None:
        entries = attack.entry_points(any_identity=True)
    exposure = entries.get(nodes[0], attack.config.entry_exposure["identity"])
    impact = max(
        float(attack.graph.nodes[nodes[-1]].get("impact", 0.0)), severity_weight
    )
    return round(100.0 * exposure * path_likelihood(attack, nodes) * impact, 2)


def _followable(attack: AttackGraph, nodes: tuple[str, ...]) -> bool:
    graph = attack.graph
    return all(graph.has_edge(u, v) for u, v in itertools.pairwise(nodes))


def score_findings(
    findings: Iterable[Finding], attack: AttackGraph | None
) -> list[Finding]:
    """Return copies of `findings` with `risk_score` set, riskiest first."""
    entries = attack.entry_points(any_identity=True) if attack is not None else None
    scored = [
        replace(f, risk_score=finding_risk(f, attack, entries=entries))
        for f in findings
    ]
    scored.sort(key=lambda f: (-f.risk_score, f.rule_id, f.resource_id))
    return scored
