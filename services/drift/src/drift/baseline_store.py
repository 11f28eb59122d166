"""Reference baselines in Redis, versioned, and recent windows kept for promotion.

Keys (``<key>`` is ``model:version[:tenant]``):

* ``llmops:drift:baseline:<key>:v<N>`` — the sample of baseline version N;
* ``llmops:drift:baseline:<key>`` — hash ``{version, source, created_at}`` naming the current one;
* ``llmops:drift:window:<key>:<start_ms>`` — a closed window's sample, with a TTL, so an
  operator can choose it as the new baseline (``llmops drift baseline promote``).

Versions only grow (``HINCRBY``), so a report's ``reference_version`` always names the
exact sample it was tested against.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from drift.baseline_codec import sample_from_bytes, sample_to_bytes
from drift.sample import FeatureSample
from drift.windows import WindowKey
from llmops.errors import RetriableError

PREFIX = "llmops:drift"


@dataclass(frozen=True)
class Baseline:
    """A versioned reference sample."""

    key: WindowKey
    version: int
    source: str
    sample: FeatureSample


class BaselineStore:
    """Baselines and window snapshots in Redis.

    Args:
        client: An asyncio Redis client (bytes responses).
        window_ttl_s: How long closed windows stay available for promotion.
    """

    def __init__(self, client: aioredis.Redis, window_ttl_s: int = 7 * 24 * 3600) -> None:
        self.client = client
        self.window_ttl_s = window_ttl_s

    async def current(self, key: WindowKey) -> Baseline | None:
        """The current baseline of ``key``, or None when there is none yet."""
        try:
            meta = await self.client.hgetall(f"{PREFIX}:baseline:{key.label()}")
            if not meta or b"version" not in meta:
                return None
            version = int(meta[b"version"])
            data = await self.client.get(f"{PREFIX}:baseline:{key.label()}:v{version}")
        except RedisError as exc:
            raise RetriableError(f"redis read of baseline {key.label()} failed: {exc}") from exc
        if not isinstance(data, bytes):
            return None
        return Baseline(key, version, _text(meta.get(b"source", b"")), sample_from_bytes(data))

    async def put(self, key: WindowKey, sample: FeatureSample, source: str) -> Baseline:
        """Store ``sample`` as the next baseline version of ``key`` and make it current."""
        label = key.label()
        try:
            version = int(await self.client.hincrby(f"{PREFIX}:baseline-versions", label, 1))
            await self.client.set(f"{PREFIX}:baseline:{label}:v{version}", sample_to_bytes(sample))
            await self.client.hset(
                f"{PREFIX}:baseline:{label}",
                mapping={"version": version, "source": source, "created_at": int(time.time() * 1000)},
            )
        except RedisError as exc:
            raise RetriableError(f"redis write of baseline {label} failed: {exc}") from exc
        return Baseline(key, version, source, sample)

    async def keep_window(self, key: WindowKey, start_ms: int, sample: FeatureSample) -> None:
        """Keep a closed window's sample for ``window_ttl_s`` (candidate baseline)."""
        try:
            await self.client.set(
                f"{PREFIX}:window:{key.label()}:{start_ms}", sample_to_bytes(sample), ex=self.window_ttl_s
            )
        except RedisError as exc:
            raise RetriableError(f"redis write of window {key.label()}@{start_ms} failed: {exc}") from exc

    async def promote_window(self, key: WindowKey, start_ms: int) -> Baseline | None:
        """Make a kept window the new baseline; None when that window is not kept (expired)."""
        data = await self.client.get(f"{PREFIX}:window:{key.label()}:{start_ms}")
        if not isinstance(data, bytes):
            return None
        return await self.put(key, sample_from_bytes(data), source=f"window:{start_ms}")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
