"""The offset ledger: a partition's commit position never passes an offset whose output is not durable."""

from __future__ import annotations

import pytest

from llmops.offset_ledger import OffsetLedger

P0 = ("in", 0)
P1 = ("in", 1)

# (offsets started per partition in fetch order, finish steps, expected commit positions after each step)
CASES = [
    pytest.param({P0: [0, 1, 2]}, [(P0, [0, 1, 2])], [{P0: 3}], id="all-finished-in-order"),
    pytest.param(
        {P0: [0, 1, 2, 3]},
        [(P0, [2, 3]), (P0, [1]), (P0, [0])],
        [{}, {}, {P0: 4}],
        id="later-batch-acked-first-waits-for-the-earlier",
    ),
    pytest.param(
        {P0: [10, 11, 12]},
        [(P0, [10]), (P0, [12]), (P0, [11])],
        [{P0: 11}, {}, {P0: 13}],
        id="a-gap-holds-the-position-until-filled",
    ),
    pytest.param(
        {P0: [0, 1], P1: [5, 6]},
        [(P1, [5, 6]), (P0, [1])],
        [{P1: 7}, {}],
        id="partitions-are-independent",
    ),
    pytest.param(
        {P0: [0, 1, 2]},
        [(P0, [0, 2])],  # offset 1's produce failed: it is being retried alone
        [{P0: 1}],
        id="a-failed-event-blocks-its-successors",
    ),
    pytest.param(
        {P0: [3, 7, 9]},  # compacted or skipped offsets: positions follow what was fetched
        [(P0, [3, 7, 9])],
        [{P0: 10}],
        id="non-contiguous-offsets",
    ),
]


@pytest.mark.parametrize(("started", "steps", "expected"), CASES)
def test_commit_position_is_one_past_the_finished_prefix(
    started: dict[tuple[str, int], list[int]],
    steps: list[tuple[tuple[str, int], list[int]]],
    expected: list[dict[tuple[str, int], int]],
) -> None:
    ledger = OffsetLedger()
    for key, offsets in started.items():
        ledger.started(key, offsets)

    for (key, offsets), positions in zip(steps, expected, strict=True):
        ledger.finished(key, offsets)
        assert ledger.to_commit() == positions
        ledger.committed(positions)


def test_a_committed_position_is_not_offered_again_and_the_last_one_is_remembered() -> None:
    ledger = OffsetLedger()
    ledger.started(P0, [0, 1])
    ledger.finished(P0, [0, 1])
    ledger.committed(ledger.to_commit())

    assert ledger.to_commit() == {}
    assert ledger.last_committed(P0) == 2
    assert ledger.in_flight(P0) == 0


def test_a_released_partition_ignores_late_finishes_and_is_never_committed() -> None:
    ledger = OffsetLedger()
    ledger.started(P0, [0, 1])
    ledger.started(P1, [0])
    ledger.finished(P0, [0])

    ledger.release([P0])  # revoked: another worker owns it now
    ledger.finished(P0, [1])
    ledger.finished(P1, [0])

    assert ledger.to_commit() == {P1: 1}
    assert ledger.last_committed(P0) is None
    assert ledger.in_flight(P0) == 0


def test_reassigned_partition_starts_afresh() -> None:
    ledger = OffsetLedger()
    ledger.started(P0, [0, 1])
    ledger.release([P0])

    ledger.started(P0, [1, 2])  # assigned back: redelivery from the group's committed offset
    ledger.finished(P0, [1, 2])

    assert ledger.to_commit() == {P0: 3}
