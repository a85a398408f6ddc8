"""The scan job: read input, derive the graph, load the store, keep the snapshot.

Every entry point (the CLI's `scan` and `demo`, the scheduler, the UI) runs a
scan through `run_scan`, so the rule "a partial scan never replaces a
complete one" is enforced in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from toxicpath.graph.records import GraphRecords
from toxicpath.graph.store import ScanInfo, StoreError
from toxicpath.ingest.snapshot import CoverageEntry, Snapshot, write_snapshot
from toxicpath.ingest.transform import TransformContext, transform

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str], None]


class PartialScanError(RuntimeError):
    """The snapshot is incomplete, so it must not replace the current scan."""


@dataclass(frozen=True)
class ScanOutcome:
    """What a finished scan produced."""

    scan: ScanInfo
    records: GraphRecords
    not_evaluated: list[CoverageEntry] = field(default_factory=list)
    snapshot_path: Path | None = None


def default_data_dir() -> Path:
    """The per-user folder for the embedded store, snapshots and history."""
    import platformdirs

    return platformdirs.user_data_path("toxicpath")


def snapshot_dir_for(store_spec: str | None) -> Path:
    """The folder where scans' snapshots are kept for a given store.

    An embedded store keeps them beside its database file; a Neo4j store keeps
    them in the per-user data folder.
    """
    if store_spec and "://" not in store_spec:
        return Path(store_spec).expanduser().resolve().parent / "snapshots"
    return default_data_dir() / "snapshots"


def scan_snapshot(
    snapshot: Snapshot,
    *,
    store_spec: str | None,
    keep_snapshot: bool = True,
    progress: ProgressCallback | None = None,
    sensitivity_overrides: Mapping[str, str] | None = None,
) -> ScanOutcome:
    """Derive the graph from `snapshot` and make it the store's current scan.

    Raises PartialScanError, before touching the store, when the snapshot is
    incomplete; the store's current scan then stays as it was.
    `sensitivity_overrides` maps resource id or name globs to sensitivity
    levels (the `[sensitivity]` table of the configuration file).
    """
    from toxicpath.graph.open import check_store_target, open_store

    report = progress or (lambda _message: None)
    if not snapshot.complete:
        raise PartialScanError(
            f"scan {snapshot.id} is incomplete; the store keeps its current scan. "
            "Re-run the collection, or import the snapshot once it is complete."
        )
    check_store_target(store_spec)
    report("Deriving attack edges")
    context = TransformContext(
        scan_id=snapshot.id,
        scanned_at=datetime.fromisoformat(snapshot.created_at),
        sensitivity_overrides=dict(sensitivity_overrides or {}),
    )
    records = transform(snapshot, context)
    scan = ScanInfo(
        id=snapshot.id,
        created_at=snapshot.created_at,
        complete=True,
        kind=snapshot.kind,
        sources=tuple(source.path for source in snapshot.sources),
        counts=records.summary(),
    )
    snapshot_path = None
    if keep_snapshot:
        folder = snapshot_dir_for(store_spec)
        snapshot_path = folder / f"{snapshot.id}.jsonl.gz"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_snapshot(snapshot, snapshot_path)
        except OSError as error:
            raise StoreError(
                f"cannot write the snapshot {snapshot_path}: {error.strerror}; make "
                "the folder writable or pass --store with a path in a writable folder"
            ) from error
    report("Loading the graph store")
    store = open_store(store_spec, read_only=False)
    try:
        store.load(records, scan)
    finally:
        store.close()
    logger.info(
        "scan %s loaded: %d nodes, %d edges",
        scan.id,
        len(records.nodes),
        len(records.edges),
    )
    return ScanOutcome(
        scan=scan,
        records=records,
        not_evaluated=snapshot.not_evaluated(),
        snapshot_path=snapshot_path,
    )


def scan_inputs(
    inputs: Sequence[Path],
    *,
    store_spec: str | None,
    kind: str = "import",
    progress: ProgressCallback | None = None,
    sensitivity_overrides: Mapping[str, str] | None = None,
) -> ScanOutcome:
    """Import `inputs` (files or folders, formats auto-detected) and scan them."""
    from toxicpath.ingest.importers import load_inputs

    report = progress or (lambda _message: None)
    report("Reading input")
    snapshot = load_inputs(list(inputs))
    snapshot.kind = kind
    return scan_snapshot(
        snapshot,
        store_spec=store_spec,
        progress=progress,
        sensitivity_overrides=sensitivity_overrides,
    )
