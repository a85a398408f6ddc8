"""Read the store's current scan for the app: paths, blast radius, choke points.

Each function opens the store read-only, computes one view and closes the
store again, so the results are plain data that a cache can keep per scan.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import networkx as nx

from toxicpath.analysis.scoring.blast import blast_radius
from toxicpath.analysis.scoring.chokepoints import choke_points
from toxicpath.analysis.scoring.graph import AttackGraph, load_attack_graph
from toxicpath.analysis.scoring.paths import ranked_paths, score_path
from toxicpath.findings.model import Finding
from toxicpath.graph.open import open_store
from toxicpath.graph.store import GraphStore, ScanInfo
from toxicpath.ui.views.paths import PathView, describe_paths

logger = logging.getLogger(__name__)

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")

# Lower bounds of risk x 100 for a path that no finding rates, highest first.
_RISK_BANDS = (("critical", 70.0), ("high", 40.0), ("medium", 10.0), ("low", 0.0))

# Paths described hop by hop for one view. Each hop costs one store query,
# so further paths are counted but not described.
MAX_DESCRIBED_PATHS = 500

# Node types that the blast-radius page offers besides identities.
BLAST_SOURCE_TYPES = ("virtual_machine", "function", "container_service")


@dataclass(frozen=True)
class NodeInfo:
    """A node of the attack graph as the app lists it."""

    id: str
    label: str
    type: str
    name: str
    account_id: str
    cloud: str


@dataclass
class RankedPath:
    """A described path with what the path filters match on."""

    view: PathView
    severity: str
    clouds: tuple[str, ...]
    accounts: tuple[str, ...]
    techniques: tuple[str, ...]
    edge_kinds: tuple[str, ...]
    node_ids: tuple[str, ...]


@dataclass
class PathSet:
    """The ranked paths of a scan and the nodes they pass through."""

    paths: list[RankedPath]
    nodes: dict[str, NodeInfo]
    total: int = 0


@dataclass
class BlastView:
    """Everything one node reaches, with the most likely path to each.

    `views` describes the paths to the first MAX_DESCRIBED_PATHS entries of
    `reached`, which is sorted riskiest first.
    """

    source: NodeInfo
    reached: list[NodeInfo]
    views: list[PathView]
    reaches_admin: list[str]
    nodes: dict[str, NodeInfo]


@dataclass
class FixView:
    """One choke-point fix: the edges to remove and what removing them protects."""

    edges: list[tuple[str, str, str]]
    sentences: list[str]
    risk_removed: float
    percent_of_total: float
    targets: list[NodeInfo]


@dataclass
class ChokeView:
    """The greedy fix list and its total effect."""

    total_risk: float
    percent_removed: float
    edge_count: int
    summary: str
    fixes: list[FixView] = field(default_factory=list)


@dataclass
class Posture:
    """Counts for the overview page."""

    identities_to_admin: list[NodeInfo]
    exposed_resources: list[NodeInfo]
    accounts: list[NodeInfo]


def current_scan(store_spec: str | None) -> ScanInfo | None:
    """Return the store's current scan, or None for an empty store."""
    store = open_store(store_spec, read_only=True)
    try:
        return store.current_scan()
    finally:
        store.close()


def node_infos(store: GraphStore, attack: AttackGraph) -> dict[str, NodeInfo]:
    """Return the attack graph's nodes, with each node's cloud from the store."""
    clouds: dict[str, str] = {}
    for label in ("Identity", "Resource"):
        rows = store.query(f"MATCH (n:{label}) RETURN n.id AS id, n.cloud AS cloud")
        clouds.update({str(row["id"]): str(row["cloud"] or "") for row in rows})
    infos = {}
    for node_id, data in attack.graph.nodes(data=True):
        infos[node_id] = NodeInfo(
            id=node_id,
            label=str(data.get("label") or ""),
            type=str(data.get("type") or ""),
            name=str(data.get("name") or node_id),
            account_id=str(data.get("account_id") or ""),
            cloud=clouds.get(node_id, ""),
        )
    return infos


def path_severity(risk: float, finding_severities: list[str]) -> str:
    """Return the highest severity of the findings on a path, else its risk band."""
    ranked = [s for s in SEVERITY_ORDER if s in finding_severities]
    if ranked:
        return ranked[0]
    for name, lower in _RISK_BANDS:
        if risk * 100.0 >= lower:
            return name
    return "low"


def load_paths(
    store_spec: str | None,
    *,
    per_target: int,
    any_identity: bool,
    findings: list[Finding] | None = None,
) -> PathSet:
    """Rank the scan's attack paths and describe each for the app."""
    severities: dict[tuple[str, ...], list[str]] = {}
    for finding in findings or []:
        if finding.path:
            severities.setdefault(finding.path.node_ids, []).append(finding.severity)
    store = open_store(store_spec, read_only=True)
    try:
        attack = load_attack_graph(store)
        nodes = node_infos(store, attack)
        ranked = ranked_paths(attack, k=per_target, any_identity=any_identity)
        scored = ranked[:MAX_DESCRIBED_PATHS]
        views = describe_paths(store, attack, scored)
    finally:
        store.close()
    paths = []
    for path, view in zip(scored, views, strict=True):
        infos = [nodes[node_id] for node_id in path.node_ids]
        paths.append(
            RankedPath(
                view=view,
                severity=path_severity(path.risk, severities.get(path.node_ids, [])),
                clouds=tuple(sorted({i.cloud for i in infos if i.cloud})),
                accounts=tuple(sorted({i.account_id for i in infos if i.account_id})),
                techniques=tuple(
                    sorted({h.technique for h in view.hops if h.technique})
                ),
                edge_kinds=tuple(sorted({h.kind for h in view.hops})),
                node_ids=path.node_ids,
            )
        )
    return PathSet(paths=paths, nodes=nodes, total=len(ranked))


