"""ReplyPartitionLease against a real Redis: replicas take distinct partitions without ids."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from gateway import redis_keys as keys
from gateway.reply_lease import ReplyPartitionLease
from llmops.errors import ConfigurationError

TOPIC = "llm.responses.v1"


async def test_replicas_take_distinct_partitions_until_none_is_left(redis: aioredis.Redis) -> None:
    leases = [ReplyPartitionLease(redis, TOPIC, 3) for _ in range(3)]
    try:
        taken = await asyncio.gather(*(lease.acquire() for lease in leases))
        assert sorted(taken) == [0, 1, 2]
        with pytest.raises(ConfigurationError, match="at most 3 gateway replicas"):
            await ReplyPartitionLease(redis, TOPIC, 3).acquire()
    finally:
        for lease in leases:
            await lease.release()


async def test_released_partition_is_free_for_the_next_replica(redis: aioredis.Redis) -> None:
    first = ReplyPartitionLease(redis, TOPIC, 1)
    assert await first.acquire() == 0
    await first.release()

    second = ReplyPartitionLease(redis, TOPIC, 1)
    assert await second.acquire() == 0
    await second.release()


async def test_a_crashed_replica_partition_frees_itself_after_the_ttl(redis: aioredis.Redis) -> None:
    await redis.set(keys.reply_lease(TOPIC, 0), "crashed-replica", px=150)
    lease = ReplyPartitionLease(redis, TOPIC, 1)
    with pytest.raises(ConfigurationError):
        await lease.acquire()
    for _ in range(100):
        if not await redis.exists(keys.reply_lease(TOPIC, 0)):
            break
        await asyncio.sleep(0.05)
    assert await lease.acquire() == 0
    await lease.release()


async def test_lease_is_renewed_while_held(redis: aioredis.Redis) -> None:
    lease = ReplyPartitionLease(redis, TOPIC, 1, ttl_s=0.3)
    await lease.acquire()
    try:
        for _ in range(6):  # well past the TTL: only renewal keeps it
            await asyncio.sleep(0.1)
        assert await redis.get(keys.reply_lease(TOPIC, 0)) == lease.owner.encode()
        assert lease.held
    finally:
        await lease.release()
    assert await redis.get(keys.reply_lease(TOPIC, 0)) is None


async def test_release_never_deletes_another_replicas_lease(redis: aioredis.Redis) -> None:
    lease = ReplyPartitionLease(redis, TOPIC, 1)
    await lease.acquire()
    await redis.set(keys.reply_lease(TOPIC, 0), "someone-else")
    await lease.release()
    assert await redis.get(keys.reply_lease(TOPIC, 0)) == b"someone-else"


async def test_a_fixed_partition_is_taken_or_refused(redis: aioredis.Redis) -> None:
    lease = ReplyPartitionLease(redis, TOPIC, 6, wanted=4)
    assert await lease.acquire() == 4
    with pytest.raises(ConfigurationError, match=r"tried \[4\]"):
        await ReplyPartitionLease(redis, TOPIC, 6, wanted=4).acquire()
    await lease.release()
