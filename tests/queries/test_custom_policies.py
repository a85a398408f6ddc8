"""Custom YAML policies: compilation, execution and error messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from estate_builder import Estate

from toxicpath.queries.custom import load_custom_policies
from toxicpath.queries.loader import RuleLoadError, load_rules
from toxicpath.queries.runner import run_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "queries"


def test_policies_compile_to_rules() -> None:
    rules = load_custom_policies(DATA / "custom-policies.yaml")
    assert [r.id for r in rules] == ["prod-buckets-encrypted", "no-old-admin-keys"]
    assert rules[0].metadata.remediation.automated is True


def test_policy_values_are_parameters() -> None:
    rule = load_custom_policies(DATA / "custom-policies.yaml")[0]
    assert '"env":"prod"' not in rule.cypher
    assert rule.metadata.parameters["p1"] == '"env":"prod"'


def test_custom_rules_join_library() -> None:
    extra = load_custom_policies(DATA / "custom-policies.yaml")
    ids = {rule.id for rule in load_rules(extra=extra)}
    assert "prod-buckets-encrypted" in ids
    assert "public-object-storage" in ids


def test_all_conditions_must_hold(load_store) -> None:
    estate = Estate()
    estate.resource(
        "arn:aws:s3:::prod-logs",
        type="object_storage",
        encrypted=False,
        tags='{"env":"prod"}',
    )
    estate.resource(
        "arn:aws:s3:::dev-logs",
        type="object_storage",
        encrypted=False,
        tags='{"env":"dev"}',
    )
    estate.resource(
        "arn:aws:s3:::prod-data",
        type="object_storage",
        encrypted=True,
        tags='{"env":"prod"}',
    )
    rule = load_custom_policies(DATA / "custom-policies.yaml")[0]
    result = run_rules(load_store(estate.records), [rule])
    assert [f.resource_id for f in result.findings] == ["arn:aws:s3:::prod-logs"]


def test_any_condition_suffices(load_store) -> None:
    estate = Estate()
    estate.identity("u-keys", type="user", active_keys=2, days_inactive=1)
    estate.identity("u-idle", type="user", active_keys=0, days_inactive=365)
    estate.identity("u-fine", type="user", active_keys=1, days_inactive=5)
    rule = load_custom_policies(DATA / "custom-policies.yaml")[1]
    result = run_rules(load_store(estate.records), [rule])
    assert sorted(f.resource_id for f in result.findings) == ["u-idle", "u-keys"]


def test_invalid_severity_error_names_field() -> None:
    path = DATA / "invalid-severity.yaml"
    with pytest.raises(RuleLoadError) as error:
        load_custom_policies(path)
    message = str(error.value)
    assert str(path) in message
    assert "field severity" in message
    assert "'critical'" in message


def test_unknown_attribute_lists_allowed(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad-attr\nname: x\nseverity: low\nresource_types: [database]\n"
        "conditions: {all: [{attribute: colour, operator: equals, value: red}]}\n"
        "remediation: {guidance: fix}\n"
    )
    with pytest.raises(
        RuleLoadError, match=r"unknown attribute 'colour'; allowed: .*encrypted"
    ):
        load_custom_policies(path)


def test_unknown_resource_type_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad-type\nname: x\nseverity: low\nresource_types: [s3_bucket]\n"
        "conditions: {all: [{attribute: public, operator: equals, value: true}]}\n"
        "remediation: {guidance: fix}\n"
    )
    with pytest.raises(RuleLoadError, match=r"unknown resource_types \['s3_bucket'\]"):
        load_custom_policies(path)
