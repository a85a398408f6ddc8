"""Tests of response keys: file-name splitting and the parameter-name table."""

from __future__ import annotations

import re
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name

from toxicpath.ingest.aws.keys import (
    PARAMETER_NAMES,
    parameter_names,
    split_call_name,
)


@pytest.mark.parametrize(("service", "operation"), sorted(PARAMETER_NAMES))
def test_parameter_table_matches_botocore(service: str, operation: str) -> None:
    model = botocore.session.get_session().get_service_model(service)
    operations = {xform_name(name, "-"): name for name in model.operation_names}
    assert operation in operations
    members = model.operation_model(operations[operation]).input_shape.members
    for name in PARAMETER_NAMES[(service, operation)]:
        assert name in members


SPLIT_CASES = [
    ("s3-get-bucket-policy", ("s3", "get-bucket-policy", True)),
    (
        "redshift-describe-cluster-subnet-groups",
        ("redshift", "describe-cluster-subnet-groups", True),
    ),
    (
        "ec2-instance-connect-send-ssh-public-key",
        ("ec2-instance-connect", "send-ssh-public-key", True),
    ),
    ("accessanalzyer-list-analyzers", ("accessanalyzer", "list-analyzers", True)),
    ("s3api-list-buckets", ("s3", "list-buckets", True)),
    ("describe-regions", ("ec2", "describe-regions", True)),
    ("iam-get-something-new", ("iam", "get-something-new", False)),
]


@pytest.mark.parametrize(("stem", "expected"), SPLIT_CASES)
def test_split_call_name_cases(stem: str, expected: tuple[str, str, bool]) -> None:
    call = split_call_name(stem)
    assert call is not None
    assert (call.service, call.operation, call.known_operation) == expected


@pytest.mark.parametrize("stem", ["notes", "README", "my-notes", "iam", "-list"])
def test_split_call_name_rejects(stem: str) -> None:
    assert split_call_name(stem) is None


def test_parameter_names_fallback() -> None:
    assert parameter_names("s3", "get-bucket-policy", 1) == ["Bucket"]
    assert parameter_names("ecs", "describe-tasks", 2) == ["cluster", "tasks"]
    assert parameter_names("kafka", "describe-cluster", 2) == ["arg0", "arg1"]
    assert parameter_names("s3", "get-bucket-policy", 2) == ["Bucket", "arg1"]


def test_documented_table_matches_constant() -> None:
    docs = Path(__file__).parents[3] / "docs/input-formats.md"
    rows = re.findall(
        r"^\| `([a-z0-9-]+)` \| `([a-z0-9-]+)` \| (.+) \|$",
        docs.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    documented = {
        (service, operation): tuple(re.findall(r"`([A-Za-z0-9]+)`", names))
        for service, operation, names in rows
    }
    assert documented == PARAMETER_NAMES
