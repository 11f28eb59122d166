"""Ownership of a reply partition through a lease in Redis.

Each gateway replica takes the first free partition of the reply topic with
``SET NX PX`` and renews it in the background, so replicas need no hand-assigned ids
and a crashed replica's partition frees itself after one TTL. At most as many replicas
as the topic has partitions can serve at once; one more fails at start-up, clearly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from gateway import redis_keys as keys
from gateway.metric_defs import REPLY_PARTITION
from llmops.errors import ConfigurationError

log = logging.getLogger(__name__)

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
"""
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class ReplyPartitionLease:
    """The lease of one reply partition, held while the replica runs.

    Args:
        redis: Where leases live.
        topic: Reply topic.
        partitions: Its partition count.
        ttl_s: Lease lifetime; renewed every third of it.
        wanted: A fixed partition to take (``GATEWAY_REPLY_PARTITION``), or None for the first free one.
    """

    def __init__(
        self,
        redis: aioredis.Redis,
        topic: str,
        partitions: int,
        ttl_s: float = 10.0,
        wanted: int | None = None,
    ) -> None:
        self.redis = redis
        self.topic = topic
        self.partitions = partitions
        self.ttl_ms = int(ttl_s * 1000)
        self.wanted = wanted
        self.owner = uuid.uuid4().hex
        self.partition = -1
        self.held = False
        self._task: asyncio.Task[None] | None = None

    async def acquire(self) -> int:
        """Take a partition and start renewing it.

        Raises:
            ConfigurationError: Every candidate partition is owned by a live replica.
        """
        candidates = [self.wanted] if self.wanted is not None else list(range(self.partitions))
        for partition in candidates:
            if await self.redis.set(
                keys.reply_lease(self.topic, partition), self.owner, nx=True, px=self.ttl_ms
            ):
                self.partition, self.held = partition, True
                REPLY_PARTITION.set(partition)
                self._task = asyncio.create_task(self._renew_forever(), name="reply-lease")
                log.info("reply partition leased", extra={"topic": self.topic, "partition": partition})
                return partition
        raise ConfigurationError(
            f"no free reply partition of {self.topic} (tried {candidates}): at most "
            f"{self.partitions} gateway replicas can run at once; add reply partitions or stop a replica"
        )

    async def release(self) -> None:
        """Stop renewing and free the partition for another replica."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.partition >= 0:
            with contextlib.suppress(RedisError):
                await self.redis.eval(_RELEASE, 1, keys.reply_lease(self.topic, self.partition), self.owner)
        self.held = False
        REPLY_PARTITION.set(-1)

    async def _renew_forever(self) -> None:
        key = keys.reply_lease(self.topic, self.partition)
        while True:
            await asyncio.sleep(self.ttl_ms / 3000)
            try:
                held = bool(await self.redis.eval(_RENEW, 1, key, self.owner, self.ttl_ms))
            except RedisError as exc:
                log.warning("reply lease renewal failed; retrying", extra={"error": str(exc)})
                continue
            if held != self.held:
                log.error(
                    "reply partition lease %s",
                    "regained" if held else "lost to another replica",
                    extra={"partition": self.partition},
                )
            self.held = held
