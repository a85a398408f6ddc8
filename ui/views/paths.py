"""Ranked attack paths described for people: node names, and per hop its reason.

The CLI and the Streamlit app both read paths through `describe_paths`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from toxicpath.analysis.scoring.graph import AttackGraph
from toxicpath.analysis.scoring.paths import ScoredPath
from toxicpath.graph.store import GraphStore

# Attack edges whose reason and evidence the store keeps; ADMIN_CONTROL is
# added by scoring and has no stored edge.
_STORED_EDGE_TYPES = (
    "EXPOSED_TO",
    "RUNS_AS",
    "CAN_ASSUME",
    "CAN_ESCALATE",
    "CAN_ACCESS",
)
_HOP_QUERY = (
    "MATCH (a)-[r:{edge_type}]->(b) WHERE a.id = $source AND b.id = $target "
    "RETURN r.reason AS reason, r.evidence AS evidence LIMIT 1"
)


@dataclass
class Hop:
    """One step of a path: the edge kind and why it exists."""

    source: str
    target: str
    kind: str
    reason: str
    technique: str | None = None
    conditional: bool = False
    evidence: list[Any] = field(default_factory=list)


@dataclass
class PathView:
    """A scored path with names and the reasons for each hop."""

    rank: int
    risk: float
    likelihood: float
    impact: float
    entry: str
    target: str
    target_name: str
    node_names: list[str]
    hops: list[Hop]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "risk": round(self.risk, 6),
            "likelihood": round(self.likelihood, 6),
            "impact": self.impact,
            "entry": self.entry,
            "target": self.target,
            "target_name": self.target_name,
            "nodes": self.node_names,
            "hops": [hop.__dict__ for hop in self.hops],
        }


def describe_paths(
    store: GraphStore, attack: AttackGraph, paths: list[ScoredPath]
) -> list[PathView]:
    """Attach node names and each hop's stored reason and evidence to `paths`."""
    views = []
    for rank, path in enumerate(paths, start=1):
        hops = [
            _hop(store, attack, source, target)
            for source, target in zip(path.node_ids, path.node_ids[1:], strict=False)
        ]
        names = [_name(attack, node_id) for node_id in path.node_ids]
        views.append(
            PathView(
                rank=rank,
                risk=path.risk,
                likelihood=path.likelihood,
                impact=path.impact,
                entry=path.entry_id,
                target=path.target_id,
                target_name=names[-1],
                node_names=names,
                hops=hops,
            )
        )
    return views


def _name(attack: AttackGraph, node_id: str) -> str:
    data = attack.graph.nodes[node_id]
    return str(data.get("name") or node_id)


def _hop(store: GraphStore, attack: AttackGraph, source: str, target: str) -> Hop:
    data = attack.graph.edges[source, target]
    kinds = list(data.get("kinds") or [data.get("kind")])
    kind = str(data.get("kind"))
    hop = Hop(
        source=source,
        target=target,
        kind=kind,
        reason="",
        technique=data.get("technique"),
        conditional=bool(data.get("conditional")),
    )
    for edge_type in [kind, *kinds]:
        if edge_type not in _STORED_EDGE_TYPES:
            continue
        rows = store.query(
            _HOP_QUERY.format(edge_type=edge_type), {"source": source, "target": target}
        )
        if rows:
            hop.reason = str(rows[0].get("reason") or "")
            hop.evidence = _evidence(rows[0].get("evidence"))
            break
    if not hop.reason:
        hop.reason = (
            f"{_name(attack, source)} controls its account, which includes "
            f"{_name(attack, target)}."
            if kind == "ADMIN_CONTROL"
            else f"{_name(attack, source)} {kind} {_name(attack, target)}."
        )
    return hop


def _evidence(text: Any) -> list[Any]:
    if not text:
        return []
    try:
        loaded = json.loads(text)
    except (TypeError, ValueError):
        return [text]
    return loaded if isinstance(loaded, list) else [loaded]
