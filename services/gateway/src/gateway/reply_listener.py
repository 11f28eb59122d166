"""Read this replica's reply partition and hand each response to its waiting caller.

The consumer is assigned the partition directly (no consumer group: the partition is
owned by this replica, not shared), starts at the end, and runs as one background task
that never blocks on a caller; each batch read is delivered as one batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from gateway.reply_checkpoint import ReplyCheckpoint
from gateway.reply_delivery import ReplyDelivery
from llmops import topics
from llmops.codec import AvroCodec
from llmops.dead_letter import DeadLetterQueue, RawEvent
from llmops.errors import DependencyUnavailable, InvalidMessage
from llmops.events import LlmResponse
from llmops.replay_marker import replayed_for_another

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
        self.assigned = True
        self._task = asyncio.create_task(self._run(), name="reply-listener")

    async def stop(self) -> None:
        """Stop reading and disconnect."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    async def _run(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=1000, max_records=500)
            records = [record for batch in batches.values() for record in batch]
            if not records:
                continue
            decoded = [await self._decode(record) for record in records]
            await self.delivery.deliver([response for response in decoded if response is not None])
            await self.checkpoint.save(records[-1].offset + 1)

    async def _decode(self, record: ConsumerRecord) -> LlmResponse | None:
        raw = RawEvent(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value,
            headers=tuple(record.headers or ()),
        )
        if replayed_for_another(raw.headers, self.dead_letters.service):
            return None  # a dead-letter replay for another consumer of this topic
        try:
            response: LlmResponse = self.codec.decode(raw.value or b"", topics.RESPONSES.schema)
        except InvalidMessage as exc:
            log.warning("undecodable reply dead-lettered", extra={"error": exc.reason, "offset": raw.offset})
            await self.dead_letters.dead_letter(raw, exc)
            return None
        return response
