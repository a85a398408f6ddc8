"""The findings commands end to end on a real store, through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from findings_estates import ADMIN, ROLE, VM, exposed_vm_to_admin
from typer.testing import CliRunner

from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.store import ScanInfo
from toxicpath.ui.cli.main import app

runner = CliRunner()


def _store(tmp_path: Path, scan_id: str, *, extra_hop: bool = False) -> str:
    path = tmp_path / "graph.lbdb"
    store = LadybugStore(path)
    store.load(
        exposed_vm_to_admin(extra_hop=extra_hop),
        ScanInfo(
            id=scan_id, created_at=f"2026-01-0{scan_id[-1]}T00:00:00Z", complete=True
        ),
    )
    store.close()
    return str(path)


def _findings_json(store: str, *extra: str) -> dict:
    result = runner.invoke(app, ["findings", "--store", store, "-o", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_findings_lists_path_to_admin(tmp_path: Path) -> None:
    data = _findings_json(_store(tmp_path, "s1"))
    rules = {(f["rule_id"], f["resource_id"]) for f in data["findings"]}
    assert ("exposed-compute-reaches-account-admin", VM) in rules
    assert data["rules_not_evaluated"] == []


def test_fail_on_critical_exits_one(tmp_path: Path) -> None:
    store = _store(tmp_path, "s1")
    result = runner.invoke(app, ["findings", "--store", store, "--fail-on", "critical"])
    assert result.exit_code == 1


def test_accept_hides_finding(tmp_path: Path) -> None:
    store = _store(tmp_path, "s1")
    accepted = runner.invoke(
        app,
        [
            "accept",
            "--store",
            store,
            "--rule",
            "public-object-storage",
            "--owner",
            "web-team",
            "--justification",
            "Public assets.",
            "--expires",
            "2999-01-01",
        ],
    )
    assert accepted.exit_code == 0, accepted.output
    open_rules = {f["rule_id"] for f in _findings_json(store)["findings"]}
    assert "public-object-storage" not in open_rules
    every = _findings_json(store, "--all")["findings"]
    statuses = {f["rule_id"]: f["status"] for f in every}
    assert statuses["public-object-storage"] == "accepted"


def test_accept_rejects_bad_date(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "accept",
            "--store",
            _store(tmp_path, "s1"),
            "--rule",
            "x",
            "--owner",
            "o",
            "--justification",
            "j",
            "--expires",
            "next week",
        ],
    )
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_diff_reports_changed_path(tmp_path: Path) -> None:
    store = _store(tmp_path, "s1")
    _findings_json(store)
    _store(tmp_path, "s2", extra_hop=True)
    _findings_json(store)
    result = runner.invoke(app, ["diff", "--store", store, "-o", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    changed = {
        (c["after"]["rule_id"], c["after"]["resource_id"]): c["changes"]
        for c in data["changed"]
    }
    # One more hop lowers the likelihood, so the risk changes with the path.
    assert changed[("exposed-compute-reaches-account-admin", VM)] == [
        "path",
        "risk_score",
    ]


def test_compliance_without_snapshot_warns(tmp_path: Path) -> None:
    store = _store(tmp_path, "s1")
    result = runner.invoke(
        app, ["compliance", "--framework", "cis_aws_3", "--store", store, "-o", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    statuses = {c["control"]: c["status"] for c in data["controls"]}
    assert statuses["2.1.4"] == "fail"
    assert data["coverage_known"] is False


def test_compliance_unknown_framework(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["compliance", "--framework", "pci", "--store", _store(tmp_path, "s1")]
    )
    assert result.exit_code == 2


def test_rules_lists_library() -> None:
    result = runner.invoke(app, ["rules", "-o", "json", "--severity", "critical"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data
    assert {r["severity"] for r in data} == {"critical"}


def test_choke_points_cut_the_exposure(tmp_path: Path) -> None:
    store = _store(tmp_path, "s1")
    result = runner.invoke(app, ["choke-points", "--store", store, "-o", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["percent_removed"] == pytest.approx(100.0)
    # Any single edge of the one path to admin cuts all of its risk.
    [first] = [tuple(edge) for edge in data["fixes"][0]["edge_ids"]]
    assert first in {("internet", VM), (VM, ROLE), (ROLE, ADMIN)}
