"""Batch processing: handle a batch's events, then wait once for all their outputs.

The per-event path (:class:`~llmops.stream_processor.EventProcessor`) awaits each
output's broker acknowledgement before the next event, one round trip per event. Here
a batch's events are decoded and handled one after another while their handlers'
produces are only *scheduled* (see :func:`deferred_deliveries`); the acknowledgements of all of
them are then awaited together, and only after that does :meth:`BatchProcessor.process_batch`
return, so the caller acknowledges the input events only once their outputs are
durable (acks=all). Failures keep the per-event classification:

* an invalid event is dead-lettered on its own, within the invalid-share budget;
* an event whose handler raised a retriable error, or one of whose scheduled outputs
  failed, is processed again on the per-event path (awaited produce, retried with
  backoff), so it is never acknowledged without its output (at least once);
* anything else propagates.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from llmops.dead_letter import RawEvent
from llmops.errors import InvalidMessage, MessageRejected, RetriableError
from llmops.jsonlog import log_context
from llmops.replay_marker import replayed_for_another
from llmops.stream_processor import EventProcessor

log = logging.getLogger(__name__)

Delivery = Awaitable[Any]

_deferred: ContextVar[list[Delivery] | None] = ContextVar("llmops_deferred_deliveries", default=None)


def deferred_deliveries() -> list[Delivery] | None:
    """The list a producer appends its delivery future to, or None when it must await it."""
    return _deferred.get()


@dataclass(frozen=True)
class StagedBatch:
    """A batch whose events were handled; their outputs' deliveries (None: nothing to wait for)."""

    raws: Sequence[RawEvent]
    deliveries: list[list[Delivery] | None]
    started: float


class BatchProcessor:
    """Run an :class:`EventProcessor`'s handler over batches of raw events.

    Args:
        events: The per-event processor (codec, handler, dead letters, metrics, backoff);
            it also serves as the fallback for the events of a batch that failed.
    """

    def __init__(self, events: EventProcessor) -> None:
        self.events = events
        self._children: dict[tuple[int, str], Any] = {}

    async def process_batch(self, raws: Sequence[RawEvent]) -> None:
        """Process a batch; returns when all of its events may be acknowledged."""
        await self.settle_batch(await self.stage_batch(raws))

    async def stage_batch(self, raws: Sequence[RawEvent]) -> StagedBatch:
        """Decode and handle every event of ``raws``; their outputs are only scheduled.

        A caller that overlaps batches (:mod:`llmops.batch_consumer`) stages the next batch
        while an earlier one is being settled.
        """
        started = time.perf_counter()
        return StagedBatch(raws, [await self._stage(raw) for raw in raws], started)

    async def settle_batch(self, batch: StagedBatch) -> None:
        """Wait for a staged batch's outputs; retry alone each event whose output failed.

        Returns when every event of the batch may be acknowledged. All the batch's
        deliveries are awaited at once (one wait, not one gather per event).
        """
        staged = [None if d is None else [asyncio.ensure_future(x) for x in d] for d in batch.deliveries]
        pending = [future for futures in staged if futures for future in futures if not future.done()]
        if pending:
            await asyncio.wait(pending)
        settled = time.perf_counter() - batch.started
        for raw, futures in zip(batch.raws, staged, strict=True):
            if futures is None:
                continue
            failure = _first_failure(futures)
            if failure is None:
                self.events.dead_letters.record_valid()
                self._metric(self.events.metrics.processing, raw.topic).observe(settled)
            else:
                log.warning("output failed, retrying the event alone", extra={"error": str(failure)})
                await self.events.process_counted(raw)

    def _metric(self, metric: Any, topic: str) -> Any:
        """``metric.labels(topic)``, looked up once per topic (``labels()`` locks and builds a key)."""
        child = self._children.get((id(metric), topic))
        if child is None:
            child = self._children[(id(metric), topic)] = metric.labels(topic)
        return child

    async def _stage(self, raw: RawEvent) -> list[Delivery] | None:
        """Decode and handle ``raw`` with deferred produces; None when dead-lettered or skipped."""
        self._metric(self.events.metrics.consumed, raw.topic).inc()
        if replayed_for_another(raw.headers, self.events.dead_letters.service):
            return None  # a dead-letter replay for another consumer of this topic
        deliveries: list[Delivery] = []
        with log_context(topic=raw.topic, partition=raw.partition, offset=raw.offset):
            try:
                token = _deferred.set(deliveries)  # the producer appends to it (deferred_deliveries)
                try:
                    event = self.events.codec.decode(raw.value or b"", self.events.schema)
                    with log_context(request_id=event.get("request_id"), tenant=event.get("tenant")):
                        await self.events.handle(event, raw)
                finally:
                    _deferred.reset(token)
            except InvalidMessage as exc:
                await self.events.dead_letter(raw, exc)
                return None
            except (RetriableError, MessageRejected) as exc:
                log.warning(
                    "retriable failure in a batch, retrying the event alone", extra={"error": str(exc)}
                )
                deliveries.append(_failed(exc))
        return deliveries


def _first_failure(futures: Sequence[asyncio.Future[Any]]) -> BaseException | None:
    """The first failure among settled ``futures`` (each one's exception is retrieved)."""
    failure: BaseException | None = None
    for future in futures:
        error = asyncio.CancelledError() if future.cancelled() else future.exception()
        if failure is None:
            failure = error
    return failure


def _failed(error: BaseException) -> Delivery:
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    future.set_exception(error)
    return future
