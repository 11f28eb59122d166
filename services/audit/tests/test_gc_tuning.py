"""The worker's collector settings: start-up objects frozen, young collections rarer, cycles found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from audit.gc_tuning import YOUNG_THRESHOLD, tune_for_streaming


@pytest.fixture
def restored_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_gc")
def test_start_up_objects_are_frozen_and_cycles_are_still_collected() -> None:
    tune_for_streaming()

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    assert gc.isenabled()
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1, "a cycle made after start-up is still found"
