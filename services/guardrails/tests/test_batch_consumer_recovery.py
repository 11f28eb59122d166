"""Batch mode's lean consumer against the real broker: no completion lost across a crash or a rebalance.

Real ``python -m guardrails`` workers (batch mode, static membership) run on a fresh
noida-db (``kafka`` fixture, so no other guardrails worker is in the group). Every
completion must get a response; duplicates are allowed (delivery is at least once).
Small batches make many batches be in flight when a worker dies or partitions move.
Each test gets its own noida-db: noida-db never evicts a departed static member (a Kafka
broker does after the session timeout), so a member left over from an earlier test would
block the group's next join.
"""

from __future__ import annotations

import asyncio
import copy
import os
import signal
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from llmops import topics
from llmops.codec import AvroCodec
from llmops.events import LlmCompletion
from llmops.localstack import components, processes
from llmops.localstack.components import HOST, StackConfig
from llmops.localstack.ports import free_port
from llmops.testing.fixtures import kafka_alone
from llmops.topics import TopicSpec

pytestmark = pytest.mark.integration
RESPONSE_PARTITIONS = [TopicPartition(topics.RESPONSES.name, p) for p in range(topics.RESPONSES.partitions)]
WAIT_S = 120.0  # bounds a hang only; nothing here asserts on time


class Worker:
    """One ``python -m guardrails`` process with a static membership id."""

    def __init__(self, config: StackConfig, instance: str, **extra_env: str) -> None:
        self.port = free_port()
        env = components.service_env("guardrails", config) | {
            "GUARDRAILS_HTTP_PORT": str(self.port),
            "GUARDRAILS_GROUP_INSTANCE_ID": instance,
            "GUARDRAILS_BATCH_MAX_EVENTS": "20",
            "GUARDRAILS_CONSUMER_LAG_INTERVAL_S": "0.2",
            **extra_env,
        }
        log = config.run_dir / "logs" / f"guardrails-{instance}-{uuid.uuid4().hex[:6]}.log"
        argv = (sys.executable, "-m", "guardrails")
        self.pid = processes.spawn(argv, log, components.child_env(env))
        self.start_time = processes.start_time_of(self.pid) or 0

    async def get(self, path: str) -> tuple[int, str]:
        url = f"http://{HOST}:{self.port}{path}"
        async with aiohttp.ClientSession() as session, session.get(url) as reply:
            return reply.status, await reply.text()

    async def wait_ready(self) -> None:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            try:
                if (await self.get("/readyz"))[0] == 200:
                    return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
        raise AssertionError("guardrails worker never became ready")

    async def consumed(self) -> float:
        _, text = await self.get("/metrics")
        name = "llmops_guardrails_events_consumed_total"
        lines = [line for line in text.splitlines() if line.startswith(name)]
        return sum(float(line.rsplit(" ", 1)[1]) for line in lines)

    async def lag(self) -> dict[str, float]:
        """``llmops_guardrails_consumer_lag_messages`` by partition label, as exported now."""
        _, text = await self.get("/metrics")
        prefix = "llmops_guardrails_consumer_lag_messages{"
        lines = [line for line in text.splitlines() if line.startswith(prefix)]
        return {line.split("}")[0]: float(line.rsplit(" ", 1)[1]) for line in lines}

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        processes.stop(self.pid, self.start_time, grace_s=5)  # reaps it

    def stop(self) -> None:
        processes.stop(self.pid, self.start_time)


@pytest.fixture
def kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackConfig]:
    """noida-db alone, with the platform's topics, for one test."""
    with kafka_alone(tmp_path_factory.mktemp("kafka")) as config:
        yield config


@pytest.fixture
def workers(kafka: StackConfig) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def _completions(template: LlmCompletion, codec: AvroCodec, count: int) -> dict[str, bytes]:
    events = {}
    for _ in range(count):
        event = copy.deepcopy(template)
        request_id = str(uuid.uuid4())
        event["request_id"] = event["request"]["request_id"] = request_id
        event["request"]["reply_to"] = None
        events[request_id] = codec.encode("completion", event)
    return events


