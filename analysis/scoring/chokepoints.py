"""Choke points: the fewest fixes that remove the most attack-path risk.

Path risk here is, for every crown jewel, the risk of its most likely path
from any entry point; the total is their sum. Removing an edge changes a
target's risk only if the edge is on that target's best path, so each
candidate is evaluated by re-running Dijkstra for those targets alone.

Candidates are single fixable edges on current best paths. For each of the
riskiest targets, the minimum edge cut (unit capacity on fixable edges)
between the entries and that target is a candidate too, because no single
edge helps when two disjoint routes protect each other.

The greedy step takes the candidate that removes the most risk per edge. It
is not guaranteed optimal, because choosing the best set of cuts is NP-hard
in general.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx
from networkx.algorithms.flow import edmonds_karp

from toxicpath.analysis.scoring.graph import AttackGraph
from toxicpath.analysis.scoring.paths import virtual_source

logger = logging.getLogger(__name__)

EdgeKey = tuple[str, str]

# Minimum cuts are computed for at most this many of the riskiest targets per
# step, to bound the cost on large estates.
MAX_CUT_TARGETS = 3

# Candidates evaluated per greedy step, in order of the risk they could at
# most remove; each evaluation is one or more Dijkstra runs.
MAX_EVALUATIONS = 50


@dataclass(frozen=True)
class Fix:
    """One recommended change: remove these edges to remove this much risk."""

    edges: tuple[EdgeKey, ...]
    edge_kinds: tuple[str, ...]
    risk_removed: float
    targets_protected: tuple[str, ...]


@dataclass
class ChokePointReport:
    """The greedy sequence of fixes and what they achieve together."""

    total_risk: float
    fixes: list[Fix] = field(default_factory=list)

    @property
    def risk_removed(self) -> float:
        return sum(f.risk_removed for f in self.fixes)

    @property
    def percent_removed(self) -> float:
        if self.total_risk <= 0:
            return 0.0
        return 100.0 * self.risk_removed / self.total_risk

    @property
    def edge_count(self) -> int:
        return sum(len(f.edges) for f in self.fixes)

    def summary(self) -> str:
        if not self.fixes:
            return "no attack-path risk to remove"
        return (
            f"fix these {self.edge_count} things to remove "
            f"{self.percent_removed:.0f}% of path risk"
        )


def choke_points(
    attack: AttackGraph,
    *,
    max_edges: int = 5,
    entries: Mapping[str, float] | None = None,
    targets: Mapping[str, float] | None = None,
    any_identity: bool = False,
) -> ChokePointReport:
    """Return up to `max_edges` edges to remove, chosen greedily by risk removed."""
    entry_map = (
        dict(entries)
        if entries is not None
        else attack.entry_points(any_identity=any_identity)
    )
    target_map = dict(targets) if targets is not None else attack.crown_jewels()
    graph = attack.graph
    removed: list[tuple[str, str, dict[str, object]]] = []
    with virtual_source(attack, entry_map) as source:
        best = _best_paths(graph, source, target_map)
        report = ChokePointReport(total_risk=sum(r for r, _ in best.values()))
        try:
            while report.edge_count < max_edges:
                fix = _next_fix(
                    graph, source, target_map, best, max_edges - report.edge_count
                )
                if fix is None:
                    break
                for u, v in fix.edges:
                    removed.append((u, v, dict(graph.edges[u, v])))
                    graph.remove_edge(u, v)
                best = _best_paths(graph, source, target_map)
                report.fixes.append(fix)
        finally:
            for u, v, data in removed:
                graph.add_edge(u, v, **data)
    logger.info("choke points: %s", report.summary())
    return report


def _best_paths(
    graph: nx.DiGraph, source: str, targets: Mapping[str, float]
) -> dict[str, tuple[float, list[str]]]:
    """Return, for each reachable target, its best path's risk and the path."""
    costs, paths = nx.single_source_dijkstra(graph, source, weight="cost")
    best: dict[str, tuple[float, list[str]]] = {}
    for target, impact in targets.items():
        if target in paths and target != source:
            best[target] = (
                math.exp(-costs[target]) * impact,
                paths[target],
            )
    return best


def _target_risk(graph: nx.DiGraph, source: str, target: str, impact: float) -> float:
    try:
        cost, _ = nx.bidirectional_dijkstra(graph, source, target, weight="cost")
    except nx.NetworkXNoPath:
        return 0.0
    return math.exp(-cost) * impact


def _path_edges(path: list[str]) -> list[EdgeKey]:
    return list(itertools.pairwise(path))


def _edge_targets(best: dict[str, tuple[float, list[str]]]) -> dict[EdgeKey, set[str]]:
    """Map each edge on a best path to the targets whose best path uses it."""
    index: dict[EdgeKey, set[str]] = {}
    for target, (_, path) in best.items():
        for edge in _path_edges(path):
            index.setdefault(edge, set()).add(target)
    return index


def _affected(
    edges: tuple[EdgeKey, ...], edge_targets: dict[EdgeKey, set[str]]
) -> set[str]:
    affected: set[str] = set()
    for edge in edges:
        affected |= edge_targets.get(edge, set())
    return affected


