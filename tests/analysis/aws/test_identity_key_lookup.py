"""An access key id finds its user through the Identity node's attrs."""

from __future__ import annotations

from pathlib import Path

from identity_builders import ACCOUNT, access_key, analyze, estate, user

from toxicpath.analysis.scoring.graph import load_attack_graph
from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.store import ScanInfo
from toxicpath.ui.cli.graph_cmd import resolve_node


def test_access_key_id_resolves_user(tmp_path: Path) -> None:
    alice = user("alice", access_keys=[access_key("Active")])
    records = analyze(estate(alice))
    store = LadybugStore(tmp_path / "graph.lbdb")
    try:
        store.load(
            records,
            ScanInfo(id="scan-1", created_at="2026-01-01T00:00:00Z", complete=True),
        )
        attack = load_attack_graph(store)
        found = resolve_node(store, attack.graph, "AKIAEXAMPLE")
    finally:
        store.close()
    assert found == f"arn:aws:iam::{ACCOUNT}:user/alice"
