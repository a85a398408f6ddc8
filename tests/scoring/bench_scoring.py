"""Time the scoring steps on a dense synthetic estate.

Run with `.venv/bin/python tests/scoring/bench_scoring.py`. The estate is
random and densely connected, close to the worst case for Yen's algorithm
and the choke-point search.
"""

from __future__ import annotations

import random
import time

from toxicpath.analysis.scoring.blast import blast_radius
from toxicpath.analysis.scoring.chokepoints import choke_points
from toxicpath.analysis.scoring.graph import attack_graph_from_records
from toxicpath.analysis.scoring.paths import ranked_paths
from toxicpath.graph.records import GraphRecords

ACCOUNTS = 20
ROLES = 5000
RESOURCES = 2000


def build_estate(seed: int = 1) -> GraphRecords:
    """Build 5,000 roles and 2,000 resources in 20 accounts, randomly joined."""
    rng = random.Random(seed)
    records = GraphRecords()
    records.add_node("Internet", "internet", type="internet")

    for account in range(ACCOUNTS):
        records.add_node(
            "Identity", f"adm{account}", type="account_admin", account_id=str(account)
        )

    for index in range(ROLES):
        records.add_node(
            "Identity", f"i{index}", type="role", account_id=str(index % ACCOUNTS)
        )

    for index in range(RESOURCES):
        is_database = index % 10 == 0
        records.add_node(
            "Resource",
            f"r{index}",
            type="database" if is_database else "virtual_machine",
            account_id=str(index % ACCOUNTS),
            sensitivity="high" if is_database else None,
        )

    for index in range(300):
        vm = f"r{index * 5 + 1}"
        records.add_edge("EXPOSED_TO", "internet", vm, conditional=False)
        records.add_edge("RUNS_AS", vm, f"i{rng.randrange(ROLES)}")

    for _ in range(15000):
        records.add_edge(
            "CAN_ASSUME",
            f"i{rng.randrange(ROLES)}",
            f"i{rng.randrange(ROLES)}",
            conditional=rng.random() < 0.2,
        )

    for _ in range(8000):
        records.add_edge(
            "CAN_ACCESS",
            f"i{rng.randrange(ROLES)}",
            f"r{rng.randrange(RESOURCES)}",
            level="read",
            conditional=False,
        )

    for _ in range(200):
        role = rng.randrange(ROLES)
        records.add_edge(
            "CAN_ESCALATE", f"i{role}", f"adm{role % ACCOUNTS}", technique="x"
        )

    return records


def main() -> None:
    records = build_estate()
    started = time.perf_counter()
    attack = attack_graph_from_records(records)
    nodes, edges = attack.graph.number_of_nodes(), attack.graph.number_of_edges()
    print(f"build: {nodes} nodes, {edges} edges, {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    paths = ranked_paths(attack, k=3)
    print(f"ranked_paths: {len(paths)} paths, {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    report = choke_points(attack, max_edges=5)
    print(f"choke_points: {report.summary()}, {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    radius = blast_radius(attack, "internet")
    elapsed = time.perf_counter() - started
    print(f"blast_radius: {len(radius.reached)} nodes, {elapsed:.2f} s")


if __name__ == "__main__":
    main()
