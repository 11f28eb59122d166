"""Baselines in a real redis-server: versions, current pointer, kept windows and promotion."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import numpy as np
import pytest
import redis.asyncio as aioredis

from drift.baseline_store import BaselineStore
from drift.features import Stream
from drift.sample import FeatureSample
from drift.windows import WindowKey
from llmops.errors import RetriableError

pytestmark = pytest.mark.integration


def _sample(value: float) -> FeatureSample:
    return FeatureSample(events={Stream.COMPLETION: 1}, continuous={"prompt_tokens": np.array([value])})


@pytest.fixture
async def store(redis_url: str) -> AsyncIterator[BaselineStore]:
    client = aioredis.Redis.from_url(redis_url)
    yield BaselineStore(client, window_ttl_s=60)
    await client.aclose()


@pytest.fixture
def key() -> WindowKey:
    return WindowKey("llama", str(uuid.uuid4()), "acme")


async def test_no_baseline_yet(store: BaselineStore, key: WindowKey) -> None:
    assert await store.current(key) is None


async def test_versions_grow_and_the_latest_is_current(store: BaselineStore, key: WindowKey) -> None:
    first = await store.put(key, _sample(1.0), "window:0")
    second = await store.put(key, _sample(2.0), "file:b.npz")

    current = await store.current(key)

    assert (first.version, second.version) == (1, 2)
    assert current is not None
    assert (current.version, current.source) == (2, "file:b.npz")
    assert current.sample.continuous["prompt_tokens"].tolist() == [2.0]


async def test_kept_window_can_be_promoted(store: BaselineStore, key: WindowKey) -> None:
    await store.keep_window(key, 3_600_000, _sample(7.0))

    promoted = await store.promote_window(key, 3_600_000)

    assert promoted is not None and promoted.source == "window:3600000"
    assert await store.promote_window(key, 0) is None
    ttl = await store.client.ttl(f"llmops:drift:window:{key.label()}:3600000")
    assert 0 < ttl <= 60


async def test_unreachable_redis_is_retriable() -> None:
    client = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    with pytest.raises(RetriableError, match="redis read"):
        await BaselineStore(client).current(WindowKey("m", "1"))
    await client.aclose()
