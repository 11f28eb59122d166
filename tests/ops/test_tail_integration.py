"""``llmops tail`` against the local stack's Kafka: decoding, filters, follow, bad input, no group."""

from __future__ import annotations

import asyncio
import uuid

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from typer.testing import CliRunner

from audit.sample_events import sample_inference
from llmops import topics
from llmops.cli.main import app
from llmops.clock import now_ms
from llmops.codec import AvroCodec
from llmops.ops.filters import EventFilter
from llmops.ops.reader import StartAt, TopicReader
from llmops.ops.tail import TailOptions, tail

pytestmark = pytest.mark.integration


async def _new_topic(bootstrap: str, partitions: int = 3) -> str:
    name = f"ops-test.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()
    return name


async def _fill(producer: AIOKafkaProducer, codec: AvroCodec, topic: str) -> list[str]:
    """Two tenants' inferences (responses on the topic) and one undecodable event; returns request ids."""
    ids = []
    for n, tenant in enumerate(["acme", "globex", "acme"]):
        inference = sample_inference(f"tail-{uuid.uuid4().hex[:8]}", now_ms(), tenant=tenant)
        response = {**inference.response, "action": "block" if n == 2 else "redact"}
        key = inference.request["request_id"].encode()
        await producer.send_and_wait(topic, codec.encode("response", response), key=key)
        ids.append(inference.request["request_id"])
    await producer.send_and_wait(topic, b"\x00not avro at all", key=b"broken-1", partition=0)
    return ids


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


async def test_tail_prints_table_and_json_with_filters(
    kafka_bootstrap: str, producer: AIOKafkaProducer, codec: AvroCodec
) -> None:
    topic = await _new_topic(kafka_bootstrap)
    ids = await _fill(producer, codec, topic)
    base = ("tail", topic, "--bootstrap", kafka_bootstrap, "--from-beginning")

    code, out, err = await asyncio.to_thread(_cli, *base)
    lines = out.splitlines()
    assert lines[0].startswith("TIME (UTC)") and len(lines) == 5
    assert code == 3 and "1 undecodable event(s)" in err  # printed, and the exit says so
    assert any("UNDECODABLE: not Avro" in line and "006e6f74" in line for line in lines)

    code, out, _ = await asyncio.to_thread(_cli, *base, "--tenant", "acme", "--json")
    events = [orjson.loads(line) for line in out.splitlines()]
    assert code == 0 and sorted(e["event"]["request_id"] for e in events) == sorted([ids[0], ids[2]])
    code, out, _ = await asyncio.to_thread(_cli, *base, "--action", "block", "--json")
    assert [orjson.loads(line)["event"]["request_id"] for line in out.splitlines()] == [ids[2]]
    code, out, _ = await asyncio.to_thread(_cli, *base, "--request-id", ids[1])
    assert code == 0 and len(out.splitlines()) == 2 and ids[1] in out.splitlines()[1]
    code, out, _ = await asyncio.to_thread(_cli, *base, "--tenant", "acme", "--max", "1", "--json")
    assert code == 0 and len(out.splitlines()) == 1
    code, out, _ = await asyncio.to_thread(_cli, *base[:4], "--last", "0")
    assert code == 0 and out.splitlines() == [out.splitlines()[0]]  # only the header


async def test_follow_prints_new_events(
    kafka_bootstrap: str, producer: AIOKafkaProducer, codec: AvroCodec
) -> None:
    topic = await _new_topic(kafka_bootstrap)
    lines: list[str] = []
    options = TailOptions(StartAt("end"), follow=True, event_filter=EventFilter(tenant="acme"), max_events=2)

    async def follow() -> None:
        async with TopicReader(kafka_bootstrap) as reader:
            await tail(reader, codec, topic, options, lines.append)

    task = asyncio.create_task(follow())
    await asyncio.sleep(
        0
    )  # the reader may start before or after the events: "end" covers both via retries below
    for _ in range(200):
        if task.done():
            break
        await _fill(producer, codec, topic)
        await asyncio.wait({task}, timeout=0.5)
    await task
    assert len(lines) == 3 and all(" acme " in line for line in lines[1:])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tail", "no.such.topic"), "unknown topic 'no.such.topic'"),
        (("tail", topics.REQUESTS.name, "--since", "yesterday"), "invalid age"),
        (("tail", topics.REQUESTS.name, "--since", "1h", "--from-beginning"), "choose one of"),
    ],
)
async def test_bad_input_is_one_line_and_exit_2(
    kafka_bootstrap: str, args: tuple[str, ...], message: str
) -> None:
    code, out, err = await asyncio.to_thread(_cli, *args, "--bootstrap", kafka_bootstrap)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and out == ""
    async with TopicReader(kafka_bootstrap) as reader:
        assert "no.such.topic" not in await reader.consumer.topics()  # asking created nothing


class Rebalances(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self) -> None:
        self.revoked: list[set[TopicPartition]] = []

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.revoked.append(set(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        pass


async def test_tail_never_joins_a_group_nor_moves_offsets(
    kafka_bootstrap: str, producer: AIOKafkaProducer, codec: AvroCodec
) -> None:
    topic = await _new_topic(kafka_bootstrap)
    await _fill(producer, codec, topic)
    group = f"ops-test-service-{uuid.uuid4().hex[:6]}"
    service = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    listener = Rebalances()
    await service.start()
    try:
        service.subscribe([topic], listener=listener)
        while len(service.assignment()) < 3:
            await service.getmany(timeout_ms=200)
        await service.getmany(timeout_ms=500)
        await service.commit({TopicPartition(topic, p): 1 for p in range(3)})
        revocations_before = len(listener.revoked)

        code, out, _ = await asyncio.to_thread(
            _cli, "tail", topic, "--bootstrap", kafka_bootstrap, "--from-beginning"
        )

        assert len(out.splitlines()) == 5 and code == 3
        await service.getmany(timeout_ms=200)  # a rebalance, had there been one, shows here
        assert len(listener.revoked) == revocations_before
        assert service.assignment() == {TopicPartition(topic, p) for p in range(3)}
        for p in range(3):
            assert await service.committed(TopicPartition(topic, p)) == 1
    finally:
        await service.stop()


async def _groups_and_offsets(bootstrap: str) -> tuple[set[str], dict[str, dict[TopicPartition, int]]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        groups = {group for group, _ in await admin.list_consumer_groups()}
        offsets = {}
        for group in sorted(g for g in groups if g.startswith("llmops-")):
            committed = await admin.list_consumer_group_offsets(group)
            offsets[group] = {tp: meta.offset for tp, meta in committed.items()}
        return groups, offsets
    finally:
        await admin.close()


async def test_tail_leaves_the_services_groups_alone(
    kafka_bootstrap: str, producer: AIOKafkaProducer
) -> None:
    """No new group appears and the services' committed offsets stay where they were."""
    await producer.send_and_wait(
        topics.REQUESTS.name, b"malformed", key=b"tail-group-check"
    )  # a commit to keep
    before = await _groups_and_offsets(kafka_bootstrap)
    for _ in range(60):  # wait until the services have committed what earlier tests sent
        await asyncio.sleep(1)
        settled, before = before, await _groups_and_offsets(kafka_bootstrap)
        if settled == before and before[1].get("llmops-inference"):
            break
    for topic in (topics.REQUESTS.name, topics.COMPLETIONS.name, topics.RESPONSES.name):
        await asyncio.to_thread(_cli, "tail", topic, "--bootstrap", kafka_bootstrap, "--from-beginning")
    assert await _groups_and_offsets(kafka_bootstrap) == before
    assert before[1]["llmops-inference"] and before[1]["llmops-audit"]
