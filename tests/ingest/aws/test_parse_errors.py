"""Tests that AWS parse errors name the input file, the field path and the fix."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from toxicpath.ingest.aws.parse import parse_estate
from toxicpath.ingest.aws.parsers.policy_shape import policy_shape_problem
from toxicpath.ingest.errors import InputError
from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.snapshot import write_snapshot

AUTHORIZATION_FILE = "aws/authorization-details/example_authz_v2.json"


def _details(shared_data: Path) -> dict[str, Any]:
    details: dict[str, Any] = json.loads((shared_data / AUTHORIZATION_FILE).read_text())
    return details


def _parse_error(path: Path) -> InputError:
    with pytest.raises(InputError) as raised:
        parse_estate(load_inputs([path]))
    return raised.value


def test_missing_arn_names_file(shared_data: Path, tmp_path: Path) -> None:
    details = _details(shared_data)
    user = details["UserDetailList"][0]
    details["UserDetailList"] = [copy.deepcopy(user) for _ in range(4)]
    for index, entry in enumerate(details["UserDetailList"]):
        entry["Arn"] = f"{user['Arn']}{index}"
    del details["UserDetailList"][3]["Arn"]
    path = tmp_path / "authorization.json"
    path.write_text(json.dumps(details))

    error = _parse_error(path)
    assert error.path == str(path)
    assert "UserDetailList[3].Arn" in error.problem
    assert "get-account-authorization-details" in error.problem
    assert "collect or export this call again" in error.problem


def test_bad_trust_principal_raises(shared_data: Path, tmp_path: Path) -> None:
    details = _details(shared_data)
    trust = details["RoleDetailList"][1]["AssumeRolePolicyDocument"]
    trust["Statement"][0]["Principal"] = 5
    path = tmp_path / "authorization.json"
    path.write_text(json.dumps(details))

    error = _parse_error(path)
    assert error.path == str(path)
    assert "RoleDetailList[1].AssumeRolePolicyDocument" in error.problem
    assert "Statement[0].Principal" in error.problem
    assert "correct the policy document" in error.problem


def test_folder_error_names_response_file(shared_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(shared_data / "aws/cloudmapper-demo", folder)
    bad_file = folder / "us-east-1/ec2-describe-images.json"
    bad_file.write_text(json.dumps({"Images": [{"Name": "no id"}]}))

    error = _parse_error(folder)
    assert error.path == str(bad_file)
    assert "Images[0].ImageId" in error.problem


def test_stored_snapshot_keeps_source(shared_data: Path, tmp_path: Path) -> None:
    details = _details(shared_data)
    del details["RoleDetailList"][0]["Arn"]
    path = tmp_path / "authorization.json"
    path.write_text(json.dumps(details))
    snapshot_path = tmp_path / "scan.jsonl.gz"
    write_snapshot(load_inputs([path]), snapshot_path)

    error = _parse_error(snapshot_path)
    assert error.path == str(path)
    assert "RoleDetailList[0].Arn" in error.problem


def test_snapshot_without_source_reads(shared_data: Path, tmp_path: Path) -> None:
    snapshot = load_inputs([shared_data / AUTHORIZATION_FILE])
    for response in snapshot.responses:
        response.source = ""
    snapshot_path = tmp_path / "scan.jsonl.gz"
    write_snapshot(snapshot, snapshot_path)
    estate = parse_estate(load_inputs([snapshot_path]))
    assert estate.principals


# (statement, path of the element named in the error)
MALFORMED_STATEMENTS: list[tuple[Any, str]] = [
    ({"Effect": "Allow", "Action": "s3:*", "Principal": 5}, "Statement[0].Principal"),
    ({"Effect": "Allow", "Action": "s3:*", "Principal": {"Bogus": "x"}}, "Bogus"),
    ({"Effect": "Allow", "Action": "s3:*", "Principal": {"AWS": 5}}, "AWS"),
    ({"Effect": "Maybe", "Action": "s3:*"}, "Statement[0].Effect"),
    ({"Effect": "Allow"}, "Statement[0]"),
    ({"Effect": "Allow", "Action": "a", "NotAction": "b"}, "Statement[0]"),
    ({"Effect": "Allow", "Action": ["s3:*", 3]}, "Statement[0].Action"),
    ({"Effect": "Allow", "Action": "a", "Resource": "*", "NotResource": "*"}, "[0]"),
    ({"Effect": "Allow", "Action": "a", "Condition": ["x"]}, "Condition"),
    ({"Effect": "Allow", "Action": "a", "Condition": {"StringEquals": 1}}, "Equals"),
    ("not an object", "Statement[0]"),
]


@pytest.mark.parametrize(("statement", "field"), MALFORMED_STATEMENTS)
def test_policy_shape_rejects(statement: Any, field: str) -> None:
    problem = policy_shape_problem({"Statement": [statement]})
    assert problem is not None
    assert field in problem.field


def test_policy_shape_accepts_valid() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::123456789012:root"], "Service": "x"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "abc"}},
        },
    }
    assert policy_shape_problem(document) is None


def test_policy_shape_needs_statement() -> None:
    problem = policy_shape_problem({"Version": "2012-10-17"})
    assert problem is not None
    assert problem.field == "Statement"
