"""Sensitivity classification from tags, names, kinds and overrides."""

from __future__ import annotations

import pytest

from toxicpath.analysis.aws.sensitivity import classify_sensitivity


def _level(
    name: str,
    resource_type: str = "object_storage",
    tags: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
) -> str:
    return classify_sensitivity(
        resource_id=f"arn:aws:s3:::{name}",
        name=name,
        resource_type=resource_type,
        tags=tags or {},
        overrides=overrides,
    ).level


@pytest.mark.parametrize(
    ("name", "resource_type", "expected"),
    [
        ("acme-static-site", "object_storage", "medium"),
        ("acme-payroll-2026", "object_storage", "critical"),
        ("customerExports", "object_storage", "high"),
        ("nightly-backups", "database", "high"),
        ("prod-db", "database", "medium"),
        ("product-images", "virtual_machine", "low"),
        ("prod-web", "virtual_machine", "medium"),
        ("app/db-credentials", "secret", "critical"),
        ("app/api-token", "secret", "high"),
        ("alias-main", "kms_key", "high"),
        ("hr-share", "object_storage", "high"),
        ("three-rivers", "object_storage", "medium"),
    ],
)
def test_name_and_type_levels(name: str, resource_type: str, expected: str) -> None:
    assert _level(name, resource_type) == expected


def test_classification_tag_sets_level() -> None:
    assert _level("acme-payroll", tags={"Data-Classification": "Public"}) == "low"


def test_classification_tag_raises_level() -> None:
    assert _level("assets", tags={"data_classification": "restricted"}) == "critical"


def test_sensitivity_tag_takes_level_name() -> None:
    assert _level("assets", tags={"Sensitivity": "High"}) == "high"


def test_marker_tag_raises_level() -> None:
    assert _level("assets", tags={"PII": "true"}) == "critical"


def test_false_marker_tag_ignored() -> None:
    assert _level("assets", tags={"confidential": "false"}) == "medium"


def test_override_matches_name_glob() -> None:
    assert _level("acme-payroll", overrides={"acme-*": "low"}) == "low"


def test_override_matches_id_glob() -> None:
    assert _level("logs", overrides={"arn:aws:s3:::lo*": "critical"}) == "critical"


def test_first_matching_override_wins() -> None:
    overrides = {"logs": "high", "lo*": "low"}
    assert _level("logs", overrides=overrides) == "high"


def test_reason_names_the_hint() -> None:
    result = classify_sensitivity(
        resource_id="x", name="finance-reports", resource_type="object_storage", tags={}
    )
    assert result.reason == "name contains 'finance'"
