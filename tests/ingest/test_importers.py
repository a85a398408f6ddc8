"""Tests of input detection, merging, provenance, coverage and input errors."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest

from toxicpath.ingest import importers
from toxicpath.ingest.aws.parse import parse_estate
from toxicpath.ingest.errors import InputError
from toxicpath.ingest.importers import (
    InputProbe,
    accepted_formats,
    load_inputs,
    register_importer,
)
from toxicpath.ingest.snapshot import RawResponse, Snapshot, write_snapshot

AUTHORIZATION_DETAILS = "aws/authorization-details"
CLOUDMAPPER_DEMO = "aws/cloudmapper-demo"

# Counts read from the files themselves: (users, groups, roles, managed
# policies, account id).
AUTHORIZATION_COUNTS = {
    "example-authz-details.json": (3, 2, 3, 32, "012345678901"),
    "example_authz_details_for_overrides_complete.json": (1, 1, 2, 3, "012345678901"),
    "example_authz_v2.json": (1, 1, 2, 2, "012345678901"),
    "managed_policy_mismatch.json": (0, 1, 0, 1, "123456789012"),
    "missing_constraints_fragment.json": (0, 0, 2, 2, "012345678901"),
}


def test_authorization_files_all_covered(shared_data: Path) -> None:
    names = {path.name for path in (shared_data / AUTHORIZATION_DETAILS).iterdir()}
    assert names == set(AUTHORIZATION_COUNTS)


@pytest.mark.parametrize("name", sorted(AUTHORIZATION_COUNTS))
def test_authorization_file_counts(shared_data: Path, name: str) -> None:
    users, groups, roles, policies, account = AUTHORIZATION_COUNTS[name]
    snapshot = load_inputs([shared_data / AUTHORIZATION_DETAILS / name])
    estate = parse_estate(snapshot)
    assert len(estate.principals_of_kind("user")) == users
    assert len(estate.principals_of_kind("group")) == groups
    assert len(estate.principals_of_kind("role")) == roles
    assert len(estate.policies) == policies
    assert list(estate.accounts) == [account]
    assert {response.account for response in snapshot.responses} == {account}


def test_authorization_details_policy_versions(shared_data: Path) -> None:
    path = shared_data / AUTHORIZATION_DETAILS / "managed_policy_mismatch.json"
    estate = parse_estate(load_inputs([path]))
    policy = estate.policies["arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess"]
    assert sorted(policy.versions) == ["v1", "v2"]
    assert policy.default_version_id == "v2"
    assert "logs:StartQuery" in json.dumps(policy.document)
    assert policy.account_id == "aws"
    group = estate.principals["arn:aws:iam::123456789012:group/anton-test"]
    # The group names a policy the file does not contain; the ARN is kept.
    assert group.managed_policy_arns == [
        "arn:aws:iam::aws:policy/AWSLambdaReadOnlyAccess"
    ]


def test_cloudsplaining_fragment_inline_policies(shared_data: Path) -> None:
    path = shared_data / AUTHORIZATION_DETAILS / "missing_constraints_fragment.json"
    snapshot = load_inputs([path])
    estate = parse_estate(snapshot)
    role = estate.principals["arn:aws:iam::012345678901:role/MyOtherRole"]
    assert list(role.inline_policies) == ["InlinePolicyForTestingOverrides"]
    assert role.trust_policy is not None
    assert role.trust_policy["Statement"][0]["Principal"] == {
        "Service": "ssm.amazonaws.com"
    }
    assert snapshot.sources[0].format == "cloudsplaining-results"


def test_authorization_pages_form(shared_data: Path, tmp_path: Path) -> None:
    document = json.loads(
        (shared_data / AUTHORIZATION_DETAILS / "example-authz-details.json").read_text()
    )
    first = {
        "UserDetailList": document["UserDetailList"],
        "GroupDetailList": document["GroupDetailList"],
        "IsTruncated": True,
        "Marker": "page-2",
    }
    second = {
        "RoleDetailList": document["RoleDetailList"],
        "Policies": document["Policies"],
        "IsTruncated": False,
    }
    pages = tmp_path / "pages.json"
    pages.write_text(json.dumps([first, second]))
    snapshot = load_inputs([pages])
    estate = parse_estate(snapshot)
    assert len(snapshot.responses) == 2
    assert len(estate.principals_of_kind("user")) == 3
    assert len(estate.principals_of_kind("role")) == 3
    assert len(estate.policies) == 32
    assert snapshot.sources[0].format == "aws-authorization-details"


def test_source_files_hashed(shared_data: Path) -> None:
    path = shared_data / AUTHORIZATION_DETAILS / "example_authz_v2.json"
    snapshot = load_inputs([path])
    assert len(snapshot.sources) == 1
    assert snapshot.sources[0].path == str(path)
    assert snapshot.sources[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_raw_folder_sources_per_file(shared_data: Path) -> None:
    folder = shared_data / CLOUDMAPPER_DEMO
    snapshot = load_inputs([folder])
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert len(snapshot.sources) == len(files)
    assert len(snapshot.responses) == len(files)
    assert {source.format for source in snapshot.sources} == {"aws-raw-responses"}


def test_coverage_authorization_only(shared_data: Path) -> None:
    path = shared_data / AUTHORIZATION_DETAILS / "example_authz_v2.json"
    snapshot = load_inputs([path])
    status = {(entry.region, entry.service): entry for entry in snapshot.coverage}
    assert status[("global", "iam")].status == "ok"
    assert status[("global", "s3")].status == "not_collected"
    assert status[("all", "ec2")].status == "not_collected"
    assert "no responses from any region" in status[("all", "ec2")].reason


def test_coverage_cloudmapper_regions(shared_data: Path) -> None:
    snapshot = load_inputs([shared_data / CLOUDMAPPER_DEMO])
    status = {(entry.region, entry.service): entry for entry in snapshot.coverage}
    assert status[("us-east-1", "ec2")].status == "ok"
    assert status[("us-east-1", "kafka")].status == "ok"
    assert status[("us-east-1", "kms")].status == "not_collected"
    assert status[("us-east-1", "kms")].reason
    assert status[("global", "organizations")].status == "not_collected"
    assert status[("global", "s3")].status == "ok"
    assert {entry.account for entry in snapshot.coverage} == {"123456789012"}


def test_coverage_es_counts_as_opensearch(shared_data: Path) -> None:
    snapshot = load_inputs([shared_data / CLOUDMAPPER_DEMO])
    status = {(entry.region, entry.service): entry for entry in snapshot.coverage}
    assert status[("us-east-1", "es")].status == "ok"
    assert ("us-east-1", "opensearch") not in status


def test_several_inputs_merge(shared_data: Path) -> None:
    snapshot = load_inputs(
        [
            shared_data / CLOUDMAPPER_DEMO,
            shared_data / AUTHORIZATION_DETAILS / "example_authz_v2.json",
        ]
    )
    assert {response.account for response in snapshot.responses} == {
        "123456789012",
        "012345678901",
    }
    estate = parse_estate(snapshot)
    assert set(estate.accounts) == {"123456789012", "012345678901"}


def test_snapshot_round_trip(shared_data: Path, tmp_path: Path) -> None:
    original = load_inputs([shared_data / CLOUDMAPPER_DEMO])
    path = tmp_path / "scan.jsonl.gz"
    write_snapshot(original, path)
    read_back = load_inputs([path])
    assert read_back.id == original.id
    assert [asdict(r) for r in read_back.responses] == [
        asdict(r) for r in original.responses
    ]
    assert [asdict(c) for c in read_back.coverage] == [
        asdict(c) for c in original.coverage
    ]
    assert read_back.sources[-1].format == "toxicpath-snapshot"


def test_accounts_folder_of_folders(shared_data: Path, tmp_path: Path) -> None:
    shutil.copytree(shared_data / CLOUDMAPPER_DEMO, tmp_path / "demo")
    shutil.copytree(
        Path(__file__).parent.parent / "data/ingest/aws/full-account",
        tmp_path / "full-account",
    )
    snapshot = load_inputs([tmp_path])
    assert {response.account for response in snapshot.responses} == {
        "123456789012",
        "111122223333",
    }


def test_account_from_arns_without_sts(shared_data: Path, tmp_path: Path) -> None:
    shutil.copytree(shared_data / CLOUDMAPPER_DEMO, tmp_path / "demo")
    (tmp_path / "demo/us-east-1/sts-get-caller-identity.json").unlink()
    snapshot = load_inputs([tmp_path / "demo"])
    assert {response.account for response in snapshot.responses} == {"123456789012"}


def test_single_raw_response_file(shared_data: Path) -> None:
    path = (
        shared_data / CLOUDMAPPER_DEMO / "us-east-1/ec2-describe-security-groups.json"
    )
    snapshot = load_inputs([path])
    assert len(snapshot.responses) == 1
    response = snapshot.responses[0]
    assert (response.service, response.operation) == ("ec2", "describe-security-groups")
    assert response.region == "us-east-1"
    # No ARN in the file: the account comes from the groups' OwnerId fields.
    assert response.account == "123456789012"
    estate = parse_estate(snapshot)
    assert len(estate.security_groups) == 8


def test_other_cloud_folder_unclaimed(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "iam-policy.json").write_text(json.dumps({"bindings": []}))
    with pytest.raises(InputError) as raised:
        load_inputs([folder])
    assert "no entry of this folder is in a recognised format" in str(raised.value)
    assert "iam-policy.json" in str(raised.value)


def test_registered_importer_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importers, "_IMPORTERS", dict(importers._IMPORTERS))

    def detect(probe: InputProbe) -> bool:
        return probe.path.suffix == ".example"

    def load(probe: InputProbe) -> Snapshot:
        snapshot = Snapshot()
        snapshot.add_response(
            RawResponse(
                cloud="example",
                account="a",
                region="r",
                service="s",
                operation="o",
                body=probe.path.read_text(),
            )
        )
        return snapshot

    register_importer("example", detect, load, "an example file (.example)")
    path = tmp_path / "input.example"
    path.write_text("content")
    snapshot = load_inputs([path])
    assert snapshot.responses[0].body == "content"
    assert "an example file (.example)" in accepted_formats()


def _bad_inputs(shared_data: Path, tmp_path: Path) -> dict[str, Path]:
    """Build one bad input per case and return them by case name."""
    cases: dict[str, Path] = {}
    not_json = tmp_path / "not-json.json"
    not_json.write_text("user,arn\nalice,arn:aws:iam::111122223333:user/alice\n")
    cases["not json"] = not_json

    wrong_shape = tmp_path / "wrong-shape.json"
    wrong_shape.write_text(json.dumps({"Users": [], "Roles": []}))
    cases["wrong shape"] = wrong_shape

    empty_folder = tmp_path / "empty"
    empty_folder.mkdir()
    cases["empty folder"] = empty_folder

    bad_name = tmp_path / "bad-name"
    shutil.copytree(shared_data / CLOUDMAPPER_DEMO, bad_name)
    (bad_name / "us-east-1" / "notes.txt").write_text("{}")
    cases["bad file name"] = bad_name / "us-east-1" / "notes.txt"

    source = shared_data / AUTHORIZATION_DETAILS / "example-authz-details.json"
    truncated = tmp_path / "truncated.json"
    text = source.read_text()
    truncated.write_text(text[: len(text) // 2])
    cases["truncated file"] = truncated

    truncated_in_folder = tmp_path / "truncated-folder"
    shutil.copytree(shared_data / CLOUDMAPPER_DEMO, truncated_in_folder)
    security_groups = (
        truncated_in_folder / "us-east-1/ec2-describe-security-groups.json"
    )
    content = security_groups.read_text()
    security_groups.write_text(content[: len(content) // 3])
    cases["truncated file in folder"] = security_groups

    snapshot_path = tmp_path / "scan.jsonl.gz"
    write_snapshot(load_inputs([source]), snapshot_path)
    lines = gzip.decompress(snapshot_path.read_bytes()).splitlines(keepends=True)
    cut_snapshot = tmp_path / "cut.jsonl.gz"
    cut_snapshot.write_bytes(gzip.compress(b"".join(lines[:-1])))
    cases["truncated snapshot"] = cut_snapshot

    cut_bytes = tmp_path / "cut-bytes.jsonl.gz"
    cut_bytes.write_bytes(snapshot_path.read_bytes()[:10])
    cases["truncated gzip header"] = cut_bytes

    cases["missing path"] = tmp_path / "does-not-exist.json"
    return cases


BAD_INPUT_CASES = (
    ("not json", "not valid JSON"),
    ("wrong shape", "unrecognised shape"),
    ("empty folder", "empty"),
    ("bad file name", "<service>-<operation>"),
    ("truncated file", "truncated"),
    ("truncated file in folder", "truncated"),
    ("truncated snapshot", "truncated"),
    ("truncated gzip header", "truncated"),
    ("missing path", "no such file or folder"),
)


@pytest.mark.parametrize(("case", "problem"), BAD_INPUT_CASES)
def test_bad_input_message(
    shared_data: Path, tmp_path: Path, case: str, problem: str
) -> None:
    cases = _bad_inputs(shared_data, tmp_path)
    bad_path = cases[case]
    # A bad file inside a folder is reported by its own path.
    path = bad_path.parent.parent if case.endswith("in folder") else bad_path
    if case == "bad file name":
        path = bad_path.parent.parent
    with pytest.raises(InputError) as raised:
        load_inputs([path])
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{bad_path}: ")
    assert problem in message
    assert raised.value.path == str(bad_path)
    for description in accepted_formats():
        assert description in message


def test_input_error_is_value_error() -> None:
    error = InputError("x.json", "broken.", accepted_formats=["format a"])
    assert isinstance(error, ValueError)
    assert str(error) == "x.json: broken. Accepted input formats: format a"


def test_coverage_lists_member_accounts() -> None:
    fixture = Path(__file__).parent.parent / "data/ingest/aws/full-account"
    snapshot = load_inputs([fixture])
    member = [entry for entry in snapshot.coverage if entry.account == "444455556666"]
    assert member
    assert {entry.status for entry in member} == {"not_collected"}
    assert all("organization lists this account" in entry.reason for entry in member)
    assert {entry.region for entry in member} == {"global", "all"}


def test_snapshot_file_redacted_again(tmp_path: Path) -> None:
    snapshot = Snapshot()
    snapshot.add_response(
        RawResponse(
            cloud="aws",
            account="111122223333",
            region="eu-west-1",
            service="lambda",
            operation="list-functions",
            body={"Functions": [{"Environment": {"Variables": {"KEY": "raw-value"}}}]},
        )
    )
    path = tmp_path / "hand-made.jsonl.gz"
    write_snapshot(snapshot, path)
    loaded = load_inputs([path])
    assert "raw-value" not in json.dumps(loaded.responses[0].body)
    assert "KEY" in json.dumps(loaded.responses[0].body)


def test_authorization_list_wrong_type(tmp_path: Path) -> None:
    path = tmp_path / "details.json"
    path.write_text(json.dumps({"RoleDetailList": {"RoleName": "x"}}))
    with pytest.raises(InputError) as raised:
        load_inputs([path])
    assert "field RoleDetailList is a dict, expected a list" in str(raised.value)
    assert str(raised.value).startswith(f"{path}: ")


def test_probe_parses_json_once(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    original = importers.load_json_file

    def counting(path: Path) -> object:
        calls.append(path)
        return original(path)

    monkeypatch.setattr(importers, "load_json_file", counting)
    path = shared_data / AUTHORIZATION_DETAILS / "missing_constraints_fragment.json"
    load_inputs([path])
    assert calls == [path]


def test_raw_file_array_rejected(shared_data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(shared_data / CLOUDMAPPER_DEMO, folder)
    queues = folder / "us-east-1/sqs-list-queues.json"
    queues.write_text(json.dumps(["https://queue.amazonaws.com/123456789012/demo"]))
    with pytest.raises(InputError) as raised:
        load_inputs([folder])
    message = str(raised.value)
    assert message.startswith(f"{queues}: ")
    assert "contains a JSON list" in message


def test_coverage_merged_across_inputs(shared_data: Path, tmp_path: Path) -> None:
    # Authorization details of the demo account alone, then with its folder.
    folder = shared_data / CLOUDMAPPER_DEMO
    details = tmp_path / "details.json"
    shutil.copy(
        folder / "us-east-1/iam-get-account-authorization-details.json", details
    )
    alone = load_inputs([details])
    alone_status = {(e.region, e.service): e.status for e in alone.coverage}
    assert alone_status[("all", "ec2")] == "not_collected"

    snapshot = load_inputs([details, folder])
    entries = [(e.region, e.service, e.status) for e in snapshot.coverage]
    assert ("all", "ec2", "not_collected") not in entries
    assert ("us-east-1", "ec2", "ok") in entries
    assert ("global", "iam", "not_collected") not in entries
    iam = [e for e in snapshot.coverage if (e.region, e.service) == ("global", "iam")]
    assert len(iam) == 1
    assert iam[0].status == "ok"
    assert iam[0].calls == 1 + 18
    assert ("us-east-1", "kms", "not_collected") in entries