async def _produce(bootstrap: str, events: dict[str, bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=2)
    await producer.start()
    try:
        sends = [await producer.send(topics.COMPLETIONS.name, v, key=k.encode()) for k, v in events.items()]
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


async def _responses_written(bootstrap: str) -> int:
    watcher = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await watcher.start()
    try:
        return sum((await watcher.end_offsets(RESPONSE_PARTITIONS)).values())
    finally:
        await watcher.stop()


async def _wait_for_responses(bootstrap: str, at_least: int) -> None:
    deadline = time.monotonic() + WAIT_S
    while await _responses_written(bootstrap) < at_least:
        assert time.monotonic() < deadline, "responses stopped coming"
        await asyncio.sleep(0.05)


async def _answered(bootstrap: str, codec: AvroCodec, wanted: set[str]) -> set[str]:
    """Request ids of every response on the topic, read until all of ``wanted`` are seen (or a hang)."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await reader.start()
    seen: set[str] = set()
    try:
        reader.assign(RESPONSE_PARTITIONS)
        await reader.seek_to_beginning(*RESPONSE_PARTITIONS)
        deadline = time.monotonic() + WAIT_S
        while wanted - seen and time.monotonic() < deadline:
            for records in (await reader.getmany(timeout_ms=500)).values():
                seen.update(codec.decode(r.value, "response")["request_id"] for r in records)
    finally:
        await reader.stop()
    return seen


async def test_a_worker_killed_mid_stream_and_restarted_loses_no_completion(
    kafka: StackConfig, workers: list[Worker], codec: AvroCodec, completion: LlmCompletion
) -> None:
    bootstrap = f"{HOST}:{kafka.ports.kafka}"
    events = _completions(completion, codec, 3000)
    workers.append(Worker(kafka, "member-1"))
    await workers[0].wait_ready()
    before = await _responses_written(bootstrap)

    await _produce(bootstrap, events)
    await _wait_for_responses(bootstrap, before + 300)
    workers[0].kill()  # SIGKILL: no flush, no commit, batches in flight lost
    workers.append(Worker(kafka, "member-1"))  # the same static member comes back

    answered = await _answered(bootstrap, codec, set(events))
    assert set(events) <= answered


async def test_two_workers_share_the_partitions_and_a_rebalance_loses_nothing(
    kafka: StackConfig, workers: list[Worker], codec: AvroCodec, completion: LlmCompletion
) -> None:
    bootstrap = f"{HOST}:{kafka.ports.kafka}"
    first, second = _completions(completion, codec, 2000), _completions(completion, codec, 2000)
    workers.append(Worker(kafka, "member-1"))
    await workers[0].wait_ready()

    await _produce(bootstrap, first)
    workers.append(Worker(kafka, "member-2"))  # joins while the first drains: partitions move
    await workers[1].wait_ready()
    await workers[0].wait_ready()
    await _produce(bootstrap, second)

    answered = await _answered(bootstrap, codec, set(first) | set(second))
    assert set(first) | set(second) <= answered
    assert await workers[0].consumed() > 0
    assert await workers[1].consumed() > 0

    async def caught_up() -> bool:  # every partition exported once, by its owner, at lag 0
        lags = [await worker.lag() for worker in workers]
        series = [name for lag in lags for name in lag]
        done = len(series) == topics.COMPLETIONS.partitions == len(set(series))
        return done and all(value == 0 for lag in lags for value in lag.values())

    deadline = time.monotonic() + WAIT_S
    while not await caught_up():
        assert time.monotonic() < deadline, "consumer lag never reached 0 on every partition"
        await asyncio.sleep(0.2)


async def test_paraphrase_round_trip_through_kafka_in_batch_mode(
    kafka: StackConfig, workers: list[Worker], codec: AvroCodec, completion: LlmCompletion, tmp_path: Path
) -> None:
    """Flagged output -> rewrite request on llm.requests.v1 -> its completion (the test plays
    inference) -> the rewritten text released under the original request id."""
    bootstrap = f"{HOST}:{kafka.ports.kafka}"
    policy = tmp_path / "paraphrase.yaml"
    default = Path(__file__).parents[1] / "src" / "guardrails" / "default_policy.yaml"
    policy.write_text(default.read_text().replace("moderation: block ", "moderation: paraphrase "))
    workers.append(Worker(kafka, "member-1", GUARDRAILS_POLICY_FILE=str(policy)))
    await workers[0].wait_ready()
    completion["text"] = "What a stupid question, you moron."
    original = completion["request_id"] = completion["request"]["request_id"] = str(uuid.uuid4())
    completion["request"]["reply_to"] = None

    await _produce(bootstrap, {original: codec.encode("completion", completion)})
    rewrite_request = await _first(bootstrap, codec, topics.REQUESTS, f"{original}:rewrite")
    later = copy.deepcopy(completion)
    later.update({"request_id": rewrite_request["request_id"], "request": rewrite_request})
    later["text"] = "That is a good question; here is the answer."
    await _produce(bootstrap, {later["request_id"]: codec.encode("completion", later)})

    response = await _first(bootstrap, codec, topics.RESPONSES, original)
    assert (response["action"], response["reason_code"]) == ("redact", "paraphrased")
    assert response["text"] == "That is a good question; here is the answer."


async def _first(bootstrap: str, codec: AvroCodec, spec: TopicSpec, request_id: str) -> Any:
    """The first event on ``spec``'s topic (read from its start) with ``request_id``."""
    partitions = [TopicPartition(spec.name, p) for p in range(spec.partitions)]
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await reader.start()
    try:
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            for records in (await reader.getmany(timeout_ms=500)).values():
                for record in records:
                    event = codec.decode(record.value, spec.schema)
                    if event["request_id"] == request_id:
                        return event
    finally:
        await reader.stop()
    raise AssertionError(f"no {spec.schema} {request_id} on {spec.name}")
