"""The attack graph as a networkx DiGraph, built from a store or from records.

Only the edges an attacker walks enter the graph: the derived edges
(EXPOSED_TO, CAN_ASSUME, CAN_ESCALATE, CAN_ACCESS) and RUNS_AS, which turns
a compromised workload into its identity. Each account's `account_admin`
also gets an ADMIN_CONTROL edge to every resource of its account, because
full control of an account reaches everything in it. These edges, and the
EXPOSED_TO edges from the internet to anonymous and outside identities,
cannot be fixed on their own, so choke-point analysis never proposes them.

When two edges join the same pair of nodes (an assume and an escalation,
say), the graph keeps the one with the higher weight and lists both kinds.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from toxicpath.analysis.scoring.config import ScoringConfig
from toxicpath.graph.records import GraphRecords
from toxicpath.graph.store import GraphStore

logger = logging.getLogger(__name__)

ATTACK_EDGE_TYPES = (
    "EXPOSED_TO",
    "RUNS_AS",
    "CAN_ASSUME",
    "CAN_ESCALATE",
    "CAN_ACCESS",
)
ADMIN_CONTROL = "ADMIN_CONTROL"
NODE_ATTRIBUTES = ("label", "type", "name", "account_id", "sensitivity", "is_admin")


@dataclass(frozen=True)
class RawEdge:
    """An attack edge as read from a store or records, before weighting."""

    type: str
    source: str
    target: str
    technique: str | None = None
    conditional: bool = False
    level: str | None = None


@dataclass
class AttackGraph:
    """A weighted attack graph and the configuration that weighted it.

    Node attributes: label, type, name, account_id, sensitivity, is_admin and
    impact. Edge attributes: kind (the winning edge type), kinds (all types
    between the pair), weight in (0, 1], cost (-log weight, for shortest
    paths), technique, conditional and fixable.
    """

    graph: nx.DiGraph
    config: ScoringConfig

    def node(self, node_id: str) -> dict[str, Any]:
        return dict(self.graph.nodes[node_id])

    def entry_points(self, *, any_identity: bool = False) -> dict[str, float]:
        """Return entry node ids with their exposure.

        Entries are the Internet node and the anonymous or outside identities
        that the Internet node does not already reach. With `any_identity`,
        every other identity except account admins is an entry too.
        """
        exposure = self.config.entry_exposure
        entries: dict[str, float] = {}
        for node_id, data in self.graph.nodes(data=True):
            label, node_type = data.get("label"), data.get("type")
            if label == "Internet":
                entries[node_id] = exposure["internet"]
            elif node_type in ("anonymous", "external_account"):
                # Reached from the Internet node already, so not an entry of its own.
                if not any(
                    self.graph.nodes[p].get("label") == "Internet"
                    for p in self.graph.predecessors(node_id)
                ):
                    entries[node_id] = exposure[node_type]
            elif any_identity and label == "Identity" and node_type != "account_admin":
                entries[node_id] = exposure["identity"]
        return entries

    def crown_jewels(self) -> dict[str, float]:
        """Return target node ids with their impact, for impact >= the threshold."""
        threshold = self.config.crown_jewel_impact
        return {
            node_id: data["impact"]
            for node_id, data in self.graph.nodes(data=True)
            if data.get("impact", 0.0) >= threshold
        }


def edge_weight(edge: RawEdge, target_label: str, config: ScoringConfig) -> float:
    """Return the exploitability weight of one edge under `config`."""
    if edge.type == "EXPOSED_TO":
        weight = config.edge_weights[f"EXPOSED_TO:{target_label}"]
    elif edge.type == "CAN_ESCALATE":
        weight = config.escalation_weight(edge.technique)
    else:
        weight = config.edge_weights[edge.type]
    if edge.conditional:
        weight *= config.conditional_factor
    return weight


def build_attack_graph(
    nodes: Iterable[tuple[str, Mapping[str, Any]]],
    edges: Iterable[RawEdge],
    config: ScoringConfig | None = None,
) -> AttackGraph:
    """Weight `edges` and build the graph; nodes carry the model's properties."""
    config = config or ScoringConfig()
    graph = nx.DiGraph()
    for node_id, props in nodes:
        attributes = {key: props.get(key) for key in NODE_ATTRIBUTES}
        attributes["impact"] = config.impact(
            node_type=props.get("type"), sensitivity=props.get("sensitivity")
        )
        graph.add_node(node_id, **attributes)
    for edge in edges:
        if edge.source not in graph or edge.target not in graph:
            logger.warning(
                "skipping %s edge %s -> %s: an endpoint is not in the graph",
                edge.type,
                edge.source,
                edge.target,
            )
            continue
        target_label = str(graph.nodes[edge.target].get("label"))
        # The internet can always act as anonymous or as an outside account,
        # so only what those identities can do is fixable.
        fixable = not (edge.type == "EXPOSED_TO" and target_label == "Identity")
        _add_edge(graph, edge, edge_weight(edge, target_label, config), fixable=fixable)
    _add_admin_control(graph, config)
    logger.debug(
        "attack graph: %d nodes, %d edges",
        graph.number_of_nodes(),
        graph.number_of_edges(),
    )
    return AttackGraph(graph=graph, config=config)


