"""CopartitionedScheduling: each topic-partition of a poll advances at the same pace."""

from __future__ import annotations

import pytest
from faust.types import TP

from llmops.copartitioned_scheduling import CopartitionedScheduling

REQ0, REQ1, COMP0, COMP1 = TP("req", 0), TP("req", 1), TP("comp", 0), TP("comp", 1)


@pytest.mark.parametrize(
    ("records", "order"),
    [
        ({}, []),
        ({REQ0: [0, 1]}, [(REQ0, 0), (REQ0, 1)]),
        # one record of each topic-partition per round, ordered by partition then topic
        (
            {REQ1: [0, 1], REQ0: [0, 1], COMP0: [0, 1], COMP1: [0, 1]},
            [(COMP0, 0), (REQ0, 0), (COMP1, 0), (REQ1, 0), (COMP0, 1), (REQ0, 1), (COMP1, 1), (REQ1, 1)],
        ),
        # a partition that runs dry does not speed up the others of its topic (faust's
        # default scheduler gives REQ1 the turns REQ0 no longer takes)
        (
            {REQ0: [0], REQ1: [0, 1, 2], COMP1: [0, 1, 2]},
            [(REQ0, 0), (COMP1, 0), (REQ1, 0), (COMP1, 1), (REQ1, 1), (COMP1, 2), (REQ1, 2)],
        ),
    ],
)
def test_delivery_order(records: dict[TP, list[int]], order: list[tuple[TP, int]]) -> None:
    assert list(CopartitionedScheduling().iterate(records)) == order
