"""Audit pipeline: ``requests + completions + responses -> join table -> Elasticsearch``.

One agent reads the three co-partitioned topics (keyed by request id) into a faust table
whose changelog makes the join survive restarts; a record is sealed into its
partition's hash chain when the response completes the join (or, ``incomplete``, when
the join times out) and written in ``_bulk`` batches under the request id. An event
that completed a join is acknowledged only after Elasticsearch acknowledged its record.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, cast

import faust
from elasticsearch import AsyncElasticsearch
from prometheus_client import CollectorRegistry

from audit.bulk import BulkIndexer
from audit.changelog import ChangelogWriter, Producer
from audit.es_setup import enforce_retention, install
from audit.indices import AuditIndices, Capabilities
from audit.ingest import SOURCES, Ingest
from audit.join import Joiner
from audit.join_store import JoinStore
from audit.metric_defs import audit_metrics
from audit.settings import AuditSettings
from llmops import preflight
from llmops.backoff import Backoff
from llmops.clock import now_ms
from llmops.copartitioned_scheduling import CopartitionedScheduling
from llmops.errors import DependencyUnavailable
from llmops.metric_defs import pipeline_metrics
from llmops.streaming_service import StreamingService

JOIN_TABLE = "joins"


def build(
    settings: AuditSettings, registry: CollectorRegistry | None = None, **faust_overrides: Any
) -> StreamingService:
    """Wire the audit service: source topics, join table, agent, indexer and timers."""
    faust_overrides = {
        "topic_allow_declare": True,  # faust creates the join table's changelog topic
        "table_standby_replicas": 0,
        "broker_session_timeout": settings.kafka_session_timeout_s,
        "broker_heartbeat_interval": settings.kafka_session_timeout_s / 4,
        "broker_rebalance_timeout": settings.kafka_session_timeout_s,
        # Throughput over latency: audit is off the caller's path. Changelog writes wait a few
        # ms to share produce requests, and fetches bring large batches of source events.
        "producer_linger": settings.changelog_linger_s,
        "producer_max_batch_size": settings.changelog_batch_bytes,
        "broker_max_poll_records": settings.max_poll_records,
        # The three topics are keyed alike: deliver their same offsets together.
        "ConsumerScheduler": CopartitionedScheduling,
        "consumer_max_fetch_size": settings.fetch_max_bytes,
        **faust_overrides,
    }
    service = StreamingService(
        "audit", settings, metrics=pipeline_metrics("audit", registry), **faust_overrides
    )
    app, metrics = service.app, audit_metrics(registry)
    client = AsyncElasticsearch(settings.elasticsearch_url, request_timeout=30)
    indices = AuditIndices(settings.index, settings.retention_days)
    bulk = BulkIndexer(
        client,
        metrics,
        settings.bulk_max_docs,
        settings.bulk_flush_interval_s,
        settings.bulk_concurrent_requests,
    )
    table = app.Table(
        JOIN_TABLE,
        partitions=SOURCES[0].partitions,
        schema=faust.Schema(key_serializer="json", value_serializer="json"),
    )
    changelog = ChangelogWriter(cast(Producer, app.producer), table.changelog_topic.get_topic_name())
    joiner = Joiner(
        JoinStore(table, changelog),
        indices,
        bulk,
        metrics,
        now_ms,
        timeout_ms=int(settings.join_timeout_s * 1000),
        done_retention_ms=int(settings.done_retention_s * 1000),
        audit_version=settings.service_version,
        owned=lambda: _active_partitions(app),
    )
    ingest = Ingest(
        service, joiner, settings.user_hash_key.get_secret_value().encode(), settings.max_in_flight
    )
    source = app.topic(
        *(s.name for s in SOURCES), key_type=bytes, value_type=bytes, partitions=SOURCES[0].partitions
    )
    capabilities: list[Capabilities] = []

    @table.on_recover
    async def continue_chains() -> None:
        joiner.recover()

    @app.agent(source, name="audit_join_agent")
    async def join_agent(stream: Any) -> None:
        async for event in stream.noack().events():
            await ingest.process(stream, event)

    async def index_records() -> None:
        capabilities.append(await _install_when_reachable(client, indices, settings.elasticsearch_url))
        await bulk.run()

    async def flush_open_joins() -> None:
        await ingest.flush()

    async def sweep_joins() -> None:
        joiner.sweep(_active_partitions(app))

    async def enforce_audit_retention() -> None:
        if capabilities and capabilities[0].retention_mode == "service":
            await enforce_retention(client, indices, datetime.now(UTC))

    app.task(index_records)
    app.timer(settings.changelog_flush_interval_s)(flush_open_joins)
    app.timer(settings.join_check_interval_s)(sweep_joins)
    app.timer(settings.retention_check_interval_s)(enforce_audit_retention)

    async def elasticsearch_ready() -> bool:
        return bool(capabilities) and bool(await client.ping())

    service.readiness.add("elasticsearch", elasticsearch_ready)
    service.preflight.append(preflight.http("elasticsearch", settings.elasticsearch_url))
    return service


async def _install_when_reachable(
    client: AsyncElasticsearch, indices: AuditIndices, url: str
) -> Capabilities:
    """Install the template, retrying with backoff while Elasticsearch is unreachable."""
    backoff = Backoff(initial_s=0.5, maximum_s=15.0)
    attempt = 0
    while True:
        try:
            return await install(client, indices, url)
        except DependencyUnavailable:
            await asyncio.sleep(backoff.delay(attempt))
            attempt += 1


def _active_partitions(app: faust.App) -> set[int]:
    """Partitions of the source topics this worker owns now (empty while not assigned)."""
    try:
        assignment = app.consumer.assignment()
    except Exception:
        return set()
    return {tp.partition for tp in assignment if tp.topic == SOURCES[0].name}
