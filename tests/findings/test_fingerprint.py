"""Fingerprints stay stable across scans and change when the path changes."""

from __future__ import annotations

from findings_estates import VM, exposed_vm_to_admin

from toxicpath.findings.model import FindingPath, fingerprint
from toxicpath.queries.loader import load_rules
from toxicpath.queries.runner import run_rules

RULE_ID = "exposed-compute-reaches-account-admin"


def _scan(load_store, records) -> dict[str, str]:
    rules = [r for r in load_rules() if r.id == RULE_ID]
    result = run_rules(load_store(records), rules)
    return {f.resource_id: f.fingerprint for f in result.findings}


def test_fingerprint_stable_across_scans(load_store) -> None:
    first = _scan(load_store, exposed_vm_to_admin())
    second = _scan(load_store, exposed_vm_to_admin())
    assert VM in first
    assert first == second


def test_fingerprint_changes_with_path(load_store) -> None:
    before = _scan(load_store, exposed_vm_to_admin())
    after = _scan(load_store, exposed_vm_to_admin(extra_hop=True))
    assert VM in after
    assert before[VM] != after[VM]


def test_fingerprint_ignores_evidence() -> None:
    path = FindingPath(node_ids=("a", "b"), edge_types=("CAN_ASSUME",))
    one = fingerprint(rule_id="r", resource_id="b", path=path)
    assert one == fingerprint(rule_id="r", resource_id="b", path=path)
    assert one != fingerprint(rule_id="r2", resource_id="b", path=path)
    assert one != fingerprint(
        rule_id="r", resource_id="b", path=FindingPath(("a", "b"), ("CAN_ESCALATE",))
    )


def test_path_rejects_mismatched_lengths() -> None:
    import pytest

    with pytest.raises(ValueError, match="needs 1 edge types"):
        FindingPath(node_ids=("a", "b"), edge_types=())
