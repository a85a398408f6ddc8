"""Rule loading: metadata validation, unique ids, controls and portability."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toxicpath.findings.compliance.catalog import known_controls
from toxicpath.queries.loader import RULES_DIR, RuleLoadError, load_rules
from toxicpath.queries.metadata import SEVERITIES


def _copy_rule(tmp_path: Path, rule_id: str, new_id: str | None = None) -> Path:
    target_id = new_id or rule_id
    shutil.copy(RULES_DIR / f"{rule_id}.cypher", tmp_path / f"{target_id}.cypher")
    text = (RULES_DIR / f"{rule_id}.yaml").read_text()
    (tmp_path / f"{target_id}.yaml").write_text(
        text.replace(f"id: {rule_id}", f"id: {target_id}")
    )
    return tmp_path / f"{target_id}.yaml"


def test_library_has_at_least_25_rules() -> None:
    assert len(load_rules()) >= 25


def test_rule_ids_are_unique() -> None:
    ids = [rule.id for rule in load_rules()]
    assert len(ids) == len(set(ids))


def test_rule_severities_are_valid() -> None:
    for rule in load_rules():
        assert rule.severity in SEVERITIES


def test_rule_controls_exist_in_catalog() -> None:
    known = known_controls()
    for rule in load_rules():
        for framework, controls in rule.metadata.compliance.items():
            assert framework in known
            assert set(controls) <= known[framework]


def test_path_rules_return_path_column() -> None:
    for rule in load_rules():
        if rule.metadata.kind == "path":
            assert "AS path" in rule.cypher


def test_every_rule_names_remediation() -> None:
    for rule in load_rules():
        assert rule.metadata.remediation.text


def test_duplicate_id_rejected(tmp_path: Path) -> None:
    _copy_rule(tmp_path, "public-object-storage")
    shutil.copy(RULES_DIR / "public-database.cypher", tmp_path / "other.cypher")
    text = (RULES_DIR / "public-database.yaml").read_text()
    (tmp_path / "other.yaml").write_text(text)
    with pytest.raises(RuleLoadError, match="file is named 'other'"):
        load_rules(tmp_path)


def test_invalid_severity_names_file_and_field(tmp_path: Path) -> None:
    meta = _copy_rule(tmp_path, "public-object-storage")
    meta.write_text(meta.read_text().replace("severity: high", "severity: urgent"))
    with pytest.raises(RuleLoadError) as error:
        load_rules(tmp_path)
    message = str(error.value)
    assert str(meta) in message
    assert "field severity" in message
    assert "'critical'" in message


def test_unknown_control_rejected(tmp_path: Path) -> None:
    meta = _copy_rule(tmp_path, "public-object-storage")
    meta.write_text(meta.read_text().replace("- CC6.1", "- CC9.9"))
    with pytest.raises(
        RuleLoadError, match=r"compliance\.soc2 has unknown controls \['CC9\.9'\]"
    ):
        load_rules(tmp_path)


def test_unbounded_path_rejected(tmp_path: Path) -> None:
    _copy_rule(tmp_path, "public-storage-read-by-exposed-admin-compute")
    cypher = tmp_path / "public-storage-read-by-exposed-admin-compute.cypher"
    cypher.write_text(cypher.read_text().replace("*1..4", "*"))
    with pytest.raises(RuleLoadError, match="upper bound"):
        load_rules(tmp_path)


def test_multi_label_pattern_rejected(tmp_path: Path) -> None:
    _copy_rule(tmp_path, "public-object-storage")
    cypher = tmp_path / "public-object-storage.cypher"
    cypher.write_text(
        cypher.read_text().replace("(b:Resource)", "(b:Resource:Identity)", 1)
    )
    with pytest.raises(RuleLoadError, match="multi-label"):
        load_rules(tmp_path)


def test_metadata_without_query_rejected(tmp_path: Path) -> None:
    _copy_rule(tmp_path, "public-object-storage")
    (tmp_path / "orphan.yaml").write_text("id: orphan\n")
    with pytest.raises(RuleLoadError, match="metadata without a query file"):
        load_rules(tmp_path)


def test_path_kind_without_path_rejected(tmp_path: Path) -> None:
    meta = _copy_rule(tmp_path, "public-object-storage")
    meta.write_text(meta.read_text().replace("kind: posture", "kind: path"))
    with pytest.raises(RuleLoadError, match="field kind is path but"):
        load_rules(tmp_path)
