"""The rule library finds the fixture organization's GCP risks on a real store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_gcp_estate_paths import (
    ALICE,
    BOB,
    COMPUTE_SA,
    DEPLOYER,
    LOCKED_BUCKET,
    PUBLIC_BUCKET,
    VM_BATCH,
    VM_WEB,
    estate_snapshot,
)

from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.store import ScanInfo
from toxicpath.ingest.transform import transform
from toxicpath.queries.loader import load_rules
from toxicpath.queries.runner import RunResult, run_rules


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    records = transform(estate_snapshot())
    path: Path = tmp_path_factory.mktemp("store") / "gcp.lbdb"
    store = LadybugStore(path)
    store.load(
        records,
        ScanInfo(id="gcp-scan", created_at="2026-01-01T00:00:00Z", complete=True),
    )
    yield run_rules(store, load_rules())
    store.close()


def subjects(result: RunResult, rule_id: str) -> set[str]:
    return {f.resource_id for f in result.findings if f.rule_id == rule_id}


def test_rules_run_without_failures(result: RunResult) -> None:
    assert result.failures == []


def test_token_creator_reaches_admin(result: RunResult) -> None:
    found = subjects(result, "identity-reaches-account-admin")
    assert ALICE in found
    assert BOB not in found


def test_exposed_vm_reaches_admin(result: RunResult) -> None:
    found = subjects(result, "exposed-compute-reaches-account-admin")
    assert VM_WEB in found
    assert VM_BATCH not in found


def test_exposed_vm_runs_as_editor(result: RunResult) -> None:
    assert subjects(result, "gcp-exposed-vm-runs-as-editor") == {VM_WEB}


def test_ssh_open_to_internet(result: RunResult) -> None:
    found = subjects(result, "admin-port-open-to-internet")
    assert VM_WEB in found
    assert VM_BATCH not in found


def test_default_account_with_editor(result: RunResult) -> None:
    assert subjects(result, "gcp-default-service-account-editor") == {COMPUTE_SA}


def test_user_managed_key_found(result: RunResult) -> None:
    assert subjects(result, "gcp-service-account-user-managed-keys") == {DEPLOYER}


def test_public_bucket_found(result: RunResult) -> None:
    found = subjects(result, "public-object-storage")
    assert PUBLIC_BUCKET in found
    assert LOCKED_BUCKET not in found
