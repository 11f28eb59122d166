"""A lean, pipelined batch consumer: one aiokafka group consumer in the service's own event loop.

Why not faust here: for a CPU-bound step (guardrails) faust's per-event machinery cost
more than the step: a consumer thread contending for the GIL, a Stream and an Event per
message, and a batch agent that awaits all its produce acks before faust hands it the
next batch, so no CPU work overlaps those round trips. This consumer:

* fetches with ``getmany(max_records=...)`` and stages the batch with
  :meth:`~llmops.batch_processor.BatchProcessor.stage_batch` (decode, handle; produces
  only scheduled; invalid events dead-lettered);
* settles each batch in a background task (acks awaited; an event whose output failed is
  retried alone, so none is acknowledged without its output) while the next batch is
  staged: up to ``batches_in_flight`` batches overlap;
* commits explicitly, only up to the highest offset whose output and every earlier
  offset's output of that partition are durable (:class:`~llmops.offset_ledger.OffsetLedger`),
  every ``commit_interval_s``, on revocation (in-flight batches settled first, then
  commit, then the partitions are released) and on stop. Delivery is at least once: a
  worker killed mid-stream redelivers what it had not committed.

The group id, offset reset (earliest), static membership (``group_instance_id``) and the
empty-fetch pause (:mod:`llmops.fetch_pause`, process-wide) are the platform's, as for the
faust services; the consumer lag gauge is fed from this consumer's own commits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError

from llmops.batch_processor import BatchProcessor, StagedBatch
from llmops.offset_ledger import OffsetLedger, PartitionKey
from llmops.stream_processor import raw_event_from_record

log = logging.getLogger(__name__)


class BatchConsumer:
    """Consume one topic in overlapping batches through a :class:`BatchProcessor`.

    Args:
        consumer: A started-or-not aiokafka consumer with a ``group_id`` and
            ``enable_auto_commit=False``; this object subscribes, runs and stops it.
        topic: The input topic.
        processor: Stages and settles batches.
        max_records: Largest batch.
        batches_in_flight: Batches being settled at once (>= 1); bounds memory and redelivery.
        commit_interval_s: How often finished offsets are committed.
    """

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        topic: str,
        processor: BatchProcessor,
        max_records: int = 500,
        batches_in_flight: int = 3,
        commit_interval_s: float = 1.0,
    ) -> None:
        self.consumer = consumer
        self.topic = topic
        self.processor = processor
        self.max_records = max_records
        self.batches_in_flight = max(1, batches_in_flight)
        self.commit_interval_s = commit_interval_s
        self.ledger = OffsetLedger()
        self.rebalancing = True
        self._staging = asyncio.Lock()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._failure: BaseException | None = None

    async def run(self) -> None:
        """Subscribe and consume until cancelled; raises what a batch raised (a fatal error)."""
        self.consumer.subscribe([self.topic], listener=_Rebalance(self))
        next_commit = time.monotonic() + self.commit_interval_s
        while True:
            fetched = await self.consumer.getmany(timeout_ms=200, max_records=self.max_records)
            if fetched:
                await self._dispatch(fetched)
            if self._failure is not None:
                raise self._failure
            if time.monotonic() >= next_commit:
                await self.commit()
                next_commit = time.monotonic() + self.commit_interval_s

    async def stop(self, settle_timeout_s: float = 30.0) -> None:
        """Settle the batches in flight (for at most ``settle_timeout_s``), commit what finished, leave.

        A batch still unsettled then (broker unreachable) is not committed: it is redelivered.
        """
        try:
            if self._in_flight:
                await asyncio.wait(set(self._in_flight), timeout=settle_timeout_s)
            await self.commit()
        finally:
            await self.consumer.stop()

    async def settle_all(self) -> None:
        """Wait until every batch in flight is settled (its failures are kept for :meth:`run`)."""
        if self._in_flight:
            await asyncio.wait(set(self._in_flight))

    async def commit(self, only: Iterable[TopicPartition] | None = None) -> None:
        """Commit the finished prefix of each assigned partition (of ``only``, when given)."""
        allowed = set(only) if only is not None else self.consumer.assignment()
        positions = {
            key: position
            for key, position in self.ledger.to_commit().items()
            if TopicPartition(*key) in allowed
        }
        if not positions:
            return
        try:
            await self.consumer.commit({TopicPartition(*key): pos for key, pos in positions.items()})
        except KafkaError as exc:  # retried at the next interval; a new owner redelivers
            log.warning("offset commit failed", extra={"error": repr(exc)})
            return
        self.ledger.committed(positions)

    async def lag(self) -> dict[PartitionKey, int]:
        """Log end minus committed offset of each assigned partition (for the lag gauge)."""
        assigned = sorted(self.consumer.assignment())
        if not assigned:
            return {}
        ends: Mapping[TopicPartition, int] = await self.consumer.end_offsets(assigned)
        lags = {}
        for tp in assigned:
            key = (tp.topic, tp.partition)
            done = self.ledger.last_committed(key)
            if done is None:
                done = await self.consumer.committed(tp)
            if done is None:
                done = (await self.consumer.beginning_offsets([tp]))[tp]
            lags[key] = ends[tp] - done
        return lags

    async def _dispatch(self, fetched: Mapping[TopicPartition, list[Any]]) -> None:
        while len(self._in_flight) >= self.batches_in_flight:
            await asyncio.wait(set(self._in_flight), return_when=asyncio.FIRST_COMPLETED)
        async with self._staging:
            owned = self.consumer.assignment()
            batch = [(tp, records) for tp, records in fetched.items() if tp in owned and records]
            for tp, records in batch:
                self.ledger.started((tp.topic, tp.partition), [r.offset for r in records])
            raws = [raw_event_from_record(record) for _, records in batch for record in records]
            staged = await self.processor.stage_batch(raws)
            task = asyncio.create_task(self._settle(staged))
            self._in_flight.add(task)
            task.add_done_callback(self._settled)

    async def _settle(self, staged: StagedBatch) -> None:
        await self.processor.settle_batch(staged)
        by_partition: dict[PartitionKey, list[int]] = {}
        for raw in staged.raws:
            by_partition.setdefault((raw.topic, raw.partition), []).append(raw.offset)
        for key, offsets in by_partition.items():
            self.ledger.finished(key, offsets)

    def _settled(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if not task.cancelled() and task.exception() is not None and self._failure is None:
            self._failure = task.exception()


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    """Settle and commit before partitions move; mark the consumer unready meanwhile."""

    def __init__(self, owner: BatchConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        owner = self.owner
        owner.rebalancing = True
        async with owner._staging:  # a batch being staged is registered before this goes on
            await owner.settle_all()
            await owner.commit(revoked)
            owner.ledger.release((tp.topic, tp.partition) for tp in revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.owner.rebalancing = False
        log.info("partitions assigned", extra={"partitions": sorted(tp.partition for tp in assigned)})
