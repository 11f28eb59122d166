"""The baseline commands' implementation (``llmops drift baseline ...``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import redis.asyncio as aioredis

from drift.baseline_codec import sample_from_bytes, sample_to_bytes
from drift.baseline_store import Baseline, BaselineStore
from drift.windows import WindowKey


@asynccontextmanager
async def _store(redis_url: str) -> AsyncIterator[BaselineStore]:
    client = aioredis.Redis.from_url(redis_url)
    try:
        yield BaselineStore(client)
    finally:
        await client.aclose()


def describe(baseline: Baseline) -> str:
    """One line: key, version, source and rows per feature."""
    sizes = ", ".join(
        f"{name}={baseline.sample.size(name)}"
        for name in [*baseline.sample.continuous, *baseline.sample.categorical, *baseline.sample.embeddings]
    )
    return f"{baseline.key.label()} baseline v{baseline.version} from {baseline.source}: {sizes}"


async def load(redis_url: str, model: str, version: str, tenant: str | None, file: Path) -> str:
    """Store ``file`` as the next baseline version."""
    sample = sample_from_bytes(await asyncio.to_thread(file.read_bytes))
    async with _store(redis_url) as store:
        baseline = await store.put(WindowKey(model, version, tenant), sample, f"file:{file.name}")
    return describe(baseline)


async def export(
    redis_url: str, model: str, version: str, tenant: str | None, file: Path
) -> tuple[str, bool]:
    """Write the current baseline to ``file``."""
    async with _store(redis_url) as store:
        baseline = await store.current(WindowKey(model, version, tenant))
    if baseline is None:
        return f"no baseline for {WindowKey(model, version, tenant).label()}", False
    await asyncio.to_thread(file.write_bytes, sample_to_bytes(baseline.sample))
    return describe(baseline), True


async def promote(
    redis_url: str, model: str, version: str, tenant: str | None, start_ms: int
) -> tuple[str, bool]:
    """Make the kept window starting at ``start_ms`` the new baseline."""
    async with _store(redis_url) as store:
        baseline = await store.promote_window(WindowKey(model, version, tenant), start_ms)
    if baseline is None:
        return (
            f"window {start_ms} of {WindowKey(model, version, tenant).label()} is not kept (expired?)",
            False,
        )
    return describe(baseline), True


async def show(redis_url: str, model: str, version: str, tenant: str | None) -> tuple[str, bool]:
    """Describe the current baseline."""
    async with _store(redis_url) as store:
        baseline = await store.current(WindowKey(model, version, tenant))
    if baseline is None:
        return f"no baseline for {WindowKey(model, version, tenant).label()}", False
    return describe(baseline), True
