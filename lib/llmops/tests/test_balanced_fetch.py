"""Balanced polls against the real broker (noida-db): every buffered partition gives its share,
nothing is skipped or reordered, and the faust apps of the platform poll this way."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import faust
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from llmops import balanced_fetch, events
from llmops.balanced_fetch import BalancedConsumerThread, balanced_records
from llmops.faust_app import create_faust_app
from llmops.kafka_admin import ensure_topics
from llmops.localstack.components import HOST, StackConfig
from llmops.settings import ServiceSettings
from llmops.topics import TopicSpec

PARTITIONS = 2
PER_PARTITION = 150
WAIT_S = 60.0  # bounds a hang only


def test_the_installed_faust_fetch_is_the_one_replaced() -> None:
    """Fails on a faust upgrade that changed ``_fetch_records``: port the change, update the digest."""
    assert faust.__version__ == "0.15.3"
    assert balanced_fetch.fetch_records_digest() == balanced_fetch.FETCH_RECORDS_SHA256


def test_the_platforms_faust_consumer_polls_balanced() -> None:
    app = create_faust_app(
        "balanced-fetch-test", ServiceSettings(kafka_bootstrap="127.0.0.1:9092", http_port=1)
    )
    consumer: Any = app.consumer
    assert isinstance(consumer._new_consumer_thread(), BalancedConsumerThread)


@pytest.fixture
async def backlog(noida_db: StackConfig) -> AsyncIterator[tuple[str, list[TopicPartition]]]:
    """Three topics of two partitions, each partition holding ``PER_PARTITION`` records (value = offset)."""
    bootstrap = f"{HOST}:{noida_db.ports.kafka}"
    names = [f"test.balanced.{uuid.uuid4().hex[:8]}" for _ in range(3)]
    await ensure_topics(
        bootstrap,
        [TopicSpec(n, "request", events.LlmRequest, "request_id", PARTITIONS, ("t",), ("t",)) for n in names],
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        sends = [
            await producer.send(name, str(i).encode() * 20, partition=p)
            for name in names
            for p in range(PARTITIONS)
            for i in range(PER_PARTITION)
        ]
        await asyncio.gather(*sends)
    finally:
        await producer.stop()
    yield bootstrap, [TopicPartition(n, p) for n in names for p in range(PARTITIONS)]


async def _buffered_consumer(bootstrap: str, partitions: list[TopicPartition]) -> AIOKafkaConsumer:
    """A consumer whose fetcher has buffered every partition's whole backlog."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    await consumer.start()
    consumer.assign(partitions)
    deadline = time.monotonic() + WAIT_S
    while len(consumer._fetcher._records) < len(partitions):
        assert time.monotonic() < deadline, "the fetcher never buffered every partition"
        await asyncio.sleep(0.05)
    return consumer


async def test_each_buffered_partition_gives_its_share(
    backlog: tuple[str, list[TopicPartition]],
) -> None:
    bootstrap, partitions = backlog
    consumer = await _buffered_consumer(bootstrap, partitions)
    try:
        share = 20
        records = await balanced_records(consumer._fetcher, set(partitions), 0, share * len(partitions))
        assert {tp: len(batch) for tp, batch in records.items()} == dict.fromkeys(partitions, share)
    finally:
        await consumer.stop()


async def test_balanced_polls_skip_and_reorder_nothing(
    backlog: tuple[str, list[TopicPartition]],
) -> None:
    bootstrap, partitions = backlog
    consumer = await _buffered_consumer(bootstrap, partitions)
    offsets: dict[TopicPartition, list[int]] = {tp: [] for tp in partitions}
    try:
        deadline = time.monotonic() + WAIT_S
        while sum(map(len, offsets.values())) < PER_PARTITION * len(partitions):
            assert time.monotonic() < deadline, "records missing"
            records = await balanced_records(consumer._fetcher, set(partitions), 0.5, 70)
            assert sum(map(len, records.values())) <= 70
            for tp, batch in records.items():
                offsets[tp] += [r.offset for r in batch]
    finally:
        await consumer.stop()
    assert offsets == {tp: list(range(PER_PARTITION)) for tp in partitions}