def blast_sources(store_spec: str | None) -> list[NodeInfo]:
    """Return the identities, instances and functions a blast radius can start at."""
    store = open_store(store_spec, read_only=True)
    try:
        attack = load_attack_graph(store)
        nodes = node_infos(store, attack)
    finally:
        store.close()
    sources = [
        info
        for info in nodes.values()
        if (info.label == "Identity" and info.type != "account_admin")
        or info.type in BLAST_SOURCE_TYPES
    ]
    return sorted(sources, key=lambda i: (i.label, i.type, i.name, i.id))


def load_blast(
    store_spec: str | None, node_text: str, *, max_hops: int | None = None
) -> BlastView | None:
    """Return the blast radius of a node id, access key id or unique name.

    Returns None when the text matches no node with attack edges.
    """
    from toxicpath.ui.cli.graph_cmd import resolve_node

    store = open_store(store_spec, read_only=True)
    try:
        attack = load_attack_graph(store)
        node_id = resolve_node(store, attack.graph, node_text.strip())
        if node_id is None:
            return None
        nodes = node_infos(store, attack)
        radius = blast_radius(attack, node_id, max_hops=max_hops)
        described = radius.reached[:MAX_DESCRIBED_PATHS]
        views = describe_paths(store, attack, [reach.path for reach in described])
    finally:
        store.close()
    return BlastView(
        source=nodes[node_id],
        reached=[nodes[reach.node_id] for reach in radius.reached],
        views=views,
        reaches_admin=radius.reaches_admin,
        nodes=nodes,
    )


def load_choke_points(
    store_spec: str | None, *, max_edges: int, any_identity: bool
) -> ChokeView:
    """Return the greedy choke-point fixes with a sentence for each edge they cut."""
    store = open_store(store_spec, read_only=True)
    try:
        attack = load_attack_graph(store)
        nodes = node_infos(store, attack)
        report = choke_points(attack, max_edges=max_edges, any_identity=any_identity)
        fixes = []
        for fix in report.fixes:
            edges = [
                (source, target, kind)
                for (source, target), kind in zip(
                    fix.edges, fix.edge_kinds, strict=True
                )
            ]
            hops = describe_paths(
                store,
                attack,
                [score_path(attack, (source, target)) for source, target, _ in edges],
            )
            fixes.append(
                FixView(
                    edges=edges,
                    sentences=[view.hops[0].reason for view in hops],
                    risk_removed=fix.risk_removed,
                    percent_of_total=(
                        100.0 * fix.risk_removed / report.total_risk
                        if report.total_risk > 0
                        else 0.0
                    ),
                    targets=[nodes[t] for t in fix.targets_protected if t in nodes],
                )
            )
    finally:
        store.close()
    return ChokeView(
        total_risk=report.total_risk,
        percent_removed=report.percent_removed,
        edge_count=report.edge_count,
        summary=report.summary(),
        fixes=fixes,
    )


def load_posture(store_spec: str | None) -> Posture:
    """Return identities that reach an account admin, exposed resources, accounts."""
    store = open_store(store_spec, read_only=True)
    try:
        attack = load_attack_graph(store)
        nodes = node_infos(store, attack)
        account_rows = store.query(
            "MATCH (n:Account) RETURN n.id AS id, n.type AS type, n.name AS name, "
            "n.cloud AS cloud, n.account_id AS account_id"
        )
    finally:
        store.close()
    graph = attack.graph
    admins = [n for n, info in nodes.items() if info.type == "account_admin"]
    to_admin: set[str] = set()
    for admin in admins:
        to_admin |= nx.ancestors(graph, admin)
    identities = [
        nodes[n]
        for n in sorted(to_admin)
        if nodes[n].label == "Identity" and nodes[n].type != "account_admin"
    ]
    internet = [n for n, info in nodes.items() if info.label == "Internet"]
    exposed = sorted(
        {
            target
            for source in internet
            for target in graph.successors(source)
            if nodes[target].label == "Resource"
        }
    )
    accounts = [
        NodeInfo(
            id=str(row["id"]),
            label="Account",
            type=str(row["type"] or ""),
            name=str(row["name"] or row["id"]),
            account_id=str(row["account_id"] or ""),
            cloud=str(row["cloud"] or ""),
        )
        for row in account_rows
    ]
    return Posture(
        identities_to_admin=identities,
        exposed_resources=[nodes[n] for n in exposed],
        accounts=sorted(accounts, key=lambda a: a.id),
    )
