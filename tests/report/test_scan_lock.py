"""The job lock: two scans of one store never interleave, and the store stays whole."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from toxicpath.findings.evaluate import history_for_store
from toxicpath.graph.open import open_store
from toxicpath.ingest.demo import demo_estate_path
from toxicpath.lock import LockBusyError, StoreLock, lock_path_for


def _scan_command(store: Path, *options: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "toxicpath",
        "scan",
        "--input",
        str(demo_estate_path()),
        "--store",
        str(store),
        "--quiet",
        "--no-alerts",
        *options,
    ]


def test_held_lock_rejects_scan(tmp_path: Path) -> None:
    store = tmp_path / "graph.lbdb"
    with StoreLock(lock_path_for(str(store)), label="test holder"):
        result = subprocess.run(
            _scan_command(store), capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 3
    assert f"locked by pid {os.getpid()} (test holder started at" in result.stderr
    assert not store.exists()


def test_two_scans_at_once_keep_store(tmp_path: Path) -> None:
    store = tmp_path / "graph.lbdb"
    processes = [
        subprocess.Popen(
            _scan_command(store),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    codes = [process.returncode for process in processes]
    assert set(codes) <= {0, 3}
    assert 0 in codes
    for code, (_, stderr) in zip(codes, outputs, strict=True):
        if code == 3:
            assert "the store is locked by pid" in stderr

    graph = open_store(str(store), read_only=True)
    try:
        current = graph.current_scan()
    finally:
        graph.close()
    assert current is not None
    assert current.complete
    recorded = [scan.id for scan in history_for_store(str(store)).scans()]
    assert len(recorded) == codes.count(0)
    assert current.id == recorded[-1]


def test_lock_wait_succeeds_after_release(tmp_path: Path) -> None:
    path = tmp_path / "graph.lbdb.job.lock"
    holder = StoreLock(path, label="first")
    holder.acquire()
    timer = threading.Timer(0.5, holder.release)
    timer.start()
    started = time.monotonic()
    second = StoreLock(path, label="second")
    second.acquire(wait_seconds=10)
    waited = time.monotonic() - started
    second.release()
    timer.join()
    assert waited >= 0.4


def test_lock_timeout_names_holder(tmp_path: Path) -> None:
    path = tmp_path / "graph.lbdb.job.lock"
    with (
        StoreLock(path, label="nightly scan"),
        pytest.raises(LockBusyError) as raised,
    ):
        StoreLock(path).acquire(wait_seconds=0.3)
    message = str(raised.value)
    assert f"pid {os.getpid()} (nightly scan started at" in message
    assert "after waiting 0.3 s" in message


def test_lock_path_for_neo4j_uri() -> None:
    first = lock_path_for("bolt://db-a:7687")
    second = lock_path_for("bolt://db-b:7687")
    assert first != second
    assert first.name.endswith(".job.lock")
