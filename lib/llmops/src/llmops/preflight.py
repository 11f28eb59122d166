"""Start-up checks: a server that is missing makes the service exit at once, naming it.

Without them a worker would start, log connection errors in a loop, and look alive
while doing nothing. Each check raises :class:`~llmops.errors.DependencyUnavailable`
with the endpoint it tried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

import aiohttp
import redis.asyncio as aioredis
from aiokafka.admin import AIOKafkaAdminClient

from llmops.errors import DependencyUnavailable

Check = Callable[[], Awaitable[None]]


def kafka(bootstrap: str, timeout_s: float = 10.0) -> Check:
    """Check that the Kafka brokers answer a metadata request."""

    async def check() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout_s * 1000))
        try:
            await asyncio.wait_for(admin.start(), timeout_s)
        except Exception as exc:
            raise DependencyUnavailable("kafka", bootstrap, f"{type(exc).__name__}: {exc}") from exc
        finally:
            await admin.close()

    return check


def http(name: str, url: str, timeout_s: float = 10.0) -> Check:
    """Check that ``GET url`` answers (any status below 500)."""

    async def check() -> None:
        try:
            timeout = aiohttp.ClientTimeout(total=timeout_s)
            async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as response:
                if response.status >= 500:
                    raise DependencyUnavailable(name, url, f"answered {response.status}")
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise DependencyUnavailable(name, url, f"{type(exc).__name__}: {exc}") from exc

    return check


def redis(url: str, timeout_s: float = 5.0) -> Check:
    """Check that Redis answers PING."""

    async def check() -> None:
        client = aioredis.from_url(url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s)
        try:
            await client.ping()
        except Exception as exc:
            raise DependencyUnavailable("redis", url, f"{type(exc).__name__}: {exc}") from exc
        finally:
            await client.aclose()

    return check


async def run_checks(checks: Iterable[Check]) -> None:
    """Run every check concurrently.

    Raises:
        DependencyUnavailable: Naming every server that failed (the first one's type,
            all messages joined), so one start-up attempt reports everything missing.
    """
    results = await asyncio.gather(*(check() for check in checks), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    unexpected = [f for f in failures if not isinstance(f, DependencyUnavailable)]
    if unexpected:
        raise unexpected[0]
    if len(failures) == 1:
        raise failures[0]
    if failures:
        first = failures[0]
        assert isinstance(first, DependencyUnavailable)
        detail = "; ".join(str(f) for f in failures[1:])
        raise DependencyUnavailable(first.name, first.endpoint, f"{first.detail}; also {detail}")
