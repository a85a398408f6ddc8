"""Rank attack paths: Yen's k best paths per target by likelihood.

Edge costs are -log(weight), so the cheapest path is the most likely one
and `networkx.shortest_simple_paths` (Yen's algorithm) yields paths in
order of decreasing likelihood. To rank paths from several entry points at
once, a virtual source joins every entry with cost -log(exposure); it never
appears in the returned paths.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice, pairwise

import networkx as nx

from toxicpath.analysis.scoring.graph import ADMIN_CONTROL, AttackGraph

VIRTUAL_SOURCE = "__toxicpath_entry__"


@dataclass(frozen=True)
class ScoredPath:
    """One attack path with its likelihood and risk."""

    node_ids: tuple[str, ...]
    edge_types: tuple[str, ...]
    likelihood: float
    exposure: float
    impact: float

    @property
    def risk(self) -> float:
        return self.exposure * self.likelihood * self.impact

    @property
    def entry_id(self) -> str:
        return self.node_ids[0]

    @property
    def target_id(self) -> str:
        return self.node_ids[-1]


def path_likelihood(attack: AttackGraph, node_ids: tuple[str, ...]) -> float:
    """Return the product of edge weights along `node_ids`."""
    likelihood = 1.0
    for source, target in pairwise(node_ids):
        likelihood *= attack.graph.edges[source, target]["weight"]
    return likelihood


def score_path(
    attack: AttackGraph, node_ids: tuple[str, ...], *, exposure: float = 1.0
) -> ScoredPath:
    """Score a path given as node ids; every consecutive pair must be an edge."""
    graph = attack.graph
    return ScoredPath(
        node_ids=node_ids,
        edge_types=tuple(graph.edges[s, t]["kind"] for s, t in pairwise(node_ids)),
        likelihood=path_likelihood(attack, node_ids),
        exposure=exposure,
        impact=float(graph.nodes[node_ids[-1]].get("impact", 0.0)),
    )


def top_paths(
    attack: AttackGraph, source: str, target: str, *, k: int = 3
) -> list[ScoredPath]:
    """Return up to `k` simple paths from `source` to `target`, most likely first."""
    if source not in attack.graph or target not in attack.graph:
        return []
    exposure = attack.entry_points(any_identity=True).get(source, 1.0)
    try:
        paths = nx.shortest_simple_paths(attack.graph, source, target, weight="cost")
        return [
            score_path(attack, tuple(p), exposure=exposure) for p in islice(paths, k)
        ]
    except nx.NetworkXNoPath:
        return []


@contextmanager
def virtual_source(attack: AttackGraph, entries: Mapping[str, float]) -> Iterator[str]:
    """Join a virtual source to every entry for the duration of the block."""
    graph = attack.graph
    graph.add_node(VIRTUAL_SOURCE)
    for entry, exposure in entries.items():
        if entry in graph:
            graph.add_edge(
                VIRTUAL_SOURCE,
                entry,
                cost=-math.log(exposure),
                weight=exposure,
                fixable=False,
            )
    try:
        yield VIRTUAL_SOURCE
    finally:
        graph.remove_node(VIRTUAL_SOURCE)


def ranked_paths(
    attack: AttackGraph,
    *,
    k: int = 3,
    entries: Mapping[str, float] | None = None,
    targets: Mapping[str, float] | None = None,
    any_identity: bool = False,
) -> list[ScoredPath]:
    """Return the most likely paths to each target, riskiest first.

    Entries default to the internet and outside identities (every identity
    with `any_identity`); targets default to the crown jewels. With few
    entries, Yen's algorithm gives the `k` best paths per target. With every
    identity as an entry, the `k` best paths would all start at identities
    that are already admin, so each entry instead gets its own best path to
    each target, and `k` is not used.

    A path that goes through an account's admin node to a resource of that
    account is left out: the path to the admin node already covers it, and
    listing every resource behind it would bury the other paths.
    """
    entry_map = (
        dict(entries)
        if entries is not None
        else attack.entry_points(any_identity=any_identity)
    )
    target_map = dict(targets) if targets is not None else attack.crown_jewels()
    if any_identity and entries is None:
        results = _best_path_per_entry(attack, entry_map, target_map)
    else:
        results = _yen_paths_per_target(attack, entry_map, target_map, k=k)
    results.sort(key=lambda p: (-p.risk, p.node_ids))
    return results


def _through_admin(path: ScoredPath) -> bool:
    return ADMIN_CONTROL in path.edge_types


def _yen_paths_per_target(
    attack: AttackGraph,
    entry_map: Mapping[str, float],
    target_map: Mapping[str, float],
    *,
    k: int,
) -> list[ScoredPath]:
    results: list[ScoredPath] = []
    with virtual_source(attack, entry_map) as source:
        for target in sorted(target_map):
            if target not in attack.graph or target in entry_map:
                continue
            try:
                paths = nx.shortest_simple_paths(
                    attack.graph, source, target, weight="cost"
                )
                kept = 0
                # Paths come most likely first; those through an admin node are
                # skipped, so look a little further than k for the others.
                for path in islice(paths, 4 * k):
                    nodes = tuple(path[1:])
                    scored = score_path(attack, nodes, exposure=entry_map[nodes[0]])
                    if _through_admin(scored):
                        continue
                    results.append(scored)
                    kept += 1
                    if kept == k:
                        break
            except nx.NetworkXNoPath:
                continue
    return results


def _best_path_per_entry(
    attack: AttackGraph,
    entry_map: Mapping[str, float],
    target_map: Mapping[str, float],
) -> list[ScoredPath]:
    """For each target, the best path from every entry that reaches it."""
    reverse = attack.graph.reverse(copy=False)
    results: list[ScoredPath] = []
    for target in sorted(target_map):
        if target not in attack.graph:
            continue
        # Dijkstra on the reversed graph gives every node's best path to target.
        _, paths = nx.single_source_dijkstra(reverse, target, weight="cost")
        for entry, exposure in entry_map.items():
            path = paths.get(entry)
            if path is None or entry == target:
                continue
            scored = score_path(attack, tuple(reversed(path)), exposure=exposure)
            if not _through_admin(scored):
                results.append(scored)
    return results
