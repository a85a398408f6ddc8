"""Load builder estates into a real LadybugStore in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.records import GraphRecords
from toxicpath.graph.store import ScanInfo

LoadStore = Callable[[GraphRecords], LadybugStore]


@pytest.fixture
def load_store(tmp_path: Path) -> Iterator[LoadStore]:
    stores: list[LadybugStore] = []

    def load(records: GraphRecords) -> LadybugStore:
        store = LadybugStore(tmp_path / f"graph-{len(stores)}.lbdb")
        store.load(
            records,
            ScanInfo(
                id=f"scan-{len(stores)}",
                created_at="2026-01-01T00:00:00Z",
                complete=True,
            ),
        )
        stores.append(store)
        return store

    yield load
    for store in stores:
        store.close()
