"""Store paths that cannot hold a store: clear StoreErrors, nothing replaced."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from toxicpath.findings.history import ScanHistory
from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.open import check_store_target, open_store
from toxicpath.graph.records import GraphRecords
from toxicpath.graph.store import ScanInfo, StoreError
from toxicpath.lock import StoreLock, lock_path_for


@pytest.fixture
def immutable_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write, root included (`chattr +i`)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not installed")
    marked = subprocess.run(
        [chattr, "+i", str(folder)], capture_output=True, check=False
    )
    if marked.returncode != 0:
        pytest.skip(f"chattr +i is not permitted here: {marked.stderr!r}")
    yield folder
    subprocess.run([chattr, "-i", str(folder)], check=True)


def test_load_keeps_non_database_file(
    tmp_path: Path, estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    target = tmp_path / "notes.lbdb"
    target.write_text("garbage\n")
    store = LadybugStore(target)
    with pytest.raises(StoreError) as caught:
        store.load(estate, make_scan("scan-1"))
    assert str(target) in str(caught.value)
    assert "not a LadybugDB database" in str(caught.value)
    assert target.read_text() == "garbage\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.lbdb"]


def test_load_replaces_real_database(
    tmp_path: Path, estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    store = LadybugStore(tmp_path / "graph.lbdb")
    store.load(estate, make_scan("scan-1"))
    store.load(estate, make_scan("scan-2"))
    scan = store.current_scan()
    store.close()
    assert scan is not None
    assert scan.id == "scan-2"
    assert (tmp_path / "graph.lbdb").read_bytes()[:4] == b"LBUG"


def test_swap_refuses_replaced_target(
    tmp_path: Path, estate: GraphRecords, make_scan: Callable[..., ScanInfo]
) -> None:
    # A file written at the path after the first check is still kept.
    target = tmp_path / "graph.lbdb"
    staging = tmp_path / ".graph.lbdb.loading-test"
    LadybugStore(staging).load(estate, make_scan("scan-1"))
    target.write_text("written meanwhile\n")
    with pytest.raises(StoreError):
        LadybugStore(target)._swap_in(staging)
    assert target.read_text() == "written meanwhile\n"


def test_folder_store_is_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "graph.lbdb"
    folder.mkdir()
    with pytest.raises(StoreError) as caught:
        check_store_target(str(folder))
    assert "is a folder" in str(caught.value)
    assert str(folder / "graph.lbdb") in str(caught.value)


def test_file_as_parent_is_rejected(tmp_path: Path) -> None:
    parent = tmp_path / "some_file"
    parent.write_text("x")
    with pytest.raises(StoreError) as caught:
        check_store_target(str(parent / "graph.lbdb"))
    assert "is a file, not a folder" in str(caught.value)


def test_unwritable_folder_is_rejected(immutable_folder: Path) -> None:
    with pytest.raises(StoreError) as caught:
        check_store_target(str(immutable_folder / "graph.lbdb"))
    assert "not writable" in str(caught.value)
    assert str(immutable_folder) in str(caught.value)


def test_lock_in_unwritable_folder(immutable_folder: Path) -> None:
    lock = StoreLock(immutable_folder / "graph.lbdb.job.lock")
    with pytest.raises(StoreError) as caught:
        lock.acquire()
    assert "graph.lbdb.job.lock" in str(caught.value)


def test_lock_path_checks_store(tmp_path: Path) -> None:
    target = tmp_path / "graph.lbdb"
    target.write_text("garbage")
    with pytest.raises(StoreError):
        lock_path_for(str(target))
    assert not (tmp_path / "graph.lbdb.job.lock").exists()


def test_history_in_unwritable_folder(immutable_folder: Path) -> None:
    with pytest.raises(StoreError) as caught:
        ScanHistory(immutable_folder / "graph.lbdb.history.sqlite")
    assert "graph.lbdb.history.sqlite" in str(caught.value)


def test_unsupported_scheme_is_store_error() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("http://127.0.0.1:1", read_only=True)
    assert "bolt://" in str(caught.value)


def test_empty_store_suggests_scan(tmp_path: Path) -> None:
    store = LadybugStore(tmp_path / "graph.lbdb", read_only=True)
    with pytest.raises(StoreError) as caught:
        store.query("MATCH (n) RETURN n")
    assert "toxicpath import" not in str(caught.value)
    assert "toxicpath demo" in str(caught.value)
