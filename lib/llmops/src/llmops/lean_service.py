"""A streaming service without faust: :class:`~llmops.batch_consumer.BatchConsumer`, a producer, HTTP.

The same surface as :class:`~llmops.streaming_service.StreamingService` for a pipeline
(``codec``, ``send``, ``readiness``, ``preflight``, ``run``; ``consume_batch`` where the faust
service has ``consume``), with the same contracts: produces wait for acks=all (inside a batch's
handler they are only scheduled and the batch settles them before its offsets may be committed), invalid
events are dead-lettered, ``/healthz``, ``/readyz`` and ``/metrics`` are served on the
service's ``http_port`` (:mod:`llmops.ops_http`).

Why not keep the faust app for the producer and the web server: a faust worker always
runs its own group consumer, which would join ``llmops-<name>`` next to this one. A plain
:class:`aiokafka.AIOKafkaProducer` (acks=all) is what faust wraps anyway. Idempotent
production is left off, as on the faust services: delivery is at least once, and every
consumer downstream is idempotent on the request id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from llmops import fetch_pause, preflight, topics
from llmops.batch_consumer import BatchConsumer
from llmops.batch_processor import BatchProcessor, Delivery, deferred_deliveries
from llmops.codec import AvroCodec
from llmops.consumer_lag import ConsumerLagExport, refresh_forever
from llmops.dead_letter import DeadLetterQueue, InvalidShareBudget
from llmops.errors import RetriableError
from llmops.health import Readiness
from llmops.metric_defs import PipelineMetrics, pipeline_metrics
from llmops.ops_http import start_ops_server
from llmops.schema_store import SchemaStore
from llmops.settings import ServiceSettings
from llmops.stream_processor import EventProcessor, Handler
from llmops.topics import TopicSpec

log = logging.getLogger(__name__)


class LeanStreamingService:
    """A batch-consuming service on plain aiokafka (see the module docstring).

    Args:
        name: Service name (consumer group ``llmops-<name>``, metric prefix).
        settings: The service's settings.
        codec: Avro codec; loaded from ``schemas/`` when omitted.
        metrics: Pipeline metrics; declared in the global registry when omitted.
        producer_linger_ms: The producer's batching delay (0: send at once).
        batches_in_flight: Batches settling at once (see :class:`BatchConsumer`).
    """

    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        codec: AvroCodec | None = None,
        metrics: PipelineMetrics | None = None,
        producer_linger_ms: float = 0.0,
        batches_in_flight: int = 3,
    ) -> None:
        self.name = name
        self.settings = settings
        fetch_pause.install(settings.empty_fetch_pause_ms / 1000)
        self.codec = codec or AvroCodec(SchemaStore.load())
        self.metrics = metrics or pipeline_metrics(name)
        self.preflight: list[preflight.Check] = [preflight.kafka(settings.kafka_bootstrap)]
        self.readiness = Readiness()
        self.readiness.add("kafka", self._kafka_ready)
        self.dead_letters = DeadLetterQueue(name, self.codec, self._send_dead_letter, InvalidShareBudget())
        self.linger_ms = producer_linger_ms
        self.batches_in_flight = batches_in_flight
        self.producer: AIOKafkaProducer | None = None
        self.consumers: list[BatchConsumer] = []
        self.processors: dict[str, BatchProcessor] = {}
        self._produced: dict[str, _ProducedCounter] = {}
        self._wanted: list[tuple[TopicSpec, BatchProcessor, int]] = []

    def consume_batch(self, spec: TopicSpec, handle: Handler, max_events: int = 500) -> BatchProcessor:
        """Run ``handle`` on every event of ``spec``'s topic, in overlapping batches of ``max_events``."""
        processor = BatchProcessor(
            EventProcessor(self.codec, spec.schema, handle, self.dead_letters, self.metrics)
        )
        self._wanted.append((spec, processor, max_events))
        self.processors[spec.name] = processor
        return processor

    async def send(
        self,
        topic: str,
        value: bytes,
        key: bytes | None = None,
        partition: int | None = None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> None:
        """Produce one record and wait for acks=all (inside a batch's handler: only schedule it).

        Raises:
            RetriableError: When the produce failed; the event that caused it must be retried.
        """
        delivery = await self._schedule(topic, value, key, partition, headers)
        deferred = deferred_deliveries()
        if deferred is not None:
            deferred.append(delivery)
            return
        try:
            await delivery
        except Exception as exc:
            raise RetriableError(f"produce to {topic} failed: {exc}") from exc

    async def _schedule(
        self,
        topic: str,
        value: bytes,
        key: bytes | None,
        partition: int | None,
        headers: Sequence[tuple[str, bytes]] | None,
    ) -> Delivery:
        if self.producer is None:
            raise RetriableError("the producer is not started")
        try:
            future = await self.producer.send(
                topic, value, key=key, partition=partition, headers=list(headers) if headers else None
            )
        except Exception as exc:
            raise RetriableError(f"produce to {topic} failed: {exc}") from exc
        produced = self._produced.get(topic)
        if produced is None:
            produced = self._produced[topic] = _ProducedCounter(self.metrics.produced.labels(topic))
        future.add_done_callback(produced.count_ok)
        return future  # type: ignore[no-any-return]

    async def _send_dead_letter(self, key: bytes | None, value: bytes) -> None:
        await self.send(topics.DEADLETTER.name, value, key=key)

    async def _kafka_ready(self) -> bool:
        started = self.producer is not None and self.consumers
        return bool(started) and not any(c.rebalancing for c in self.consumers)

    def run(self) -> None:
        """Check the servers the service needs, then run until SIGINT or SIGTERM.

        Raises:
            DependencyUnavailable: Before the service starts, naming the missing server.
        """
        asyncio.run(preflight.run_checks(self.preflight))
        asyncio.run(self.serve())

    async def serve(self, stop: asyncio.Event | None = None) -> None:
        """Run the producer, the consumers and the HTTP server until ``stop`` (or a signal) is set."""
        stop = stop or _stop_on_signals()
        self.producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.bootstrap_servers,
            client_id=f"llmops-{self.name}",
            acks="all",
            linger_ms=self.linger_ms,
        )
        tasks: list[asyncio.Task[Any]] = []
        runner: web.AppRunner | None = None
        try:
            await self.producer.start()
            runner = await start_ops_server(
                self.name, self.readiness, self.settings.http_host, self.settings.http_port
            )
            for consumer in self._start_consumers():
                await consumer.consumer.start()
            tasks = [asyncio.create_task(c.run()) for c in self.consumers]
            tasks += [asyncio.create_task(self._export_lag()), asyncio.create_task(stop.wait())]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for consumer in self.consumers:
                await consumer.stop()
            await self.producer.stop()
            if runner is not None:
                await runner.cleanup()
        for task in tasks:  # a consumer that failed stops the service with its error
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]

    def _start_consumers(self) -> list[BatchConsumer]:
        for spec, processor, max_events in self._wanted:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.settings.bootstrap_servers,
                client_id=f"llmops-{self.name}",
                group_id=f"llmops-{self.name}",
                group_instance_id=self.settings.group_instance_id,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
            )
            self.consumers.append(
                BatchConsumer(consumer, spec.name, processor, max_events, self.batches_in_flight)
            )
        return self.consumers

    async def _export_lag(self) -> None:
        export = ConsumerLagExport(self.metrics.consumer_lag)

        async def read() -> dict[tuple[str, int], int]:
            lags: dict[tuple[str, int], int] = {}
            for consumer in self.consumers:
                lags.update(await consumer.lag())
            return lags

        await refresh_forever(read, export, self.settings.consumer_lag_interval_s)


class _ProducedCounter:
    """``produced{topic}``, counted when a delivery succeeds (one child per topic, no closure per record)."""

    def __init__(self, child: Any) -> None:
        self.child = child

    def count_ok(self, done: asyncio.Future[Any]) -> None:
        if not done.cancelled() and done.exception() is None:
            self.child.inc()


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop
