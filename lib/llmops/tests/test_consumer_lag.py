"""Consumer lag: the gauge follows the readings, drops revoked partitions, and matches a real group."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from aiokafka import AIOKafkaProducer
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from llmops.consumer_lag import ConsumerLagExport, faust_consumer_lag, refresh_forever
from llmops.kafka_admin import ensure_topics
from llmops.localstack.ports import free_port
from llmops.metric_defs import consumer_lag_gauge
from llmops.topics import TopicSpec

PROBE = Path(__file__).with_name("lag_probe_service.py")
GAUGE = "llmops_lagprobe_consumer_lag_messages"


class TP(NamedTuple):
    topic: str
    partition: int


class FakeFaustConsumer:
    """The four faust consumer members the lag reader uses."""

    def __init__(self, ends: dict[TP, int], committed: dict[TP, int | None], starts: dict[TP, int]) -> None:
        self.ends, self._committed_offset, self.starts = ends, committed, starts
        self.asked_starts: list[TP] = []

    def assignment(self) -> set[TP]:
        return set(self.ends)

    async def highwaters(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.ends[tp] for tp in tps}

    async def earliest_offsets(self, *tps: TP) -> dict[TP, int]:
        self.asked_starts.extend(tps)
        return {tp: self.starts[tp] for tp in tps}


def _sample(registry: CollectorRegistry, topic: str, partition: int) -> float | None:
    labels = {"topic": topic, "partition": str(partition)}
    return registry.get_sample_value("llmops_svc_consumer_lag_messages", labels)


def test_export_sets_values_and_removes_revoked_partitions() -> None:
    registry = CollectorRegistry()
    export = ConsumerLagExport(consumer_lag_gauge("svc", registry))
    export.update({("t", 0): 5, ("t", 1): -2})
    assert (_sample(registry, "t", 0), _sample(registry, "t", 1)) == (5.0, 0.0)

    export.update({("t", 1): 3})

    assert _sample(registry, "t", 0) is None
    assert _sample(registry, "t", 1) == 3.0
    export.clear()
    assert _sample(registry, "t", 1) is None


async def test_faust_lag_counts_never_committed_partitions_from_the_log_start() -> None:
    a, b = TP("t", 0), TP("t", 1)
    consumer = FakeFaustConsumer(ends={a: 10, b: 7}, committed={a: 4, b: None}, starts={a: 0, b: 2})

    assert await faust_consumer_lag(consumer) == {("t", 0): 6, ("t", 1): 5}
    assert consumer.asked_starts == [b]


async def test_faust_lag_skips_table_changelogs_which_the_group_never_commits() -> None:
    source, changelog = TP("t", 0), TP("app-table-changelog", 0)
    consumer = FakeFaustConsumer(
        ends={source: 3, changelog: 40}, committed={source: 3, changelog: None}, starts={changelog: 0}
    )

    assert await faust_consumer_lag(consumer, skip_topics={"app-table-changelog"}) == {("t", 0): 0}


async def test_refresh_keeps_last_values_while_readings_fail() -> None:
    registry = CollectorRegistry()
    export = ConsumerLagExport(consumer_lag_gauge("svc", registry))
    readings: list[dict[tuple[str, int], int] | Exception] = [
        {("t", 0): 4},
        RuntimeError("down"),
        {("t", 0): 1},
    ]
    seen: list[float | None] = []

    async def read() -> dict[tuple[str, int], int]:
        reading = readings.pop(0)
        if isinstance(reading, Exception):
            raise reading
        return reading

    task = asyncio.create_task(refresh_forever(read, export, 0.001))
    while readings:
        seen.append(_sample(registry, "t", 0))
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.01)
    task.cancel()

    assert _sample(registry, "t", 0) == 1.0
    assert None not in seen[1:]


@pytest.fixture
def probe(kafka_bootstrap: str, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A faust service holding every event of a fresh 2-partition topic until its gate opens."""
    topic, port = f"ops.lagprobe.{uuid.uuid4().hex[:8]}", free_port()
    asyncio.run(ensure_topics(kafka_bootstrap, [TopicSpec(topic, "request", dict, "k", 2, (), ())]))
    name = "lagprobe"
    argv = [sys.executable, str(PROBE), name, topic, "2", kafka_bootstrap, str(port)]
    log = (tmp_path / "probe.log").open("w")
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield topic, port
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _lag(port: int) -> dict[int, float] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            text = response.read().decode()
    except OSError:
        return None
    return {
        int(sample.labels["partition"]): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == GAUGE
    }


def _open_gate(port: int) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/open-gate", timeout=5) as response:
        assert response.status == 200


async def _wait_for_lag(port: int, expected: dict[int, float], timeout_s: float = 60.0) -> None:
    """Wait until the service's /metrics shows ``expected``; the timeout only bounds a hang."""
    deadline, seen = time.monotonic() + timeout_s, None
    while (seen := await asyncio.to_thread(_lag, port)) != expected:
        assert time.monotonic() < deadline, f"lag {seen}, expected {expected}"
        await asyncio.sleep(0.2)


@pytest.mark.integration
async def test_lag_of_a_held_consumer_reaches_the_backlog_then_drains(
    probe: tuple[str, int], producer: AIOKafkaProducer
) -> None:
    topic, port = probe
    await _wait_for_lag(port, {0: 0.0, 1: 0.0})

    for partition, count in ((0, 4), (1, 3)):
        for i in range(count):
            await producer.send_and_wait(topic, f"event-{i}".encode(), partition=partition)

    await _wait_for_lag(port, {0: 4.0, 1: 3.0})
    await asyncio.to_thread(_open_gate, port)
    await _wait_for_lag(port, {0: 0.0, 1: 0.0})
