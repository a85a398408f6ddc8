"""The whole AWS analysis on a small synthetic estate from the benchmark
generator: the records fit the model and every identity edge kind appears."""

from __future__ import annotations

import sys
from pathlib import Path

from identity_builders import context

from toxicpath.analysis.aws.analyze import analyze_estate
from toxicpath.graph.model import INTERNET_ID
from toxicpath.ingest.aws.parse import parse_estate

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench" / "aws"))

from generate_estate import EstateSize, generate_snapshot

SIZE = EstateSize(
    accounts=2, roles=120, users=40, groups=6, policies=300, buckets=20, seed=3
)


def test_synthetic_estate_analysis() -> None:
    estate = parse_estate(generate_snapshot(SIZE))
    records = analyze_estate(estate, context())
    records.add_node(
        "Internet",
        INTERNET_ID,
        cloud="none",
        type="internet",
        name="Internet",
        native_type="",
        account_id="",
        region="",
        tags="{}",
        attrs="{}",
        scan_id="scan-test",
    )
    records.validate()
    summary = records.summary()
    assert summary["Identity"] >= 120 + 40 + 6
    for edge_type in ("CAN_ASSUME", "CAN_ESCALATE", "CAN_ACCESS", "MEMBER_OF"):
        assert summary.get(edge_type, 0) > 0, edge_type


def test_synthetic_estate_is_deterministic() -> None:
    first = analyze_estate(parse_estate(generate_snapshot(SIZE)), context())
    second = analyze_estate(parse_estate(generate_snapshot(SIZE)), context())
    assert set(first.edges) == set(second.edges)
