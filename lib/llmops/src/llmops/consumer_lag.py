"""Consumer lag per assigned partition, refreshed in the background and exported as a gauge.

Lag is the partition's log-end offset (high watermark) minus the offset the consumer
has committed: the messages written that this consumer has not yet durably finished.
The log end is asked of the broker on every refresh (ListOffsets), not taken from the
last fetch response: a consumer stuck on one event stops fetching, and a high watermark
cached from its last fetch would hide exactly the lag an operator must see.

Each process exports only the partitions assigned to it, so a sum over replicas never
counts a partition twice; when a partition is revoked its series is removed, so a
dashboard does not show the last value of a partition another replica now owns.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

from faust.exceptions import ConsumerNotStarted
from prometheus_client import Gauge

log = logging.getLogger(__name__)

PartitionKey = tuple[str, int]
"""(topic, partition)."""

LagReader = Callable[[], Awaitable[Mapping[PartitionKey, int]]]
"""Returns the lag of every partition assigned to this process (and only those)."""


class ConsumerLagExport:
    """Keeps ``gauge`` equal to the latest lag reading, removing partitions no longer assigned."""

    def __init__(self, gauge: Gauge) -> None:
        self._gauge = gauge
        self._exported: set[PartitionKey] = set()

    def update(self, lags: Mapping[PartitionKey, int]) -> None:
        """Export ``lags`` (negative readings, from a log end read before a commit, count as 0)."""
        for (topic, partition), lag in lags.items():
            self._gauge.labels(topic, str(partition)).set(max(lag, 0))
        for topic, partition in self._exported - lags.keys():
            self._gauge.remove(topic, str(partition))
        self._exported = set(lags)

    def clear(self) -> None:
        """Stop exporting every partition (the consumer stopped)."""
        self.update({})


async def refresh_forever(read: LagReader, export: ConsumerLagExport, interval_s: float) -> None:
    """Read and export the lag every ``interval_s`` seconds until cancelled.

    A failed reading (broker unreachable, rebalance in progress) is logged once per
    failure streak and the previous values stay exported until the next good reading:
    the lag is unknown, not zero.
    """
    failing = False
    while True:
        try:
            export.update(await read())
            failing = False
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not failing:
                log.warning("consumer lag not read", extra={"error": repr(exc)})
            failing = True
        await asyncio.sleep(interval_s)


async def faust_consumer_lag(consumer: Any, skip_topics: Collection[str] = ()) -> dict[PartitionKey, int]:
    """Lag of the partitions assigned to a faust consumer (``app.consumer``), but ``skip_topics``.

    Pass the app's table changelog topics as ``skip_topics``: their partitions are assigned
    too, but faust tracks a table's position in its store and never commits them for the
    group, so their "lag" would grow with every table write.

    The committed offset is the one faust itself tracks (``_committed_offset``: read from
    the group coordinator at assignment, updated on each of its commits), so no extra
    OffsetFetch is needed; faust is the only committer of its assigned partitions. A
    partition the group never committed counts from its log start (the platform's
    ``auto_offset_reset`` is ``earliest``).
    """
    try:
        assigned = sorted(tp for tp in consumer.assignment() if tp.topic not in skip_topics)
    except ConsumerNotStarted:
        return {}
    if not assigned:
        return {}
    ends: Mapping[Any, int] = await consumer.highwaters(*assigned)
    committed: Mapping[Any, int | None] = getattr(consumer, "_committed_offset", {})
    never = [tp for tp in assigned if committed.get(tp) is None]
    starts: Mapping[Any, int] = await consumer.earliest_offsets(*never) if never else {}
    lags: dict[PartitionKey, int] = {}
    for tp in assigned:
        if tp not in ends:
            continue
        done = committed.get(tp)
        lags[(tp.topic, tp.partition)] = ends[tp] - (done if done is not None else starts.get(tp, 0))
    return lags
