"""Time every rule on the dense synthetic estate of the scoring benchmark.

Run with `.venv/bin/python tests/queries/bench_rules.py [RULE_ID ...]`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scoring"))

from bench_scoring import build_estate

from toxicpath.graph.ladybug_store import LadybugStore
from toxicpath.graph.store import ScanInfo
from toxicpath.queries.loader import load_rules
from toxicpath.queries.runner import run_rules


def main(selected: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = LadybugStore(Path(folder) / "bench.lbdb")
        started = time.perf_counter()
        store.load(
            build_estate(),
            ScanInfo(id="bench", created_at="2026-01-01T00:00:00Z", complete=True),
        )
        print(f"load: {time.perf_counter() - started:.2f} s")
        for rule in load_rules():
            if selected and rule.id not in selected:
                continue
            started = time.perf_counter()
            result = run_rules(store, [rule])
            elapsed = time.perf_counter() - started
            print(f"{rule.id}: {len(result.findings)} findings, {elapsed:.2f} s")
        store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
