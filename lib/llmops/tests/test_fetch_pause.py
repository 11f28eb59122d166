"""The pause after an empty fetch: only after fetches without records, installed once, and
hooked into the real aiokafka fetch path (a consumer on the local broker proves it)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.consumer import fetcher

from llmops import fetch_pause


@pytest.fixture
def restore_fetcher() -> Iterator[None]:
    """Put aiokafka's own fetch coroutine back afterwards (the wrap is process-wide)."""
    original = fetcher.Fetcher._proc_fetch_request
    yield
    fetcher.Fetcher._proc_fetch_request = original
    fetch_pause.install(0.0)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch, restore_fetcher: None) -> list[float]:
    """Record the pauses instead of sleeping."""
    recorded: list[float] = []

    async def record(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", record)
    return recorded


@pytest.mark.parametrize(("got_records", "pauses"), [(False, [0.004]), (True, [])])
def test_pauses_only_after_a_fetch_without_records(
    sleeps: list[float], got_records: bool, pauses: list[float]
) -> None:
    async def fetch(*args: Any) -> bool:
        return got_records

    fetch_pause.install(0.004)

    assert asyncio.run(fetch_pause.paused(fetch)("fetcher", "assignment", 1, "request")) is got_records
    assert sleeps == pauses


def test_install_wraps_aiokafkas_fetch_once_and_zero_turns_the_pause_off(sleeps: list[float]) -> None:
    assert fetch_pause.install(0.004)
    wrapped = fetcher.Fetcher._proc_fetch_request
    assert fetch_pause.install(0.0)

    assert fetcher.Fetcher._proc_fetch_request is wrapped  # not wrapped twice
    assert getattr(wrapped, "_llmops_paused", False)

    async def empty(*args: Any) -> bool:
        return False

    asyncio.run(fetch_pause.paused(empty)())
    assert sleeps == []


async def _fetches_while_idle(bootstrap: str, topic: str, idle_s: float) -> int:
    """Fetch requests one idle consumer of ``topic`` sends in ``idle_s`` seconds."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    sent = 0
    real_send = consumer._client.send

    async def counting_send(node_id: int, request: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal sent
        sent += type(request).__name__.startswith("FetchRequest")
        return await real_send(node_id, request, *args, **kwargs)

    consumer._client.send = counting_send
    try:
        consumer.assign([TopicPartition(topic, 0)])
        await consumer.seek_to_end()
        await consumer.getmany(timeout_ms=int(idle_s * 1000))
    finally:
        await consumer.stop()
    return sent


@pytest.mark.integration
async def test_an_idle_consumer_on_the_real_broker_fetches_at_most_once_per_pause(
    kafka_bootstrap: str, restore_fetcher: None
) -> None:
    """With a 50 ms pause, one idle second allows ~20 fetches whatever the broker's long-poll
    behaviour (a loaded machine can only lower the count), so this proves the hook takes."""
    fetch_pause.install(0.05)
    fetches = await _fetches_while_idle(kafka_bootstrap, "llm.drift.v1", idle_s=1.0)
    assert 1 <= fetches <= 25


def test_a_pause_cancelled_by_close_ends_quietly(restore_fetcher: None) -> None:
    """aiokafka's ``Fetcher.close`` cancels in-flight fetches and awaits them without
    suppressing the cancellation: a pause that re-raised it would break ``consumer.stop()``."""

    async def empty(*args: Any) -> bool:
        return False

    async def cancel_mid_pause() -> bool:
        task = asyncio.ensure_future(fetch_pause.paused(empty)())
        await asyncio.sleep(0.01)
        task.cancel()
        return await task

    fetch_pause.install(5.0)
    assert asyncio.run(cancel_mid_pause()) is False
