"""A store loaded from the demo estate, with two scans in its history."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from app_support import EARLIER_SCAN_ID, DemoStore

from toxicpath.findings.evaluate import (
    evaluate_store,
    history_for_store,
    record_evaluation,
)
from toxicpath.graph.open import open_store
from toxicpath.ingest.demo import demo_estate_path
from toxicpath.pipeline import scan_inputs


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    spec = str(tmp_path_factory.mktemp("ui-store") / "graph.lbdb")
    outcome = scan_inputs([demo_estate_path()], store_spec=spec)
    store = open_store(spec, read_only=True)
    try:
        evaluation = evaluate_store(store)
    finally:
        store.close()
    found = evaluation.findings
    dropped, downgraded = found[0], found[1]
    earlier = [
        replace(f, severity="low") if f is downgraded else f
        for f in found
        if f is not dropped
    ]
    history = history_for_store(spec)
    history.record_scan(
        scan_id=EARLIER_SCAN_ID,
        created_at="2026-01-01T00:00:00+00:00",
        findings=earlier,
    )
    record_evaluation(history, evaluation)
    return DemoStore(
        spec=spec,
        scan_id=outcome.scan.id,
        findings=found,
        dropped=dropped,
        downgraded=downgraded,
    )


@pytest.fixture
def app_store(demo_store: DemoStore, monkeypatch: pytest.MonkeyPatch) -> DemoStore:
    """Point the app at the demo store and its own acceptance file."""
    monkeypatch.setenv("TOXICPATH_UI_STORE", demo_store.spec)
    monkeypatch.delenv("TOXICPATH_ACCEPTANCES", raising=False)
    return demo_store


@pytest.fixture
def acceptance_file(demo_store: DemoStore) -> Iterator[Path]:
    """Yield the store's acceptance file, and restore its content afterwards."""
    path = Path(demo_store.spec).parent / "acceptances.yaml"
    before = path.read_text(encoding="utf-8") if path.exists() else None
    yield path
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(before, encoding="utf-8")
