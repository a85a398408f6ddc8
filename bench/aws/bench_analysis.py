"""Time the AWS pipeline on a synthetic estate: snapshot write and read,
parse, analysis (identity, trust, escalation, access, exposure) and,
with `--load`, loading the records into an embedded LadybugDB file.

Run: .venv/bin/python bench/aws/bench_analysis.py --accounts 10 --roles 20000 \
        --users 5000 --policies 50000

Prints one line per step with wall and CPU seconds and peak memory, then
the record counts. On a shared machine the CPU seconds are the numbers to
compare; record them with the machine's core count and load.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_estate import EstateSize, generate_snapshot

from toxicpath.analysis.aws.analyze import analyze_estate
from toxicpath.ingest.aws.parse import parse_estate
from toxicpath.ingest.snapshot import read_snapshot, write_snapshot
from toxicpath.ingest.transform import TransformContext
from toxicpath.runtime import bulk_allocation

T = TypeVar("T")


def _timed(label: str, step: Callable[[], T]) -> T:
    """Run one step and print its wall and CPU seconds and the peak memory."""
    started = time.perf_counter()
    cpu_started = time.process_time()
    result = step()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:<22} wall {elapsed:8.2f} s   CPU {cpu:8.2f} s   "
        f"peak RSS {peak_mb:7.0f} MB",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--accounts", type=int, default=10, help="number of accounts")
    parser.add_argument("--roles", type=int, default=20_000, help="roles in total")
    parser.add_argument("--users", type=int, default=5_000, help="users in total")
    parser.add_argument("--groups", type=int, default=500, help="groups in total")
    parser.add_argument(
        "--policies", type=int, default=50_000, help="managed policies in total"
    )
    parser.add_argument("--buckets", type=int, default=2_000, help="buckets in total")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    parser.add_argument(
        "--load", action="store_true", help="also load into a LadybugDB file"
    )
    parser.add_argument("--verbose", action="store_true", help="log analysis steps")
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(relativeCreated)9.0f ms %(name)s: %(message)s",
    )
    size = EstateSize(
        accounts=args.accounts,
        roles=args.roles,
        users=args.users,
        groups=args.groups,
        policies=args.policies,
        buckets=args.buckets,
        seed=args.seed,
    )
    print(f"estate: {size}")
    snapshot = _timed("generate", lambda: generate_snapshot(size))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "estate.jsonl.gz"
        _timed("write snapshot", lambda: write_snapshot(snapshot, path))
        print(f"snapshot size          {path.stat().st_size / 1e6:8.1f} MB")
        loaded = _timed("read snapshot", lambda: read_snapshot(path))
        # `transform` runs parse and analysis with the same garbage
        # collector settings.
        with bulk_allocation():
            estate = _timed("parse", lambda: parse_estate(loaded))
            context = TransformContext(scan_id=loaded.id, scanned_at=time_of(loaded))
            records = _timed("analyze", lambda: analyze_estate(estate, context))
        if args.load:
            _load(records, loaded, Path(folder) / "graph.lbug")
    for name, count in sorted(records.summary().items()):
        print(f"  {name:<14} {count:>10}")


def time_of(snapshot: object) -> object:
    from datetime import datetime

    return datetime.fromisoformat(snapshot.created_at)  # type: ignore[attr-defined]


def _load(records: object, snapshot: object, path: Path) -> None:
    from toxicpath.graph.open import open_store
    from toxicpath.graph.store import ScanInfo

    store = open_store(str(path), read_only=False)
    scan = ScanInfo(
        id=snapshot.id,  # type: ignore[attr-defined]
        created_at=snapshot.created_at,  # type: ignore[attr-defined]
        complete=True,
    )
    try:
        _timed("load (LadybugDB)", lambda: store.load(records, scan))  # type: ignore[arg-type]
    finally:
        store.close()


if __name__ == "__main__":
    main()
