"""Scoring: weights, Yen's ranking, blast radius and choke points."""

from __future__ import annotations

import math

import pytest
from scoring_graphs import ACCOUNT, ADMIN, DB, node, two_routes_sharing_one_edge

from toxicpath.analysis.scoring.blast import UnknownNodeError, blast_radius
from toxicpath.analysis.scoring.chokepoints import choke_points
from toxicpath.analysis.scoring.config import ScoringConfig, ScoringConfigError
from toxicpath.analysis.scoring.findings_risk import score_findings
from toxicpath.analysis.scoring.graph import (
    attack_graph_from_records,
    load_attack_graph,
)
from toxicpath.analysis.scoring.paths import ranked_paths, top_paths
from toxicpath.findings.model import Finding, FindingPath
from toxicpath.graph.records import GraphRecords


def _three_routes() -> GraphRecords:
    """user -> admin by three routes of different likelihood."""
    records = GraphRecords()
    node(records, "Identity", "user", type="user")
    node(records, "Identity", ADMIN, type="account_admin")
    node(records, "Identity", "r1", type="role")
    node(records, "Identity", "r2", type="role")
    node(records, "Identity", "r3", type="role")
    # Route 1: one assume and the admin edge: 0.95 * 1.0.
    records.add_edge("CAN_ASSUME", "user", "r1", conditional=False)
    records.add_edge("CAN_ESCALATE", "r1", ADMIN, technique="aws-admin-policy")
    # Route 2: an escalation with the default weight: 0.8 * 1.0.
    records.add_edge("CAN_ESCALATE", "user", "r2", technique="aws-iam-pass-role")
    records.add_edge("CAN_ESCALATE", "r2", ADMIN, technique="aws-admin-policy")
    # Route 3: a conditional assume: 0.95 * 0.3 * 1.0.
    records.add_edge("CAN_ASSUME", "user", "r3", conditional=True)
    records.add_edge("CAN_ESCALATE", "r3", ADMIN, technique="aws-admin-policy")
    return records


def test_yen_paths_in_likelihood_order() -> None:
    attack = attack_graph_from_records(_three_routes())
    paths = top_paths(attack, "user", ADMIN, k=3)
    assert [p.node_ids[1] for p in paths] == ["r1", "r2", "r3"]
    likelihoods = [p.likelihood for p in paths]
    assert likelihoods == sorted(likelihoods, reverse=True)
    assert math.isclose(paths[0].likelihood, 0.95)
    assert math.isclose(paths[2].likelihood, 0.95 * 0.3)


def test_top_paths_respects_k() -> None:
    attack = attack_graph_from_records(_three_routes())
    assert len(top_paths(attack, "user", ADMIN, k=2)) == 2


def test_weight_override_reorders_paths() -> None:
    config = ScoringConfig.from_mapping({"edge_weights": {"CAN_ASSUME": 0.5}})
    attack = attack_graph_from_records(_three_routes(), config)
    paths = top_paths(attack, "user", ADMIN, k=1)
    assert paths[0].node_ids[1] == "r2"


def test_config_rejects_weight_above_one() -> None:
    with pytest.raises(ScoringConfigError, match=r"edge_weights\.CAN_ASSUME"):
        ScoringConfig.from_mapping({"edge_weights": {"CAN_ASSUME": 1.5}})


def test_config_rejects_unknown_setting() -> None:
    with pytest.raises(ScoringConfigError, match="unknown scoring setting"):
        ScoringConfig.from_mapping({"edge_weight": {}})


def test_risk_is_exposure_likelihood_impact() -> None:
    attack = attack_graph_from_records(two_routes_sharing_one_edge())
    paths = ranked_paths(attack, k=1)
    assert len(paths) == 1
    path = paths[0]
    assert path.node_ids[0] == "internet"
    assert path.target_id == DB
    expected = 1.0 * (0.5 * 0.9 * 0.95 * 0.95) * 1.0
    assert math.isclose(path.risk, expected)


def test_choke_point_is_shared_edge() -> None:
    attack = attack_graph_from_records(two_routes_sharing_one_edge())
    report = choke_points(attack, max_edges=3)
    assert len(report.fixes) == 1
    assert report.fixes[0].edges == (("hub", DB),)
    assert math.isclose(report.percent_removed, 100.0)
    assert report.summary() == "fix these 1 things to remove 100% of path risk"


def test_choke_points_use_min_cut_for_disjoint_routes() -> None:
    records = two_routes_sharing_one_edge()
    # Give role-b its own read edge, so no single edge protects the DB.
    records.add_edge("CAN_ACCESS", "role-b", DB, level="read", conditional=False)
    records.add_edge("CAN_ACCESS", "role-a", DB, level="read", conditional=False)
    attack = attack_graph_from_records(records)
    report = choke_points(attack, max_edges=4)
    assert math.isclose(report.percent_removed, 100.0)
    assert report.edge_count == 2


def test_choke_points_leave_graph_unchanged() -> None:
    attack = attack_graph_from_records(two_routes_sharing_one_edge())
    before = sorted(attack.graph.edges)
    choke_points(attack)
    assert sorted(attack.graph.edges) == before


