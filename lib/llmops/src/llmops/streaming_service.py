"""Wiring shared by the faust-based services: codec, dead letters, metrics, health, worker.

A service builds one :class:`StreamingService`, declares its agents on ``.app`` in its
``pipeline.py`` and calls :meth:`StreamingService.run`. The HTTP endpoints every
service has (``/healthz``, ``/readyz``, ``/metrics``) are served by faust's web server
on the service's ``http_port``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import faust
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from llmops import fetch_pause, preflight, topics
from llmops.codec import AvroCodec
from llmops.consumer_lag import ConsumerLagExport, faust_consumer_lag, refresh_forever
from llmops.dead_letter import DeadLetterQueue, InvalidShareBudget
from llmops.errors import RetriableError
from llmops.faust_app import create_faust_app, declare_topic
from llmops.health import Readiness
from llmops.metric_defs import PipelineMetrics, pipeline_metrics
from llmops.schema_store import SchemaStore
from llmops.settings import ServiceSettings
from llmops.stream_processor import EventProcessor, Handler, raw_event_from_faust
from llmops.topics import TopicSpec

log = logging.getLogger(__name__)


class StreamingService:
    """Everything a faust service needs besides its domain logic.

    Args:
        name: Service name (consumer group ``llmops-<name>``, metric prefix).
        settings: The service's settings.
        codec: Avro codec; loaded from ``schemas/`` when omitted.
        metrics: Pipeline metrics; declared in the global registry when omitted.
        **faust_overrides: Passed to :func:`create_faust_app`.
    """

    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        codec: AvroCodec | None = None,
        metrics: PipelineMetrics | None = None,
        **faust_overrides: Any,
    ) -> None:
        self.name = name
        self.settings = settings
        fetch_pause.install(settings.empty_fetch_pause_ms / 1000)
        self.codec = codec or AvroCodec(SchemaStore.load())
        self.metrics = metrics or pipeline_metrics(name)
        self.app = create_faust_app(name, settings, self.codec, **faust_overrides)
        self.preflight: list[preflight.Check] = [preflight.kafka(settings.kafka_bootstrap)]
        self.readiness = Readiness()
        self.readiness.add("kafka", self._kafka_ready)
        self.dead_letters = DeadLetterQueue(name, self.codec, self._send_dead_letter, InvalidShareBudget())
        self._register_http_routes()
        self._export_consumer_lag()

    async def send(
        self,
        topic: str,
        value: bytes,
        key: bytes | None = None,
        partition: int | None = None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> None:
        """Produce one record through faust's producer and wait for the broker's ack.

        Raises:
            RetriableError: When the produce failed; the event that caused it must be retried.
        """
        try:
            await self.app.producer.send_and_wait(
                topic,
                key,
                value,
                partition=partition,
                timestamp=None,
                headers=list(headers or ()),
            )
        except Exception as exc:
            raise RetriableError(f"produce to {topic} failed: {exc}") from exc
        self.metrics.produced.labels(topic).inc()

    def consume(self, spec: TopicSpec, handle: Handler, concurrency: int = 1) -> EventProcessor:
        """Declare an agent that runs ``handle`` on every event of ``spec``'s topic.

        Args:
            spec: The input topic.
            handle: Coroutine taking the decoded event and the raw event; it returns
                once the output is acknowledged, which is when faust may acknowledge the
                input event and later commit its offset.
            concurrency: Concurrent actors; events of one partition then complete out
                of order, which faust's offset tracking tolerates (it commits only up
                to the first unacknowledged offset).
        """
        processor = EventProcessor(self.codec, spec.schema, handle, self.dead_letters, self.metrics)

        async def agent(stream: Any) -> None:
            async for event in stream.events():
                await processor.process(raw_event_from_faust(event))

        agent.__name__ = agent.__qualname__ = f"{self.name}_{spec.schema}_agent"
        self.app.agent(declare_topic(self.app, spec), name=agent.__name__, concurrency=concurrency)(agent)
        return processor

    async def _send_dead_letter(self, key: bytes | None, value: bytes) -> None:
        await self.send(topics.DEADLETTER.name, value, key=key)

    async def _kafka_ready(self) -> bool:
        return bool(self.app.producer.started) and not self.app.rebalancing

    def _export_consumer_lag(self) -> None:
        """Refresh ``llmops_<service>_consumer_lag_messages`` in the background while the worker runs."""
        export = ConsumerLagExport(self.metrics.consumer_lag)
        interval_s = self.settings.consumer_lag_interval_s
        app = self.app

        async def read_lag() -> dict[tuple[str, int], int]:
            return await faust_consumer_lag(app.consumer, skip_topics=app.tables.changelog_topics)

        async def consumer_lag_refresh() -> None:
            await refresh_forever(read_lag, export, interval_s)

        self.app.task(consumer_lag_refresh)

    def _register_http_routes(self) -> None:
        readiness = self.readiness
        service = self.name

        @self.app.page("/healthz")
        async def healthz(web: Any, request: Any) -> Any:
            return web.json({"status": "ok", "service": service})

        @self.app.page("/readyz")
        async def readyz(web: Any, request: Any) -> Any:
            ready, checks = await readiness.evaluate()
            return web.json({"ready": ready, "checks": checks}, status=200 if ready else 503)

        @self.app.page("/metrics")
        async def metrics(web: Any, request: Any) -> Any:
            return web.bytes(generate_latest(), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    def run(self) -> None:
        """Check the servers the service needs, then run the faust worker until SIGINT or SIGTERM.

        Raises:
            DependencyUnavailable: Before the worker starts, naming the missing server.
        """
        asyncio.run(preflight.run_checks(self.preflight))
        worker = faust.Worker(self.app, loglevel=self.settings.log_level, quiet=True)
        worker.execute_from_commandline()
