"""Port interval arithmetic checked against plain sets of ports."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from toxicpath.analysis.aws.network.ports import (
    describe_port_sets,
    intersect,
    normalise_protocol,
    rule_interval,
    subtract,
    union,
)

# A small port space keeps the set comparison fast; the code has no special
# case for any range.
_PORT = st.integers(min_value=0, max_value=300)
_INTERVAL = st.tuples(_PORT, _PORT).map(lambda pair: (min(pair), max(pair)))
_INTERVALS = st.lists(_INTERVAL, max_size=6)


def _as_set(intervals: list[tuple[int, int]]) -> set[int]:
    return {port for low, high in intervals for port in range(low, high + 1)}


def _is_normalised(intervals: list[tuple[int, int]]) -> bool:
    return all(a[1] + 1 < b[0] for a, b in itertools.pairwise(intervals))


@given(_INTERVALS)
def test_union_matches_sets(first: list[tuple[int, int]]) -> None:
    merged = union(first)
    assert _as_set(merged) == _as_set(first)
    assert _is_normalised(merged)


@given(_INTERVALS, _INTERVALS)
def test_intersect_matches_sets(
    first: list[tuple[int, int]], second: list[tuple[int, int]]
) -> None:
    assert _as_set(intersect(first, second)) == _as_set(first) & _as_set(second)


@given(_INTERVALS, _INTERVALS)
def test_subtract_matches_sets(
    first: list[tuple[int, int]], second: list[tuple[int, int]]
) -> None:
    result = subtract(first, second)
    assert _as_set(result) == _as_set(first) - _as_set(second)
    assert _is_normalised(result)


def test_protocol_numbers_normalised() -> None:
    assert normalise_protocol("-1") == "all"
    assert normalise_protocol("6") == "tcp"
    assert normalise_protocol(17) == "udp"
    assert normalise_protocol("ICMP") == "icmp"
    assert normalise_protocol(None) == "all"


def test_rule_interval_cases() -> None:
    assert rule_interval("all", 22, 22) == (0, 65535)
    assert rule_interval("tcp", None, None) == (0, 65535)
    assert rule_interval("tcp", 8080, 8000) == (8000, 8080)
    assert rule_interval("tcp", 22, None) == (22, 22)


def test_describe_port_sets_cases() -> None:
    assert describe_port_sets({"tcp": [(22, 22)]}) == ("tcp", ["22"])
    assert describe_port_sets({"udp": [(0, 65535)]}) == ("udp", ["all"])
    everything = {"tcp": [(0, 65535)], "udp": [(0, 65535)]}
    assert describe_port_sets(everything) == ("all", ["all"])
    assert describe_port_sets({}) == ("", [])
    mixed = {"tcp": [(22, 22), (80, 90)], "udp": [(53, 53), (85, 100)]}
    assert describe_port_sets(mixed) == ("all", ["22", "53", "80-100"])