def test_blast_radius_groups_by_kind() -> None:
    records = two_routes_sharing_one_edge()
    node(records, "Identity", ADMIN, type="account_admin")
    records.add_edge("CAN_ESCALATE", "hub", ADMIN, technique="aws-admin-policy")
    node(records, "Resource", "bucket", type="object_storage", sensitivity="low")
    attack = attack_graph_from_records(records)
    radius = blast_radius(attack, "role-a")
    reached = {r.node_id for r in radius.reached}
    # The account admin controls every resource, so the VMs and the role
    # that vm-b runs as are reached through it.
    assert reached == {"hub", DB, ADMIN, "bucket", "vm-a", "vm-b", "role-b"}
    assert radius.by_kind["Resource:database"] == 1
    assert radius.by_kind["Identity:role"] == 2
    assert radius.by_account == {ACCOUNT: 7}
    assert radius.reaches_admin == [ACCOUNT]


def test_blast_radius_bucket_through_admin() -> None:
    records = two_routes_sharing_one_edge()
    node(records, "Identity", ADMIN, type="account_admin")
    records.add_edge("CAN_ESCALATE", "hub", ADMIN, technique="aws-admin-policy")
    node(records, "Resource", "bucket", type="object_storage", sensitivity="low")
    attack = attack_graph_from_records(records)
    bucket = next(
        r for r in blast_radius(attack, "role-a").reached if r.node_id == "bucket"
    )
    assert bucket.path.edge_types[-1] == "ADMIN_CONTROL"


def test_blast_radius_unknown_node() -> None:
    attack = attack_graph_from_records(two_routes_sharing_one_edge())
    with pytest.raises(UnknownNodeError):
        blast_radius(attack, "nope")


def test_store_graph_matches_records_graph(load_store) -> None:
    records = two_routes_sharing_one_edge()
    from_store = load_attack_graph(load_store(records))
    from_records = attack_graph_from_records(records)
    assert sorted(from_store.graph.edges) == sorted(from_records.graph.edges)
    for u, v in from_records.graph.edges:
        assert math.isclose(
            from_store.graph.edges[u, v]["weight"],
            from_records.graph.edges[u, v]["weight"],
        )


def test_score_findings_orders_by_risk() -> None:
    attack = attack_graph_from_records(two_routes_sharing_one_edge())
    path = FindingPath(
        node_ids=("internet", "vm-a", "role-a", "hub", DB),
        edge_types=("EXPOSED_TO", "RUNS_AS", "CAN_ASSUME", "CAN_ACCESS"),
    )
    path_finding = Finding("r1", "high", "t", DB, "f1", path=path)
    posture = Finding("r2", "low", "t", "x", "f2")
    scored = score_findings([posture, path_finding], attack)
    assert [f.fingerprint for f in scored] == ["f1", "f2"]
    assert math.isclose(scored[0].risk_score, round(100 * 0.5 * 0.9 * 0.95 * 0.95, 2))
    assert math.isclose(scored[1].risk_score, 10.0)


def test_choke_point_skips_internet_identity_edge() -> None:
    records = GraphRecords()
    records.add_node("Internet", "internet", cloud="none", type="internet")
    node(records, "Identity", "aws:anonymous", type="anonymous")
    node(records, "Resource", "bucket", type="object_storage", sensitivity="critical")
    records.add_edge("EXPOSED_TO", "internet", "aws:anonymous", conditional=False)
    records.add_edge(
        "CAN_ACCESS", "aws:anonymous", "bucket", level="read", conditional=False
    )
    report = choke_points(attack_graph_from_records(records))
    assert [fix.edges for fix in report.fixes] == [(("aws:anonymous", "bucket"),)]


def _many_admins_and_one_climber() -> GraphRecords:
    """Five identities that are admin already, and one that must climb."""
    records = GraphRecords()
    node(records, "Identity", ADMIN, type="account_admin")
    node(records, "Resource", DB, type="database", sensitivity="critical")
    for number in range(5):
        admin = node(records, "Identity", f"admin-{number}", type="role")
        records.add_edge("CAN_ESCALATE", admin, ADMIN, technique="aws-admin-policy")
    node(records, "Identity", "climber", type="user")
    node(records, "Identity", "middle", type="role")
    records.add_edge("CAN_ASSUME", "climber", "middle", conditional=False)
    records.add_edge("CAN_ESCALATE", "middle", ADMIN, technique="aws-admin-policy")
    return records


def test_any_identity_lists_every_entry() -> None:
    attack = attack_graph_from_records(_many_admins_and_one_climber())
    paths = ranked_paths(attack, k=3, any_identity=True)
    entries = {p.entry_id for p in paths if p.target_id == ADMIN}
    assert "climber" in entries
    assert {f"admin-{n}" for n in range(5)} <= entries


def test_paths_through_admin_not_listed() -> None:
    attack = attack_graph_from_records(_many_admins_and_one_climber())
    paths = ranked_paths(attack, k=3, any_identity=True)
    assert paths
    assert all("ADMIN_CONTROL" not in p.edge_types for p in paths)
    assert all(p.target_id != DB for p in paths)
