"""The per-event step of the audit agent: decode, extract facts, join, acknowledge when safe.

The agent's stream does not acknowledge events itself (``stream.noack()``). An event
that only adds facts to the join is acknowledged at the next :meth:`Ingest.flush` (a
timer), right after the open states staged since the previous one were handed to the
table's changelog (which faust flushes before it commits offsets): an inference whose
stages all arrive within one interval writes no open state (in a catch-up, most do not:
a poll spans the three topics). An event that completes a
join is acknowledged only after Elasticsearch acknowledged the record, while the agent
goes on reading: that is what lets records be batched without committing early. The
events that complete joins within ``BATCH_WINDOW_S`` wait together, in one task, for
their records, which the joiner delivers as one batch.
Invalid events go to the dead-letter topic, then are acknowledged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from audit.facts import Facts, completion_facts, request_facts, response_facts
from audit.join import BATCH_WINDOW_S, Joiner
from llmops import topics
from llmops.backoff import Backoff
from llmops.dead_letter import RawEvent
from llmops.errors import InvalidMessage
from llmops.jsonlog import log_context
from llmops.replay_marker import replayed_for_another
from llmops.stream_processor import dead_letter_event, raw_event_from_faust
from llmops.streaming_service import StreamingService

log = logging.getLogger(__name__)

DEAD_LETTER_BACKOFF = Backoff(initial_s=0.2, maximum_s=10.0)
SOURCES = (topics.REQUESTS, topics.COMPLETIONS, topics.RESPONSES)


def stage_facts(topic: str, event: Any, user_key: bytes) -> dict[str, Facts]:
    """The facts one event contributes, keyed by stage (a completion's embedded request aside)."""
    if topic == topics.REQUESTS.name:
        return {"request": request_facts(event, user_key)}
    if topic == topics.COMPLETIONS.name:
        return {"completion": completion_facts(event)}
    return {"response": response_facts(event)}


def embedded_request(topic: str, event: Any, user_key: bytes) -> Callable[[], Facts] | None:
    """For a completion, the facts of the request it embeds, computed only if the join needs them."""
    if topic != topics.COMPLETIONS.name:
        return None
    return lambda: request_facts(event["request"], user_key)


@dataclass(frozen=True)
class Completion:
    """An event that completed a join, waiting for its record's delivery before its ack."""

    delivery: asyncio.Future[None]
    stream: Any
    event: Any
    raw: RawEvent


class Ingest:
    """Run each event of the three source topics into the join.

    Args:
        service: The streaming service (codec, dead letters, metrics).
        joiner: The join.
        user_key: HMAC key of user ids.
        max_in_flight: Deliveries awaited at once before reading pauses.
    """

    def __init__(
        self, service: StreamingService, joiner: Joiner, user_key: bytes, max_in_flight: int
    ) -> None:
        self.service = service
        self.joiner = joiner
        self.user_key = user_key
        self.schemas = {spec.name: spec.schema for spec in SOURCES}
        self.consumed = {spec.name: service.metrics.consumed.labels(spec.name) for spec in SOURCES}
        self.max_in_flight = max_in_flight
        self.awaiting = 0  # events whose record is on its way to Elasticsearch
        self.room = asyncio.Event()
        self.tasks: set[asyncio.Task[None]] = set()
        self.unflushed: list[tuple[Any, Any]] = []
        self.completing: list[Completion] = []

    async def process(self, stream: Any, event: Any) -> None:
        """Join one faust event; acknowledge it now or once its record is indexed."""
        raw = raw_event_from_faust(event)
        if replayed_for_another(raw.headers, self.service.dead_letters.service):
            await stream.ack(event)  # a dead-letter replay for another consumer of this topic
            return
        self.consumed[raw.topic].inc()
        with log_context(topic=raw.topic, partition=raw.partition, offset=raw.offset):
            try:
                decoded = self.service.codec.decode(raw.value or b"", self.schemas[raw.topic])
                facts = stage_facts(raw.topic, decoded, self.user_key)
                embedded = embedded_request(raw.topic, decoded, self.user_key)
                delivery = self.joiner.observe(decoded["request_id"], raw.partition, facts, embedded)
            except InvalidMessage as exc:
                await self._dead_letter(raw, exc)
                await stream.ack(event)
                return
        self.service.dead_letters.record_valid()
        if delivery is None:
            self.unflushed.append((stream, event))
            return
        if not self.completing:
            asyncio.get_running_loop().call_later(BATCH_WINDOW_S, self._dispatch_acks)
        self.completing.append(Completion(delivery, stream, event, raw))
        self.awaiting += 1
        while self.awaiting >= self.max_in_flight:
            self.room.clear()
            await self.room.wait()

    async def flush(self) -> None:
        """Write the staged open states to the changelog, then acknowledge the events they hold."""
        events, self.unflushed = self.unflushed, []
        try:
            await self.joiner.store.write_staged()
        except BaseException:
            self.unflushed = events + self.unflushed  # acknowledged after a later flush
            raise
        for stream, event in events:
            await stream.ack(event)

    def _dispatch_acks(self) -> None:
        """One task acknowledges the events that completed joins within the batch window."""
        batch, self.completing = self.completing, []
        if batch:
            task = asyncio.create_task(self._ack_after(batch))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _ack_after(self, batch: list[Completion]) -> None:
        """Acknowledge each event once Elasticsearch decided on its record.

        A rejected record's event is dead-lettered first; an event whose record was not
        delivered stays unacknowledged (its offset is not committed past it).
        """
        try:
            await asyncio.wait([c.delivery for c in batch])
            for c in batch:
                error = None if c.delivery.cancelled() else c.delivery.exception()
                if c.delivery.cancelled() or not isinstance(error, InvalidMessage | None):
                    continue
                if error is not None:
                    await self._dead_letter(c.raw, error)
                await c.stream.ack(c.event)
        finally:
            self.awaiting -= len(batch)
            self.room.set()

    async def _dead_letter(self, raw: RawEvent, error: InvalidMessage) -> None:
        service = self.service
        await dead_letter_event(service.dead_letters, service.metrics, raw, error, DEAD_LETTER_BACKOFF)
