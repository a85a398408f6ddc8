"""Every registered escalation technique: its minimal case fires with the
right technique id and evidence, and each near miss stays silent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from escalation_scenarios import attacker_statements, build_scenario
from identity_builders import (
    allow,
    analyze,
    deny,
    document,
    edges,
    evidence,
    managed_policy,
    with_scp,
)

from toxicpath.analysis.aws.escalation.catalog import Technique, all_techniques

TECHNIQUES = sorted(all_techniques(), key=lambda t: t.id)
IDS = [t.id for t in TECHNIQUES]
# A source address condition the snapshot cannot decide.
UNDECIDABLE = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
# The evaluator treats every request as sent over HTTPS, so this never holds.
NEVER_TRUE = {"Bool": {"aws:SecureTransport": "false"}}
NOT_THE_VICTIM = "arn:aws:iam::111111111111:user/somebody-else"


def _technique_edges(technique: Technique, records, scenario):  # type: ignore[no-untyped-def]
    return edges(
        records,
        "CAN_ESCALATE",
        source=scenario.attacker.arn,
        technique=technique.id,
    )


def test_catalog_has_unique_metadata() -> None:
    assert len(IDS) == len(set(IDS))
    assert len(TECHNIQUES) >= 60
    for technique in TECHNIQUES:
        assert technique.title, technique.id
        assert technique.required_actions, technique.id
        assert technique.references, technique.id
        assert technique.target_kind in {
            "account_admin",
            "passed_role",
            "user",
            "role",
            "group",
            "resource_role",
        }, technique.id


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_technique_minimal_case_fires(technique: Technique) -> None:
    scenario = build_scenario(technique, attacker_statements(technique))
    records = analyze(scenario.estate)
    found = _technique_edges(technique, records, scenario)
    assert [e.target for e in found] == [scenario.target]
    edge = found[0]
    assert edge.props["conditional"] is False
    assert edge.props["reason"].endswith(".")
    (item,) = evidence(edge)
    assert item["technique"] == technique.id
    assert item.get("victim", "") == scenario.victim
    proven = {step["action"].lower() for step in item["steps"]}
    for action in technique.required_actions:
        assert action.lower() in proven, action
    for step in item["steps"]:
        assert step["allowed_by"], step
        assert step["allowed_by"][0]["policy"].endswith("#inline:inline")


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_technique_undecidable_condition_is_conditional(technique: Technique) -> None:
    statements = attacker_statements(technique, condition=UNDECIDABLE)
    scenario = build_scenario(technique, statements)
    records = analyze(scenario.estate)
    found = _technique_edges(technique, records, scenario)
    assert [e.target for e in found] == [scenario.target]
    assert found[0].props["conditional"] is True


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_technique_deny_elsewhere_blocks(technique: Technique) -> None:
    guard = managed_policy(
        "guard", {"v1": document(deny(technique.required_actions[0]))}
    )
    scenario = build_scenario(
        technique, attacker_statements(technique), extra_managed=[guard]
    )
    records = analyze(scenario.estate)
    assert _technique_edges(technique, records, scenario) == []


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_technique_boundary_without_action(technique: Technique) -> None:
    boundary = managed_policy("boundary", {"v1": document(allow("s3:GetObject"))})
    scenario = build_scenario(
        technique, attacker_statements(technique), boundary=boundary
    )
    records = analyze(scenario.estate)
    assert _technique_edges(technique, records, scenario) == []


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_technique_scp_deny_blocks(technique: Technique) -> None:
    scenario = build_scenario(technique, attacker_statements(technique))
    with_scp(scenario.estate, document(deny(technique.required_actions[-1])))
    records = analyze(scenario.estate)
    assert _technique_edges(technique, records, scenario) == []


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_technique_resource_excludes_victim(technique: Technique) -> None:
    statements = attacker_statements(technique, resources=NOT_THE_VICTIM)
    scenario = build_scenario(technique, statements)
    records = analyze(scenario.estate)
    assert _technique_edges(technique, records, scenario) == []


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_technique_impossible_condition(technique: Technique) -> None:
    statements = attacker_statements(technique, condition=NEVER_TRUE)
    scenario = build_scenario(technique, statements)
    records = analyze(scenario.estate)
    assert _technique_edges(technique, records, scenario) == []


MULTI_ACTION = [t for t in TECHNIQUES if len(t.required_actions) >= 2]


@pytest.mark.parametrize("technique", MULTI_ACTION, ids=[t.id for t in MULTI_ACTION])
def test_technique_split_across_policies(technique: Technique) -> None:
    """Required actions granted by different policies still combine."""
    actions = list(technique.required_actions)
    other = managed_policy("second", {"v1": document(allow(actions[1:]))})
    scenario = build_scenario(technique, [allow(actions[:1])], extra_managed=[other])
    records = analyze(scenario.estate)
    found = _technique_edges(technique, records, scenario)
    assert [e.target for e in found] == [scenario.target]


def test_coverage_doc_lists_every_technique() -> None:
    doc = Path(__file__).resolve().parents[3] / "docs" / "aws-coverage.md"
    rows = {
        line.split("|")[1].strip().strip("`")
        for line in doc.read_text().splitlines()
        if line.startswith("| `aws-")
    }
    assert rows == set(IDS)


def test_catalog_covers_pathfinding_paths(shared_data: Path) -> None:
    """Every pathfinding.cloud path maps to a technique, except plain
    sts:AssumeRole, which is the CAN_ASSUME edge."""
    gap = json.loads(
        (shared_data / "aws/privesc-catalog/gap-analysis.json").read_text()
    )
    paths = {item["id"] for items in gap["by_status"].values() for item in items}
    aliases = {alias for technique in TECHNIQUES for alias in technique.aliases}
    assert len(paths) == 66
    assert paths - aliases == {"sts-001"}