def _evaluate(
    graph: nx.DiGraph,
    source: str,
    targets: Mapping[str, float],
    best: dict[str, tuple[float, list[str]]],
    edges: tuple[EdgeKey, ...],
    affected: set[str],
) -> tuple[float, tuple[str, ...]]:
    """Return the risk that deleting `edges` removes and the targets it cuts off."""
    if not affected:
        return 0.0, ()
    saved = [(u, v, dict(graph.edges[u, v])) for u, v in edges]
    graph.remove_edges_from(edges)
    try:
        if len(affected) == 1:
            [target] = affected
            after_risk = {target: _target_risk(graph, source, target, targets[target])}
        else:
            costs = nx.single_source_dijkstra_path_length(graph, source, weight="cost")
            after_risk = {
                t: math.exp(-costs[t]) * targets[t] if t in costs else 0.0
                for t in affected
            }
    finally:
        for u, v, data in saved:
            graph.add_edge(u, v, **data)
    removed = sum(best[t][0] - after_risk[t] for t in affected)
    protected = tuple(sorted(t for t in affected if after_risk[t] == 0.0))
    return removed, protected


def _candidates(
    graph: nx.DiGraph,
    source: str,
    best: dict[str, tuple[float, list[str]]],
    budget: int,
) -> set[tuple[EdgeKey, ...]]:
    candidates: set[tuple[EdgeKey, ...]] = set()
    for _, path in best.values():
        for edge in _path_edges(path):
            if graph.edges[edge].get("fixable", False):
                candidates.add((edge,))
    riskiest = sorted(best, key=lambda t: -best[t][0])[:MAX_CUT_TARGETS]
    for target in riskiest:
        cut = _minimum_cut(graph, source, target, budget)
        if cut and len(cut) <= budget:
            candidates.add(cut)
    return candidates


def _minimum_cut(
    graph: nx.DiGraph, source: str, target: str, budget: int
) -> tuple[EdgeKey, ...]:
    """Return a minimum set of fixable edges separating `target` from the entries."""
    relevant = (nx.descendants(graph, source) | {source}) & (
        nx.ancestors(graph, target) | {target}
    )
    flow = nx.DiGraph()
    for u, v, data in graph.subgraph(relevant).edges(data=True):
        if data.get("fixable", False):
            flow.add_edge(u, v, capacity=1)
        else:
            flow.add_edge(u, v)  # no capacity attribute: infinite capacity
    # Edmonds-Karp needs one augmenting path per unit of cut, and the cutoff
    # stops it once the cut is larger than the fixes left, so a wide cut
    # costs at most `budget + 1` breadth-first searches.
    try:
        residual = edmonds_karp(
            flow, source, target, capacity="capacity", cutoff=budget + 1
        )
    except nx.NetworkXUnbounded:
        return ()  # every route includes an edge that cannot be fixed
    if residual.graph["flow_value"] > budget:
        return ()
    reachable = _residual_reachable(residual, source)
    cut = [(u, v) for u in reachable for v in flow.successors(u) if v not in reachable]
    return tuple(sorted(cut))


def _residual_reachable(residual: nx.DiGraph, source: str) -> set[str]:
    """Return the nodes reachable from `source` through unsaturated residual edges."""
    seen = {source}
    stack = [source]
    while stack:
        node = stack.pop()
        for successor, data in residual[node].items():
            if successor not in seen and data["flow"] < data["capacity"]:
                seen.add(successor)
                stack.append(successor)
    return seen


def _next_fix(
    graph: nx.DiGraph,
    source: str,
    targets: Mapping[str, float],
    best: dict[str, tuple[float, list[str]]],
    budget: int,
) -> Fix | None:
    """Pick the candidate that removes the most risk per edge.

    A candidate can remove at most the current risk of the targets whose best
    path it touches, so candidates are tried in order of that bound and the
    search stops once no remaining bound can beat the best found.
    """
    edge_targets = _edge_targets(best)
    bounded = []
    for edges in _candidates(graph, source, best, budget):
        affected = _affected(edges, edge_targets)
        bound = sum(best[t][0] for t in affected) / len(edges)
        bounded.append((-bound, edges, affected))
    bounded.sort(key=lambda item: (item[0], item[1]))
    chosen: tuple[float, int, tuple[EdgeKey, ...]] | None = None
    chosen_result: tuple[float, tuple[str, ...]] = (0.0, ())
    # NOTE: only the MAX_EVALUATIONS candidates with the highest bounds are
    # evaluated, so on dense graphs a better fix further down can be missed.
    for negative_bound, edges, affected in bounded[:MAX_EVALUATIONS]:
        if chosen is not None and -negative_bound < chosen[0] - 1e-12:
            break
        removed, protected = _evaluate(graph, source, targets, best, edges, affected)
        if removed <= 1e-12:
            continue
        rank = (removed / len(edges), -len(edges), edges)
        if chosen is None or rank[:2] > chosen[:2]:
            chosen, chosen_result = rank, (removed, protected)
    if chosen is None:
        return None
    edges = chosen[2]
    return Fix(
        edges=edges,
        edge_kinds=tuple(str(graph.edges[e]["kind"]) for e in edges),
        risk_removed=chosen_result[0],
        targets_protected=chosen_result[1],
    )
