"""The cloud-neutral rules fire on the recorded Azure and GCP test estates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from toxicpath.ingest.importers import load_inputs
from toxicpath.ingest.snapshot import RawResponse, Snapshot
from toxicpath.ingest.transform import transform
from toxicpath.queries.loader import load_rules
from toxicpath.queries.runner import run_rules

DATA = Path(__file__).resolve().parents[1] / "data"
AZURE_APP = "/subscriptions/bbbbbbbb-0000-0000-0000-000000000002/resourcegroups/rg-app"
AZURE_DATA = (
    "/subscriptions/aaaaaaaa-0000-0000-0000-000000000001/resourcegroups/rg-data"
)
SA_PUBLIC = f"{AZURE_DATA}/providers/microsoft.storage/storageaccounts/sapublic"
VM_LEGACY = f"{AZURE_APP}/providers/microsoft.compute/virtualmachines/vm-legacy"
GCP_VM_WEB = (
    "//compute.googleapis.com/projects/prod-app/zones/us-central1-a/instances/vm-web"
)
GCP_PUBLIC_BUCKET = "//storage.googleapis.com/prod-app-public-assets"


def _azure_snapshot() -> Snapshot:
    routes = json.loads((DATA / "azure" / "estate.json").read_text(encoding="utf-8"))
    snapshot = Snapshot(kind="import")
    for path, route in routes["routes"].items():
        bodies: list[Any] = (
            [route["body"]]
            if "body" in route
            else [{"value": p} for p in route["pages"]]
        )
        for body in bodies:
            snapshot.add_response(
                RawResponse(
                    cloud="azure",
                    account="",
                    region="",
                    service="arm",
                    operation=path,
                    body=body,
                )
            )
    return snapshot


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def _subjects(load_store, snapshot: Snapshot, rules) -> set[tuple[str, str]]:
    result = run_rules(load_store(transform(snapshot)), rules)
    assert result.failures == []
    return {(f.rule_id, f.resource_id) for f in result.findings}


def test_azure_estate_findings(load_store, rules) -> None:
    found = _subjects(load_store, _azure_snapshot(), rules)
    assert ("public-storage-read-by-exposed-admin-compute", SA_PUBLIC) in found
    assert ("public-object-storage", SA_PUBLIC) in found
    assert ("admin-port-open-to-internet", VM_LEGACY) in found


def test_gcp_estate_findings(load_store, rules) -> None:
    snapshot = load_inputs([DATA / "gcp" / "org_export.jsonl"])
    found = _subjects(load_store, snapshot, rules)
    assert ("admin-port-open-to-internet", GCP_VM_WEB) in found
    assert ("exposed-compute-reaches-account-admin", GCP_VM_WEB) in found
    assert ("public-object-storage", GCP_PUBLIC_BUCKET) in found
