"""`toxicpath query`, `paths` and `blast-radius`: read the current scan's graph."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from toxicpath.ui.cli.common import OutputOption, StoreOption, handle_errors
from toxicpath.ui.cli.output import OutputFormat, emit_json, emit_table


def query(
    cypher: Annotated[
        str, typer.Argument(help="Read-only Cypher; write clauses are rejected.")
    ],
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Run read-only Cypher against the store and print the rows."""
    _query(cypher, store, output)


@handle_errors
def _query(cypher: str, store: str | None, output: OutputFormat) -> None:
    from toxicpath.graph.open import open_store
    from toxicpath.graph.readonly import check_read_only

    # Checked before the store opens, so a rejected query never touches it.
    check_read_only(cypher)
    graph = open_store(store, read_only=True)
    try:
        rows = graph.query(cypher)
    finally:
        graph.close()
    plain = [{key: _plain(value) for key, value in row.items()} for row in rows]
    if output is OutputFormat.json:
        emit_json(plain)
        return
    columns = [(key, key) for key in (plain[0].keys() if plain else [])]
    emit_table(plain, columns=columns, title=f"{len(plain)} rows")


def _plain(value: Any) -> Any:
    """Turn store nodes, edges and paths into JSON-friendly values."""
    from toxicpath.graph.store import GraphEdge, GraphNode, GraphPath

    if isinstance(value, GraphNode):
        return {"label": value.label, "id": value.id, **value.props}
    if isinstance(value, GraphEdge):
        return {
            "type": value.type,
            "source": value.source,
            "target": value.target,
            **value.props,
        }
    if isinstance(value, GraphPath):
        return {
            "nodes": [_plain(node) for node in value.nodes],
            "edges": [_plain(edge) for edge in value.edges],
        }
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def load_path_views(
    store_spec: str | None,
    *,
    top: int,
    per_target: int = 3,
    any_identity: bool = False,
    entry: str | None = None,
    target: str | None = None,
) -> list[Any]:
    """Rank the store's attack paths and describe the `top` riskiest."""
    from toxicpath.analysis.scoring.graph import load_attack_graph
    from toxicpath.analysis.scoring.paths import ranked_paths
    from toxicpath.graph.open import open_store
    from toxicpath.ui.cli.paths_view import describe_paths

    graph = open_store(store_spec, read_only=True)
    try:
        attack = load_attack_graph(graph)
        entries = None
        if entry is not None:
            entries = {_known_node(graph, attack.graph, entry, "--entry"): 1.0}
        targets = None
        if target is not None:
            target_id = _known_node(graph, attack.graph, target, "--target")
            targets = {target_id: attack.graph.nodes[target_id].get("impact", 1.0)}
        scored = ranked_paths(
            attack,
            k=per_target,
            entries=entries,
            targets=targets,
            any_identity=any_identity,
        )
        return describe_paths(graph, attack, scored[:top])
    finally:
        graph.close()


def _known_node(store: Any, graph: Any, text: str, option: str) -> str:
    """Return the node id `text` names; exit with INPUT when no node matches."""
    from toxicpath.ui.cli.common import ExitCode, fail

    node_id = resolve_node(store, graph, text)
    if node_id is None:
        raise fail(
            f"{option} {text!r}: unknown node id, or a node without attack edges "
            "in the current scan; pass an ARN or resource id (`toxicpath query` "
            "searches the graph)",
            ExitCode.INPUT,
        )
    return node_id


def paths(
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
    top: Annotated[int, typer.Option(min=1, help="Number of paths to print.")] = 10,
    per_target: Annotated[
        int, typer.Option(min=1, help="Best paths kept per target (Yen's k).")
    ] = 3,
    any_identity: Annotated[
        bool,
        typer.Option(
            "--any-identity",
            help="Also start paths at every identity, as if any one were compromised.",
        ),
    ] = False,
    entry: Annotated[
        str | None, typer.Option(help="Only paths starting at this node id.")
    ] = None,
    target: Annotated[
        str | None, typer.Option(help="Only paths ending at this node id.")
    ] = None,
) -> None:
    """Print the current scan's attack paths, riskiest first."""
    _paths(store, output, top, per_target, any_identity, entry, target)


