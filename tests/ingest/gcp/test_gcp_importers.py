"""GCP importers read every shared Cloud Asset file or reject it in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toxicpath.ingest.errors import InputError
from toxicpath.ingest.importers import load_input
from toxicpath.ingest.transform import transform

MALFORMED = {
    "gcp_glb_external_ip.json": "more than one JSON document",
    "gke_container_optimized_os.json": "a stray `]` at line 409",
}


def shared_files(shared_data: Path, folder: str) -> list[Path]:
    return sorted((shared_data / "gcp" / folder).iterdir())


def test_every_cai_export_imports(shared_data: Path) -> None:
    files = shared_files(shared_data, "cai-exports")
    assert len(files) == 15
    for path in files:
        snapshot = load_input(path)
        assert snapshot.responses, path.name
        assert {r.cloud for r in snapshot.responses} == {"gcp"}, path.name
        assert snapshot.sources[0].format == "gcp-cloud-asset"
        transform(snapshot).validate()


def test_comment_lines_are_skipped(shared_data: Path) -> None:
    path = shared_data / "gcp" / "cai-exports" / "additional_cai_iam_policies.dump"
    assert path.read_text().startswith("#")
    assets = load_input(path).responses[0].body["assets"]
    assert len(assets) == 8
    assert all("iam_policy" in asset for asset in assets)


def test_asset_fixtures_import_or_fail(shared_data: Path) -> None:
    files = shared_files(shared_data, "asset-fixtures")
    assert len(files) == 114
    for path in files:
        if path.name in MALFORMED:
            with pytest.raises(InputError) as caught:
                load_input(path)
            message = str(caught.value)
            assert "\n" not in message
            assert message.startswith(f"{path}: ")
            assert MALFORMED[path.name] in message
            continue
        snapshot = load_input(path)
        assert snapshot.responses, path.name
        transform(snapshot).validate()


def test_folder_with_malformed_file_fails(shared_data: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_input(shared_data / "gcp" / "asset-fixtures")
    assert "gcp_glb_external_ip.json" in str(caught.value)


def test_cai_folder_imports_together(shared_data: Path) -> None:
    snapshot = load_input(shared_data / "gcp" / "cai-exports")
    assert len(snapshot.sources) == 15
    records = transform(snapshot)
    assert "gcp:organizations/111222333" in records.nodes
    assert records.nodes["gcp:projects/1041"].props["name"] == "project1"


def test_camel_case_envelope(tmp_path: Path) -> None:
    asset = {
        "name": "//storage.googleapis.com/open-bucket",
        "assetType": "storage.googleapis.com/Bucket",
        "ancestors": ["projects/9", "organizations/1"],
        "resource": {
            "discoveryName": "Bucket",
            "data": {"name": "open-bucket", "projectNumber": "9"},
        },
        "iamPolicy": {
            "bindings": [
                {"role": "roles/storage.objectViewer", "members": ["allUsers"]}
            ]
        },
    }
    path = tmp_path / "assets.json"
    path.write_text(json.dumps([asset]))
    snapshot = load_input(path)
    stored = snapshot.responses[0].body["assets"][0]
    assert stored["asset_type"] == "storage.googleapis.com/Bucket"
    assert "iam_policy" in stored
    assert stored["resource"]["discovery_name"] == "Bucket"
    records = transform(snapshot)
    assert records.nodes["//storage.googleapis.com/open-bucket"].props["public"] is True


def test_search_all_iam_policies(tmp_path: Path) -> None:
    results = [
        {
            "resource": "//cloudresourcemanager.googleapis.com/projects/77",
            "assetType": "cloudresourcemanager.googleapis.com/Project",
            "project": "projects/77",
            "organization": "organizations/1",
            "policy": {
                "bindings": [{"role": "roles/owner", "members": ["user:o@example.com"]}]
            },
        }
    ]
    path = tmp_path / "search.json"
    path.write_text(json.dumps(results))
    records = transform(load_input(path))
    admin_edges = [
        e
        for e in records.edges_of_type("CAN_ESCALATE")
        if e.source == "gcp:user:o@example.com"
    ]
    assert [e.target for e in admin_edges] == ["gcp:account_admin:projects/77"]


def test_bad_json_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    good = {
        "name": "//storage.googleapis.com/b",
        "asset_type": "storage.googleapis.com/Bucket",
    }
    path.write_text(json.dumps(good) + "\n{broken\n")
    with pytest.raises(InputError) as caught:
        load_input(path)
    assert "line 2 is not valid JSON" in str(caught.value)


def test_import_coverage_by_service(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    good = {
        "name": "//storage.googleapis.com/b",
        "asset_type": "storage.googleapis.com/Bucket",
    }
    path.write_text(json.dumps(good) + "\n")
    coverage = {c.service: c.status for c in load_input(path).coverage}
    assert coverage["iam-deny"] == "not_collected"
    assert coverage["iam"] == "not_collected"
    assert coverage["compute"] == "not_collected"
    assert coverage["storage"] == "ok"