def _add_edge(
    graph: nx.DiGraph, edge: RawEdge, weight: float, *, fixable: bool
) -> None:
    existing = graph.get_edge_data(edge.source, edge.target)
    if existing is not None:
        kinds = sorted({*existing["kinds"], edge.type})
        if existing["weight"] >= weight:
            existing["kinds"] = kinds
            return
    else:
        kinds = [edge.type]
    graph.add_edge(
        edge.source,
        edge.target,
        kind=edge.type,
        kinds=kinds,
        weight=weight,
        cost=-math.log(weight),
        technique=edge.technique,
        conditional=edge.conditional,
        level=edge.level,
        fixable=fixable,
    )


def _add_admin_control(graph: nx.DiGraph, config: ScoringConfig) -> None:
    admins = {
        data.get("account_id"): node_id
        for node_id, data in graph.nodes(data=True)
        if data.get("type") == "account_admin" and data.get("account_id")
    }
    if not admins:
        return
    weight = config.edge_weights[ADMIN_CONTROL]
    for node_id, data in list(graph.nodes(data=True)):
        admin = admins.get(data.get("account_id"))
        if data.get("label") != "Resource" or admin is None:
            continue
        if graph.has_edge(admin, node_id):
            continue
        _add_edge(graph, RawEdge(ADMIN_CONTROL, admin, node_id), weight, fixable=False)


def attack_graph_from_records(
    records: GraphRecords, config: ScoringConfig | None = None
) -> AttackGraph:
    """Build the attack graph from graph records (tests, offline analysis)."""
    edges = [
        RawEdge(
            type=e.type,
            source=e.source,
            target=e.target,
            technique=e.props.get("technique"),
            conditional=bool(e.props.get("conditional")),
            level=e.props.get("level"),
        )
        for e in records.edges.values()
        if e.type in ATTACK_EDGE_TYPES
    ]
    nodes = [
        (node.id, {**node.props, "label": node.label})
        for node in records.nodes.values()
        if node.label in _EXTRA_COLUMNS
    ]
    return build_attack_graph(nodes, edges, config)


_NODE_QUERY = (
    "MATCH (n:{label}) RETURN n.id AS id, n.type AS type, n.name AS name, "
    "n.account_id AS account_id{extra}"
)
_EXTRA_COLUMNS = {
    "Identity": ", n.is_admin AS is_admin",
    "Resource": ", n.sensitivity AS sensitivity",
    "Internet": "",
}
_EDGE_QUERY = (
    "MATCH (a)-[r:{edge_type}]->(b) RETURN a.id AS source, b.id AS target{extra}"
)
# LadybugDB rejects a property the edge table does not declare, so each
# type reads only its own; RUNS_AS is a fact edge without `conditional`.
_EDGE_EXTRA = {
    "EXPOSED_TO": ", r.conditional AS conditional",
    "RUNS_AS": "",
    "CAN_ASSUME": ", r.conditional AS conditional",
    "CAN_ESCALATE": ", r.conditional AS conditional, r.technique AS technique",
    "CAN_ACCESS": ", r.conditional AS conditional, r.level AS level",
}


def load_attack_graph(
    store: GraphStore, config: ScoringConfig | None = None
) -> AttackGraph:
    """Read the attack subgraph from a store, one query per label and edge type."""
    nodes: list[tuple[str, dict[str, Any]]] = []
    for label, extra in _EXTRA_COLUMNS.items():
        for row in store.query(_NODE_QUERY.format(label=label, extra=extra)):
            nodes.append((str(row["id"]), {**row, "label": label}))
    edges: list[RawEdge] = []
    for edge_type in ATTACK_EDGE_TYPES:
        query = _EDGE_QUERY.format(edge_type=edge_type, extra=_EDGE_EXTRA[edge_type])
        for row in store.query(query):
            edges.append(
                RawEdge(
                    type=edge_type,
                    source=str(row["source"]),
                    target=str(row["target"]),
                    technique=row.get("technique"),
                    conditional=bool(row.get("conditional")),
                    level=row.get("level"),
                )
            )
    return build_attack_graph(nodes, edges, config)
