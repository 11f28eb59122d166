"""The per-event step every streaming service runs: decode, handle, classify failures.

``decode -> handle`` where ``handle`` produces the service's output and returns once
the broker acknowledged it. Failures are classified the arroyo way:

* :class:`~llmops.errors.InvalidMessage` (while decoding or handling): the raw event
  goes to the dead-letter topic with the reason and processing goes on, within the
  invalid-share budget;
* :class:`~llmops.errors.RetriableError` and :class:`~llmops.errors.MessageRejected`
  (back-pressure): retried in place with backoff, so the event
  is never acknowledged before its output is durable;
* anything else propagates: the event stays unacknowledged and is read again after
  the worker restarts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from llmops.backoff import Backoff
from llmops.codec import AvroCodec
from llmops.dead_letter import DeadLetterQueue, RawEvent
from llmops.errors import InvalidMessage, MessageRejected, RetriableError
from llmops.jsonlog import log_context
from llmops.metric_defs import PipelineMetrics
from llmops.replay_marker import replayed_for_another

log = logging.getLogger(__name__)

Handler = Callable[[Any, RawEvent], Awaitable[None]]


class EventProcessor:
    """Run one handler over the raw events of one topic.

    Args:
        codec: Decodes the events.
        schema: Schema name the topic carries.
        handle: Coroutine taking the decoded event and the raw event; it must only
            return once its output is durably written.
        dead_letters: Where invalid events go.
        metrics: The service's pipeline metrics.
        backoff: Delays between retries of retriable failures.
    """

    def __init__(
        self,
        codec: AvroCodec,
        schema: str,
        handle: Handler,
        dead_letters: DeadLetterQueue,
        metrics: PipelineMetrics,
        backoff: Backoff | None = None,
    ) -> None:
        self.codec = codec
        self.schema = schema
        self.handle = handle
        self.dead_letters = dead_letters
        self.metrics = metrics
        self.backoff = backoff or Backoff(initial_s=0.2, maximum_s=15.0)

    async def process(self, raw: RawEvent) -> None:
        """Process one event; returns when it may be acknowledged."""
        self.metrics.consumed.labels(raw.topic).inc()
        await self.process_counted(raw)

    async def process_counted(self, raw: RawEvent) -> None:
        """:meth:`process` for an event already counted as consumed (a batch's fallback)."""
        if replayed_for_another(raw.headers, self.dead_letters.service):
            return  # a dead-letter replay for another consumer of this topic
        started = time.perf_counter()
        with log_context(topic=raw.topic, partition=raw.partition, offset=raw.offset):
            try:
                event = self.codec.decode(raw.value or b"", self.schema)
                with log_context(request_id=event.get("request_id"), tenant=event.get("tenant")):
                    await self._retrying(lambda: self.handle(event, raw))
            except InvalidMessage as exc:
                await self._dead_letter(raw, exc)
                return
        self.dead_letters.record_valid()
        self.metrics.processing.labels(raw.topic).observe(time.perf_counter() - started)

    async def _retrying(self, step: Callable[[], Awaitable[Any]]) -> None:
        await retry_retriable(step, self.backoff)

    async def dead_letter(self, raw: RawEvent, error: InvalidMessage) -> None:
        """Dead-letter ``raw`` (retrying the produce); raises when the invalid-share budget is spent."""
        await self._dead_letter(raw, error)

    async def _dead_letter(self, raw: RawEvent, error: InvalidMessage) -> None:
        await dead_letter_event(self.dead_letters, self.metrics, raw, error, self.backoff)


async def retry_retriable(step: Callable[[], Awaitable[Any]], backoff: Backoff) -> None:
    """Run ``step`` until it succeeds, backing off on retriable failures and back-pressure."""
    attempt = 0
    while True:
        try:
            await step()
            return
        except (RetriableError, MessageRejected) as exc:
            delay = backoff.delay(attempt)
            log.warning(
                "retriable failure, retrying", extra={"error": str(exc), "retry_in_s": round(delay, 3)}
            )
            attempt += 1
            await asyncio.sleep(delay)


async def dead_letter_event(
    dead_letters: DeadLetterQueue,
    metrics: PipelineMetrics,
    raw: RawEvent,
    error: InvalidMessage,
    backoff: Backoff,
) -> None:
    """Log, count and dead-letter ``raw``, retrying the produce until it is acknowledged.

    Raises:
        DeadLetterBudgetExceeded: After the event is safely dead-lettered, when the
            invalid share of recent input is over the cap.
    """
    log.warning("dead-lettering invalid event", extra={"error": error.reason})
    metrics.dead_lettered.labels(raw.topic, type(error).__name__).inc()
    await retry_retriable(lambda: dead_letters.dead_letter(raw, error), backoff)


def raw_event_from_record(record: Any) -> RawEvent:
    """Convert an aiokafka ``ConsumerRecord`` to a :class:`RawEvent` (no decoding)."""
    return RawEvent(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
        headers=tuple(record.headers or ()),
        timestamp_ms=record.timestamp,
    )


def raw_event_from_faust(event: Any) -> RawEvent:
    """Convert a faust ``EventT`` to a :class:`RawEvent` (no decoding)."""
    message = event.message
    headers = message.headers or ()
    pairs = headers.items() if isinstance(headers, dict) else headers
    return RawEvent(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key=message.key,
        value=message.value,
        headers=tuple((str(k), v) for k, v in pairs),
        timestamp_ms=int(message.timestamp * 1000) if message.timestamp else None,
    )
