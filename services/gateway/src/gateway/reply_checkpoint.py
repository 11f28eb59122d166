"""Where reading a reply partition resumes: the next offset, kept in Redis beside the leases.

A replica that takes over a partition (after a restart, or a crashed owner's lease ran
out) resumes after the last response settled there, so responses produced while nobody
read the partition are still settled and their results become retrievable. Settlement
is idempotent, so re-reading a few responses after a crash is harmless. The checkpoint
is written after the callers of a batch are woken, off their critical path.
"""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from gateway import redis_keys as keys

log = logging.getLogger(__name__)


class ReplyCheckpoint:
    """The resume offset of one reply partition.

    Args:
        redis: Where it is kept.
        topic: Reply topic.
        partition: The partition.
    """

    def __init__(self, redis: aioredis.Redis, topic: str, partition: int) -> None:
        self.redis = redis
        self.key = keys.reply_offset(topic, partition)

    async def load(self) -> int | None:
        """The offset to resume at; None when the partition was never read (start at its end)."""
        value = await self.redis.get(self.key)
        return int(value) if value is not None else None

    async def save(self, next_offset: int) -> None:
        """Remember that everything before ``next_offset`` is settled (best effort: logged on failure)."""
        try:
            await self.redis.set(self.key, next_offset)
        except RedisError as exc:
            log.warning("reply checkpoint not saved", extra={"error": str(exc), "offset": next_offset})
