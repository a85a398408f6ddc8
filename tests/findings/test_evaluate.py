"""Store evaluation: scored findings, exposed identities and history records."""

from __future__ import annotations

from pathlib import Path

from findings_estates import ROLE, VM, exposed_vm_to_admin

from toxicpath.findings.evaluate import (
    evaluate_store,
    finding_rank,
    record_evaluation,
)
from toxicpath.findings.history import ScanHistory


def test_evaluation_scores_and_counts(load_store) -> None:
    evaluation = evaluate_store(load_store(exposed_vm_to_admin()))
    assert evaluation.failures == []
    # The role the VM runs as is the one identity an outsider can act as.
    assert evaluation.exposed_identities == 1
    admin_path = next(
        f
        for f in evaluation.findings
        if f.rule_id == "exposed-compute-reaches-account-admin"
    )
    assert admin_path.resource_id == VM
    assert admin_path.path.node_ids[2] == ROLE
    # EXPOSED_TO to a resource 0.5, RUNS_AS 0.9, default escalation 0.8.
    assert admin_path.risk_score == round(100 * 0.5 * 0.9 * 0.8, 2)


def test_findings_sorted_severity_then_risk(load_store) -> None:
    evaluation = evaluate_store(load_store(exposed_vm_to_admin()))
    # The critical path (risk 36) outranks the high public bucket (risk 70).
    first, second = evaluation.findings[:2]
    assert first.rule_id == "exposed-compute-reaches-account-admin"
    assert second.rule_id == "public-object-storage"
    assert first.risk_score < second.risk_score
    keys = [finding_rank(f) for f in evaluation.findings]
    assert keys == sorted(keys)


def test_record_evaluation_once(load_store, tmp_path: Path) -> None:
    evaluation = evaluate_store(load_store(exposed_vm_to_admin()))
    history = ScanHistory(tmp_path / "h.sqlite")
    record = record_evaluation(history, evaluation)
    assert record is not None
    assert record.metrics["exposed_identities"] == 1
    assert record_evaluation(history, evaluation) is None
    assert len(history.scans()) == 1
