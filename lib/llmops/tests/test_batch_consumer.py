"""BatchConsumer against the real broker (noida-db): commits follow durable outputs, batches are bounded.

Each test has its own group and topic. The handler's outputs are futures the test
resolves (standing in for produce acks), so what is "durable" is under the test's control.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import CollectorRegistry

from llmops import events
from llmops.batch_consumer import BatchConsumer
from llmops.batch_processor import BatchProcessor, deferred_deliveries
from llmops.codec import AvroCodec
from llmops.dead_letter import DeadLetterQueue, InvalidShareBudget, RawEvent
from llmops.kafka_admin import ensure_topics
from llmops.localstack.components import HOST, StackConfig
from llmops.metric_defs import pipeline_metrics
from llmops.stream_processor import EventProcessor
from llmops.testing.helpers import minimal_request
from llmops.topics import TopicSpec

pytestmark = pytest.mark.integration
PARTITIONS = 3
WAIT_S = 60.0  # bounds a hang only


@dataclass
class Outputs:
    """The handler: every event's output is a future resolved when the gate opens."""

    handled: list[str] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    dead: list[bytes] = field(default_factory=list)

    async def handle(self, event: Any, raw: RawEvent) -> None:
        self.handled.append(event["request_id"])
        deferred = deferred_deliveries()
        assert deferred is not None, "inside a batch, outputs are scheduled"
        deferred.append(asyncio.ensure_future(self.gate.wait()))

    async def dead_letter(self, key: bytes | None, value: bytes) -> None:
        self.dead.append(value)


@pytest.fixture
async def topic(noida_db: StackConfig) -> AsyncIterator[str]:
    name = f"test.batch.{uuid.uuid4().hex[:8]}"
    spec = TopicSpec(name, "request", events.LlmRequest, "request_id", PARTITIONS, ("test",), ("test",))
    await ensure_topics(f"{HOST}:{noida_db.ports.kafka}", [spec])
    yield name


def _request(codec: AvroCodec, request_id: str) -> bytes:
    return codec.encode("request", minimal_request(request_id))


async def _produce(bootstrap: str, topic: str, values: dict[bytes, bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await asyncio.gather(*[await producer.send(topic, v, key=k) for k, v in values.items()])
    finally:
        await producer.stop()


def _consumer(
    bootstrap: str, topic: str, outputs: Outputs, codec: AvroCodec, group: str, member: str
) -> BatchConsumer:
    dead_letters = DeadLetterQueue("batchtest", codec, outputs.dead_letter, InvalidShareBudget())
    metrics = pipeline_metrics("batchtest", registry=CollectorRegistry())
    processor = BatchProcessor(EventProcessor(codec, "request", outputs.handle, dead_letters, metrics))
    client = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, group_instance_id=member,
        enable_auto_commit=False, auto_offset_reset="earliest",
    )  # fmt: skip
    return BatchConsumer(client, topic, processor, max_records=5, batches_in_flight=2, commit_interval_s=0.05)


async def _committed(bootstrap: str, topic: str, group: str) -> int:
    """Sum over the topic's partitions of the group's committed offsets (0 where none)."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await reader.start()
    try:
        return sum([await reader.committed(TopicPartition(topic, p)) or 0 for p in range(PARTITIONS)])
    finally:
        await reader.stop()


async def _until(condition: Any) -> None:
    deadline = time.monotonic() + WAIT_S
    while not await condition():
        assert time.monotonic() < deadline, "condition not met"
        await asyncio.sleep(0.05)


async def test_nothing_is_committed_before_outputs_are_durable_and_everything_after(
    noida_db: StackConfig, topic: str, codec: AvroCodec
) -> None:
    bootstrap, group = f"{HOST}:{noida_db.ports.kafka}", f"test-{uuid.uuid4().hex[:8]}"
    values = {f"r{i}".encode(): _request(codec, f"r{i}") for i in range(40)} | {b"junk": b"not avro"}
    await _produce(bootstrap, topic, values)
    outputs = Outputs()
    consumer = _consumer(bootstrap, topic, outputs, codec, group, "m1")
    await consumer.consumer.start()
    running = asyncio.create_task(consumer.run())
    try:

        async def two_batches_staged() -> bool:
            return len(outputs.handled) >= 2

        await _until(two_batches_staged)
        await asyncio.sleep(0.5)  # let it try to take more and to commit (it must do neither)
        assert len(outputs.handled) <= 2 * 5  # at most batches_in_flight batches of max_records
        assert await _committed(bootstrap, topic, group) <= len(outputs.dead)  # only a dead letter

        outputs.gate.set()

        async def all_committed() -> bool:
            return await _committed(bootstrap, topic, group) == len(values)

        await _until(all_committed)
        assert set(outputs.handled) == {f"r{i}" for i in range(40)}
        assert len(outputs.dead) == 1
    finally:
        outputs.gate.set()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await consumer.stop()


async def test_revocation_waits_for_in_flight_outputs_then_commits_and_nothing_is_lost(
    noida_db: StackConfig, topic: str, codec: AvroCodec
) -> None:
    bootstrap, group = f"{HOST}:{noida_db.ports.kafka}", f"test-{uuid.uuid4().hex[:8]}"
    values = {f"r{i}".encode(): _request(codec, f"r{i}") for i in range(60)}
    await _produce(bootstrap, topic, values)
    first, second = Outputs(), Outputs()
    one = _consumer(bootstrap, topic, first, codec, group, "m1")
    two = _consumer(bootstrap, topic, second, codec, group, "m2")
    await one.consumer.start()
    tasks = [asyncio.create_task(one.run())]
    try:

        async def staged() -> bool:
            return len(first.handled) > 0

        await _until(staged)
        await two.consumer.start()
        tasks.append(asyncio.create_task(two.run()))  # joins: the first must give partitions up

        async def revoking() -> bool:
            return one.rebalancing

        await _until(revoking)
        assert await _committed(bootstrap, topic, group) == 0  # its outputs are still held
        first.gate.set()
        second.gate.set()

        async def all_committed() -> bool:
            return await _committed(bootstrap, topic, group) == len(values)

        await _until(all_committed)
        assert set(first.handled) | set(second.handled) == {f"r{i}" for i in range(60)}
        assert one.consumer.assignment() and two.consumer.assignment()
    finally:
        first.gate.set()
        second.gate.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await one.stop()
        await two.stop()
