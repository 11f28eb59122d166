"""Deliver a poll's records partition by partition: the same offsets of co-partitioned topics together.

faust's default scheduler (``DefaultSchedulingStrategy``) takes one record from each
*topic* in turn, and within a topic one from each partition in turn. So a partition's
pace depends on how many partitions of its topic have records in the poll: when one
partition of the requests topic ran dry, the other five advanced 6/5 as fast as their
completions and responses, and a catch-up's requests ran hundreds of events ahead of the
rest of their inferences (every such join waited open and wrote its state to the
changelog; measured on the audit worker).

:class:`CopartitionedScheduling` takes one record from each topic-partition in turn,
ordered by partition then topic, so each topic-partition advances at the same pace. For
topics keyed alike (the audit join's requests, completions and responses), the events of
one inference sit at about the same offsets of the same partition, and are delivered
within one round of each other. Install it with faust's ``ConsumerScheduler`` setting.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from faust.types import TP
from faust.types.transports import SchedulingStrategyT


class CopartitionedScheduling(SchedulingStrategyT):
    """Round-robin over every topic-partition of a poll, ordered by (partition, topic)."""

    def __init__(self) -> None:
        """Stateless: each poll is ordered on its own."""

    def iterate(self, records: Mapping[TP, list[Any]]) -> Iterator[tuple[TP, Any]]:
        """Yield ``(tp, record)``: one record of each topic-partition per round, in offset order."""
        lanes = [(tp, iter(records[tp])) for tp in sorted(records, key=lambda tp: (tp.partition, tp.topic))]
        while lanes:
            alive = []
            for tp, lane in lanes:
                record = next(lane, _DONE)
                if record is not _DONE:
                    yield tp, record
                    alive.append((tp, lane))
            lanes = alive


_DONE = object()
