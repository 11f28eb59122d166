"""Check the demo's side effects: audit records in Elasticsearch, metrics in Prometheus."""

from __future__ import annotations

import asyncio
import time

import aiohttp


async def count_audit_records(es_url: str, index: str, request_ids: list[str], wait_s: float = 20.0) -> int:
    """Count audit documents for ``request_ids``, waiting up to ``wait_s`` for them to be indexed.

    ``index`` is the audit alias over the daily indices, so the ids are counted with a
    search (``_mget`` needs one concrete index).
    """
    deadline = time.monotonic() + wait_s
    found = 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        while True:
            query = {"query": {"ids": {"values": request_ids}}}
            async with session.post(f"{es_url}/{index}/_count", json=query) as response:
                if response.status == 200:
                    found = int((await response.json()).get("count", 0))
            if found >= len(request_ids) or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.5)


async def prometheus_value(prometheus_url: str, query: str, wait_s: float = 20.0) -> float | None:
    """Evaluate an instant PromQL query, waiting for a non-empty answer (the scrape interval is 2 s)."""
    deadline = time.monotonic() + wait_s
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        while True:
            async with session.get(f"{prometheus_url}/api/v1/query", params={"query": query}) as response:
                result = (await response.json()).get("data", {}).get("result", [])
            if result:
                return float(result[0]["value"][1])
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(1.0)
