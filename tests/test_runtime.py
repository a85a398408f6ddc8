"""Garbage collector settings while records are built."""

from __future__ import annotations

import gc

from toxicpath.runtime import BULK_GC_THRESHOLD, bulk_allocation


def test_bulk_allocation_nests_and_restores() -> None:
    before = gc.get_threshold()
    with bulk_allocation():
        assert gc.get_threshold()[0] == BULK_GC_THRESHOLD
        assert gc.get_freeze_count() > 0
        with bulk_allocation():
            assert gc.get_threshold()[0] == BULK_GC_THRESHOLD
        # The inner block leaves the outer one's settings alone.
        assert gc.get_threshold()[0] == BULK_GC_THRESHOLD
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_bulk_allocation_restores_on_error() -> None:
    before = gc.get_threshold()
    try:
        with bulk_allocation():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
