"""Open-loop load: requests at a fixed offered rate, latencies and outcomes recorded.

Open loop (arrivals on a schedule, not after the previous answer) so a slow system
cannot slow the load down and hide its own queueing (coordinated omission).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass
class StepResult:
    """One offered-load step against one system."""

    system: str
    offered_rps: float
    duration_s: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def achieved_rps(self) -> float:
        """Successful answers per second of the step."""
        return len(self.latencies_ms) / self.duration_s

    def percentile(self, q: float) -> float:
        """Latency percentile in ms (nearest rank); NaN without successes."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


async def run_step(
    session: aiohttp.ClientSession,
    system: str,
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    rate: float,
    duration_s: float,
) -> StepResult:
    """Offer ``rate`` requests per second for ``duration_s`` and wait for every answer (30 s cap each)."""
    result = StepResult(system, rate, duration_s)
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = []
    for n in range(int(rate * duration_s)):
        due = start + n / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_one(session, url, body, headers, result)))
    await asyncio.gather(*tasks)
    result.duration_s = max(duration_s, loop.time() - start)
    return result


async def _one(
    session: aiohttp.ClientSession,
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    result: StepResult,
) -> None:
    started = time.perf_counter()
    try:
        async with session.post(
            url, json=body, headers=headers, timeout=aiohttp.ClientTimeout(total=30)
        ) as answer:
            await answer.read()
            status = answer.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        result.errors[type(exc).__name__] = result.errors.get(type(exc).__name__, 0) + 1
        return
    if status == 200:
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
    else:
        result.errors[str(status)] = result.errors.get(str(status), 0) + 1
