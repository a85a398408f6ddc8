"""Validation of the collector options."""

from __future__ import annotations

import pytest

from toxicpath.ingest.aws.collect import AwsCollectOptions


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"workers": 0}, "workers must be at least 1"),
        ({"max_attempts": 0}, "max_attempts must be at least 1"),
        ({"external_id": "x-123"}, "external_id is only used with"),
        ({"role_arn": "audit-role"}, "is not an ARN"),
        ({"accounts": ("12345",)}, "expected 12 digits"),
        ({"exclude_accounts": ("abcdefghijkl",)}, "expected 12 digits"),
    ],
)
def test_invalid_options_rejected(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AwsCollectOptions(**values)  # type: ignore[arg-type]


def test_external_id_with_role_accepted() -> None:
    options = AwsCollectOptions(
        role_arn="arn:aws:iam::123456789012:role/audit", external_id="x-123"
    )
    assert options.external_id == "x-123"
