"""Rows to findings: path columns, one finding per subject and failed rules."""

from __future__ import annotations

from dataclasses import replace

import pytest
from estate_builder import Estate

from toxicpath.queries.loader import load_rules
from toxicpath.queries.runner import RuleRowError, findings_from_rows, run_rules

RULE = next(r for r in load_rules() if r.id == "identity-reaches-account-admin")


def _row(*nodes: str) -> dict[str, object]:
    return {
        "resource_id": nodes[0],
        "resource_name": "alice",
        "admin_account_id": "111",
        "path_node_ids": list(nodes),
        "path_edge_types": ["CAN_ASSUME"] * (len(nodes) - 1),
    }


def test_shortest_path_kept_per_subject() -> None:
    rows = [_row("alice", "r1", "r2", "admin"), _row("alice", "r3", "admin")]
    [finding] = findings_from_rows(RULE, rows)
    assert finding.path.node_ids == ("alice", "r3", "admin")


def test_equal_length_tie_broken_by_ids() -> None:
    rows = [_row("alice", "r9", "admin"), _row("alice", "r1", "admin")]
    assert findings_from_rows(RULE, rows)[0].path.node_ids[1] == "r1"
    assert findings_from_rows(RULE, list(reversed(rows)))[0].path.node_ids[1] == "r1"


def test_other_columns_become_evidence() -> None:
    [finding] = findings_from_rows(RULE, [_row("alice", "admin")])
    assert finding.evidence == {"admin_account_id": "111"}
    assert finding.resource_name == "alice"


def test_row_without_resource_id_rejected() -> None:
    with pytest.raises(RuleRowError, match="without resource_id"):
        findings_from_rows(RULE, [{"path": None}])


def test_broken_rule_recorded_as_failure(load_store) -> None:
    estate = Estate()
    estate.identity("alice", type="user")
    store = load_store(estate.records)
    broken = replace(RULE, cypher="MATCH (n:Identity) RETURN n.colour AS resource_id")
    result = run_rules(
        store, [broken, *[r for r in load_rules() if r.id == "user-with-direct-admin"]]
    )
    assert [f.rule_id for f in result.failures] == [RULE.id]
    assert RULE.id not in result.evaluated_rule_ids
    assert "user-with-direct-admin" in result.evaluated_rule_ids