@handle_errors
def _paths(
    store: str | None,
    output: OutputFormat,
    top: int,
    per_target: int,
    any_identity: bool,
    entry: str | None,
    target: str | None,
) -> None:
    from toxicpath.ui.cli.paths_view import print_paths

    views = load_path_views(
        store,
        top=top,
        per_target=per_target,
        any_identity=any_identity or entry is not None,
        entry=entry,
        target=target,
    )
    if output is OutputFormat.json:
        emit_json([view.to_dict() for view in views])
        return
    print_paths(views, title="Attack paths by risk")


def blast_radius(
    node: Annotated[
        str,
        typer.Argument(
            help="Node id (ARN, resource id), access key id, or a unique name of an "
            "identity, instance or function."
        ),
    ],
    store: StoreOption = None,
    output: OutputOption = OutputFormat.table,
    max_hops: Annotated[
        int | None, typer.Option(help="Ignore nodes more than this many hops away.")
    ] = None,
) -> None:
    """Print everything a compromised identity or resource can reach, and how."""
    _blast_radius(node, store, output, max_hops)


@handle_errors
def _blast_radius(
    node: str, store: str | None, output: OutputFormat, max_hops: int | None
) -> None:
    from toxicpath.analysis.scoring.blast import blast_radius as compute
    from toxicpath.analysis.scoring.graph import load_attack_graph
    from toxicpath.graph.open import open_store
    from toxicpath.ui.cli.common import ExitCode, fail
    from toxicpath.ui.cli.paths_view import describe_paths

    graph = open_store(store, read_only=True)
    try:
        attack = load_attack_graph(graph)
        node_id = resolve_node(graph, attack.graph, node)
        if node_id is None:
            raise fail(
                f"{node!r} matches no node with attack edges in the current scan; "
                "pass an ARN or resource id (see `toxicpath query` to search)",
                ExitCode.INPUT,
            )
        radius = compute(attack, node_id, max_hops=max_hops)
        views = describe_paths(graph, attack, [reach.path for reach in radius.reached])
    finally:
        graph.close()
    rows = [
        {
            "id": reach.node_id,
            "name": view.target_name,
            "kind": f"{reach.label}:{reach.type}",
            "account": reach.account_id,
            "hops": len(view.hops),
            "likelihood": view.likelihood,
            "path": " → ".join(view.node_names),
        }
        for reach, view in zip(radius.reached, views, strict=True)
    ]
    if output is OutputFormat.json:
        emit_json(
            {
                "source": node_id,
                "reaches_admin_of": radius.reaches_admin,
                "by_kind": radius.by_kind,
                "by_account": radius.by_account,
                "reached": [
                    {**row, "hops_detail": [hop.__dict__ for hop in view.hops]}
                    for row, view in zip(rows, views, strict=True)
                ],
            }
        )
        return
    title = f"Blast radius of {node_id}: {len(rows)} reachable"
    if radius.reaches_admin:
        title += f"; admin of account(s) {', '.join(radius.reaches_admin)}"
    emit_table(
        rows,
        columns=[
            ("kind", "Kind"),
            ("name", "Name"),
            ("account", "Account"),
            ("hops", "Hops"),
            ("likelihood", "Likelihood"),
            ("path", "Path"),
        ],
        title=title,
    )


def resolve_node(store: Any, graph: Any, text: str) -> str | None:
    """Find the node a user means: an id, an access key id, or a unique name."""
    if text in graph:
        return text
    rows = store.query(
        "MATCH (n:Identity) WHERE n.attrs CONTAINS $text RETURN n.id AS id LIMIT 2",
        {"text": f'"{text}"'},
    )
    matches = [str(row["id"]) for row in rows if str(row["id"]) in graph]
    if len(matches) == 1:
        return matches[0]
    named = [
        node_id for node_id, data in graph.nodes(data=True) if data.get("name") == text
    ]
    return named[0] if len(named) == 1 else None
