"""Blast radius: everything a compromised node reaches, with the best path to each."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from toxicpath.analysis.scoring.graph import AttackGraph
from toxicpath.analysis.scoring.paths import ScoredPath, score_path


class UnknownNodeError(KeyError):
    """The node id is not in the attack graph."""


@dataclass(frozen=True)
class Reach:
    """One node in a blast radius and the most likely path to it."""

    node_id: str
    label: str
    type: str
    account_id: str
    path: ScoredPath


@dataclass
class BlastRadius:
    """The nodes a compromised node reaches, grouped by kind and by account."""

    source_id: str
    reached: list[Reach] = field(default_factory=list)

    @property
    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for reach in self.reached:
            key = f"{reach.label}:{reach.type}"
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def by_account(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for reach in self.reached:
            counts[reach.account_id] = counts.get(reach.account_id, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def reaches_admin(self) -> list[str]:
        """Return the account ids whose admin the source can become."""
        return sorted(r.account_id for r in self.reached if r.type == "account_admin")


def blast_radius(
    attack: AttackGraph, node_id: str, *, max_hops: int | None = None
) -> BlastRadius:
    """Return every node reachable from `node_id`, each with its most likely path.

    Dijkstra on -log weights gives the most likely path to each node at once.
    `max_hops` bounds the path length in edges (None for no bound).
    """
    if node_id not in attack.graph:
        raise UnknownNodeError(
            f"{node_id!r} is not in the attack graph; pass the id of an identity, "
            "resource or the internet node that has attack edges"
        )
    paths = nx.single_source_dijkstra_path(
        attack.graph, node_id, cutoff=None, weight="cost"
    )
    result = BlastRadius(source_id=node_id)
    for target, path in sorted(paths.items()):
        if target == node_id:
            continue
        if max_hops is not None and len(path) - 1 > max_hops:
            continue
        data = attack.graph.nodes[target]
        result.reached.append(
            Reach(
                node_id=target,
                label=str(data.get("label") or ""),
                type=str(data.get("type") or ""),
                account_id=str(data.get("account_id") or ""),
                path=score_path(attack, tuple(path)),
            )
        )
    result.reached.sort(key=lambda r: (-r.path.likelihood * r.path.impact, r.node_id))
    return result
