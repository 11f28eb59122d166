"""Read this replica's reply partition and hand each response to its waiting caller.

The consumer is assigned the partition directly (no consumer group: the partition is
owned by this replica, not shared), starts at the end, and runs as one background task
that never blocks on a caller; each batch read is delivered as one batch. A second task
exports the partition's lag (``llmops_gateway_consumer_lag_messages``): replies written
to it that this replica has not yet delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from gateway.metric_defs import CONSUMER_LAG
from gateway.reply_checkpoint import ReplyCheckpoint
from gateway.reply_delivery import ReplyDelivery
from llmops import topics
from llmops.codec import AvroCodec
from llmops.consumer_lag import ConsumerLagExport, PartitionKey, refresh_forever
from llmops.dead_letter import DeadLetterQueue
from llmops.errors import DependencyUnavailable, InvalidMessage
from llmops.events import LlmResponse
from llmops.replay_marker import replayed_for_another
from llmops.stream_processor import raw_event_from_record

log = logging.getLogger(__name__)


class ReplyListener:
    """Background consumer of one reply partition.

    Args:
        bootstrap: Kafka brokers.
        topic: Reply topic.
        partition: Partition owned by this replica.
        codec: Decodes responses.
        dead_letters: Where undecodable replies go.
        delivery: Settles responses and wakes their callers.
        checkpoint: Where reading resumes after a restart or a takeover.
        lag_interval_s: How often the partition's lag is read from the broker.
    """

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        partition: int,
        codec: AvroCodec,
        dead_letters: DeadLetterQueue,
        delivery: ReplyDelivery,
        checkpoint: ReplyCheckpoint,
        lag_interval_s: float = 5.0,
    ) -> None:
        self.partition = TopicPartition(topic, partition)
        self.codec = codec
        self.dead_letters = dead_letters
        self.delivery = delivery
        self.checkpoint = checkpoint
        self.bootstrap = bootstrap
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
            auto_offset_reset="latest",
        )
        self._task: asyncio.Task[None] | None = None
        self.assigned = False
        self.lag_interval_s = lag_interval_s
        self._delivered_up_to = 0
        self._lag = ConsumerLagExport(CONSUMER_LAG)
        self._lag_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect, take the partition at its checkpoint (else its end), and read in the background."""
        resume_at = await self.checkpoint.load()
        try:
            await self._consumer.start()
            self._consumer.assign([self.partition])
            if resume_at is None:
                await self._consumer.seek_to_end(self.partition)
            else:
                self._consumer.seek(self.partition, resume_at)
            position = await self._consumer.position(self.partition)
        except KafkaError as exc:
            await self._consumer.stop()
            raise DependencyUnavailable("kafka", self.bootstrap, str(exc)) from exc
        await self.checkpoint.save(position)
        self._delivered_up_to = position
        self.assigned = True
        self._task = asyncio.create_task(self._run(), name="reply-listener")
        self._lag_task = asyncio.create_task(
            refresh_forever(self.lag, self._lag, self.lag_interval_s), name="reply-lag"
        )

    async def stop(self) -> None:
        """Stop reading and disconnect; the partition's lag is no longer exported (the lease moves on)."""
        for task in (self._lag_task, self._task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._lag.clear()
        await self._consumer.stop()

    async def lag(self) -> dict[PartitionKey, int]:
        """Replies in this replica's partition not yet delivered: log end minus the next offset to deliver."""
        ends = await self._consumer.end_offsets([self.partition])
        return {
            (self.partition.topic, self.partition.partition): ends[self.partition] - self._delivered_up_to
        }

    async def _run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=1000, max_records=500)
            records = [record for batch in batches.values() for record in batch]
            if not records:
                continue
            decoded = [await self._decode(record) for record in records]
            await self.delivery.deliver([response for response in decoded if response is not None])
            await self.checkpoint.save(records[-1].offset + 1)
            self._delivered_up_to = records[-1].offset + 1

    async def _decode(self, record: ConsumerRecord) -> LlmResponse | None:
        raw = raw_event_from_record(record)
        if replayed_for_another(raw.headers, self.dead_letters.service):
            return None  # a dead-letter replay for another consumer of this topic
        try:
            response: LlmResponse = self.codec.decode(raw.value or b"", topics.RESPONSES.schema)
        except InvalidMessage as exc:
            log.warning("undecodable reply dead-lettered", extra={"error": exc.reason, "offset": raw.offset})
            await self.dead_letters.dead_letter(raw, exc)
            return None
        return response
